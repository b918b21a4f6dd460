// What the report summaries cost on the write path, on PostgreSQL (docs/performance.md,
// "Report summaries on the write path"; ADR 005). Every completion and first step view
// updates summary rows in the same transaction (migrations 0003–0005); rows shared by
// many people — a module's tally, a week's count, a group's counts — are where
// concurrent writers queue. 50 writers, each on its own connection, each writing for
// its own people, as fast as the database answers:
//
//   (a) completions with the summary triggers switched off (session_replication_role =
//       replica): the same inserts with no summary work at all
//   completions of ONE module by people all in the SAME two groups: every writer
//       updates the same tally, week, group and group × module rows (the worst case: a
//       campaign-wide deadline, or one branch's training night)
//   completions spread over the published modules, each writer's people in their own groups
//   first step views of ONE module (each person's first view starts the module: the
//       module's tally row again)
//
// Afterwards the summaries are compared with the raw rows (exact, or the run says so).
//
//   npm run bench -- --only=summary-writes --db=postgres
import postgres from "postgres";
import { median, round } from "./lib.js";

const WRITERS = 50;
const PER_WRITER = 120;

export const title = "Report summaries on the write path — 50 writers at once (PostgreSQL)";
export const description =
  `${WRITERS} writers on their own connections, ${PER_WRITER} writes each (one transaction per write, as the app makes them), each for its own people. ` +
  "req/s is writes per second, p50/p99 the time of one write; ÷ (a) compares with the same completions with the summary triggers switched off. PostgreSQL only.";
export const order = 75;

/** People for one measurement: `WRITERS × PER_WRITER` activists, in groups as `groupsOf` says. */
async function makePeople(sql, tag, groupsOf) {
  const groupIds = new Map();
  const ids = [];
  for (let w = 0; w < WRITERS; w++) {
    for (let i = 0; i < PER_WRITER; i++) ids.push({ id: `bench-sw-${tag}-${w}-${i}`, writer: w });
  }
  for (const name of new Set(ids.flatMap((p) => groupsOf(p.writer)))) {
    const [row] = await sql`insert into groups (name, kind) values (${`${name} ${tag}`}, ${name.startsWith("Branch") ? "branch" : "constituency"}) returning id`;
    groupIds.set(name, row.id);
  }
  for (let start = 0; start < ids.length; start += 1000) {
    const batch = ids.slice(start, start + 1000);
    await sql`insert into users ${sql(batch.map((p) => ({ id: p.id, email: `${p.id}@bench.test`, name: p.id, password_hash: "!", role: "activist" })))}`;
    await sql`insert into memberships ${sql(batch.flatMap((p) => groupsOf(p.writer).map((g) => ({ user_id: p.id, group_id: groupIds.get(g) }))))}`;
  }
  return Array.from({ length: WRITERS }, (_, w) => ids.filter((p) => p.writer === w).map((p) => p.id));
}

