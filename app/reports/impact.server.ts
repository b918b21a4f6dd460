import { sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { databaseHandle, rowsOf } from "../../db/client.server";
import { impactDataStripes, impactReportCache, learnerCoreDays, learnerTotals } from "../../db/schema";
import { objectionLabel } from "../content/objections";
import {
  clusteredWilson,
  comparisonNote,
  meanIntervalFromSums,
  rateDifference,
  wilson,
  type ClusteredRate,
  type MeanEstimate,
  type Rate,
  type RateDifference,
} from "../stats/intervals";
import { impactFilterSchema, shiftDay, type ImpactFilters } from "./impact-filters.server";
import { practiceFor, type PracticeLink } from "./practice.server";
import {
  coreModuleCount,
  coreModules,
  findScopeGroup,
  groupInScope,
  jsonList,
  rows,
  scopeGroups,
  scopeOf,
  userInScope,
  type ReportScope,
  type ScopeGroup,
  type Viewer,
} from "./scope.server";

/** A json column as an object: postgres.js parses json, PGlite may hand back the text. */
const jsonValue = <T>(value: unknown): T => (typeof value === "string" ? JSON.parse(value) : value) as T;

// The impact report (issue 17, docs/reports.md "Impact"): what canvassers achieved at the
// door or on the phone, trained beside not-yet-trained, and the same people before and
// after training. Every count comes from field_daily (ADR 024), never from raw contact
// rows; objections come from debriefs (codes only). Every interval comes from
// app/stats/intervals.ts.
//
// "Trained" is the completion reports' own rule (ADR 011, ADR 028): every published module
// complete. A canvasser's training day is the UTC day they completed the last of them; a
// day of field work counts as trained when it falls after that day.

export const RATE_KEYS = ["contact", "conversation", "commitment"] as const;
export type RateKey = (typeof RATE_KEYS)[number];
export const RATE_LABEL: Record<RateKey, string> = {
  contact: "Contact rate",
  conversation: "Conversation rate",
  commitment: "Commitment rate",
};
const RATE_MEANING: Record<RateKey, string> = {
  contact: "contacts ÷ doors and calls",
  conversation: "conversations ÷ contacts",
  commitment: "commitments ÷ conversations",
};

export interface SideTotals {
  people: number;
  attempts: number;
  contacts: number;
  conversations: number;
  commitments: number;
}

export interface RateComparison {
  key: RateKey;
  label: string;
  trained: ClusteredRate;
  untrained: ClusteredRate;
  /** trained − not yet trained */
  difference: RateDifference;
  note: string;
}

export interface WithinPersonRate {
  key: RateKey;
  label: string;
  /** Mean of each person's (after − before), with its 95% interval. */
  change: MeanEstimate;
  note: string;
}

export interface WeekRow {
  /** Monday, YYYY-MM-DD */
  week: string;
  trained: SideTotals;
  untrained: SideTotals;
}

export interface ObjectionRow {
  groupId: string;
  groupName: string;
  code: string;
  label: string;
  times: number;
  debriefs: number;
  practice: PracticeLink;
}

export interface CanvasserRow extends SideTotals {
  id: string;
  name: string;
  trainedOn: string | null;
  days: number;
}

export interface ImpactReport {
  filters: ImpactFilters;
  areaLabel: string;
  groups: { total: number; groups: ScopeGroup[] };
  canvassers: { active: number; trained: number; share: Rate; shareNote: string };
  sides: { trained: SideTotals; untrained: SideTotals };
  comparisons: RateComparison[];
  within: { people: number; rates: WithinPersonRate[] };
  weeks: WeekRow[];
  objections: ObjectionRow[];
  topCanvassers: CanvasserRow[];
  canvasserCount: number;
  /** When the figures were computed, if they are a kept answer older than the data (ADR 045); null when current. */
  asOf: string | null;
}

export type ImpactResult = { ok: true; report: ImpactReport } | { ok: false; errors: Record<string, string> };

const num = (v: unknown) => Number(v ?? 0);
const totals = (r: Record<string, unknown> | undefined): SideTotals => ({
  people: num(r?.people),
  attempts: num(r?.a),
  contacts: num(r?.c),
  conversations: num(r?.v),
  commitments: num(r?.m),
});

/** The area part of a WHERE clause on a row with `groupId` joined to its group as `g`. */
function areaWhere(scope: ReportScope, f: ImpactFilters, groupId: SQL): SQL {
  const parts: SQL[] = [groupInScope(scope, groupId)];
  if (f.group) parts.push(sql`${groupId} = ${f.group}`);
  if (f.kind) parts.push(sql`g.kind::text = ${f.kind}`);
  if (f.target === "1") parts.push(sql`g.is_target_seat`);
  return sql.join(parts, sql` and `);
}

/**
 * CTEs every figure starts from: `f`, the field_daily rows in scope, area and period;
 * `trained_on`, each of their canvassers' training day; `cf`, the rows marked trained or
 * not. The period is compared as dates, so the (group_id, day) index serves it.
 */
function fieldCtes(scope: ReportScope, f: ImpactFilters, extraWhere: SQL = sql`true`): SQL {
  return sql`f as (
      select fd.user_id, fd.group_id, fd.day, fd.attempts, fd.contacts, fd.conversations, fd.commitments
      from field_daily fd join groups g on g.id = fd.group_id
      where ${areaWhere(scope, f, sql`fd.group_id`)} and fd.day between ${f.from}::date and ${f.to}::date and ${extraWhere}
    ),
    trained_on as (
      select c.user_id, (max(c.completed_at) at time zone 'UTC')::date as on_day
      from module_completions c
      where c.user_id in (select distinct user_id from f) and c.module_slug in ${coreModules}
      group by c.user_id
      having count(*) = ${coreModuleCount} and ${coreModuleCount} > 0
    ),
    cf as (
      select f.*, t.on_day, coalesce(t.on_day < f.day, false) as trained
      from f left join trained_on t on t.user_id = f.user_id
    ),
    per as (
      select user_id, trained, sum(attempts)::float8 as a, sum(contacts)::float8 as c, sum(conversations)::float8 as v, sum(commitments)::float8 as m
      from cf group by user_id, trained
    )`;
}

/** Which of the page's parts to compute: a CSV of one table needs only its own. */
export interface ImpactParts {
  weeks: boolean;
  objections: boolean;
  /** How many canvassers to list (most doors first); 0 lists none. */
  canvassers: number;
}
// The period's rows hashed by person (and, past 64 weeks, by person and week) fit in memory
// at 50,000 activists with this much; the default 4 MB spilled each hash to disk (ADR 038).
const FIGURE_WORK_MEM = "64MB";
const WHOLE_PAGE: ImpactParts = { weeks: true, objections: true, canvassers: 50 };

/** The area part of a WHERE clause on field_daily `fd`, joining groups only when a filter needs them. */
function fieldArea(scope: ReportScope, f: ImpactFilters): { join: SQL; where: SQL } {
  const needsGroup = Boolean(f.kind || f.target === "1");
  return { join: needsGroup ? sql`join groups g on g.id = fd.group_id` : sql``, where: areaWhere(scope, f, sql`fd.group_id`) };
}

// Aliased so the SQL names the summary through db/schema.ts (tests/unit/report-summary-names).
const lt = alias(learnerTotals, "lt");
const cd = alias(learnerCoreDays, "cd");

/**
 * CTEs of the page's figures, one pass over the period's field_daily rows (ADR 038):
 * `t`, each trained person's training day, from learner_totals and learner_core_days (kept
 * by triggers, ADR 005 and ADR 042: no completion is read); `f`, the period's rows in the area, each marked trained or
 * not; `per`, each person's sums on each side. Everything else is computed from `per`
 * (tens of thousands of rows) rather than from `f` again.
 */
function figureCtes(scope: ReportScope, f: ImpactFilters, weeks = false): SQL {
  const area = fieldArea(scope, f);
  const narrowed = !scope.all || f.group || f.kind || f.target;
  const weekBits = weeks ? trendWeeks(f) : undefined;
  return sql`f0 as (
      select fd.user_id, fd.day, fd.attempts, fd.contacts, fd.conversations, fd.commitments
      from field_daily fd ${area.join}
      where ${area.where} and fd.day between ${f.from}::date and ${f.to}::date
    ),
    t as (
      select ${lt.userId} as user_id, ${cd.lastCoreDay} as on_day
      from ${learnerTotals} ${lt} join ${learnerCoreDays} ${cd} on ${cd.userId} = ${lt.userId}
      where ${lt.coreCompleted} = ${coreModuleCount} and ${coreModuleCount} > 0
        ${narrowed ? sql`and ${lt.userId} in (select user_id from f0)` : sql``}
    ),
    f as (
      select f0.*, coalesce(t.on_day < f0.day, false) as trained
      from f0 left join t on t.user_id = f0.user_id
    ),
    ${
      weekBits
        ? // One row per person and side, with a bit for each week they worked on that side
          // (ADR 045): the trend's head counts come from these ~60,000 rows instead of a
          // person × week hash of ~290,000 groups; its sums need only week × side (≤ 128 groups).
          sql`per as (
      select user_id, trained, sum(attempts)::float8 as a, sum(contacts)::float8 as c, sum(conversations)::float8 as v, sum(commitments)::float8 as m,
             bit_or(1::bigint << ((f.day - ${weekBits.first}::date) / 7)) as week_bits
      from f group by user_id, trained
    ),
    week_sums as (
      select (f.day - ${weekBits.first}::date) / 7 as i, trained,
             sum(attempts)::float8 as a, sum(contacts)::float8 as c, sum(conversations)::float8 as v, sum(commitments)::float8 as m
      from f group by 1, 2
    ),
    -- One count per week, each a column, in one pass over per (a join with the weeks'
    -- numbers cost several times as much); the week numbers are our own integers.
    week_counts as (
      select trained, array[${sql.join(
        Array.from({ length: weekBits.count }, (_, i) => sql`count(*) filter (where week_bits & (1::bigint << ${sql.raw(String(i))}) <> 0)`),
        sql`, `,
      )}] as people
      from per group by trained
    ),
    week_people as (
      select x.i - 1 as i, wc.trained, x.people::int as people
      from week_counts wc cross join unnest(wc.people) with ordinality x(people, i)
    ),
    week_rows as (
      select to_char(${weekBits.first}::date + s.i * 7, 'YYYY-MM-DD') as week, s.trained, p.people, s.a, s.c, s.v, s.m
      from week_sums s join week_people p on p.i = s.i and p.trained = s.trained
    )`
        : weeks
          ? // Past 64 weeks a bigint has no bit for each: each person once per week and side,
            // and the per-person sums from that (ADR 038).
            sql`pw as (
      select user_id, date_trunc('week', day::timestamp) as week, trained,
             sum(attempts)::float8 as a, sum(contacts)::float8 as c, sum(conversations)::float8 as v, sum(commitments)::float8 as m
      from f group by 1, 2, 3
    ),
    per as (select user_id, trained, sum(a) as a, sum(c) as c, sum(v) as v, sum(m) as m from pw group by user_id, trained),
    week_rows as (
      select to_char(week, 'YYYY-MM-DD') as week, trained, count(*)::int as people, sum(a) as a, sum(c) as c, sum(v) as v, sum(m) as m
      from pw group by pw.week, pw.trained
    )`
          : sql`per as (
      select user_id, trained, sum(attempts)::float8 as a, sum(contacts)::float8 as c, sum(conversations)::float8 as v, sum(commitments)::float8 as m
      from f group by user_id, trained
    )`
    }`;
}

/** A day's place in its ISO week, Monday 0. */
const weekday = (d: string) => (new Date(`${d}T00:00:00Z`).getUTCDay() + 6) % 7;

/** The most weeks a person's bitmask (a bigint) can hold. */
export const TREND_BITMASK_WEEKS = 64;

/**
 * The weekly trend's weeks: the Monday of the period's first week and how many weeks
 * (Monday-based, as date_trunc('week') counts them) it touches; undefined past
 * TREND_BITMASK_WEEKS, where the trend is grouped by person and week instead.
 */
export function trendWeeks(f: Pick<ImpactFilters, "from" | "to">): { first: string; count: number } | undefined {
  const monday = (d: string) => shiftDay(d, -weekday(d));
  const first = monday(f.from);
  const count = Math.round((Date.parse(`${monday(f.to)}T00:00:00Z`) - Date.parse(`${first}T00:00:00Z`)) / (7 * 86_400_000)) + 1;
  return count <= TREND_BITMASK_WEEKS ? { first, count } : undefined;
}

type FigureRow = { sides: unknown; active: unknown; within: unknown; weeks: unknown; top: unknown; canvassers: unknown };
type ObjectionCount = { groupId: string; groupName: string; code: string; times: number; debriefs: number };

/** The page's figures straight from the data: one statement for every figure, and the objection counts. */
async function computeFigures(scope: ReportScope, filters: ImpactFilters, parts: ImpactParts): Promise<{ figures: FigureRow | undefined; objections: ObjectionCount[] }> {
  const ctes = figureCtes(scope, filters, parts.weeks);
  const area = fieldArea(scope, filters);
  // One statement for every figure: the period's rows are read once, and the side totals,
  // the active count, the within-person changes, the canvasser list and the weeks come
  // from the per-person sums or that one read.
  const [figureRows, objections] = await Promise.all([
    rows<FigureRow>(sql`with ${ctes},
      sides as (
        select trained, count(*)::int as people,
               count(*) filter (where a > 0)::int as na, count(*) filter (where c > 0)::int as nc, count(*) filter (where v > 0)::int as nv,
               sum(a) as a, sum(c) as c, sum(v) as v, sum(m) as m,
               sum(a * a) as aa, sum(a * c) as ac, sum(c * c) as cc, sum(c * v) as cv, sum(v * v) as vv, sum(v * m) as vm, sum(m * m) as mm
        from per group by trained
      ),
      person as (
        select user_id, sum(a) as a, sum(c) as c, sum(v) as v, sum(m) as m,
               sum(a) filter (where not trained) as a0, sum(c) filter (where not trained) as c0, sum(v) filter (where not trained) as v0, sum(m) filter (where not trained) as m0,
               sum(a) filter (where trained) as a1, sum(c) filter (where trained) as c1, sum(v) filter (where trained) as v1, sum(m) filter (where trained) as m1,
               bool_or(trained) and bool_or(not trained) as both_sides
        from per group by user_id
      ),
      active as (
        select count(*)::int as active, count(*) filter (where t.on_day <= ${filters.to}::date)::int as trained
        from person p left join t on t.user_id = p.user_id where p.a > 0
      ),
      within as (
        select count(*)::int as people,
               count(*) filter (where a0 > 0 and a1 > 0)::int as n_contact,
               coalesce(sum(c1 / a1 - c0 / a0) filter (where a0 > 0 and a1 > 0), 0) as s_contact,
               coalesce(sum((c1 / a1 - c0 / a0) ^ 2) filter (where a0 > 0 and a1 > 0), 0) as ss_contact,
               count(*) filter (where c0 > 0 and c1 > 0)::int as n_conversation,
               coalesce(sum(v1 / c1 - v0 / c0) filter (where c0 > 0 and c1 > 0), 0) as s_conversation,
               coalesce(sum((v1 / c1 - v0 / c0) ^ 2) filter (where c0 > 0 and c1 > 0), 0) as ss_conversation,
               count(*) filter (where v0 > 0 and v1 > 0)::int as n_commitment,
               coalesce(sum(m1 / v1 - m0 / v0) filter (where v0 > 0 and v1 > 0), 0) as s_commitment,
               coalesce(sum((m1 / v1 - m0 / v0) ^ 2) filter (where v0 > 0 and v1 > 0), 0) as ss_commitment
        from person where both_sides
      )
      ${parts.canvassers > 0 ? sql`,
      -- Everyone level with or above the Nth most doors, without names: the names (and the
      -- order among equals, which goes by name) are looked up on each request (withNames).
      top as (
        select p.user_id, p.a, p.c, p.v, p.m
        from person p
        where p.a >= coalesce((select a from person order by a desc offset ${parts.canvassers - 1} limit 1), 0)
      ),
      top_rows as (
        select top.user_id as id, to_char(t.on_day, 'YYYY-MM-DD') as "trainedOn", top.a, top.c, top.v, top.m,
               (select count(distinct fd.day)::int from field_daily fd ${area.join}
                where fd.user_id = top.user_id and ${area.where} and fd.day between ${filters.from}::date and ${filters.to}::date) as days
        from top left join t on t.user_id = top.user_id
      )` : sql``}
      select (select coalesce(json_agg(s), '[]'::json) from sides s) as sides,
             (select row_to_json(x) from active x) as active,
             (select row_to_json(w) from within w) as within,
             ${parts.weeks ? sql`(select coalesce(json_agg(w order by w.week, w.trained), '[]'::json) from week_rows w)` : sql`'[]'::json`} as weeks,
             ${parts.canvassers > 0 ? sql`(select coalesce(json_agg(r order by r.a desc, r.id), '[]'::json) from top_rows r)` : sql`'[]'::json`} as top,
             (select count(*)::int from person) as canvassers`, { workMem: FIGURE_WORK_MEM }),
    parts.objections ? objectionCounts(scope, filters) : Promise.resolve([]),
  ]);
  return { figures: figureRows[0], objections };
}

type KeptAnswer = { figures: FigureRow | undefined; objections: ObjectionCount[] };

/**
 * How old a kept answer the admin's whole-movement page may show, labelled, while a fresh
 * one is computed in the background (ADR 045). Older than this, the request computes.
 */
export const STALE_ANSWER_MAX_AGE_MS = 60 * 60 * 1000;
/** A stale read starts a recompute this long after it: the reads and writes of a burst share one. */
const RECOMPUTE_DELAY_MS = 1000;
/** How often the warmer looks at the admin's default period. */
const WARM_EVERY_MS = 10_000;

const keyOf = (scope: ReportScope, filters: ImpactFilters, parts: ImpactParts) =>
  JSON.stringify({
    scope: scope.all ? "all" : [...scope.groupIds].sort(),
    filters: Object.entries(filters).sort(([a], [b]) => (a < b ? -1 : 1)),
    parts: [parts.weeks, parts.objections, parts.canvassers],
  });

/**
 * The figures, reused while nothing they are computed from has changed (ADR 044): the
 * version is the sum of impact_data_stripes, which every committed write to a table the
 * figures read makes larger (migration 0030). It is read before computing, so an answer
 * kept under it includes every change committed before it; a change committed since makes
 * the sum larger, and the answer is never served as current again. With `stale` (the
 * admin's whole-movement page only, ADR 045), an answer kept under an older version and
 * at most STALE_ANSWER_MAX_AGE_MS old is served with the time it was computed from
 * (`asOf`), and a fresh one is computed in the background.
 */
async function keptFigures(scope: ReportScope, filters: ImpactFilters, parts: ImpactParts, mode: "fresh" | "current" | "stale"): Promise<KeptAnswer & { asOf: string | null }> {
  if (mode === "fresh") return { ...(await computeFigures(scope, filters, parts)), asOf: null };
  const key = keyOf(scope, filters, parts);
  // One statement, so the version and the kept answer are read from the same snapshot.
  const [kept] = await rows<{ version: string; current: boolean; answer: unknown; asOf: string; now: string }>(sql`
    with v as (select coalesce(sum(${impactDataStripes.changes}), 0)::bigint as version from ${impactDataStripes})
    select v.version::text as version, k.version = v.version as current, k.answer,
           to_char(k.computed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "asOf",
           to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as now
    from v left join ${impactReportCache} k on k.key = ${key}
      and (k.version = v.version ${mode === "stale" ? sql`or k.computed_at > now() - ${`${STALE_ANSWER_MAX_AGE_MS} milliseconds`}::interval` : sql``})`);
  if (kept?.answer && kept.current) return { ...jsonValue<KeptAnswer>(kept.answer), asOf: null };
  if (kept?.answer) {
    recomputeSoon(key, () => keptFigures(scope, filters, parts, "current"));
    return { ...jsonValue<KeptAnswer>(kept.answer), asOf: kept.asOf };
  }
  const answer = await computeFigures(scope, filters, parts);
  const version = kept?.version ?? "0";
  // Answers under an older version are never served as current again, nor stale once past the
  // stale age; the ones that still may be stay until then (ADR 045).
  await rows(sql`delete from ${impactReportCache} where ${impactReportCache.version} < ${version}::bigint
    and ${impactReportCache.computedAt} <= now() - ${`${STALE_ANSWER_MAX_AGE_MS} milliseconds`}::interval`);
  // computed_at is when the version was read: the figures are the data as of then.
  await rows(sql`
    insert into ${impactReportCache} (key, version, answer, computed_at) values (${key}, ${version}::bigint, ${JSON.stringify(answer)}::jsonb, ${kept?.now ?? new Date().toISOString()}::timestamptz)
    on conflict (key) do update set version = excluded.version, answer = excluded.answer, computed_at = excluded.computed_at
    where ${impactReportCache.version} <= excluded.version`);
  return { ...answer, asOf: null };
}

// ---------------------------------------------------------------- recomputing in the background

// Recomputes waiting, by key: a stale read adds one, and the first one added starts the
// queue RECOMPUTE_DELAY_MS later; the queue runs one recompute at a time per process.
const waiting = new Map<string, () => Promise<unknown>>();
let queueTimer: ReturnType<typeof setTimeout> | undefined;
let draining: Promise<void> | undefined;

function recomputeSoon(key: string, recompute: () => Promise<unknown>, delayMs = RECOMPUTE_DELAY_MS): void {
  waiting.set(key, recompute);
  if (queueTimer || draining) return;
  queueTimer = setTimeout(startDraining, delayMs);
  queueTimer.unref?.();
}

function startDraining(): void {
  if (queueTimer) clearTimeout(queueTimer);
  queueTimer = undefined;
  draining = drain().finally(() => {
    draining = undefined;
    // One queued between the drain's last look and now would otherwise wait for the next stale read.
    if (waiting.size > 0) recomputeSoon(...waiting.entries().next().value!);
  });
}

async function drain(): Promise<void> {
  for (let next = waiting.entries().next(); !next.done; next = waiting.entries().next()) {
    const [key, recompute] = next.value;
    waiting.delete(key);
    try {
      await unlessAnotherInstanceIs(key, recompute);
    } catch (error) {
      // The next stale read queues it again; a reader is never failed by a background job.
      console.error(`Impact report: background recompute failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/**
 * The name of the lock a background recompute of one kept answer holds, so that of several
 * instances only one computes it (ADR 045); the others keep serving the stale answer.
 */
const recomputeLockName = (key: string) => `doorstep:impact:${key}`;

/** That lock's name for the admin's whole-movement page over a period (tests hold it). */
export const adminPageLockName = (filters: ImpactFilters) => recomputeLockName(keyOf({ all: true }, filters, WHOLE_PAGE));

/**
 * Runs a background recompute unless another instance is running the same one. The lock is
 * a transaction's, so it goes with the connection if the instance dies; the recompute's own
 * statements run on other connections of the pool meanwhile. Another instance's answer is
 * kept for everyone, and a stale read after it finds it current. PGlite is one process by
 * construction (its data directory is locked) and has one connection, so it needs no lock.
 */
async function unlessAnotherInstanceIs(key: string, recompute: () => Promise<unknown>): Promise<void> {
  const handle = databaseHandle();
  if (handle.kind !== "postgres") {
    await recompute();
    return;
  }
  await handle.db.transaction(async (tx) => {
    const [lock] = rowsOf<{ held: boolean }>(await tx.execute(sql`select pg_try_advisory_xact_lock(hashtext(${recomputeLockName(key)})) as held`));
    if (lock?.held) await recompute();
  });
}

/** Waits until no recompute is waiting or running (tests; a server stopping). */
export async function impactRecomputesSettled(): Promise<void> {
  while (queueTimer || draining || waiting.size > 0) {
    if (!draining) startDraining();
    await draining;
  }
}

let warmer: ReturnType<typeof setInterval> | undefined;

/**
 * Every WARM_EVERY_MS, recompute the admin's whole-movement page for the default period
 * when its kept answer is missing or stale (ADR 045), through the same one-at-a-time queue
 * as the stale reads. Started with the server (app/boot.server.ts).
 */
export function startImpactWarmer(everyMs = WARM_EVERY_MS): void {
  stopImpactWarmerTimer();
  const warm = () => {
    const filters = impactFilterSchema.parse({});
    recomputeSoon(keyOf({ all: true }, filters, WHOLE_PAGE), () => keptFigures({ all: true }, filters, WHOLE_PAGE, "current"), 0);
  };
  warm();
  warmer = setInterval(warm, everyMs);
  warmer.unref();
}

function stopImpactWarmerTimer(): void {
  if (warmer) clearInterval(warmer);
  warmer = undefined;
}

/** Stops the warmer and lets a recompute already running finish (tests, shutdown). */
export async function stopImpactWarmer(): Promise<void> {
  stopImpactWarmerTimer();
  await impactRecomputesSettled();
}

/**
 * The top canvassers with their names as they are now (ADR 045: a kept answer holds ids,
 * never names, so a renamed person shows their new name and a deleted one no one), the
 * most doors first, then by name, `limit` of them.
 */
async function withNames(top: unknown, limit: number): Promise<CanvasserRow[]> {
  const kept = jsonList<Record<string, unknown>>(top);
  if (kept.length === 0 || limit <= 0) return [];
  const found = await rows<Record<string, unknown> & { id: string; name: string; trainedOn: string | null }>(sql`
    select r.id, u.name, r."trainedOn", r.days, r.a, r.c, r.v, r.m
    from jsonb_to_recordset(${JSON.stringify(kept)}::jsonb) as r(id text, "trainedOn" text, days int, a float8, c float8, v float8, m float8)
    join users u on u.id = r.id
    order by r.a desc, u.name, r.id limit ${limit}`);
  return found.map((r): CanvasserRow => ({ id: r.id, name: r.name, trainedOn: r.trainedOn, days: num(r.days), ...totals(r), people: 1 }));
}

/**
 * A stale answer's objection rows with their groups' names as they are now (ADR 045): a
 * rename or a deletion makes the answer stale, not current, so only a stale one can hold an
 * old name. A deleted group's rows are not shown.
 */
async function withGroupNames(kept: ObjectionCount[]): Promise<ObjectionCount[]> {
  if (kept.length === 0) return kept;
  // Ordered as objectionCounts orders them, in the database's collation.
  return rows<ObjectionCount>(sql`
    select r."groupId", g.name as "groupName", r.code, r.times, r.debriefs
    from jsonb_to_recordset(${JSON.stringify(kept)}::jsonb) as r("groupId" uuid, code text, times int, debriefs int)
    join groups g on g.id = r."groupId"
    order by g.name, r."groupId", r.times desc, r.code`);
}

/**
 * The impact report. `reuse: false` computes straight from the data. `serveStale` (the
 * admin's page) lets the whole movement's answer be served up to an hour old while a fresh
 * one is computed (ADR 045); it is ignored for any narrower scope or area, and for a part
 * of the page (the CSVs).
 */
export async function impactReport(
  viewer: Viewer,
  filters: ImpactFilters,
  parts: ImpactParts = WHOLE_PAGE,
  options: { reuse?: boolean; serveStale?: boolean } = {},
): Promise<ImpactResult> {
  const scope = await scopeOf(viewer);
  let areaLabel = "every group you can see";
  if (filters.group) {
    const group = await findScopeGroup(scope, filters.group);
    if (!group) return { ok: false, errors: { group: "That group is not one of the groups you can see. Pick one from the list." } };
    areaLabel = group.name;
  } else if (filters.kind || filters.target) {
    areaLabel = `${filters.target ? "target seats" : "every group"}${filters.kind ? ` of kind ${filters.kind}` : ""} you can see`;
  }
  const wholeMovement = scope.all && !filters.group && !filters.kind && !filters.target && parts === WHOLE_PAGE;
  const mode = options.reuse === false ? "fresh" : options.serveStale && wholeMovement ? "stale" : "current";
  const [kept, groups] = await Promise.all([keptFigures(scope, filters, parts, mode), scopeGroups(scope)]);
  const figures = kept.figures;
  const objections = (kept.asOf ? await withGroupNames(kept.objections) : kept.objections).map(withPractice);
  const canvassers = { rows: await withNames(figures?.top, parts.canvassers), total: num(figures?.canvassers) };

  const sideRows = jsonList<Record<string, unknown> & { trained: boolean }>(figures?.sides);
  const activeRows = figures?.active ? [jsonValue<{ active: number; trained: number }>(figures.active)] : [];
  const withinRows = figures?.within ? [jsonValue<Record<string, unknown>>(figures.within)] : [];
  const weekRows = jsonList<Record<string, unknown> & { week: string; trained: boolean }>(figures?.weeks);
  const side = (trained: boolean) => sideRows.find((r) => Boolean(r.trained) === trained);
  const t = side(true);
  const u = side(false);
  const clustered = (r: Record<string, unknown> | undefined, y: string, x: string, n: string) => {
    const g = (k: string) => num(r?.[k]);
    return clusteredWilson({ successes: g(y), trials: g(x), clusters: g(n), sumTrialsSquared: g(x + x), sumProducts: g(x + y), sumSuccessesSquared: g(y + y) });
  };
  const RATE_COLUMNS: Record<RateKey, [y: string, x: string, n: string]> = { contact: ["c", "a", "na"], conversation: ["v", "c", "nc"], commitment: ["m", "v", "nv"] };
  const period = `${filters.from} to ${filters.to}`;
  const comparisons = RATE_KEYS.map((key): RateComparison => {
    const [y, x, n] = RATE_COLUMNS[key];
    const trained = clustered(t, y, x, n);
    const untrained = clustered(u, y, x, n);
    return {
      key,
      label: RATE_LABEL[key],
      trained,
      untrained,
      difference: rateDifference(trained, untrained),
      note: comparisonNote({
        compares: `the ${RATE_LABEL[key].toLowerCase()} (${RATE_MEANING[key]}) of canvassers already trained with that of canvassers not yet trained, in ${areaLabel}, ${period}`,
        people: [num(t?.[n]), num(u?.[n])],
        randomised: false,
      }),
    };
  });

  const w = withinRows[0] ?? {};
  const within = RATE_KEYS.map((key): WithinPersonRate => {
    const change = meanIntervalFromSums(num(w[`n_${key}`]), num(w[`s_${key}`]), num(w[`ss_${key}`]));
    return {
      key,
      label: RATE_LABEL[key],
      change,
      note: comparisonNote({
        compares: `each canvasser's ${RATE_LABEL[key].toLowerCase()} after they completed their training with their own before it, in ${areaLabel}, ${period}`,
        people: [change.n, change.n],
        randomised: false,
        samePeople: true,
      }),
    };
  });

  const weeks = new Map<string, WeekRow>();
  for (const r of weekRows) {
    const row = weeks.get(r.week) ?? { week: r.week, trained: totals(undefined), untrained: totals(undefined) };
    row[r.trained ? "trained" : "untrained"] = totals(r);
    weeks.set(r.week, row);
  }

  const active = activeRows[0] ?? { active: 0, trained: 0 };
  const share = wilson(num(active.trained), num(active.active));
  return {
    ok: true,
    report: {
      filters,
      areaLabel,
      groups,
      canvassers: {
        active: num(active.active),
        trained: num(active.trained),
        share,
        shareNote: `Of ${num(active.active).toLocaleString("en-GB")} ${num(active.active) === 1 ? "person" : "people"} who knocked on a door or made a call in ${areaLabel}, ${period}, the share who had completed every published module by ${filters.to}. People are the unit: each counts once.`,
      },
      sides: { trained: totals(t), untrained: totals(u) },
      comparisons,
      within: { people: num(w.people), rates: within },
      weeks: [...weeks.values()],
      objections,
      topCanvassers: canvassers.rows,
      canvasserCount: canvassers.total,
      asOf: kept.asOf,
    },
  };
}

