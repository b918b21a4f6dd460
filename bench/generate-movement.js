// A realistic large movement for the reports benchmark (bench/reports.bench.js), written
// straight into PostgreSQL with set-based INSERT … SELECT so 2 million rows take seconds,
// not hours. Deterministic: every "random" choice is a hash of the row's numbers.
//
// Shape at scale 1 (the issue's figures): 50,000 activists in 650 constituencies (15% of
// them target seats) and 2,000 branches; 12 modules of 7 steps with one quiz and one
// scenario each; activists work through the modules in order, so ~300,000 completions
// (15% of them in live sessions), ~2 million step views, quiz attempts (some failed
// first) and scenario runs over the last 52 weeks.
//
// Also usable on its own, against a database that the app has already migrated:
//   node bench/generate-movement.js --url=postgres://postgres@127.0.0.1:5432/mydb [--scale=0.1] [--content=DIR]
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import postgres from "postgres";

export const MODULE_COUNT = 12;
export const STEPS_PER_MODULE = 7;
const QUESTIONS = ["q1", "q2", "q3", "q4"];

export const moduleSlug = (i) => `bench-module-${String(i).padStart(2, "0")}`;

/** One synthetic module: 7 steps, a 4-question quiz in step 4, a scenario in step 5. */
export function moduleMdx(i) {
  const steps = [];
  for (let s = 1; s <= STEPS_PER_MODULE; s++) {
    let body = `Step ${s} of the bench module ${i}. Listen first, then ask.`;
    if (s === 4) {
      body += `\n\n<Quiz id="check" passMark={75}>\n${QUESTIONS.map(
        (q) =>
          `  <Question id="${q}" prompt="Question ${q} of module ${i}?">\n` +
          `    <Option id="a" correct feedback="Right.">The open question</Option>\n` +
          `    <Option id="b" feedback="Closed.">The closed question</Option>\n` +
          `    <Option id="c" feedback="Leading.">The leading question</Option>\n` +
          `  </Question>`,
      ).join("\n")}\n</Quiz>`;
    }
    if (s === 5) {
      body += `

<Scenario id="door" title="Door ${i}" start="open">
  <Resident id="open" says="Yes?">
    <Choice to="warm" feedback="Good.">Hi, I live nearby. How are things?</Choice>
    <Choice to="pitch" feedback="Too fast.">Sign our petition?</Choice>
  </Resident>
  <Resident id="warm" says="The damp is back.">
    <Choice to="good" feedback="Good.">That sounds hard. Will you come on Thursday?</Choice>
    <Choice to="mixed" feedback="Facts first.">Forty per cent of flats have damp.</Choice>
  </Resident>
  <Resident id="pitch" says="I'm busy.">
    <Choice to="warm" feedback="Recovered.">One question: what would you change?</Choice>
    <Choice to="lost" feedback="Pushy.">It only takes ten minutes!</Choice>
  </Resident>
  <Ending id="good" outcome="good" title="Coming Thursday">

Good.

  </Ending>
  <Ending id="mixed" outcome="mixed" title="A maybe">

Mixed.

  </Ending>
  <Ending id="lost" outcome="lost" title="Door closed">

Lost.

  </Ending>
</Scenario>`;
    }
    steps.push(`<Step id="s${s}" title="Step ${s}">\n\n${body}\n\n</Step>`);
  }
  return `---
title: Bench module ${String(i).padStart(2, "0")}
summary: A synthetic module for the reports benchmark.
minutes: 15
order: ${i}
objectives:
  - Exist
---

${steps.join("\n\n")}
`;
}

/** Write the synthetic modules as a content directory (CONTENT_DIR for the app). */
export function writeModules(dir, count = MODULE_COUNT) {
  for (let i = 1; i <= count; i++) {
    const folder = path.join(dir, moduleSlug(i));
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, "index.mdx"), moduleMdx(i));
  }
  return dir;
}

/**
 * Fill the movement. `sql` is a postgres.js client on a migrated database; `organiserEmail`
 * (optional) gets memberships of a "region": 8 constituencies and 25 branches.
 * Returns row counts per table.
 */
