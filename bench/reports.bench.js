// Organiser reports at movement scale, on PostgreSQL (docs/performance.md, "Reports").
//
// A fresh database gets the demo accounts (npm run db:seed) and then a generated movement
// (bench/generate-movement.js): 50,000 activists in 650 constituencies and 2,000
// branches, 12 modules, ~1.9 million step views, ~300,000 completions. The demo
// organiser organises a "region" of it (8 constituencies and 25 branches, ~1,800
// people); the admin sees the whole movement. The app runs on that database with the 12
// generated modules as its content.
//
// Each page is requested one at a time (3 warm-up requests, then 15 timed), so the time
// is the server's time to answer plus loopback transfer, not queueing. Baseline (a) is the
// signed-in `GET /` of the demo activist, timed the same way in the same run; ÷ (a) is
// (a)'s median ÷ the page's median, so ≥ 0.1 means "within 10× of GET /". The CSV export
// of the whole matrix (50,000 rows) is timed to its last byte while the server's resident
// memory is sampled every 20 ms.
//
//   npm run bench -- --only=reports --db=postgres     (through the runner: table + docs)
//   node bench/reports.bench.js [--scale=0.1]          (alone: detailed report as JSON)
//   BENCH_REPORTS_SCALE=0.1 npm run bench -- …         (a smaller movement through the runner)
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import postgres from "postgres";
import { generateMovement, moduleSlug, writeModules } from "./generate-movement.js";
import { createDatabase, DEFAULT_POSTGRES_URL, DEMO_USERS, ensureBuild, onInterrupt, postgresReachable, ROOT, round, signIn, startApp } from "./lib.js";

export const title = "Reports — organiser pages at 50,000 activists (PostgreSQL)";
export const description =
  "Each page requested one at a time (15 timed after 3 warm-up): p50/p99 are response times in ms; (a) is the signed-in `GET /` " +
  "timed the same way in the same run, and ÷ (a) = (a) ÷ page, so ≥ 0.1 means within 10× of `GET /`. Aim: every page p50 < 200 ms. " +
  "Organiser = a region of ~1,800 people; admin = all 50,000. The export row's req/s column is rows per second; see docs/performance.md, Reports, for memory.";
export const order = 60;

const SAMPLES = Number(process.env.BENCH_REPORTS_SAMPLES ?? 15);
const WARMUP = 3;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function percentile(sorted, p) {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Time `samples` sequential GETs of one page; fail loudly on a wrong status or body. */
async function timePage(origin, pagePath, cookie, expectText) {
  const once = async () => {
    const started = performance.now();
    const res = await fetch(new URL(pagePath, origin), { headers: { Cookie: cookie, "Accept-Encoding": "identity" }, redirect: "manual", signal: AbortSignal.timeout(30_000) });
    const body = await res.text();
    const ms = performance.now() - started;
    if (res.status !== 200) throw new Error(`${pagePath} answered ${res.status}: ${body.slice(0, 200)}`);
    if (expectText && !body.includes(expectText)) throw new Error(`${pagePath} does not contain ${JSON.stringify(expectText)}`);
    return { ms, bytes: Buffer.byteLength(body) };
  };
  for (let i = 0; i < WARMUP; i++) await once();
  const times = [];
  let bytes = 0;
  for (let i = 0; i < SAMPLES; i++) {
    const r = await once();
    times.push(r.ms);
    bytes = r.bytes;
  }
  times.sort((a, b) => a - b);
  return { p50: round(percentile(times, 50), 1), p99: round(percentile(times, 99), 1), min: round(times[0], 1), bytes };
}

function rssKb(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  } catch {
    return null;
  }
}

