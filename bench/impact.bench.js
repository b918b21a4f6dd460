// The impact report at movement scale, on PostgreSQL (docs/reports.md, "Impact").
//
// A fresh database gets the demo accounts and the generated movement of the reports bench
// (bench/generate-movement.js: 50,000 activists, 12 modules, ~300,000 completions), then
// field data: 500,000 debriefs and 5,000,000 imported contact rows over the last year, by
// six in ten activists in their constituency, and field_daily built from them set-based
// (what adjustFieldDaily keeps up to date row by row; the demo seed's own field data is
// already in it), and the objection rollups of migration 0024 rebuilt from the debriefs. The demo organiser organises a
// region of ~1,800 people; the admin sees the whole movement.
//
// Each page is requested one at a time (3 warm-up, then 15 timed), beside the signed-in
// `GET /` of the demo activist timed the same way in the same run (a). Aim: every impact
// page p50 < 200 ms and within 10× of (a).
//
//   npm run bench -- --only=impact --db=postgres
//   node bench/impact.bench.js [--scale=0.1]          (alone: JSON)
//   node bench/impact.bench.js --reuse [--scale=0.1]  (keep the generated database and reuse it)
//
// --reuse keeps the database under a fixed name per scale (doorstep_bench_impact_kept_s<scale
// × 100>) rather than dropping it, and a later --reuse run skips the ~8 minutes of generating:
// the app migrates it on start, so new migrations (and their back-fills) apply to it too.
// A database is reused only once its generation finished (the bench_generated table);
// `--reuse --fresh` drops and generates it again. Drop it by hand when done:
//   psql -h 127.0.0.1 -U postgres -c 'drop database doorstep_bench_impact_kept_s100'
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import postgres from "postgres";
import { generateMovement, writeModules } from "./generate-movement.js";
import { createDatabase, DEFAULT_POSTGRES_URL, DEMO_USERS, dropDatabase, ensureBuild, onInterrupt, postgresReachable, ROOT, round, signIn, startApp } from "./lib.js";

export const title = "Impact report — 50,000 activists, 500,000 debriefs, 5,000,000 contacts (PostgreSQL)";
export const description =
  "Each page requested one at a time (15 timed after 3 warm-up): p50/p99 in ms; (a) is the signed-in `GET /` timed the same way in the same run, " +
  "and ÷ (a) = (a) ÷ page, so ≥ 0.1 means within 10× of `GET /`. Aim: every page p50 < 200 ms. Organiser = a region of ~1,800 people; admin = everyone.";
export const order = 61;

const SAMPLES = Number(process.env.BENCH_IMPACT_SAMPLES ?? 15);
const WARMUP = 3;

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

async function timePage(origin, pagePath, cookie, expectText, before) {
  const once = async () => {
    if (before) await before();
    const started = performance.now();
    const res = await fetch(new URL(pagePath, origin), { headers: { Cookie: cookie, "Accept-Encoding": "identity" }, redirect: "manual", signal: AbortSignal.timeout(60_000) });
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
  return { p50: round(percentile(times, 50), 1), p99: round(percentile(times, 99), 1), bytes };
}

function seed(url, contentDir) {
  const result = spawnSync(path.join(ROOT, "node_modules/.bin/tsx"), ["db/seed-cli.ts"], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: url, CONTENT_DIR: contentDir },
    encoding: "utf8",
    timeout: 300_000,
  });
  if (result.status !== 0) throw new Error(`seeding failed:\n${result.stdout}\n${result.stderr}`);
}