export async function generateMovement(sql, { scale = 1, organiserEmail, log = console.log } = {}) {
  const activists = Math.max(100, Math.round(50_000 * scale));
  const constituencies = Math.max(5, Math.round(650 * scale));
  const branches = Math.max(10, Math.round(2_000 * scale));
  const started = Date.now();
  const step = async (label, query) => {
    const t = Date.now();
    await query;
    log(`  generate: ${label} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  };
  // h(x) — a deterministic pseudo-random integer in [0, 1000) for any text.
  await sql`create or replace function pg_temp.h(x text) returns int language sql immutable as $$ select (abs(hashtext(x)) % 1000) $$`;

  await step(
    `${constituencies} constituencies, ${branches} branches`,
    sql`insert into groups (name, kind, is_target_seat)
        select 'Constituency ' || lpad(i::text, 4, '0'), 'constituency'::group_kind, pg_temp.h('target' || i) < 150 from generate_series(1, ${constituencies}) i
        union all
        select 'Branch ' || lpad(i::text, 4, '0'), 'branch'::group_kind, false from generate_series(1, ${branches}) i`,
  );
  // Members never sign in, so they share one syntactically valid (unusable) hash.
  await step(
    `${activists} activists`,
    sql`insert into users (id, email, name, password_hash, role, created_at)
        select 'bench-' || i, 'member' || i || '@bench.doorstep.test',
               (array['Ada','Ben','Cara','Dev','Esi','Finn','Gita','Hal','Ines','Jo','Kofi','Lena','Mo','Nia','Olu','Pat','Rui','Sam','Tara','Uma'])[1 + pg_temp.h('f' || i) % 20]
               || ' ' ||
               (array['Okafor','Smith','Patel','Jones','Nowak','Khan','Murphy','Silva','Evans','Chen','Ahmed','Walsh','Brown','Kaur','Osei','Byrne','Hughes','Rossi','Ali','Price'])[1 + pg_temp.h('l' || i) % 20]
               || ' ' || i,
               '$argon2id$v=19$m=19456,t=2,p=1$YmVuY2g$bm90LWEtcmVhbC1oYXNo', 'activist'::user_role, now() - interval '400 days'
        from generate_series(1, ${activists}) i`,
  );
  // The plan: each activist's constituency, branch, how far they got and when they started.
  await sql`create temp table plan as
    select i, 'bench-' || i as user_id,
           1 + pg_temp.h('c' || i) % ${constituencies} as cons,
           case when pg_temp.h('b' || i) < 800 then 1 + pg_temp.h('bb' || i) % ${branches} end as branch,
           -- modules completed, 0..12, mean ~6; target seats lag a little
           least(${MODULE_COUNT}, (pg_temp.h('n' || i) % (${MODULE_COUNT} + 1))) as done,
           pg_temp.h('p' || i) < 600 as has_next,
           1 + pg_temp.h('s' || i) % ${STEPS_PER_MODULE - 1} as next_steps,
           now() - make_interval(days => 20 + pg_temp.h('d' || i) % 340, hours => pg_temp.h('dh' || i) % 24) as started_at
    from generate_series(1, ${activists}) i`;
  // Bulk load without the report-summary triggers (one trigger call per row would add a
  // minute); the summaries are then built set-based, exactly as migration 0003 backfills.
  await sql`set session_replication_role = replica`;
  await step(
    "memberships",
    sql`insert into memberships (user_id, group_id)
        select p.user_id, g.id from plan p join groups g on g.name = 'Constituency ' || lpad(p.cons::text, 4, '0')
        union all
        select p.user_id, g.id from plan p join groups g on g.name = 'Branch ' || lpad(p.branch::text, 4, '0') where p.branch is not null`,
  );
  await sql`create temp table done_modules as
    select p.user_id, p.i, m as module_no, 'bench-module-' || lpad(m::text, 2, '0') as slug,
           case when pg_temp.h('live' || p.i || ':' || m) < 150 then 'live' else 'self' end::completion_how as how,
           -- spread between the day they started and now, in order, a few hours' jitter
           p.started_at + (now() - interval '1 day' - p.started_at) * (m::float8 / (p.done + 1))
             + make_interval(hours => pg_temp.h('hr' || p.i || ':' || m) % 20) as completed_at
    from plan p cross join lateral generate_series(1, p.done) m`;
  await step(
    "module completions",
    sql`insert into module_completions (user_id, module_slug, content_hash, how, completed_at)
        select user_id, slug, 'bench', how, completed_at from done_modules`,
  );
  await step(
    "step views",
    sql`insert into step_views (user_id, module_slug, step_id, first_seen_at)
        select d.user_id, d.slug, 's' || s, d.completed_at - make_interval(mins => (${STEPS_PER_MODULE} - s) * 4 + 1)
        from done_modules d cross join generate_series(1, ${STEPS_PER_MODULE}) s where d.how = 'self'
        union all
        select p.user_id, 'bench-module-' || lpad((p.done + 1)::text, 2, '0'), 's' || s,
               p.started_at + (now() - interval '1 day' - p.started_at) * ((p.done + 1)::float8 / (p.done + 2)) + make_interval(mins => s * 4)
        from plan p cross join generate_series(1, ${STEPS_PER_MODULE}) s
        where p.has_next and p.done < ${MODULE_COUNT} and s <= p.next_steps`,
  );
  // Quiz: a failed first attempt for ~30% (q2 and q3 are the ones people get wrong), then a pass.
  await step(
    "quiz attempts",
    sql`insert into quiz_attempts (user_id, module_slug, quiz_id, content_hash, attempt_key, answers, results, score, passed, created_at)
        select user_id, slug, 'check', 'bench', 'fail-' || slug, '{"q1":["a"],"q2":["b"],"q3":["c"],"q4":["a"]}'::jsonb,
               '{"q1":true,"q2":false,"q3":false,"q4":true}'::jsonb, 50, false, completed_at - interval '20 minutes'
        from done_modules where how = 'self' and pg_temp.h('qf' || i || ':' || module_no) < 300
        union all
        select user_id, slug, 'check', 'bench', 'pass-' || slug,
               case when pg_temp.h('qm' || i || ':' || module_no) < 400 then '{"q1":["a"],"q2":["b"],"q3":["a"],"q4":["a"]}'::jsonb else '{"q1":["a"],"q2":["a"],"q3":["a"],"q4":["a"]}'::jsonb end,
               case when pg_temp.h('qm' || i || ':' || module_no) < 400 then '{"q1":true,"q2":false,"q3":true,"q4":true}'::jsonb else '{"q1":true,"q2":true,"q3":true,"q4":true}'::jsonb end,
               case when pg_temp.h('qm' || i || ':' || module_no) < 400 then 75 else 100 end, true, completed_at - interval '10 minutes'
        from done_modules where how = 'self'`,
  );
  // Scenario: three typical paths, chosen per learner; everyone who completed ended one run.
  await step(
    "scenario runs",
    sql`insert into scenario_runs (user_id, module_slug, scenario_id, content_hash, run_key, path, current_node, ending_id, outcome, started_at, ended_at)
        select user_id, slug, 'door', 'bench', 'run-' || slug, r.path, r.ending, r.ending, r.outcome, completed_at - interval '8 minutes', completed_at - interval '6 minutes'
        from done_modules d
        cross join lateral (
          select * from (values
            (0, '[{"node":"open","choice":0},{"node":"warm","choice":0}]'::jsonb, 'good', 'good'),
            (1, '[{"node":"open","choice":0},{"node":"warm","choice":1}]'::jsonb, 'mixed', 'mixed'),
            (2, '[{"node":"open","choice":1},{"node":"pitch","choice":1}]'::jsonb, 'lost', 'lost'),
            (3, '[{"node":"open","choice":1},{"node":"pitch","choice":0},{"node":"warm","choice":0}]'::jsonb, 'good', 'good')
          ) v(k, path, ending, outcome) where v.k = pg_temp.h('sr' || d.i || ':' || d.module_no) % 4
        ) r
        where d.how = 'self'`,
  );
  // Every summary at once: the rows above bypassed the triggers that keep them.
  await step("report summaries", rebuildReportSummaries(sql));
  await sql`set session_replication_role = default`;
  if (organiserEmail) {
    await step(
      `region for ${organiserEmail}`,
      sql`insert into memberships (user_id, group_id)
          select u.id, g.id from users u, groups g
          where u.email = ${organiserEmail}
            and (g.name in (select 'Constituency ' || lpad(i::text, 4, '0') from generate_series(1, 8) i)
              or g.name in (select 'Branch ' || lpad(i::text, 4, '0') from generate_series(1, 25) i))
          on conflict do nothing`,
    );
  }
  await sql`drop table plan`;
  await sql`drop table done_modules`;
  await step("vacuum analyze", sql.unsafe("vacuum analyze"));
  const counts = {};
  for (const table of ["users", "groups", "memberships", "step_views", "module_completions", "quiz_attempts", "scenario_runs"]) {
    const [row] = await sql.unsafe(`select count(*)::int as n from ${table}`);
    counts[table] = row.n;
  }
  log(`  generate: done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(counts)}`);
  return counts;
}

/**
 * The report summaries (db/schema.ts, "report summaries") from the raw tables, set-based:
 * the one rebuild `npm run db:rebuild-summaries` also runs (migration 0010,
 * app/reports/summaries.server.ts).
 */
export async function rebuildReportSummaries(sql) {
  await sql.begin((tx) => tx`select report_rebuild_summaries()`);
}

// ─── command line ───────────────────────────────────────────────────────────────────────
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, "").split("=")));
  if (!args.url) {
    console.error("usage: node bench/generate-movement.js --url=postgres://… [--scale=1] [--content=DIR] [--organiser=email]");
    process.exit(2);
  }
  if (args.content) writeModules(path.resolve(args.content));
  const sql = postgres(args.url, { max: 1, onnotice: () => {} });
  try {
    await generateMovement(sql, { scale: Number(args.scale ?? 1), organiserEmail: args.organiser });
  } finally {
    await sql.end({ timeout: 5 });
  }
}