/** Download a CSV to the end, counting rows, while sampling the server's RSS. */
async function timeExport(origin, exportPath, cookie, pid) {
  const before = [];
  for (let i = 0; i < 5; i++) {
    before.push(rssKb(pid) ?? 0);
    await sleep(20);
  }
  const baseline = Math.max(...before);
  let peak = baseline;
  const sampler = setInterval(() => {
    const kb = rssKb(pid);
    if (kb && kb > peak) peak = kb;
  }, 20);
  const started = performance.now();
  let firstByte = null;
  let bytes = 0;
  let lines = 0;
  try {
    const res = await fetch(new URL(exportPath, origin), { headers: { Cookie: cookie, "Accept-Encoding": "identity" }, signal: AbortSignal.timeout(300_000) });
    if (res.status !== 200) throw new Error(`${exportPath} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
    for await (const chunk of res.body) {
      if (firstByte === null) firstByte = performance.now() - started;
      bytes += chunk.length;
      for (const byte of chunk) if (byte === 10) lines++;
    }
  } finally {
    clearInterval(sampler);
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    seconds: round(seconds, 2),
    firstByteMs: round(firstByte ?? 0, 1),
    rows: lines - 1,
    megabytes: round(bytes / 1e6, 1),
    rowsPerSec: round((lines - 1) / seconds),
    rssBeforeMb: round(baseline / 1024, 1),
    rssPeakMb: round(peak / 1024, 1),
    rssGrowthMb: round((peak - baseline) / 1024, 1),
  };
}

/** Migrate and seed the demo accounts, with the generated modules as the content. */
function seed(url, contentDir) {
  const result = spawnSync(path.join(ROOT, "node_modules/.bin/tsx"), ["db/seed-cli.ts"], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: url, CONTENT_DIR: contentDir },
    encoding: "utf8",
    timeout: 300_000,
  });
  if (result.status !== 0) throw new Error(`seeding failed:\n${result.stdout}\n${result.stderr}`);
}

export async function runReportsBench({ scale = Number(process.env.BENCH_REPORTS_SCALE ?? 1), log = console.log } = {}) {
  const contentDir = mkdtempSync(path.join(os.tmpdir(), "doorstep-bench-modules-"));
  writeModules(contentDir);
  const database = await createDatabase(DEFAULT_POSTGRES_URL, "doorstep_bench_reports");
  const forget = onInterrupt(() => database.drop());
  let app;
  try {
    log(`  reports: seeding ${database.name} and generating the movement (scale ${scale})…`);
    seed(database.url, contentDir);
    const sql = postgres(database.url, { max: 1, onnotice: () => {} });
    let counts;
    let regionMember;
    try {
      counts = await generateMovement(sql, { scale, organiserEmail: DEMO_USERS.organiser, log: (line) => log(`  ${line.trim()}`) });
      // Someone in the organiser's region with progress, for the drill-down.
      [regionMember] = await sql`
        select m.user_id as id from memberships m
        join memberships o on o.group_id = m.group_id and o.user_id = (select id from users where email = ${DEMO_USERS.organiser})
        where m.user_id like 'bench-%' and exists (select 1 from module_completions c where c.user_id = m.user_id)
        order by m.user_id limit 1`;
    } finally {
      await sql.end({ timeout: 5 });
    }
    app = await startApp({ env: { DATABASE_URL: database.url, CONTENT_DIR: contentDir }, label: "app (reports bench)", timeoutMs: 300_000 });
    const cookies = {
      activist: await signIn(app.origin, DEMO_USERS.activist),
      organiser: await signIn(app.origin, DEMO_USERS.organiser),
      admin: await signIn(app.origin, DEMO_USERS.admin),
    };
    const module3 = moduleSlug(3);
    const pages = [
      { key: "home", name: "(a) signed-in GET / (activist)", who: "activist", path: "/", expect: "Sign out" },
      { key: "overview-organiser", name: "overview (organiser, region)", who: "organiser", path: "/reports", expect: "Completions per module" },
      { key: "overview-admin", name: "overview (admin, whole movement)", who: "admin", path: "/reports", expect: "Completions per module" },
      { key: "matrix-organiser", name: "matrix, filtered, page 1 (organiser)", who: "organiser", path: `/reports/activists?module=${module3}&status=in-progress`, expect: "match" },
      { key: "matrix-admin", name: "matrix, filtered, page 1 (admin)", who: "admin", path: `/reports/activists?module=${module3}&status=in-progress`, expect: "match" },
      { key: "matrix-admin-sorted", name: "matrix, sorted by a module, page 1 (admin)", who: "admin", path: `/reports/activists?sort=m:${module3}&dir=desc`, expect: "match" },
      { key: "activist-organiser", name: "activist drill-down (organiser)", who: "organiser", path: `/reports/activists/${regionMember?.id ?? "bench-1"}`, expect: "Quiz best scores" },
      { key: "module-organiser", name: "module detail (organiser)", who: "organiser", path: `/reports/modules/${module3}`, expect: "Completion by group" },
      { key: "module-admin", name: "module detail (admin)", who: "admin", path: `/reports/modules/${module3}`, expect: "Completion by group" },
    ];
    const timings = {};
    for (const page of pages) {
      log(`  reports: ${page.name}`);
      timings[page.key] = { ...page, ...(await timePage(app.origin, page.path, cookies[page.who], page.expect)) };
    }
    // The first export also grows the heap to its working size (V8 sizes it lazily); the
    // second shows what an export costs once the process is warm.
    log("  reports: CSV export of the whole matrix (admin), twice");
    const exportAdminCold = await timeExport(app.origin, "/reports/export/matrix", cookies.admin, app.pid);
    const exportAdmin = await timeExport(app.origin, "/reports/export/matrix", cookies.admin, app.pid);
    log("  reports: CSV export of the region's matrix (organiser)");
    const exportOrganiser = await timeExport(app.origin, "/reports/export/matrix", cookies.organiser, app.pid);
    await app.stop();
    // Constant memory, proven the hard way: a server whose JavaScript heap may not pass
    // 48 MB still streams all 50,000 rows (18+ MB of CSV).
    log("  reports: CSV export of the whole matrix on a server limited to a 48 MB heap");
    app = await startApp({
      env: { DATABASE_URL: database.url, CONTENT_DIR: contentDir, NODE_OPTIONS: "--max-old-space-size=48" },
      label: "app (reports bench, 48 MB heap)",
      timeoutMs: 300_000,
    });
    const exportSmallHeap = await timeExport(app.origin, "/reports/export/matrix", await signIn(app.origin, DEMO_USERS.admin), app.pid);
    return { scale, counts, timings, exportAdminCold, exportAdmin, exportOrganiser, exportSmallHeap };
  } finally {
    await app?.stop();
    await database.drop().catch((error) => log(`  reports: could not drop ${database.name}: ${error.message}`));
    forget();
    rmSync(contentDir, { recursive: true, force: true });
  }
}

/** @param {ReturnType<typeof import("./lib.js").createContext>} ctx */
export async function run(ctx) {
  if (ctx.db.kind !== "postgres") {
    ctx.log("  reports: PostgreSQL only (the movement is generated with set-based SQL); skipped on PGlite.");
    return [];
  }
  const r = await runReportsBench({ log: ctx.log });
  ctx.log(`  reports: ${JSON.stringify({ counts: r.counts, exportAdminCold: r.exportAdminCold, exportAdmin: r.exportAdmin, exportOrganiser: r.exportOrganiser, exportSmallHeap: r.exportSmallHeap })}`);
  const home = r.timings.home;
  const rows = Object.values(r.timings).map((t) => ({
    kind: t.key === "home" ? "baseline-a" : "measured",
    name: t.key === "home" ? t.name : `${t.name}${t.p50 < 200 ? "" : " ⚠ p50 ≥ 200 ms"}`,
    db: "postgres",
    bytes: t.bytes,
    p50: t.p50,
    p99: t.p99,
    ...(t.key === "home" ? {} : { vsA: round(home.p50 / t.p50, 3), aim: { of: "a", min: 0.1 } }),
  }));
  for (const [who, e] of [
    ["admin, first", r.exportAdminCold],
    ["admin, warm", r.exportAdmin],
    ["organiser", r.exportOrganiser],
    ["admin, 48 MB heap", r.exportSmallHeap],
  ]) {
    rows.push({
      kind: "measured",
      name: `CSV export of the matrix (${who}): ${e.rows} rows, ${e.megabytes} MB in ${e.seconds} s; peak RSS ${e.rssPeakMb} MB (+${e.rssGrowthMb} MB)${e.rssGrowthMb < 100 ? "" : " ⚠"}`,
      db: "postgres",
      bytes: Math.round(e.megabytes * 1e6),
      requestsPerSec: e.rowsPerSec,
      p50: e.firstByteMs,
      p99: Math.round(e.seconds * 1000),
    });
  }
  return rows;
}

// Alone: `node bench/reports.bench.js [--scale=0.1]` prints the full result as JSON.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const arg = process.argv.find((a) => a.startsWith("--scale="));
  if (!(await postgresReachable())) {
    console.error(`PostgreSQL is not reachable at ${DEFAULT_POSTGRES_URL} (set BENCH_POSTGRES_URL).`);
    process.exit(1);
  }
  ensureBuild();
  const result = await runReportsBench({ scale: arg ? Number(arg.split("=")[1]) : undefined, log: (line) => console.error(line) });
  console.log(JSON.stringify(result, null, 2));
  process.exit(0);
}