/**
 * The whole ISO weeks (Monday to Sunday) inside a period, as [first Monday, last Monday];
 * first > last when no whole week fits.
 */
export function wholeWeeks(from: string, to: string): { first: string; last: string } {
  const first = weekday(from) === 0 ? from : shiftDay(from, 7 - weekday(from));
  const last = shiftDay(to, -weekday(to) - (weekday(to) === 6 ? 0 : 7));
  return { first, last };
}

/**
 * Objection codes met per area in the period, most frequent first within each area. Whole
 * weeks come from the weekly rollups the debrief triggers keep (migration 0024, ADR 038);
 * only the days of a partial week at either end are counted from debriefs, so the figures
 * are the same as counting every debrief of the period. One canvasser's come from their
 * own debriefs (an index range on user and day).
 */
export async function objectionRows(scope: ReportScope, f: ImpactFilters, userId?: string): Promise<ObjectionRow[]> {
  return (await objectionCounts(scope, f, userId)).map(withPractice);
}

/** An objection count with its label and the scenario that practises it (from the content, so never kept). */
const withPractice = (r: ObjectionCount): ObjectionRow => ({ ...r, times: num(r.times), debriefs: num(r.debriefs), label: objectionLabel(r.code), practice: practiceFor(r.code) });

/** objectionRows' counts, without labels or links. */
async function objectionCounts(scope: ReportScope, f: ImpactFilters, userId?: string): Promise<ObjectionCount[]> {
  const { first, last } = wholeWeeks(f.from, f.to);
  // Days read from debriefs: all of the period for one canvasser, else those outside [first, last + 6].
  const rolled = !userId && first <= last;
  // As two day ranges, so debriefs_day_idx serves them when no group narrows the area.
  const rawDays = userId
    ? sql`d.user_id = ${userId}`
    : rolled
      ? sql`(d.day < ${first}::date or d.day > ${shiftDay(last, 6)}::date)`
      : sql`true`;
  const found = await rows<ObjectionCount>(sql`
    with d as (
      select d.id, d.group_id, d.objections
      from debriefs d join groups g on g.id = d.group_id
      where ${areaWhere(scope, f, sql`d.group_id`)} and d.day between ${f.from}::date and ${f.to}::date and ${rawDays}
    ),
    counted as (
      -- code '' carries the area's count of debriefs; the rest, each code's.
      select group_id, code, sum(n)::int as n from (
        select group_id, '' as code, count(*) as n from d group by group_id
        union all
        select d.group_id, o.code, count(distinct d.id)
        from d cross join lateral jsonb_array_elements_text(case when jsonb_typeof(d.objections) = 'array' then d.objections else '[]'::jsonb end) o(code)
        where o.code <> ''
        group by d.group_id, o.code
        ${
          rolled
            ? sql`union all
        select w.group_id, '', sum(w.debriefs) from field_debrief_weeks w join groups g on g.id = w.group_id
        where ${areaWhere(scope, f, sql`w.group_id`)} and w.week between ${first}::date and ${last}::date group by w.group_id
        union all
        select w.group_id, w.code, sum(w.debriefs) from field_objection_weeks w join groups g on g.id = w.group_id
        where ${areaWhere(scope, f, sql`w.group_id`)} and w.week between ${first}::date and ${last}::date and w.code <> '' group by w.group_id, w.code`
            : sql``
        }
      ) x group by group_id, code
    ),
    per_area as (
      select group_id, code, n as times, max(n) filter (where code = '') over (partition by group_id) as debriefs from counted
    )
    select pa.group_id as "groupId", g.name as "groupName", pa.code, pa.times, pa.debriefs
    from per_area pa join groups g on g.id = pa.group_id
    where pa.code <> '' and pa.times > 0
    order by g.name, pa.group_id, pa.times desc, pa.code`);
  return found.map((r) => ({ ...r, times: num(r.times), debriefs: num(r.debriefs) }));
}

