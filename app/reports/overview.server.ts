import { sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { completionWeeks, groupProgressCounts, learnerTotals, moduleProgress, moduleTallies } from "../../db/schema";
import type { OverviewFilters } from "./filter-schemas.server";
import { GROUP_PAGE_SIZE } from "./filters";
import {
  activistRows,
  coreModuleCount,
  coreModules,
  groupInScope,
  jsonList,
  nonActivists,
  publishedModules,
  rows,
  peopleInScope,
  scopeOf,
  type ReportScope,
  type Viewer,
} from "./scope.server";

// The organiser's first screen. "Activists" are people in scope whose role is activist:
// the people being trained. "Trained" means every published module complete.

export const WEEKS = 26;

export interface ModuleFigures {
  slug: string;
  title: string;
  /** Activists who opened at least one step, or completed it (live completions count). */
  started: number;
  self: number;
  live: number;
}

export interface WeekFigures {
  /** Monday of the week (UTC), YYYY-MM-DD. */
  week: string;
  self: number;
  live: number;
}

export interface GroupFigures {
  id: string;
  name: string;
  kind: string;
  isTargetSeat: boolean;
  activists: number;
  trained: number;
  completions: number;
  /** Completions ÷ (activists × published modules), 0–100; null with no activists. */
  rate: number | null;
  behind: boolean;
}

export interface Overview {
  activists: number;
  trained: number;
  moduleCount: number;
  groupCount: number;
  modules: ModuleFigures[];
  weeks: WeekFigures[];
  groups: { rows: GroupFigures[]; total: number; page: number; pageCount: number };
  threshold: number;
}

export async function reportOverview(viewer: Viewer, filters: OverviewFilters): Promise<Overview> {
  const scope = await scopeOf(viewer);
  const [figures, counts, groups] = await Promise.all([
    scope.all ? everyoneFigures() : scopedFigures(scope),
    countsOf(scope),
    groupTable(scope, filters),
  ]);
  return { ...figures, ...counts, groups, threshold: filters.threshold };
}

type Figures = { activists: number; trained: number; modules: ModuleFigures[]; weeks: WeekFigures[] };

async function countsOf(scope: ReportScope) {
  const [row] = await rows<{ moduleCount: number; groupCount: number }>(sql`
    select ${coreModuleCount} as "moduleCount", (select count(*)::int from groups g where ${groupInScope(scope, sql`g.id`)}) as "groupCount"`);
  return { moduleCount: Number(row?.moduleCount ?? 0), groupCount: Number(row?.groupCount ?? 0) };
}

/** The calendar of the chart: the last 26 weeks (UTC Mondays), this week included. */
const weeksCte = sql`weeks as (
      select generate_series(
        date_trunc('week', now() at time zone 'UTC') - interval '${sql.raw(String(WEEKS - 1))} weeks',
        date_trunc('week', now() at time zone 'UTC'),
        interval '1 week') as week
    )`;
const inWindow = (column: SQL) => sql`${column} >= (select min(week) from weeks) at time zone 'UTC'`;

/** Module rows in catalogue order, with zeros for modules nobody has started. */
async function withModules(figures: { slug: string; started: number; self: number; live: number }[]): Promise<ModuleFigures[]> {
  const modules = await publishedModules();
  const bySlug = new Map(figures.map((f) => [f.slug, f]));
  return modules.map((m) => {
    const f = bySlug.get(m.slug);
    return { slug: m.slug, title: m.title, started: Number(f?.started ?? 0), self: Number(f?.self ?? 0), live: Number(f?.live ?? 0) };
  });
}

const mapWeeks = (weeks: WeekFigures[]): WeekFigures[] => weeks.map((w) => ({ week: w.week, self: Number(w.self), live: Number(w.live) }));

/**
 * An organiser's figures in one statement: their activists are found once, and each
 * person's module_progress rows (kept by triggers: started, completed when and how) give
 * the funnel, the weekly completions and who is trained in a single pass. Computing
 * these in separate queries expanded the scope and probed each person three times over.
 */
async function scopedFigures(scope: ReportScope): Promise<Figures> {
  const mp = alias(moduleProgress, "mp");
  const p = alias(moduleProgress, "p");
  const [row] = await rows<{ activists: number; trained: number; modules: { slug: string; started: number; self: number; live: number }[] | null; weeks: WeekFigures[] }>(sql`
    with ${weeksCte},
    pop as materialized (select u.id from ${peopleInScope(scope)} where u.role = 'activist'),
    progress as materialized (
      select ${p.userId}, ${p.moduleSlug}, ${p.completedAt}, ${p.how}
      from pop cross join lateral (select * from ${moduleProgress} ${mp} where ${mp.userId} = pop.id offset 0) ${p}
      -- filtered here, not in each person's probe (which would become one probe per module)
      where ${p.moduleSlug} in ${coreModules}
    ),
    per_week as (
      select date_trunc('week', completed_at at time zone 'UTC') as week,
             count(*) filter (where how = 'self') as self, count(*) filter (where how = 'live') as live
      from progress where completed_at is not null and ${inWindow(sql`completed_at`)}
      group by 1
    )
    select (select count(*)::int from pop) as activists,
           (select count(*)::int from (
              select user_id from progress where completed_at is not null group by user_id having count(*) = ${coreModuleCount}
            ) done) as trained,
           (select json_agg(json_build_object('slug', m.module_slug, 'started', m.started, 'self', m.self, 'live', m.live)) from (
              select module_slug, count(*)::int as started, (count(*) filter (where how = 'self'))::int as self, (count(*) filter (where how = 'live'))::int as live
              from progress group by module_slug
            ) m) as modules,
           (select json_agg(json_build_object('week', to_char(w.week, 'YYYY-MM-DD'), 'self', coalesce(d.self, 0), 'live', coalesce(d.live, 0)) order by w.week)
            from weeks w left join per_week d on d.week = w.week) as weeks`);
  return {
    activists: Number(row?.activists ?? 0),
    trained: Number(row?.trained ?? 0),
    modules: await withModules(jsonList(row?.modules)),
    weeks: mapWeeks(jsonList(row?.weeks)),
  };
}

/** The whole movement: summaries kept by triggers, less the few non-activists' own rows. */
async function everyoneFigures(): Promise<Figures> {
  // Trained: learner_totals holds each person's count of published modules complete; its
  // index finds those at the full count.
  const [[totals], modules, weeks] = await Promise.all([
    rows<{ activists: number; trained: number }>(sql`
      select (select count(*)::int from users u where u.role = 'activist') as activists,
             (select count(*)::int from ${activistRows({ all: true }, learnerTotals, (t) => sql`${t.coreCompleted} = ${coreModuleCount} and ${coreModuleCount} > 0`)} lt) as trained`),
    moduleFigures({ all: true }),
    weeklyCompletions({ all: true }),
  ]);
  return { activists: Number(totals?.activists ?? 0), trained: Number(totals?.trained ?? 0), modules, weeks };
}

/**
 * Per published module: started (a step seen, or completed: live completions count),
 * completed self-paced, completed live.
 */
export async function moduleFigures(scope: ReportScope): Promise<ModuleFigures[]> {
  if (!scope.all) return (await scopedFigures(scope)).modules;
  return withModules(await rows<{ slug: string; started: number; self: number; live: number }>(startedEverywhere()));
}

/**
 * The same for everyone: the per-module tallies (kept by triggers), less the few
 * non-activists' own rows. Twelve rows read instead of 1.9 million step views grouped
 * (docs/performance.md, Reports).
 */
function startedEverywhere(): SQL {
  const mp = alias(moduleProgress, "mp");
  const p = alias(moduleProgress, "p");
  return sql`
    select t.module_slug as slug,
           (t.started - coalesce(x.started, 0))::int as started,
           (t.self - coalesce(x.self, 0))::int as self,
           (t.live - coalesce(x.live, 0))::int as live
    from (select ${moduleTallies.moduleSlug} as module_slug, sum(${moduleTallies.started}) as started, sum(${moduleTallies.self}) as self, sum(${moduleTallies.live}) as live
          from ${moduleTallies} group by ${moduleTallies.moduleSlug}) t
    left join (
      select ${p.moduleSlug}, count(*) as started, count(*) filter (where ${p.how} = 'self') as self, count(*) filter (where ${p.how} = 'live') as live
      from ${nonActivists} n cross join lateral (select * from ${moduleProgress} ${mp} where ${mp.userId} = n.id offset 0) ${p}
      group by ${p.moduleSlug}
    ) x on x.module_slug = t.module_slug
    where t.module_slug in ${coreModules}`;
}

/** Completions per week for the last 26 weeks (this week included), empty weeks as 0. */
export async function weeklyCompletions(scope: ReportScope): Promise<WeekFigures[]> {
  if (!scope.all) return (await scopedFigures(scope)).weeks;
  // Count per week first (26 groups), then put the counts on the calendar: the weekly
  // tallies (kept by triggers) less the non-activists' own completions.
  const cw = alias(completionWeeks, "cw");
  const figures = await rows<WeekFigures>(sql`
    with ${weeksCte},
    others as (
      select date_trunc('week', c.completed_at at time zone 'UTC') as week, c.how
      from ${nonActivists} n cross join lateral (select * from module_completions mc where mc.user_id = n.id offset 0) c
      where c.module_slug in ${coreModules} and ${inWindow(sql`c.completed_at`)}
    ),
    done as (
      select ${cw.week},
             sum(${cw.completions}) filter (where ${cw.how} = 'self') - coalesce((select count(*) from others o where o.week = ${cw.week} and o.how = 'self'), 0) as self,
             sum(${cw.completions}) filter (where ${cw.how} = 'live') - coalesce((select count(*) from others o where o.week = ${cw.week} and o.how = 'live'), 0) as live
      from ${completionWeeks} ${cw}
      where ${cw.moduleSlug} in ${coreModules} and ${cw.week} >= (select min(week) from weeks)
      group by ${cw.week}
    )
    select to_char(w.week, 'YYYY-MM-DD') as week, coalesce(d.self, 0)::int as self, coalesce(d.live, 0)::int as live
    from weeks w left join done d on d.week = w.week
    order by w.week`);
  return mapWeeks(figures);
}

// ---------------------------------------------------------------- groups table

export interface GroupTableOptions {
  threshold: number;
  kind?: string | undefined;
  targetOnly?: boolean;
}

/** Per-group figures as a CTE over `groupRows` (id, name, kind, is_target_seat). */
function groupStats(groupRows: SQL, threshold: number): SQL {
  // group_progress_counts (kept by triggers) holds, per group, how many activists have
  // completed k published modules: a dozen rows per group instead of every member.
  const gc = alias(groupProgressCounts, "gc");
  return sql`
    sg as ${groupRows},
    stats as (
      select sg.id, sg.name, sg.kind::text as kind, sg.is_target_seat as "isTargetSeat",
             coalesce(sum(${gc.activists}), 0)::int as activists,
             coalesce(sum(${gc.activists}) filter (where ${gc.coreCompleted} = ${coreModuleCount} and ${coreModuleCount} > 0), 0)::int as trained,
             coalesce(sum(${gc.activists} * ${gc.coreCompleted}), 0)::int as completions
      from sg
      left join ${groupProgressCounts} ${gc} on ${gc.groupId} = sg.id and ${gc.activists} <> 0
      group by sg.id, sg.name, sg.kind, sg.is_target_seat
    ),
    rated as (
      select stats.*,
             case when activists = 0 or ${coreModuleCount} = 0 then null
                  else round(completions * 100.0 / (activists * ${coreModuleCount}), 1)::float8 end as rate
      from stats
    ),
    flagged as (
      select rated.*, ("isTargetSeat" and coalesce(rate, 0) < ${threshold}) as behind from rated
    )`;
}

const groupFilter = (scope: ReportScope, options: GroupTableOptions): SQL => {
  const parts = [groupInScope(scope, sql`g.id`)];
  if (options.kind) parts.push(sql`g.kind::text = ${options.kind}`);
  if (options.targetOnly) parts.push(sql`g.is_target_seat`);
  return sql.join(parts, sql` and `);
};

const mapGroup = (g: GroupFigures): GroupFigures => ({
  ...g,
  activists: Number(g.activists),
  trained: Number(g.trained),
  completions: Number(g.completions),
  rate: g.rate === null ? null : Number(g.rate),
  behind: Boolean(g.behind),
});

/** One page of groups: target seats behind the threshold first, then lowest rate first. */
async function groupTable(scope: ReportScope, filters: OverviewFilters): Promise<Overview["groups"]> {
  const options = { threshold: filters.threshold, kind: filters.kind, targetOnly: filters.target === "1" };
  const offset = (filters.gpage - 1) * GROUP_PAGE_SIZE;
  const found = await rows<GroupFigures & { total: number }>(sql`
    with ${groupStats(sql`(select g.id, g.name, g.kind, g.is_target_seat from groups g where ${groupFilter(scope, options)})`, options.threshold)}
    select flagged.*, (count(*) over ())::int as total from flagged
    order by behind desc, rate asc nulls last, name, id
    limit ${GROUP_PAGE_SIZE} offset ${offset}`);
  let total = Number(found[0]?.total ?? 0);
  if (found.length === 0 && filters.gpage > 1) {
    const [count] = await rows<{ n: number }>(sql`select count(*)::int as n from groups g where ${groupFilter(scope, options)}`);
    total = Number(count?.n ?? 0);
  }
  return { rows: found.map(mapGroup), total, page: filters.gpage, pageCount: Math.max(1, Math.ceil(total / GROUP_PAGE_SIZE)) };
}

/** Every group in scope for the CSV export, by keyset on (name, id), a batch at a time. */
export async function* groupTableBatches(viewer: Viewer, options: GroupTableOptions, batchSize = 500): AsyncGenerator<GroupFigures[]> {
  const scope = await scopeOf(viewer);
  let after: { name: string; id: string } | null = null;
  for (;;) {
    const page: GroupFigures[] = await rows<GroupFigures>(sql`
      with ${groupStats(
        sql`(select g.id, g.name, g.kind, g.is_target_seat from groups g where ${groupFilter(scope, options)}
              ${after ? sql`and (g.name, g.id) > (${after.name}, ${after.id}::uuid)` : sql``}
              order by g.name, g.id limit ${batchSize})`,
        options.threshold,
      )}
      select flagged.* from flagged order by name, id`);
    if (page.length === 0) return;
    yield page.map(mapGroup);
    if (page.length < batchSize) return;
    const last = page[page.length - 1]!;
    after = { name: last.name, id: last.id };
  }
}
