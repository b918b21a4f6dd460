// Browser JavaScript on every learner page, and a first visit on a slow phone network
// (docs/performance.md, "Browser JavaScript"; issue 18 part 6). Aim: at most 100 kB of
// gzipped JavaScript on each page and a first load under 5 s on "Slow 4G". Bytes and
// milliseconds of one page load, not load testing: no baseline columns.
// tests/e2e/foundation.spec.ts guards against server libraries in the scripts.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { CHROMIUM, SLOW_4G_LABEL, scriptBytes } from "./client-js.js";
import { DEMO_USERS, ROOT } from "./lib.js";

export const title = "Browser JavaScript and first load — every learner page on a slow phone";
export const description = `Each page loaded in Chromium at 390 px: every script it loads added up, raw and gzipped, then loaded again in a fresh context with ${SLOW_4G_LABEL}, timed from navigation to the load event. Aim: ≤ 100 kB gzipped and < 5 s on every page. Signed in as the demo activist except /login; /live/… is the participant page of a session the demo trainer started. Runs on PGlite only (the figures are about the browser, not the database).`;
export const order = 90;

const ACTIVITY_TAGS = { Poll: "poll", Quiz: "quiz", Reflect: "reflect", RolePlay: "roleplay", Scenario: "scenario", Record: "record" };

/** One step per activity kind (and one reading-only step) from the project's own modules. */
export function stepPerKind(contentDir = path.join(ROOT, "content/modules")) {
  const found = new Map();
  for (const slug of readdirSync(contentDir).sort()) {
    const file = path.join(contentDir, slug, "index.mdx");
    if (slug === "example" || !existsSync(file)) continue;
    const source = readFileSync(file, "utf8");
    const steps = source.split(/^<Step id="/m).slice(1);
    for (const step of steps) {
      const id = step.slice(0, step.indexOf('"'));
      const tags = [...step.matchAll(/^<([A-Z][A-Za-z]*) id=/gm)].map((m) => ACTIVITY_TAGS[m[1]]).filter(Boolean);
      const kind = tags[0] ?? "reading";
      if (!found.has(kind)) found.set(kind, { kind, slug, step: id });
    }
  }
  return [...found.values()].sort((a, b) => a.kind.localeCompare(b.kind));
}

async function post(origin, pathname, cookie, fields) {
  return fetch(new URL(pathname, origin), {
    method: "POST",
    redirect: "manual",
    headers: { Origin: origin, Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields),
    signal: AbortSignal.timeout(15_000),
  });
}

/** @param {ReturnType<typeof import("./lib.js").createContext>} ctx */
export async function run(ctx) {
  if (ctx.db.kind !== "pglite") return [];
  if (!existsSync(CHROMIUM)) {
    ctx.log(`  client-js: no Chromium at ${CHROMIUM}; skipped.`);
    return [];
  }
  const origin = ctx.app.origin;
  const activist = await ctx.signIn(DEMO_USERS.activist);
  const trainer = await ctx.signIn(DEMO_USERS.trainer);
  const steps = stepPerKind();
  const liveModule = steps.find((s) => s.kind === "poll")?.slug ?? steps[0].slug;
  const started = await post(origin, "/live/new", trainer, { moduleSlug: liveModule });
  const code = /\/live\/([A-Z]{6})\/present$/.exec(started.headers.get("location") ?? "")?.[1];
  if (!code) throw new Error(`client-js: could not start a live session (HTTP ${started.status})`);
  const joined = await post(origin, `/join/${code}`, activist, { intent: "join" });
  if (joined.status !== 302 && joined.status !== 303) throw new Error(`client-js: joining ${code} answered ${joined.status}`);

  const pages = [
    { path: "/login", label: "/login (signed out)" },
    { path: "/", cookie: activist, label: "/ (home)" },
    { path: "/modules", cookie: activist, label: "/modules" },
    { path: `/modules/${steps[0].slug}`, cookie: activist, label: "/modules/<module>" },
    ...steps.map((s) => ({ path: `/modules/${s.slug}/${s.step}`, cookie: activist, label: `step with ${s.kind} (${s.slug}/${s.step})` })),
    { path: "/join", cookie: activist, label: "/join" },
    { path: `/live/${code}`, cookie: activist, label: "/live/<code> (participant)" },
  ];
  const sizes = await scriptBytes(origin, pages);
  const timed = await scriptBytes(origin, pages, { throttled: true });
  const kB = (n) => `${(n / 1024).toFixed(0)} kB`;
  return sizes.map((r, i) => {
    const loadMs = timed[i].loadMs;
    const met = r.gzipped <= 100 * 1024 && loadMs !== null && loadMs < 5000;
    return {
      kind: "measured",
      name: `${r.label}: ${r.scripts} scripts, ${kB(r.raw)} raw, ${kB(r.gzipped)} gzipped; first load ${(loadMs / 1000).toFixed(1)} s${met ? "" : " (aim not met)"}`,
      db: "pglite",
    };
  });
}
