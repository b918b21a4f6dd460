// Content compile and server start (issue 3, docs/performance.md "Content: compile and
// start"). Every module in content/modules is compiled at boot by loadCatalog()
// (app/content/catalog.server.ts) or read from the cache under CONTENT_CACHE_DIR, keyed by
// slug + content hash. Measured, each start a fresh `node server.js` on its own database:
//
//   (a) start with no modules (an empty CONTENT_DIR): what a start costs without content
//   cold start: an empty cache directory, so every module is compiled with mdx-bundler
//   warm start: the cache that the cold start left, so every module is read from JSON
//
// Time to ready = spawn → first HTTP answer (polled every 20 ms). The boot log's
// "Content: … in N ms" line gives the catalogue's own time (compile or cache read).
// Rounds alternate cold and warm; the median of each is reported.
//
//   npm run bench -- --only=content            (both databases; PGlite alone is enough)
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createDatabase, DEFAULT_POSTGRES_URL, median, onInterrupt, ROOT, round, startApp, tempPgliteDir } from "./lib.js";

export const title = "Content — cold compile of every module and warm start from cache";
export const description =
  "Time from `node server.js` to its first HTTP answer (p50 = median of the rounds, p99 = slowest), and the catalogue's own time from the boot log " +
  "(compile of every module in content/modules with an empty cache, or reading them from `CONTENT_CACHE_DIR`). ÷ (a) = (a) ÷ the row: the share of a " +
  "start that is not spent on content. Each start is a fresh process on the same (already migrated) database.";
export const order = 40;

const CONTENT_LINE = /Content: (\d+) modules ready \((\d+) compiled, (\d+) from cache\) in (\d+) ms/;

function moduleCount() {
  const dir = path.join(ROOT, "content/modules");
  return readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, "index.mdx"))).length;
}

async function timedStart(env, label) {
  const started = performance.now();
  const app = await startApp({ env, label, pollMs: 20, timeoutMs: 180_000 });
  const readyMs = performance.now() - started;
  const line = CONTENT_LINE.exec(app.output());
  await app.stop();
  if (!line) throw new Error(`${label}: no "Content: … modules ready" line in the boot log:\n${app.output()}`);
  return { readyMs: round(readyMs, 0), modules: Number(line[1]), compiled: Number(line[2]), cached: Number(line[3]), contentMs: Number(line[4]) };
}

/** @param {ReturnType<typeof import("./lib.js").createContext>} ctx */
export async function run(ctx) {
  const work = mkdtempSync(path.join(os.tmpdir(), "doorstep-bench-content-"));
  const emptyContent = path.join(work, "no-modules");
  mkdirSync(emptyContent);
  const warmCache = path.join(work, "cache-warm");
  let database;
  let forget = () => {};
  try {
    // Its own database, so the app under test elsewhere in the run is left alone.
    if (ctx.db.kind === "pglite") {
      const dir = tempPgliteDir();
      database = { env: { PGLITE_DIR: dir.dir }, drop: async () => dir.rm() };
    } else {
      const created = await createDatabase(DEFAULT_POSTGRES_URL, "doorstep_bench_content");
      forget = onInterrupt(() => created.drop());
      database = { env: { DATABASE_URL: created.url }, drop: () => created.drop() };
    }
    // First start: migrations (and PGlite's demo seeding), and the warm cache filled.
    ctx.log(`  ${ctx.db.label}: first start (migrate, seed, fill the cache)`);
    const first = await timedStart({ ...database.env, CONTENT_CACHE_DIR: warmCache }, "content bench (first start)");
    const expected = moduleCount();
    if (first.modules !== expected) throw new Error(`the catalogue has ${first.modules} modules, content/modules ${expected}`);

    const runs = { none: [], cold: [], warm: [] };
    for (let r = 0; r < ctx.options.rounds; r++) {
      const tag = ` [round ${r + 1}/${ctx.options.rounds}]`;
      ctx.log(`  ${ctx.db.label}: (a) start with no modules${tag}`);
      runs.none.push(await timedStart({ ...database.env, CONTENT_DIR: emptyContent, CONTENT_CACHE_DIR: path.join(work, `cache-none-${r}`) }, "content bench (no modules)"));
      ctx.log(`  ${ctx.db.label}: cold start, empty cache${tag}`);
      const coldCache = path.join(work, `cache-cold-${r}`);
      const cold = await timedStart({ ...database.env, CONTENT_CACHE_DIR: coldCache }, "content bench (cold)");
      if (cold.compiled !== expected) throw new Error(`cold start compiled ${cold.compiled} of ${expected} modules`);
      runs.cold.push(cold);
      rmSync(coldCache, { recursive: true, force: true });
      ctx.log(`  ${ctx.db.label}: warm start, cache present${tag}`);
      const warm = await timedStart({ ...database.env, CONTENT_CACHE_DIR: warmCache }, "content bench (warm)");
      if (warm.cached !== expected) throw new Error(`warm start read ${warm.cached} of ${expected} modules from the cache`);
      runs.warm.push(warm);
    }
    ctx.log(`  content: ${JSON.stringify(runs)}`);

    const summary = (list) => ({
      p50: round(median(list.map((x) => x.readyMs)), 0),
      p99: Math.max(...list.map((x) => x.readyMs)),
      contentMs: round(median(list.map((x) => x.contentMs)), 0),
      rounds: list,
    });
    const none = summary(runs.none);
    const cold = summary(runs.cold);
    const warm = summary(runs.warm);
    const row = (kind, name, s) => ({ kind, name, db: ctx.db.kind, p50: s.p50, p99: s.p99, contentMs: s.contentMs, vsA: kind === "baseline-a" ? undefined : round(none.p50 / s.p50, 3), rounds: s.rounds });
    return [
      row("baseline-a", "(a) server start, no modules (empty CONTENT_DIR)", none),
      row("measured", `cold start: compile all ${expected} modules, empty cache (catalogue ${cold.contentMs} ms of it)`, cold),
      row("measured", `warm start: all ${expected} modules from cache (catalogue ${warm.contentMs} ms of it; ${round(warm.p50 / cold.p50, 2)} × the cold start)`, warm),
    ];
  } finally {
    await database?.drop().catch((error) => ctx.log(`  cleanup: ${error.message}`));
    forget();
    rmSync(work, { recursive: true, force: true });
  }
}