/** Every writer runs its writes one after another; all writers at once. */
async function writeAll(sql, perWriter, write) {
  const latencies = [];
  const started = performance.now();
  await Promise.all(
    perWriter.map(async (people, w) => {
      for (let i = 0; i < people.length; i++) {
        const t = performance.now();
        await write(people[i], w, i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((x, y) => x - y);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { writes: latencies.length, requestsPerSec: round(latencies.length / seconds), p50: round(at(0.5), 2), p99: round(at(0.99), 2) };
}

/** Summaries that disagree with the raw tables for these people's modules (0 = exact). */
async function summaryMismatches(sql) {
  const [row] = await sql`
    select
      (select count(*) from (
        (select module_slug, count(*) filter (where how = 'self') as self from module_completions group by 1
         except select module_slug, sum(self)::bigint from module_tallies group by 1)
      ) x)::int as tallies,
      (select count(*) from (
        (select ms.group_id, c.module_slug, count(*) filter (where c.how = 'self') as self
         from memberships ms join users u on u.id = ms.user_id and u.role = 'activist' join module_completions c on c.user_id = ms.user_id group by 1, 2
         except select group_id, module_slug, self::bigint from group_module_tallies)
      ) y)::int as "groupModules",
      (select count(*) from (
        (select module_slug, count(*) as started from module_progress group by 1
         except select module_slug, sum(started)::bigint from module_tallies group by 1)
      ) z)::int as started`;
  return row.tallies + row.groupModules + row.started;
}

/** @param {ReturnType<typeof import("./lib.js").createContext>} ctx */
export async function run(ctx) {
  if (ctx.db.kind !== "postgres") {
    ctx.log("  summary-writes: PostgreSQL only (concurrent writers); skipped on PGlite.");
    return [];
  }
  const sql = postgres(ctx.db.env.DATABASE_URL, { max: WRITERS, onnotice: () => {} });
  try {
    const modules = (await sql`select slug from modules where not draft order by position`).map((r) => r.slug);
    if (modules.length === 0) throw new Error("no published modules in the bench database");
    const one = modules[0];
    const complete = (slug) => (userId) => sql`insert into module_completions (user_id, module_slug, content_hash, how) values (${userId}, ${slug}, 'bench', 'self')`;
    const rounds = [];
    for (let r = 0; r < ctx.options.rounds; r++) {
      const tag = `${Date.now().toString(36)}${r}`;
      const label = ctx.options.rounds > 1 ? ` [round ${r + 1}/${ctx.options.rounds}]` : "";
      const sameGroups = () => ["Constituency same", "Branch same"];
      ctx.log(`  summary-writes: (a) completions of one module, triggers off${label}`);
      const offPeople = await makePeople(sql, `${tag}a`, sameGroups);
      const a = await writeAll(sql, offPeople, (userId) =>
        sql.begin(async (tx) => {
          await tx`set local session_replication_role = replica`;
          await tx`insert into module_completions (user_id, module_slug, content_hash, how) values (${userId}, ${one}, 'bench', 'self')`;
        }),
      );
      // The triggers were off for these: take the rows away again without triggers, so the summaries stay exact.
      await sql.begin(async (tx) => {
        await tx`set local session_replication_role = replica`;
        await tx`delete from module_completions where user_id like ${`bench-sw-${tag}a-%`}`;
      });
      ctx.log(`  summary-writes: completions of one module, everyone in the same two groups${label}`);
      const samePeople = await makePeople(sql, `${tag}s`, sameGroups);
      const same = await writeAll(sql, samePeople, (userId) => complete(one)(userId));
      ctx.log(`  summary-writes: completions spread over ${modules.length} modules, each writer's people in their own groups${label}`);
      const spreadPeople = await makePeople(sql, `${tag}p`, (w) => [`Constituency ${w}`, `Branch ${w}`]);
      const spread = await writeAll(sql, spreadPeople, (userId, w, i) => complete(modules[(w + i) % modules.length])(userId));
      ctx.log(`  summary-writes: first step views of one module${label}`);
      const viewPeople = await makePeople(sql, `${tag}v`, sameGroups);
      const views = await writeAll(sql, viewPeople, (userId) => sql`insert into step_views (user_id, module_slug, step_id) values (${userId}, ${one}, 'bench-step')`);
      rounds.push({ a, same, spread, views });
    }
    const mismatches = await summaryMismatches(sql);
    ctx.log(`  summary-writes: summaries against the raw tables afterwards: ${mismatches === 0 ? "exact" : `${mismatches} rows differ`}`);
    // The median round by the worst case's ratio.
    const scored = rounds.map((x) => ({ ...x, vs: x.same.requestsPerSec / x.a.requestsPerSec })).sort((x, y) => x.vs - y.vs);
    const pick = scored[Math.floor((scored.length - 1) / 2)];
    const vsA = (m) => round(m.requestsPerSec / pick.a.requestsPerSec, 3);
    const exact = mismatches === 0 ? "" : " ⚠ summaries differ from the raw tables";
    const row = (name, m, extra = {}) => ({ kind: "measured", name: `${name}${exact}`, db: "postgres", bytes: 0, ...m, vsA: vsA(m), ...extra });
    return [
      { kind: "baseline-a", name: `(a) completions of one module, summary triggers off, ${WRITERS} writers`, db: "postgres", bytes: 0, ...pick.a },
      row(`completions of one module, all in the same two groups, ${WRITERS} writers`, pick.same, { rounds: rounds.map((x) => round(x.same.requestsPerSec / x.a.requestsPerSec, 3)) }),
      row(`completions spread over ${modules.length} modules, each writer's people in their own two groups`, pick.spread, {
        rounds: rounds.map((x) => round(x.spread.requestsPerSec / x.a.requestsPerSec, 3)),
      }),
      row(`first step views of one module, ${WRITERS} writers`, pick.views, { medianP99: median(rounds.map((x) => x.views.p99)) }),
    ];
  } finally {
    await sql.end({ timeout: 5 });
  }
}
