import { sql, type SQL } from "drizzle-orm";
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
import type { ImpactFilters } from "./impact-filters.server";
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

export async function impactReport(viewer: Viewer, filters: ImpactFilters): Promise<ImpactResult> {
  const scope = await scopeOf(viewer);
  let areaLabel = "every group you can see";
  if (filters.group) {
    const group = await findScopeGroup(scope, filters.group);
    if (!group) return { ok: false, errors: { group: "That group is not one of the groups you can see. Pick one from the list." } };
    areaLabel = group.name;
  } else if (filters.kind || filters.target) {
    areaLabel = `${filters.target ? "target seats" : "every group"}${filters.kind ? ` of kind ${filters.kind}` : ""} you can see`;
  }
  const ctes = fieldCtes(scope, filters);

  // One statement for the side totals, the active count, the within-person changes and the
  // weeks: the CTEs they share (the period's rows, training days, per-person sums) are
  // computed once, where four statements read field_daily four times.
  const [figureRows, objections, canvassers, groups] = await Promise.all([
    rows<{ sides: unknown; active: unknown; within: unknown; weeks: unknown }>(sql`with ${ctes},
      sides as (
        select trained, count(*)::int as people,
               count(*) filter (where a > 0)::int as na, count(*) filter (where c > 0)::int as nc, count(*) filter (where v > 0)::int as nv,
               sum(a) as a, sum(c) as c, sum(v) as v, sum(m) as m,
               sum(a * a) as aa, sum(a * c) as ac, sum(c * c) as cc, sum(c * v) as cv, sum(v * v) as vv, sum(v * m) as vm, sum(m * m) as mm
        from per group by trained
      ),
      active as (
        select count(*)::int as active, count(*) filter (where t.on_day <= ${filters.to}::date)::int as trained
        from (select user_id from f group by user_id having sum(attempts) > 0) p left join trained_on t on t.user_id = p.user_id
      ),
      wp as (
        select user_id,
               sum(a) filter (where not trained) as a0, sum(c) filter (where not trained) as c0, sum(v) filter (where not trained) as v0, sum(m) filter (where not trained) as m0,
               sum(a) filter (where trained) as a1, sum(c) filter (where trained) as c1, sum(v) filter (where trained) as v1, sum(m) filter (where trained) as m1
        from per group by user_id having bool_or(trained) and bool_or(not trained)
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
        from wp
      ),
      weeks as (
        select to_char(date_trunc('week', day::timestamp), 'YYYY-MM-DD') as week, trained, count(distinct user_id)::int as people,
               sum(attempts)::float8 as a, sum(contacts)::float8 as c, sum(conversations)::float8 as v, sum(commitments)::float8 as m
        from cf group by 1, 2
      )
      select (select coalesce(json_agg(s), '[]'::json) from sides s) as sides,
             (select row_to_json(x) from active x) as active,
             (select row_to_json(w) from within w) as within,
             (select coalesce(json_agg(w order by w.week, w.trained), '[]'::json) from weeks w) as weeks`),
    objectionRows(scope, filters),
    canvasserRows(scope, filters, 50),
    scopeGroups(scope),
  ]);

  const figures = figureRows[0];
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
    },
  };
}

/** Objection codes met per area in the period, most frequent first within each area. */
export async function objectionRows(scope: ReportScope, f: ImpactFilters, userId?: string): Promise<ObjectionRow[]> {
  const who = userId ? sql`d.user_id = ${userId}` : sql`true`;
  const found = await rows<{ groupId: string; groupName: string; code: string; times: number; debriefs: number }>(sql`
    with d as (
      select d.id, d.group_id, g.name, d.objections
      from debriefs d join groups g on g.id = d.group_id
      where ${areaWhere(scope, f, sql`d.group_id`)} and d.day between ${f.from}::date and ${f.to}::date and ${who}
    ),
    per_area as (select group_id, count(*)::int as debriefs from d group by group_id)
    select d.group_id as "groupId", d.name as "groupName", o.code, count(distinct d.id)::int as times, pa.debriefs
    from d
    cross join lateral jsonb_array_elements_text(case when jsonb_typeof(d.objections) = 'array' then d.objections else '[]'::jsonb end) o(code)
    join per_area pa on pa.group_id = d.group_id
    group by d.group_id, d.name, o.code, pa.debriefs
    order by d.name, d.group_id, times desc, o.code`);
  return found.map((r) => ({ ...r, times: num(r.times), debriefs: num(r.debriefs), label: objectionLabel(r.code), practice: practiceFor(r.code) }));
}

/** Canvassers in the area and period, the most doors and calls first. */
export async function canvasserRows(scope: ReportScope, f: ImpactFilters, limit?: number): Promise<{ rows: CanvasserRow[]; total: number }> {
  const ctes = fieldCtes(scope, f);
  const [found, count] = await Promise.all([
    rows<Record<string, unknown> & { id: string; name: string; trainedOn: string | null }>(sql`with ${ctes}
      select cf.user_id as id, u.name, to_char(min(cf.on_day), 'YYYY-MM-DD') as "trainedOn", count(distinct cf.day)::int as days,
             count(distinct cf.user_id)::int as people,
             sum(cf.attempts)::float8 as a, sum(cf.contacts)::float8 as c, sum(cf.conversations)::float8 as v, sum(cf.commitments)::float8 as m
      from cf join users u on u.id = cf.user_id
      group by cf.user_id, u.name
      order by a desc, u.name, cf.user_id
      ${limit ? sql`limit ${limit}` : sql``}`),
    rows<{ n: number }>(sql`with ${ctes} select count(distinct user_id)::int as n from f`),
  ]);
  return {
    rows: found.map((r) => ({ id: r.id, name: r.name, trainedOn: r.trainedOn, days: num(r.days), ...totals(r), people: 1 })),
    total: num(count[0]?.n),
  };
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