/** Debriefs, contacts and their rollup, set-based. Returns row counts. */
export async function generateField(sql, { scale = 1, log = console.log } = {}) {
  const debriefCount = Math.round(500_000 * scale);
  const contactCount = Math.round(5_000_000 * scale);
  const step = async (label, query) => {
    const t = Date.now();
    await query;
    log(`  field: ${label} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  };
  await sql`create or replace function pg_temp.fh(x text) returns int language sql immutable as $$ select (abs(hashtext(x)) % 1000) $$`;
  await sql`create temp table canv as
    select row_number() over (order by m.user_id) as rn, m.user_id, m.group_id
    from memberships m join groups g on g.id = m.group_id and g.kind = 'constituency'
    where m.user_id like 'bench-%' and pg_temp.fh('canvasses' || m.user_id) < 600`;
  const [{ n }] = await sql`select count(*)::int as n from canv`;
  await sql`create index on canv (rn)`;
  // Debriefs go in with triggers off (as generate-movement.js loads completions), and the
  // objection rollups they would keep are rebuilt set-based afterwards.
  await sql`set session_replication_role = replica`;
  await step(
    `${debriefCount} debriefs`,
    sql`insert into debriefs (user_id, group_id, day, kind, attempts, contacts, conversations, commitments, objections, form_key)
        select c.user_id, c.group_id, current_date - (pg_temp.fh('dd' || i) % 365), 'doors', a, ct, cv, cv * (10 + pg_temp.fh('dm' || i) % 25) / 100,
               jsonb_build_array((array['all-the-same','no-difference','cost-of-living','broken-promises','not-political','no-time'])[1 + pg_temp.fh('o' || i) % 6]),
               'bench-' || i
        from generate_series(1, ${debriefCount}) i
        cross join lateral (select 15 + pg_temp.fh('da' || i) % 40 as a) x
        cross join lateral (select x.a * (20 + pg_temp.fh('dc' || i) % 20) / 100 as ct) y
        cross join lateral (select y.ct * (35 + pg_temp.fh('dv' || i) % 25) / 100 as cv) z
        join canv c on c.rn = 1 + (pg_temp.fh('du' || i) * ${n} / 1000 + i % greatest(1, ${n} / 1000)) % ${n}`,
  );
  await sql`set session_replication_role = default`;
  await step("objection rollups (field_rebuild_objection_weeks)", sql`select field_rebuild_objection_weeks()`);
  await step(
    `${contactCount} imported contacts`,
    sql`insert into canvass_contacts (source, external_id, user_id, group_id, day, result, commitment)
        select 'bench', i::text, c.user_id, c.group_id, current_date - (pg_temp.fh('cd' || (i / 30)) % 365),
               case when r < 650 then 'no-answer' when r < 850 then 'contact' else 'conversation' end,
               r >= 850 and pg_temp.fh('cm' || i) < 250
        from generate_series(1, ${contactCount}) i
        cross join lateral (select pg_temp.fh('r' || i) as r) x
        join canv c on c.rn = 1 + (pg_temp.fh('cu' || (i / 30)) * ${n} / 1000 + (i / 30) % greatest(1, ${n} / 1000)) % ${n}`,
  );
  await step(
    "field_daily",
    sql`insert into field_daily (user_id, group_id, day, attempts, contacts, conversations, commitments)
        select user_id, group_id, day, sum(a), sum(c), sum(v), sum(m) from (
          select user_id, group_id, day, attempts a, contacts c, conversations v, commitments m from debriefs
          union all
          select user_id, group_id, day, 1, (result <> 'no-answer')::int, (result = 'conversation')::int, commitment::int from canvass_contacts
        ) s where s.user_id like 'bench-%' group by user_id, group_id, day`,
  );
  await sql`analyze`;
  const [counts] = await sql`select (select count(*) from debriefs)::int as debriefs, (select count(*) from canvass_contacts)::int as contacts, (select count(*) from field_daily)::int as field_daily, ${n}::int as canvassers`;
  return counts;
}

/** The kept database of `--reuse`: its name and whether a finished generation is in it. */
async function keptDatabase(scale, fresh, log) {
  const name = `doorstep_bench_impact_kept_s${Math.round(scale * 100)}`;
  const url = new URL(DEFAULT_POSTGRES_URL);
  url.pathname = `/${name}`;
  const admin = postgres(DEFAULT_POSTGRES_URL, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    const [exists] = await admin`select 1 from pg_database where datname = ${name}`;
    let generated = false;
    if (exists && !fresh) {
      const db = postgres(url.href, { max: 1, onnotice: () => {} });
      try {
        [{ generated }] = await db`select to_regclass('bench_generated') is not null as generated`;
      } finally {
        await db.end({ timeout: 2 });
      }
    }
    if (exists && !generated) {
      log(`  impact: dropping ${name} (${fresh ? "--fresh" : "its generation did not finish"})`);
      await dropDatabase(DEFAULT_POSTGRES_URL, name);
    }
    if (!generated) await admin.unsafe(`create database "${name}"`);
    return { name, url: url.href, generated, drop: () => dropDatabase(DEFAULT_POSTGRES_URL, name) };
  } finally {
    await admin.end({ timeout: 2 });
  }
}

export async function runImpactBench({ scale = Number(process.env.BENCH_IMPACT_SCALE ?? 1), reuse = false, fresh = false, log = console.log } = {}) {
  const contentDir = mkdtempSync(path.join(os.tmpdir(), "doorstep-bench-modules-"));
  writeModules(contentDir);
  const database = reuse ? await keptDatabase(scale, fresh, log) : await createDatabase(DEFAULT_POSTGRES_URL, "doorstep_bench_impact");
  const forget = reuse ? () => {} : onInterrupt(() => database.drop());
  let app;
  try {
    const sql = postgres(database.url, { max: 1, onnotice: () => {} });
    let counts;
    let canvasser;
    try {
      if (database.generated) {
        log(`  impact: reusing ${database.name} (generated earlier; the app migrates it on start)`);
        [counts] = await sql`select * from bench_generated`;
      } else {
        log(`  impact: seeding ${database.name}, generating the movement and its field data (scale ${scale})…`);
        seed(database.url, contentDir);
        counts = await generateMovement(sql, { scale, organiserEmail: DEMO_USERS.organiser, log: (line) => log(`  ${line.trim()}`) });
        counts = { ...counts, ...(await generateField(sql, { scale, log })) };
        if (reuse) await sql`create table bench_generated as select ${sql.json(counts)}::jsonb as counts`;
      }
      if (counts?.counts) counts = counts.counts;
      [canvasser] = await sql`
        select f.user_id as id from field_daily f
        join memberships o on o.group_id = f.group_id and o.user_id = (select id from users where email = ${DEMO_USERS.organiser})
        order by f.user_id limit 1`;
    } finally {
      await sql.end({ timeout: 5 });
    }
    app = await startApp({ env: { DATABASE_URL: database.url, CONTENT_DIR: contentDir }, label: "app (impact bench)", timeoutMs: 300_000 });
    const cookies = {
      activist: await signIn(app.origin, DEMO_USERS.activist),
      organiser: await signIn(app.origin, DEMO_USERS.organiser),
      admin: await signIn(app.origin, DEMO_USERS.admin),
    };
    const pages = [
      { key: "home", name: "(a) signed-in GET / (activist)", who: "activist", path: "/", expect: "Sign out" },
      { key: "impact-organiser", name: "impact report, 26 weeks (organiser, region)", who: "organiser", path: "/reports/impact", expect: "Trained and not-yet-trained" },
      { key: "impact-admin", name: "impact report, 26 weeks (admin, whole movement)", who: "admin", path: "/reports/impact", expect: "Trained and not-yet-trained" },
      { key: "impact-admin-targets", name: "impact report, target seats (admin)", who: "admin", path: "/reports/impact?kind=constituency&target=1", expect: "Trained and not-yet-trained" },
      { key: "canvasser-organiser", name: "canvasser drill-down (organiser)", who: "organiser", path: `/reports/impact/activists/${canvasser?.id ?? "bench-1"}`, expect: "Before and after training" },
      { key: "csv-rates-admin", name: "CSV trained vs not yet trained (admin)", who: "admin", path: "/reports/export/impact-rates", expect: "Contact rate" },
      // The kept answers (ADR 044) serve a page whose data has not changed; these time the
      // first request after a change: before each, one committed write to a watched table
      // (a group renamed to its own name, which changes no figure but must bump the counter).
      { key: "impact-admin-cold", name: "impact report, 26 weeks (admin, whole movement), first request after a change", who: "admin", path: "/reports/impact", expect: "Trained and not-yet-trained", cold: true },
      { key: "impact-organiser-cold", name: "impact report, 26 weeks (organiser, region), first request after a change", who: "organiser", path: "/reports/impact", expect: "Trained and not-yet-trained", cold: true },
    ];
    const timings = {};
    const touch = postgres(database.url, { max: 1, onnotice: () => {} });
    try {
      for (const page of pages) {
        log(`  impact: ${page.name}`);
        const before = page.cold ? () => touch`update groups set name = name where id = (select min(id::text)::uuid from groups)` : undefined;
        timings[page.key] = { ...page, ...(await timePage(app.origin, page.path, cookies[page.who], page.expect, before)) };
      }
    } finally {
      await touch.end({ timeout: 5 });
    }
    return { scale, counts, timings };
  } finally {
    await app?.stop();
    if (!reuse) await database.drop().catch((error) => log(`  impact: could not drop ${database.name}: ${error.message}`));
    forget();
    rmSync(contentDir, { recursive: true, force: true });
  }
}

export async function run(ctx) {
  if (ctx.db.kind !== "postgres") {
    ctx.log("  impact: PostgreSQL only (the field data is generated with set-based SQL); skipped on PGlite.");
    return [];
  }
  const r = await runImpactBench({ log: ctx.log });
  ctx.log(`  impact: ${JSON.stringify(r.counts)}`);
  const home = r.timings.home;
  return Object.values(r.timings).map((t) => ({
    kind: t.key === "home" ? "baseline-a" : "measured",
    name: t.key === "home" ? t.name : `${t.name}${t.p50 < 200 ? "" : " ⚠ p50 ≥ 200 ms"}`,
    db: "postgres",
    bytes: t.bytes,
    p50: t.p50,
    p99: t.p99,
    ...(t.key === "home" ? {} : { vsA: round(home.p50 / t.p50, 3), aim: { of: "a", min: 0.1 } }),
  }));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const arg = process.argv.find((a) => a.startsWith("--scale="));
  if (!(await postgresReachable())) {
    console.error(`PostgreSQL is not reachable at ${DEFAULT_POSTGRES_URL} (set BENCH_POSTGRES_URL).`);
    process.exit(1);
  }
  ensureBuild();
  const result = await runImpactBench({
    scale: arg ? Number(arg.split("=")[1]) : undefined,
    reuse: process.argv.includes("--reuse"),
    fresh: process.argv.includes("--fresh"),
    log: (line) => console.error(line),
  });
  console.log(JSON.stringify(result, null, 2));
  process.exit(0);
}