/** How much of the objections table the page shows; the CSV has every row. */
export const OBJECTION_PAGE = { areas: 20, perArea: 3 } as const;

export interface ObjectionSummary {
  /** The areas with the most debriefs, each with its most frequent objections. */
  rows: ObjectionRow[];
  /** Every area and row of the full table, so the page can say what it left out. */
  areas: number;
  total: number;
}

/**
 * The page's objections table, summarised: the whole movement has hundreds of areas with
 * a row per objection each (3,920 rows, 1.4 MB of HTML at the bench's scale, ADR 042), so
 * the page shows the areas with the most debriefs and the most frequent objections in
 * each; the CSV (objectionRows) keeps every row. `rows` must be objectionRows' order
 * (area, then most frequent first), which it keeps within each area.
 */
export function summariseObjections(rows: ObjectionRow[], limits: { areas: number; perArea: number } = OBJECTION_PAGE): ObjectionSummary {
  const byArea = new Map<string, { debriefs: number; name: string; id: string; list: ObjectionRow[] }>();
  for (const row of rows) {
    const area = byArea.get(row.groupId);
    if (area) area.list.push(row);
    else byArea.set(row.groupId, { debriefs: row.debriefs, name: row.groupName, id: row.groupId, list: [row] });
  }
  const areas = [...byArea.values()].sort((a, b) => b.debriefs - a.debriefs || a.name.localeCompare(b.name) || (a.id < b.id ? -1 : 1));
  return { rows: areas.slice(0, limits.areas).flatMap((a) => a.list.slice(0, limits.perArea)), areas: byArea.size, total: rows.length };
}

