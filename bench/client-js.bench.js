// Browser JavaScript: the scripts /login and /join make a phone download, signed out
// (docs/performance.md, "Browser JavaScript"). Bytes, not speed: no baseline and no aim;
// tests/e2e/foundation.spec.ts guards against server libraries in them.
import { existsSync } from "node:fs";
import { CHROMIUM, scriptBytes } from "./client-js.js";

export const title = "Browser JavaScript — scripts the sign-in and join pages load";
export const description =
  "Each page loaded once in Chromium, signed out; every script it loads added up, raw and gzipped (the Measurement column; the other columns are empty). The pages do not touch the database, so this runs on PGlite only.";
export const order = 90;

/** @param {ReturnType<typeof import("./lib.js").createContext>} ctx */
export async function run(ctx) {
  if (ctx.db.kind !== "pglite") return [];
  if (!existsSync(CHROMIUM)) {
    ctx.log(`  client-js: no Chromium at ${CHROMIUM}; skipped.`);
    return [];
  }
  const kB = (n) => `${(n / 1024).toFixed(0)} kB`;
  return (await scriptBytes(ctx.app.origin, ["/login", "/join"])).map((r) => ({
    kind: "measured",
    name: `${r.path}: ${r.scripts} scripts, ${kB(r.raw)} raw, ${kB(r.gzipped)} gzipped`,
    db: "pglite",
  }));
}
