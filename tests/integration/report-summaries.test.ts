import { createHash, randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import postgres from "postgres";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "../../db/client.server";
import { migrationsFolder } from "../../db/migrate";
import { rebuildReportSummaries } from "../../app/reports/summaries.server";
import { withDatabase } from "../setup/global-database";
import { testDbKind, withTestDatabase } from "../setup/database";
import { makeGroup, makeUser, type TestUser } from "../setup/fixtures";

// The report summaries (db/schema.ts, "report summaries") are kept by triggers in the same
// transaction as each write. Whatever is written — first views, later views, back-dated
// views, completions self-paced and live, completions moved in time or deleted, a module
// turned draft and back, a person deleted — each summary must equal the same figure
// computed from the raw tables. The writes here are plain SQL on purpose: the triggers
// must not depend on which code writes.

const database = withTestDatabase();

const queryOn = <T>(statement: ReturnType<typeof sql>, on: DatabaseHandle) => query<T>(statement, on);

async function query<T>(statement: ReturnType<typeof sql>, on: DatabaseHandle = database()): Promise<T[]> {
  const result: unknown = await on.db.execute(statement);
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** Each summary next to the same figure from the raw tables; every mismatch is listed. */
async function mismatches(on: DatabaseHandle = database()) {
  const query = <T>(statement: ReturnType<typeof sql>) => queryOn<T>(statement, on);
  const progress = await query(sql`
    with raw as (
      select coalesce(v.user_id, c.user_id) as user_id, coalesce(v.module_slug, c.module_slug) as module_slug,
             least(v.started, c.completed_at) as started_at, c.completed_at, c.how
      -- A variant's step views start its original too (ADR 046).
      from (select user_id, module_slug, min(first_seen_at) as started
            from (select user_id, module_slug, first_seen_at from step_views
                  union all
                  select sv.user_id, m.variant_of, sv.first_seen_at from step_views sv join modules m on m.slug = sv.module_slug and m.variant_of is not null) s
            group by 1, 2) v
      full join module_completions c on c.user_id = v.user_id and c.module_slug = v.module_slug
    )
    (select 'raw' as side, * from raw except select 'raw', * from module_progress)
    union all
    (select 'summary', * from module_progress except select 'summary', * from raw)`);
  // The striped tallies (migration 0008) are compared stripe by stripe: each stripe must
  // hold exactly its own people (report_stripe(user_id)), not just add up.
  const tallies = await query(sql`
    with raw as (select module_slug, report_stripe(user_id) as stripe, count(*)::int as started, (count(*) filter (where how = 'self'))::int as self,
                        (count(*) filter (where how = 'live'))::int as live
                 from module_progress group by 1, 2),
    summary as (select module_slug, stripe, started, self, live from module_tallies where started <> 0 or self <> 0 or live <> 0)
    (select 'raw' as side, * from raw except select 'raw', * from summary)
    union all
    (select 'summary', * from summary except select 'summary', * from raw)`);
  const weeks = await query(sql`
    with raw as (select module_slug, date_trunc('week', completed_at at time zone 'UTC') as week, how, report_stripe(user_id) as stripe, count(*)::int as completions
                 from module_completions group by 1, 2, 3, 4),
    summary as (select module_slug, week, how, stripe, completions from completion_weeks where completions <> 0)
    (select 'raw' as side, * from raw except select 'raw', * from summary)
    union all
    (select 'summary', * from summary except select 'summary', * from raw)`);
  const totals = await query(sql`
    with raw as (select c.user_id, count(*)::int as core_completed from module_completions c join modules m on m.slug = c.module_slug and not m.draft group by 1)
    (select 'raw' as side, * from raw except select 'raw', * from learner_totals where core_completed <> 0)
    union all
    (select 'summary', * from learner_totals where core_completed <> 0 except select 'summary', * from raw)`);
  const groups = await query(sql`
    with raw as (
      select ms.group_id, coalesce(lt.core_completed, 0) as core_completed, count(*)::int as activists
      from memberships ms join users u on u.id = ms.user_id and u.role = 'activist'
      left join learner_totals lt on lt.user_id = ms.user_id
      group by 1, 2
    ),
    summary as (select group_id, core_completed, activists from group_progress_counts where activists <> 0)
    (select 'raw' as side, * from raw except select 'raw', * from summary)
    union all
    (select 'summary', * from summary except select 'summary', * from raw)`);
  // Quiz and scenario summaries (migration 0004).
  const same = (raw: ReturnType<typeof sql>, summary: ReturnType<typeof sql>) =>
    query(sql`with raw as ${raw}, summary as ${summary}
      (select 'raw' as side, * from raw except select 'raw', * from summary)
      union all
      (select 'summary', * from summary except select 'summary', * from raw)`);
  // A person's first attempt at a quiz: the earliest, then the lowest id (migration 0011).
  const firstAttempts = sql`(select distinct on (user_id, module_slug, quiz_id) user_id, module_slug, quiz_id, id as attempt_id, results
                             from quiz_attempts order by user_id, module_slug, quiz_id, created_at, id)`;
  const questions = await same(
    sql`(select qa.module_slug, qa.quiz_id, r.key as question_id, count(*)::int as attempts, (count(*) filter (where r.value = 'true'::jsonb))::int as "right",
                (count(*) filter (where qa.id = f.attempt_id))::int as first_attempts,
                (count(*) filter (where qa.id = f.attempt_id and r.value = 'true'::jsonb))::int as first_right
         from quiz_attempts qa
         join ${firstAttempts} f on f.user_id = qa.user_id and f.module_slug = qa.module_slug and f.quiz_id = qa.quiz_id
         cross join lateral jsonb_each(qa.results) r group by 1, 2, 3)`,
    sql`(select module_slug, quiz_id, question_id, attempts, "right", first_attempts, first_right from quiz_question_tallies
         where attempts <> 0 or "right" <> 0 or first_attempts <> 0 or first_right <> 0)`,
  );
  const firsts = await same(firstAttempts, sql`(select user_id, module_slug, quiz_id, attempt_id, results from quiz_first_attempts)`);
  const wrongPicks = await same(
    sql`(select qa.module_slug, qa.quiz_id, a.key as question_id, o.option_id, count(*)::int as times
         from quiz_attempts qa cross join lateral jsonb_each(qa.answers) a cross join lateral jsonb_array_elements_text(a.value) o(option_id)
         where qa.results ->> a.key = 'false' group by 1, 2, 3, 4)`,
    sql`(select module_slug, quiz_id, question_id, option_id, times from quiz_wrong_picks where times <> 0)`,
  );
  const bests = await same(
    sql`(select user_id, module_slug, quiz_id, max(score) as best, bool_or(passed) as passed from quiz_attempts group by 1, 2, 3)`,
    sql`(select user_id, module_slug, quiz_id, best, passed from quiz_bests)`,
  );
  const quizzes = await same(
    sql`(select module_slug, quiz_id, count(*)::int as learners, (count(*) filter (where passed))::int as passed, sum(best)::bigint as best_sum
         from (select user_id, module_slug, quiz_id, max(score) as best, bool_or(passed) as passed from quiz_attempts group by 1, 2, 3) b group by 1, 2)`,
    sql`(select module_slug, quiz_id, learners, passed, best_sum from quiz_tallies where learners <> 0 or passed <> 0 or best_sum <> 0)`,
  );
  const moves = sql`(select sr.user_id, sr.module_slug, sr.scenario_id, m.value ->> 'node' as node, (m.value ->> 'choice')::int as choice
                     from scenario_runs sr cross join lateral jsonb_array_elements(sr.path) m)`;
  const choices = await same(
    sql`(select module_slug, scenario_id, node, choice, count(distinct user_id)::int as learners from ${moves} mv group by 1, 2, 3, 4
         union all
         select module_slug, scenario_id, node, -1, count(distinct user_id)::int from ${moves} mv group by 1, 2, 3)`,
    sql`(select module_slug, scenario_id, node, choice, learners from scenario_choice_tallies where learners <> 0)`,
  );
  const endings = await same(
    sql`(select module_slug, scenario_id, ending_id, count(*)::int as runs, count(distinct user_id)::int as learners
         from scenario_runs where ended_at is not null and ending_id is not null group by 1, 2, 3)`,
    sql`(select module_slug, scenario_id, ending_id, runs, learners from scenario_ending_tallies where runs <> 0 or learners <> 0)`,
  );
  // Per group and module (migration 0005): the group's activists who completed it.
  const groupModules = await same(
    sql`(select ms.group_id, c.module_slug, (count(*) filter (where c.how = 'self'))::int as self, (count(*) filter (where c.how = 'live'))::int as live
         from memberships ms join users u on u.id = ms.user_id and u.role = 'activist'
         join module_completions c on c.user_id = ms.user_id group by 1, 2)`,
    sql`(select group_id, module_slug, self, live from group_module_tallies where self <> 0 or live <> 0)`,
  );
  return { progress, tallies, weeks, totals, groups, groupModules, questions, firsts, wrongPicks, bests, quizzes, choices, endings };
}

const none = { progress: [], tallies: [], weeks: [], totals: [], groups: [], groupModules: [], questions: [], firsts: [], wrongPicks: [], bests: [], quizzes: [], choices: [], endings: [] };

let ann: TestUser, bob: TestUser, cat: TestUser;
let g1: string, g2: string;

beforeAll(async () => {
  g1 = (await makeGroup()).id;
  g2 = (await makeGroup("constituency", true)).id;
  ann = await makeUser("activist", { groupIds: [g1, g2] });
  bob = await makeUser("activist", { groupIds: [g1] });
  cat = await makeUser("trainer", { groupIds: [g2] });
  await database().db.execute(sql`
    insert into modules (slug, title, position, content_hash, draft, step_count, required_quiz_ids, required_scenario_ids)
    values ('sum-one', 'One', 901, 'h1', false, 2, '[]', '[]'), ('sum-two', 'Two', 902, 'h2', false, 1, '[]', '[]')
    on conflict (slug) do nothing`);
});

describe("report summaries kept by triggers", () => {
  it("follow step views and completions as they are written, moved and deleted", async () => {
    const a = ann.id;
    const b = bob.id;
    await database().db.execute(sql`insert into step_views (user_id, module_slug, step_id, first_seen_at) values (${a}, 'sum-one', 's1', now() - interval '3 days')`);
    await database().db.execute(sql`insert into step_views (user_id, module_slug, step_id, first_seen_at) values (${a}, 'sum-one', 's2', now() - interval '2 days')`);
    // A back-dated view moves the start earlier.
    await database().db.execute(sql`insert into step_views (user_id, module_slug, step_id, first_seen_at) values (${a}, 'sum-one', 's0', now() - interval '9 days')`);
    await database().db.execute(sql`insert into module_completions (user_id, module_slug, content_hash, how) values (${a}, 'sum-one', 'h1', 'self')`);
    // A live completion without any step view; then the same person views a step.
    await database().db.execute(sql`insert into module_completions (user_id, module_slug, content_hash, how, completed_at) values (${b}, 'sum-two', 'h2', 'live', now() - interval '20 days')`);
    await database().db.execute(sql`insert into step_views (user_id, module_slug, step_id) values (${b}, 'sum-two', 's1')`);
    // A trainer's own progress is in the summaries too (reports take it away).
    await database().db.execute(sql`insert into module_completions (user_id, module_slug, content_hash, how) values (${cat.id}, 'sum-one', 'h1', 'live')`);
    await database().db.execute(sql`insert into step_views (user_id, module_slug, step_id) values (${b}, 'sum-one', 's1') on conflict do nothing`);
    expect(await mismatches()).toEqual(none);

    // A completion re-recorded as live (an attendance correction), and back.
    await database().db.execute(sql`update module_completions set how = 'live' where user_id = ${a} and module_slug = 'sum-one'`);
    expect(await mismatches()).toEqual(none);
    await database().db.execute(sql`update module_completions set how = 'self' where user_id = ${a} and module_slug = 'sum-one'`);

    // Moved back in time (as the demo data does), in several statements.
    await database().db.execute(sql`update step_views set first_seen_at = first_seen_at - interval '40 days' where user_id = ${a}`);
    await database().db.execute(sql`update module_completions set completed_at = completed_at - interval '40 days' where user_id = ${a}`);
    expect(await mismatches()).toEqual(none);

    // A completion withdrawn, and a start whose only view goes.
    await database().db.execute(sql`delete from module_completions where user_id = ${b} and module_slug = 'sum-two'`);
    await database().db.execute(sql`delete from step_views where user_id = ${b} and module_slug = 'sum-one'`);
    expect(await mismatches()).toEqual(none);
    const [row] = await query<{ n: number }>(sql`select count(*)::int as n from module_progress where user_id = ${b} and module_slug = 'sum-one'`);
    expect(row!.n).toBe(0);
  });

  it("count a variant's step views as starts of its original too, as they are written, moved and deleted (ADR 046)", async () => {
    await database().db.execute(sql`
      insert into modules (slug, title, position, content_hash, draft, step_count, required_quiz_ids, required_scenario_ids, variant_of)
      values ('sum-two-b', 'Two, version B', 903, 'h2b', true, 1, '[]', '[]', 'sum-two') on conflict (slug) do nothing`);
    const started = async (user: string) =>
      (await query<{ startedAt: string }>(sql`select started_at::text as "startedAt" from module_progress where user_id = ${user} and module_slug = 'sum-two'`))[0]?.startedAt;
    const dee = (await makeUser("activist", { groupIds: [g1] })).id;
    await database().db.execute(sql`insert into step_views (user_id, module_slug, step_id, first_seen_at) values (${dee}, 'sum-two-b', 'b1', now() - interval '2 days')`);
    expect(await started(dee)).toBeDefined();
    expect(await mismatches()).toEqual(none);
    // An earlier view of the original, a view of the variant moved earlier still, then both gone.
    await database().db.execute(sql`insert into step_views (user_id, module_slug, step_id, first_seen_at) values (${dee}, 'sum-two', 's1', now() - interval '3 days')`);
    expect(await mismatches()).toEqual(none);
    await database().db.execute(sql`update step_views set first_seen_at = now() - interval '5 days' where user_id = ${dee} and module_slug = 'sum-two-b'`);
    expect(await mismatches()).toEqual(none);
    await database().db.execute(sql`delete from step_views where user_id = ${dee} and module_slug = 'sum-two'`);
    expect(await mismatches()).toEqual(none);
    // The module stops being a variant (its views no longer start the original), and is one again.
    await database().db.execute(sql`update modules set variant_of = null where slug = 'sum-two-b'`);
    expect(await started(dee)).toBeUndefined();
    expect(await mismatches()).toEqual(none);
    await database().db.execute(sql`update modules set variant_of = 'sum-two' where slug = 'sum-two-b'`);
    expect(await mismatches()).toEqual(none);
    await database().db.execute(sql`delete from step_views where user_id = ${dee} and module_slug = 'sum-two-b'`);
    expect(await started(dee)).toBeUndefined();
    expect(await mismatches()).toEqual(none);
  });

  it("recount trained people when a module turns draft and back", async () => {
    await database().db.execute(sql`update modules set draft = true where slug = 'sum-one'`);
    expect(await mismatches()).toEqual(none);
    await database().db.execute(sql`update modules set draft = false where slug = 'sum-one'`);
    expect(await mismatches()).toEqual(none);
  });

  it("follow people joining and leaving groups, and roles changing", async () => {
    await database().db.execute(sql`insert into memberships (user_id, group_id) values (${bob.id}, ${g2})`);
    await database().db.execute(sql`delete from memberships where user_id = ${ann.id} and group_id = ${g1}`);
    await database().db.execute(sql`update users set role = 'activist' where id = ${cat.id}`); // a trainer who becomes an activist
    expect(await mismatches()).toEqual(none);
    await database().db.execute(sql`update users set role = 'organiser' where id = ${bob.id}`);
    expect(await mismatches()).toEqual(none);
    await database().db.execute(sql`update users set role = 'activist' where id = ${bob.id}`);
    await database().db.execute(sql`insert into module_completions (user_id, module_slug, content_hash, how) values (${bob.id}, 'sum-one', 'h1', 'self')`);
    expect(await mismatches()).toEqual(none);
  });

  it("follow quiz attempts and scenario runs as they are written, played on, ended and deleted", async () => {
    const attempt = (user: string, key: string, answers: string, results: string, score: number, passed: boolean) =>
      database().db.execute(sql`insert into quiz_attempts (user_id, module_slug, quiz_id, content_hash, attempt_key, answers, results, score, passed)
        values (${user}, 'sum-one', 'check', 'h1', ${key}, ${answers}::jsonb, ${results}::jsonb, ${score}, ${passed})`);
    await attempt(ann.id, 'a1', '{"q1":["a","b"],"q2":["c"]}', '{"q1":false,"q2":true}', 50, false);
    await attempt(ann.id, 'a2', '{"q1":["a"],"q2":["c"]}', '{"q1":true,"q2":true}', 100, true);
    await attempt(bob.id, 'b1', '{"q1":["b"],"q2":["a"]}', '{"q1":false,"q2":false}', 0, false);
    await attempt(cat.id, 'c1', '{"q1":["a"],"q2":["a"]}', '{"q1":true,"q2":false}', 50, false);
    expect(await mismatches()).toEqual(none);
    // The best attempt goes: the next best counts; a re-marked attempt.
    await database().db.execute(sql`delete from quiz_attempts where user_id = ${ann.id} and attempt_key = 'a2'`);
    await database().db.execute(sql`update quiz_attempts set results = '{"q1":true,"q2":true}'::jsonb, score = 100, passed = true where user_id = ${bob.id}`);
    expect(await mismatches()).toEqual(none);
    // First attempts: a later one, then the first one goes (the next becomes first), a
    // back-dated one takes its place, and several in one statement (each row's trigger
    // sees them all).
    await attempt(ann.id, 'a3', '{"q1":["a"],"q2":["c"]}', '{"q1":true,"q2":true}', 100, true);
    await database().db.execute(sql`delete from quiz_attempts where user_id = ${ann.id} and attempt_key = 'a1'`);
    expect(await mismatches()).toEqual(none);
    await database().db.execute(sql`insert into quiz_attempts (user_id, module_slug, quiz_id, content_hash, attempt_key, answers, results, score, passed, created_at)
      values (${ann.id}, 'sum-one', 'check', 'h1', 'a0', '{"q1":["b"],"q2":["a"]}', '{"q1":false,"q2":false}', 0, false, now() - interval '1 day')`);
    expect(await mismatches()).toEqual(none);
    await database().db.execute(sql`insert into quiz_attempts (user_id, module_slug, quiz_id, content_hash, attempt_key, answers, results, score, passed, created_at)
      values (${cat.id}, 'sum-one', 'other', 'h1', 'm2', '{"q1":["a"]}', '{"q1":true}', 100, true, now()),
             (${cat.id}, 'sum-one', 'other', 'h1', 'm1', '{"q1":["b"]}', '{"q1":false}', 0, false, now() - interval '1 hour'),
             (${bob.id}, 'sum-one', 'other', 'h1', 'm3', '{"q1":["b"]}', '{"q1":false}', 0, false, now())`);
    expect(await mismatches()).toEqual(none);
    const [first] = await query<{ first_attempts: number; first_right: number }>(sql`
      select first_attempts, first_right from quiz_question_tallies where module_slug = 'sum-one' and quiz_id = 'other' and question_id = 'q1'`);
    expect(first).toEqual({ first_attempts: 2, first_right: 0 });

    // A run played move by move (the path grows), then ended; a second run by the same person.
    const run = (user: string, key: string) =>
      database().db.execute(sql`insert into scenario_runs (user_id, module_slug, scenario_id, content_hash, run_key, current_node)
        values (${user}, 'sum-one', 'door', 'h1', ${key}, 'open')`);
    const move = (user: string, key: string, node: string, choice: number, next: string) =>
      database().db.execute(sql`update scenario_runs set path = path || jsonb_build_array(jsonb_build_object('node', ${node}::text, 'choice', ${choice}::int)),
        current_node = ${next} where user_id = ${user} and run_key = ${key}`);
    const end = (user: string, key: string, ending: string) =>
      database().db.execute(sql`update scenario_runs set ending_id = ${ending}, outcome = 'good', ended_at = now() where user_id = ${user} and run_key = ${key}`);
    await run(ann.id, 'r1');
    await move(ann.id, 'r1', 'open', 0, 'warm');
    await move(ann.id, 'r1', 'warm', 1, 'good');
    await end(ann.id, 'r1', 'good');
    await run(ann.id, 'r2');
    await move(ann.id, 'r2', 'open', 1, 'open'); // a loop back to the same point
    await move(ann.id, 'r2', 'open', 0, 'warm');
    await run(bob.id, 'r1');
    await move(bob.id, 'r1', 'open', 0, 'good');
    await end(bob.id, 'r1', 'good');
    await run(cat.id, 'r1');
    await move(cat.id, 'r1', 'open', 1, 'good');
    await end(cat.id, 'r1', 'good');
    expect(await mismatches()).toEqual(none);
    // Back to the start of a run (its path emptied), a run deleted, an ending changed.
    await database().db.execute(sql`update scenario_runs set path = '[]'::jsonb where user_id = ${ann.id} and run_key = 'r2'`);
    await database().db.execute(sql`delete from scenario_runs where user_id = ${bob.id}`);
    await database().db.execute(sql`update scenario_runs set ending_id = 'lost' where user_id = ${cat.id}`);
    expect(await mismatches()).toEqual(none);
    // Role changes leave the summaries alone (they count everyone; reports take others away).
    await database().db.execute(sql`update users set role = 'trainer' where id = ${bob.id}`);
    await database().db.execute(sql`update users set role = 'activist' where id = ${bob.id}`);
    expect(await mismatches()).toEqual(none);
  });

  it("drop a deleted person's share, and a deleted group's", async () => {
    await database().db.execute(sql`delete from users where id = ${ann.id}`);
    expect(await mismatches()).toEqual(none);
    await database().db.execute(sql`delete from groups where id = ${g1}`);
    expect(await mismatches()).toEqual(none);
  });
});

describe("striped tallies (migration 0008)", () => {
  it("spread people over stripes, and a set-based rebuild gives back exactly what the triggers kept", async () => {
    const group = (await makeGroup()).id;
    const ids = Array.from({ length: 24 }, (_, i) => `stripe-${i}`);
    for (const id of ids) {
      await database().db.execute(sql`insert into users (id, email, name, password_hash, role) values (${id}, ${`${id}@example.org`}, ${id}, 'x', 'activist')`);
      await database().db.execute(sql`insert into memberships (user_id, group_id) values (${id}, ${group}::uuid)`);
      await database().db.execute(sql`insert into step_views (user_id, module_slug, step_id) values (${id}, 'sum-two', 's1')`);
      await database().db.execute(sql`insert into module_completions (user_id, module_slug, content_hash, how) values (${id}, 'sum-two', 'h2', 'self')`);
    }
    expect(await mismatches()).toEqual(none);
    // Twenty-four people land on several stripes (with 8 stripes, all on one would be a broken hash).
    const [spread] = await query<{ stripes: number; started: number }>(sql`
      select count(*)::int as stripes, sum(started)::int as started from module_tallies where module_slug = 'sum-two' and started <> 0`);
    expect(spread!.stripes).toBeGreaterThan(3);
    expect(spread!.started).toBeGreaterThanOrEqual(ids.length);

    const snapshot = () =>
      query(sql`
        select 'module' as t, module_slug as k, stripe, started || '/' || self || '/' || live as v from module_tallies where started <> 0 or self <> 0 or live <> 0
        union all select 'week', module_slug || ' ' || week || ' ' || how, stripe, completions::text from completion_weeks where completions <> 0
        order by 1, 2, 3`);
    const kept = await snapshot();
    await database().db.execute(sql`select report_rebuild_striped_tallies()`);
    expect(await snapshot()).toEqual(kept);
    expect(await mismatches()).toEqual(none);
  });
});

/** The stripe migration 0010 defines, computed here independently: SHA-256 of the id's UTF-8, first byte's low 3 bits. */
const ownStripe = (id: string) => createHash("sha256").update(id, "utf8").digest()[0]! & 7;

describe("our own stripe function (migration 0010)", () => {
  it("is SHA-256 of the person's id, not PostgreSQL's hashtext", async () => {
    const ids = ["ann", "bob", "stripe-0", "stripe-1", "stripe-2", "stripe-3", "Zoë", "𝒜-émoji", "a\\\\b"];
    const rows = await query<{ id: string; stripe: number }>(sql`
      select id, report_stripe(id)::int as stripe from unnest(array[${sql.join(ids.map((id) => sql`${id}::text`), sql`, `)}]) as id`);
    expect(rows.map((r) => [r.id, r.stripe])).toEqual(ids.map((id) => [id, ownStripe(id)]));
  });
});

describe("npm run db:rebuild-summaries (rebuildReportSummaries)", () => {
  it("puts every summary back to what the raw tables say, whatever was wrong with it", async () => {
    const group = (await makeGroup()).id;
    const dee = await makeUser("activist", { groupIds: [group] });
    await database().db.execute(sql`insert into step_views (user_id, module_slug, step_id) values (${dee.id}, 'sum-one', 's1')`);
    await database().db.execute(sql`insert into module_completions (user_id, module_slug, content_hash, how) values (${dee.id}, 'sum-one', 'h1', 'live')`);
    await database().db.execute(sql`
      insert into quiz_attempts (user_id, module_slug, quiz_id, content_hash, attempt_key, answers, results, score, passed)
      values (${dee.id}, 'sum-one', 'q', 'h1', 'rebuild-1', '{"a":["x"]}', '{"a":false}', 0, false)`);
    expect(await mismatches()).toEqual(none);

    // Drift of every kind: a row changed, a row lost, a row that should not be there.
    await database().db.execute(sql`set session_replication_role = replica`);
    try {
      await database().db.execute(sql`update module_tallies set started = started + 5 where module_slug = 'sum-one'`);
      await database().db.execute(sql`delete from module_progress where user_id = ${dee.id}`);
      await database().db.execute(sql`update learner_totals set core_completed = 7 where user_id = ${dee.id}`);
      await database().db.execute(sql`update group_progress_counts set activists = activists + 3 where group_id = ${group}::uuid`);
      await database().db.execute(sql`delete from group_module_tallies where group_id = ${group}::uuid`);
      await database().db.execute(sql`update quiz_wrong_picks set times = times + 2`);
      await database().db.execute(sql`update quiz_question_tallies set first_right = first_right + 1`);
      await database().db.execute(sql`delete from quiz_first_attempts where user_id = ${dee.id}`);
      await database().db.execute(sql`insert into completion_weeks (module_slug, week, how, stripe, completions) values ('sum-two', '2020-01-06', 'self', 0, 4)`);
    } finally {
      await database().db.execute(sql`set session_replication_role = default`);
    }
    const drifted = await mismatches();
    for (const summary of ["progress", "tallies", "weeks", "totals", "groups", "groupModules", "wrongPicks", "questions", "firsts"] as const) {
      expect(drifted[summary], summary).not.toEqual([]);
    }

    await rebuildReportSummaries(database().db);
    expect(await mismatches()).toEqual(none);
    // The triggers are back on after it: the next write is counted.
    await database().db.execute(sql`insert into module_completions (user_id, module_slug, content_hash, how) values (${dee.id}, 'sum-two', 'h2', 'self')`);
    expect(await mismatches()).toEqual(none);
  });
});

describe("upgrading to migration 0010", () => {
  it("moves every existing person to their new stripe, and no figure changes", async () => {
    // A database migrated only to 0009 (stripes picked by hashtext), with data in it.
    const dir = mkdtempSync(path.join(tmpdir(), "doorstep-0009-"));
    cpSync(migrationsFolder, dir, { recursive: true });
    const journalFile = path.join(dir, "meta", "_journal.json");
    const journal = JSON.parse(readFileSync(journalFile, "utf8")) as { entries: { idx: number }[] };
    journal.entries = journal.entries.filter((entry) => entry.idx <= 9);
    writeFileSync(journalFile, JSON.stringify(journal));

    let handle: DatabaseHandle;
    let migrateTo: (folder: string) => Promise<void>;
    let drop = async () => {};
    if (testDbKind() === "pglite") {
      handle = await openDatabase({ kind: "pglite", pglite: await PGlite.create() });
      migrateTo = (folder) => migratePglite(handle.db as unknown as PgliteDatabase, { migrationsFolder: folder });
    } else {
      const name = `doorstep_upgrade_${randomBytes(6).toString("hex")}`;
      const admin = postgres(inject("postgresServerUrl"), { max: 1, onnotice: () => {} });
      await admin.unsafe(`create database ${name}`);
      const url = withDatabase(inject("postgresServerUrl"), name);
      handle = await openDatabase({ kind: "postgres", url });
      migrateTo = async (folder) => {
        const connection = postgres(url, { max: 1, onnotice: () => {} });
        try {
          await migratePostgres(drizzle({ client: connection }), { migrationsFolder: folder });
        } finally {
          await connection.end({ timeout: 5 });
        }
      };
      drop = async () => {
        await admin.unsafe(`drop database if exists ${name} with (force)`);
        await admin.end();
      };
    }
    try {
      await migrateTo(dir);
      const ids = Array.from({ length: 16 }, (_, i) => `upgrade-${i}`);
      await handle.db.execute(sql`
        insert into modules (slug, title, position, content_hash, draft, step_count, required_quiz_ids, required_scenario_ids)
        values ('up-one', 'One', 1, 'h', false, 1, '[]', '[]')`);
      for (const [i, id] of ids.entries()) {
        await handle.db.execute(sql`insert into users (id, email, name, password_hash, role) values (${id}, ${`${id}@example.org`}, ${id}, 'x', 'activist')`);
        await handle.db.execute(sql`insert into step_views (user_id, module_slug, step_id) values (${id}, 'up-one', 's1')`);
        if (i % 2 === 0) {
          await handle.db.execute(sql`insert into module_completions (user_id, module_slug, content_hash, how) values (${id}, 'up-one', 'h', ${i % 4 === 0 ? "self" : "live"})`);
        }
      }
      const figures = () =>
        query(
          sql`select (select sum(started)::int from module_tallies) as started, (select sum(self)::int from module_tallies) as self,
                     (select sum(live)::int from module_tallies) as live, (select sum(completions)::int from completion_weeks) as completions`,
          handle,
        );
      const before = await figures();
      expect(before).toEqual([{ started: 16, self: 4, live: 4, completions: 8 }]);
      // Some of these people really do move: the old stripes are hashtext's.
      const old = await query<{ id: string; stripe: number }>(sql`select id, report_stripe(id)::int as stripe from users`, handle);
      expect(old.filter((r) => r.stripe !== ownStripe(r.id)).length).toBeGreaterThan(0);

      await migrateTo(migrationsFolder);
      expect(await figures()).toEqual(before);
      // Every person's rows now sit on the stripe our function picks (mismatches compares
      // each stripe with report_stripe), and that function is ours, not hashtext.
      expect(await mismatches(handle)).toEqual(none);
      const now = await query<{ id: string; stripe: number }>(sql`select id, report_stripe(id)::int as stripe from users`, handle);
      expect(now.filter((r) => r.stripe !== ownStripe(r.id))).toEqual([]);
      // A person's completion taken back after the upgrade finds the row their stripe holds.
      await handle.db.execute(sql`delete from module_completions where user_id = 'upgrade-0'`);
      expect(await mismatches(handle)).toEqual(none);
    } finally {
      await handle.close();
      await drop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000); // a fresh PGlite migrated twice: near 30 s on a loaded machine (CI runs beside other work)
});