/** Every canvasser in the area and period, the most doors and calls first (the CSV). */
export async function canvasserRows(scope: ReportScope, f: ImpactFilters): Promise<CanvasserRow[]> {
  const ctes = figureCtes(scope, f);
  const found = await rows<Record<string, unknown> & { id: string; name: string; trainedOn: string | null }>(sql`with ${ctes},
    days as (select user_id, count(distinct day)::int as days from f group by user_id)
    select p.user_id as id, u.name, to_char(t.on_day, 'YYYY-MM-DD') as "trainedOn", d.days,
           sum(p.a) as a, sum(p.c) as c, sum(p.v) as v, sum(p.m) as m
    from per p join users u on u.id = p.user_id join days d on d.user_id = p.user_id left join t on t.user_id = p.user_id
    group by p.user_id, u.name, t.on_day, d.days
    order by a desc, u.name, p.user_id`, { workMem: FIGURE_WORK_MEM });
  return found.map((r) => ({ id: r.id, name: r.name, trainedOn: r.trainedOn, days: num(r.days), ...totals(r), people: 1 }));
}

// ---------------------------------------------------------------- one canvasser

export interface CanvasserImpact {
  person: { id: string; name: string };
  trainedOn: string | null;
  filters: ImpactFilters;
  before: SideTotals;
  after: SideTotals;
  rates: { key: RateKey; label: string; before: Rate; after: Rate }[];
  weeks: WeekRow[];
  areas: (SideTotals & { groupId: string; groupName: string })[];
  objections: ObjectionRow[];
}

