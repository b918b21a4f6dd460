import { sql, type SQL } from "drizzle-orm";
import { GROUP_PAGE_SIZE, type OverviewFilters } from "./filters";
import {
  activistRows,
  coreModuleCount,
  coreModules,
  groupInScope,
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
  const [totals, modules, weeks, groups] = await Promise.all([totalsOf(scope), moduleFigures(scope), weeklyCompletions(scope), groupTable(scope, filters)]);
  return { ...totals, modules, weeks, groups, threshold: filters.threshold };
}

async function totalsOf(scope: ReportScope) {
  // Trained: learner_totals (kept by triggers, db/schema.ts) holds each person's count of
  // published modules complete; its index finds those at the full count.
  const [row] = await rows<{ activists: number; trained: number; moduleCount: number; groupCount: number }>(sql`
    select (select count(*)::int from ${peopleInScope(scope)} where u.role = 'activist') as activists,
           (select count(*)::int from ${activistRows(scope, "learner_totals", sql`t.core_completed = ${coreModuleCount} and ${coreModuleCount} > 0`)} lt) as trained,
           ${coreModuleCount} as "moduleCount",
           (select count(*)::int from groups g where ${groupInScope(scope, sql`g.id`)}) as "groupCount"`);
  return {
    activists: Number(row?.activists ?? 0),
    trained: Number(row?.trained ?? 0),
    moduleCount: Number(row?.moduleCount ?? 0),
    groupCount: Number(row?.groupCount ?? 0),
  };
}

/**
 * Per published module: started (a step seen, or completed: live completions count),
 * completed self-paced, completed live. One module_progress row per person and module
 * started, kept by triggers, so this counts rows instead of grouping step views.
 */
export async function moduleFigures(scope: ReportScope): Promise<ModuleFigures[]> {
  const [modules, figures] = await Promise.all([
    publishedModules(),
    rows<{ slug: string; started: number; self: number; live: number }>(scope.all ? startedEverywhere() : startedIn(scope)),
  ]);
  const bySlug = new Map(figures.map((f) => [f.slug, f]));
  return modules.map((m) => {
    const f = bySlug.get(m.slug);
    return { slug: m.slug, title: m.title, started: Number(f?.started ?? 0), self: Number(f?.self ?? 0), live: Number(f?.live ?? 0) };
  });
}

/** Started/completed per module for some people: their module_progress rows, person by person. */
function startedIn(scope: ReportScope): SQL {
  return sql`
    select p.module_slug as slug, count(*)::int as started,
           (count(*) filter (where p.how = 'self'))::int as self,
           (count(*) filter (where p.how = 'live'))::int as live
    from ${activistRows(scope, "module_progress")} p
    -- filtered here, not in each person's probe (which would become one probe per module)
    where p.module_slug in ${coreModules}
    group by 1`;
}

/**
 * The same for everyone: the per-module tallies (kept by triggers), less the few
 * non-activists' own rows. Twelve rows read instead of 1.9 million step views grouped
 * (docs/performance.md, Reports).
 */
function startedEverywhere(): SQL {
  return sql`
    select t.module_slug as slug,
           (t.started - coalesce(x.started, 0))::int as started,
           (t.self - coalesce(x.self, 0))::int as self,
           (t.live - coalesce(x.live, 0))::int as live
    from module_tallies t
    left join (
      select p.module_slug, count(*) as started, count(*) filter (where p.how = 'self') as self, count(*) filter (where p.how = 'live') as live
      from ${nonActivists} n cross join lateral (select * from module_progress mp where mp.user_id = n.id offset 0) p
      group by p.module_slug
    ) x on x.module_slug = t.module_slug
    where t.module_slug in ${coreModules}`;
}

/** Completions per week for the last 26 weeks (this week included), empty weeks as 0. */
export async function weeklyCompletions(scope: ReportScope): Promise<WeekFigures[]> {
  // Count per week first (26 groups), then put the counts on the calendar. For everyone,
  // the weekly tallies (kept by triggers) less the non-activists' own completions.
  const inWindow = (column: SQL) => sql`${column} >= (select min(week) from weeks) at time zone 'UTC'`;
  const done = scope.all
    ? sql`
      select cw.week,
             sum(cw.completions) filter (where cw.how = 'self') - coalesce((select count(*) from others o where o.week = cw.week and o.how = 'self'), 0) as self,
             sum(cw.completions) filter (where cw.how = 'live') - coalesce((select count(*) from others o where o.week = cw.week and o.how = 'live'), 0) as live
      from completion_weeks cw
      where cw.module_slug in ${coreModules} and cw.week >= (select min(week) from weeks)
      group by cw.week`
    : sql`
      select date_trunc('week', c.completed_at at time zone 'UTC') as week,
             count(*) filter (where c.how = 'self') as self,
             count(*) filter (where c.how = 'live') as live
      from ${activistRows(scope, "module_completions", sql`t.module_slug in ${coreModules} and ${inWindow(sql`t.completed_at`)}`)} c
      group by 1`;
  const figures = await rows<WeekFigures>(sql`
    with weeks as (
      select generate_series(
        date_trunc('week', now() at time zone 'UTC') - interval '${sql.raw(String(WEEKS - 1))} weeks',
        date_trunc('week', now() at time zone 'UTC'),
        interval '1 week') as week
    ),
    others as (
      select date_trunc('week', c.completed_at at time zone 'UTC') as week, c.how
      from ${nonActivists} n cross join lateral (select * from module_completions mc where mc.user_id = n.id offset 0) c
      where c.module_slug in ${coreModules} and ${inWindow(sql`c.completed_at`)}
    ),
    done as (${done})
    select to_char(w.week, 'YYYY-MM-DD') as week, coalesce(d.self, 0)::int as self, coalesce(d.live, 0)::int as live
    from weeks w left join done d on d.week = w.week
    order by w.week`);
  return figures.map((f) => ({ week: f.week, self: Number(f.self), live: Number(f.live) }));
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
  return sql`
    sg as ${groupRows},
    stats as (
      select sg.id, sg.name, sg.kind::text as kind, sg.is_target_seat as "isTargetSeat",
             coalesce(sum(gc.activists), 0)::int as activists,
             coalesce(sum(gc.activists) filter (where gc.core_completed = ${coreModuleCount} and ${coreModuleCount} > 0), 0)::int as trained,
             coalesce(sum(gc.activists * gc.core_completed), 0)::int as completions
      from sg
      left join group_progress_counts gc on gc.group_id = sg.id and gc.activists <> 0
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