/**
 * One canvasser's field record in the viewer's groups, or undefined when the id is
 * unknown or outside the viewer's reach (the same 404 either way). Intervals here are
 * plain Wilson: one person's doors are the only cluster, so there is nothing to adjust.
 */
export async function canvasserImpact(viewer: Viewer, userId: string, filters: ImpactFilters): Promise<CanvasserImpact | undefined> {
  if (userId.length === 0 || userId.length > 100) return undefined;
  const scope = await scopeOf(viewer);
  const [person] = await rows<{ id: string; name: string }>(sql`
    select u.id, u.name from users u
    where u.id = ${userId}
      and (${userInScope(scope, sql`u.id`)} or exists (select 1 from field_daily x where x.user_id = u.id and ${groupInScope(scope, sql`x.group_id`)}))`);
  if (!person) return undefined;
  const own: ImpactFilters = { ...filters };
  const ctes = fieldCtes(scope, own, sql`fd.user_id = ${userId}`);
  const [trained, sides, weekRows, areas, objections] = await Promise.all([
    rows<{ on: string | null }>(sql`
      select to_char((max(c.completed_at) at time zone 'UTC')::date, 'YYYY-MM-DD') as on
      from module_completions c where c.user_id = ${userId} and c.module_slug in ${coreModules}
      having count(*) = ${coreModuleCount} and ${coreModuleCount} > 0`),
    rows<Record<string, unknown> & { trained: boolean }>(sql`with ${ctes}
      select trained, 1 as people, sum(a) as a, sum(c) as c, sum(v) as v, sum(m) as m from per group by trained`),
    rows<Record<string, unknown> & { week: string; trained: boolean }>(sql`with ${ctes}
      select to_char(date_trunc('week', day::timestamp), 'YYYY-MM-DD') as week, trained, 1 as people,
             sum(attempts)::float8 as a, sum(contacts)::float8 as c, sum(conversations)::float8 as v, sum(commitments)::float8 as m
      from cf group by 1, 2 order by 1, 2`),
    rows<Record<string, unknown> & { groupId: string; groupName: string }>(sql`with ${ctes}
      select cf.group_id as "groupId", g.name as "groupName", 1 as people,
             sum(cf.attempts)::float8 as a, sum(cf.contacts)::float8 as c, sum(cf.conversations)::float8 as v, sum(cf.commitments)::float8 as m
      from cf join groups g on g.id = cf.group_id group by cf.group_id, g.name order by a desc, g.name`),
    objectionRows(scope, own, userId),
  ]);
  const before = totals(sides.find((s) => !s.trained));
  const after = totals(sides.find((s) => Boolean(s.trained)));
  const weeks = new Map<string, WeekRow>();
  for (const r of weekRows) {
    const row = weeks.get(r.week) ?? { week: r.week, trained: totals(undefined), untrained: totals(undefined) };
    row[r.trained ? "trained" : "untrained"] = totals(r);
    weeks.set(r.week, row);
  }
  const rateOf = (s: SideTotals, key: RateKey) =>
    key === "contact" ? wilson(s.contacts, s.attempts) : key === "conversation" ? wilson(s.conversations, s.contacts) : wilson(s.commitments, s.conversations);
  return {
    person,
    trainedOn: trained[0]?.on ?? null,
    filters,
    before,
    after,
    rates: RATE_KEYS.map((key) => ({ key, label: RATE_LABEL[key], before: rateOf(before, key), after: rateOf(after, key) })),
    weeks: [...weeks.values()],
    areas: areas.map((a) => ({ groupId: a.groupId, groupName: a.groupName, ...totals(a) })),
    objections,
  };
}

/** The groups the area filter offers (also when the filters in the URL were refused). */
export async function impactGroupChoices(viewer: Viewer): Promise<{ total: number; groups: ScopeGroup[] }> {
  return scopeGroups(await scopeOf(viewer));
}
