// Over 400 lines on purpose: the matrix page, its count and its sorted-by-module parts share one filter builder, kept beside them.
import { sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { learnerTotals, moduleProgress } from "../../db/schema";
import type { MatrixFilters } from "./filter-schemas.server";
import { PAGE_SIZE, type FilterErrors, type FilterResult } from "./filters";
import {
  containsPattern,
  coreModuleCount,
  coreModules,
  day,
  findScopeGroup,
  groupInScope,
  narrowTo,
  publishedModules,
  rows,
  scopeGroups,
  peopleInScope,
  scopeOf,
  type ReportModule,
  type ReportScope,
  type ScopeGroup,
  type Viewer,
} from "./scope.server";

// The activist × module matrix: one row per person in scope, one cell per published
// module. Filtering, sorting, counting and paging all happen in one SQL statement; the
// cells of the 50 people on the page come from a second one. Nothing loops over people
// in JavaScript.

export type CellStatus = "not-started" | "in-progress" | "self" | "live";
export interface MatrixCell {
  status: CellStatus;
  /** Completion day, or for work in progress the day it started (UTC, YYYY-MM-DD). */
  date: string | null;
}

export interface MatrixRow {
  id: string;
  name: string;
  email: string;
  role: string;
  groups: string;
  completed: number;
  cells: Record<string, MatrixCell>;
}

export interface MatrixContext {
  scope: ReportScope;
  modules: ReportModule[];
  filters: MatrixFilters;
}

export type MatrixSetup =
  | { ok: true; context: MatrixContext; groupFilter: ScopeGroup | null; groupChoices: { total: number; groups: ScopeGroup[] } }
  | { ok: false; errors: FilterErrors; modules: ReportModule[]; groupChoices: { total: number; groups: ScopeGroup[] } };

/**
 * Check the filters against what this viewer may see: a group outside their scope reads
 * exactly like one that does not exist, and so does an unpublished module.
 */
export async function matrixSetup(viewer: Viewer, filters: MatrixFilters): Promise<MatrixSetup> {
  const scope = await scopeOf(viewer);
  const [modules, groupChoices, groupFilter] = await Promise.all([
    publishedModules(),
    scopeGroups(scope),
    filters.group ? findScopeGroup(scope, filters.group) : Promise.resolve(null),
  ]);
  const errors: FilterErrors = {};
  if (filters.group && !groupFilter) errors.group = "There is no group with that id among the groups you can see.";
  if (filters.module && !modules.some((m) => m.slug === filters.module)) errors.module = `There is no published module “${filters.module}”.`;
  const sortModule = filters.sort.startsWith("m:") ? filters.sort.slice(2) : null;
  if (sortModule && !modules.some((m) => m.slug === sortModule)) errors.sort = `There is no published module “${sortModule}” to sort by.`;
  if (Object.keys(errors).length) return { ok: false, errors, modules, groupChoices };
  const narrowed = filters.group ? narrowTo(scope, filters.group)! : scope;
  return { ok: true, context: { scope: narrowed, modules, filters }, groupFilter: groupFilter ?? null, groupChoices };
}

// ---------------------------------------------------------------- SQL pieces

// The summaries' aliases, as Drizzle objects so a renamed column breaks the build, not a
// report: `mp` is a person's row for the filtered or sorted module, `cell` (`p`) one cell.
const mp = alias(moduleProgress, "mp");
const mp0 = alias(moduleProgress, "mp0");
const cell = alias(moduleProgress, "p");
const lt = alias(learnerTotals, "lt");

const dayStart = (isoDay: string) => sql`((${isoDay})::date::timestamp at time zone 'UTC')`;

function completedInRange(filters: MatrixFilters, column: SQL): SQL {
  const parts: SQL[] = [];
  if (filters.from) parts.push(sql`${column} >= ${dayStart(filters.from)}`);
  if (filters.to) parts.push(sql`${column} < ${dayStart(filters.to)} + interval '1 day'`);
  return parts.length ? sql.join(parts, sql` and `) : sql`true`;
}

/**
 * "Person u has a row in …". For an organiser's few hundred or thousand people this is a
 * per-person primary-key probe (a scalar subquery, which PostgreSQL never turns into a
 * join); for an admin's whole movement, EXISTS, which the planner may run as one hash
 * (anti-)join over the table instead of 50,000 probes.
 */
function has(scope: ReportScope, fromWhere: SQL): SQL {
  return scope.all ? sql`exists (select 1 ${fromWhere})` : sql`((select 1 ${fromWhere} limit 1) is not null)`;
}

/** Everything that decides whether person `u` is in the matrix. */
function matrixWhere({ scope, filters }: MatrixContext): SQL {
  // Who is in scope is the FROM clause (peopleInScope); this is everything else.
  const where: SQL[] = [sql`true`];
  if (filters.role !== "all") where.push(sql`u.role = ${filters.role}`);
  if (filters.q) {
    const pattern = containsPattern(filters.q);
    where.push(sql`(u.name ilike ${pattern} or u.email ilike ${pattern})`);
  }
  if (filters.gq) {
    where.push(
      has(scope, sql`from memberships gm join groups gg on gg.id = gm.group_id
        where gm.user_id = u.id and ${groupInScope(scope, sql`gg.id`)} and gg.name ilike ${containsPattern(filters.gq)}`),
    );
  }
  // Status comes from module_progress (kept by triggers): one row per person and module
  // started or completed, so "in progress" is a row without a completion and "not
  // started" no row, one index probe each instead of a step view and a completion.
  const range = completedInRange(filters, sql`${mp.completedAt}`);
  const ranged = Boolean(filters.from || filters.to);
  const progress = (modules: SQL, condition: SQL = sql`true`) =>
    has(scope, sql`from ${moduleProgress} ${mp} where ${mp.userId} = u.id and ${mp.moduleSlug} ${modules} and ${condition}`);
  if (filters.module) {
    const one = sql`= ${filters.module}`;
    const completed = (how?: "self" | "live") => progress(one, sql`${mp.completedAt} is not null ${how ? sql`and ${mp.how} = ${how}` : sql``} and ${range}`);
    switch (filters.status) {
      case "complete":
        where.push(completed());
        break;
      case "complete-self":
        where.push(completed("self"));
        break;
      case "complete-live":
        where.push(completed("live"));
        break;
      case "in-progress":
        where.push(progress(one, sql`${mp.completedAt} is null`));
        break;
      case "not-started":
        where.push(sql`not ${progress(one)}`);
        break;
      default:
        if (ranged) where.push(completed());
    }
  } else {
    // No module chosen: the status is about all published modules together. Trained:
    // learner_totals (kept by triggers) counts each person's published modules complete.
    const core = sql`in ${coreModules}`;
    const trained = sql`(${coreModuleCount} > 0 and coalesce((select ${lt.coreCompleted} from ${learnerTotals} ${lt} where ${lt.userId} = u.id), 0) = ${coreModuleCount})`;
    if (ranged) where.push(progress(core, sql`${mp.completedAt} is not null and ${range}`));
    if (filters.status === "complete") where.push(trained);
    else if (filters.status === "in-progress") where.push(sql`not ${trained} and ${progress(core)}`);
    else if (filters.status === "not-started") where.push(sql`not ${progress(core)}`);
  }
  return sql.join(where, sql` and `);
}

/** The ORDER BY for the chosen column; ties always fall back to name then id. */
function matrixOrder({ scope, filters }: MatrixContext): SQL {
  const dir = filters.dir === "desc" ? sql`desc` : sql`asc`;
  const tail = sql`u.name ${dir}, u.id ${dir}`;
  if (filters.sort === "email") return sql`u.email ${dir}, u.id ${dir}`;
  if (filters.sort === "groups") {
    return sql`(select min(g.name) from memberships m join groups g on g.id = m.group_id
      where m.user_id = u.id and ${groupInScope(scope, sql`g.id`)}) ${dir} nulls last, ${tail}`;
  }
  if (filters.sort === "completed") {
    return sql`(select count(*) from module_completions c where c.user_id = u.id and c.module_slug in ${coreModules}) ${dir}, ${tail}`;
  }
  if (filters.sort.startsWith("m:")) {
    // Rank: not started 0, in progress 1, complete 2; within a rank, by date (see matrixSortJoins).
    return sql`case when ${mp.completedAt} is not null then 2 when ${mp.startedAt} is not null then 1 else 0 end ${dir},
      coalesce(${mp.completedAt}, ${mp.startedAt}) ${dir} nulls last, ${tail}`;
  }
  return tail;
}

/**
 * Sorting an organiser's people by a module column needs each one's completion and start
 * date for that module: one module_progress row (kept by triggers; started_at is the
 * first step view while in progress), a primary-key probe per member. (The whole
 * movement is paged differently: movementPageQuery.)
 */
function matrixSortJoins({ filters }: MatrixContext): SQL {
  if (!filters.sort.startsWith("m:")) return sql``;
  const m = filters.sort.slice(2);
  return sql`left join lateral (select ${mp0}.* from ${moduleProgress} ${mp0} where ${mp0.userId} = u.id and ${mp0.moduleSlug} = ${m} offset 0) ${mp} on true`;
}

// ---------------------------------------------------------------- the page

export interface MatrixPage {
  rows: MatrixRow[];
  total: number;
  page: number;
  pageCount: number;
}

/** A person as the matrix lists them, before their cells are read. */
type MatrixPerson = Pick<MatrixRow, "id" | "name" | "email" | "role">;

/**
 * FROM … WHERE for "the people this filter shows", as `u`: what the matrix counts and
 * what a nudge goes to (nudges.server.ts), so the two can never disagree.
 */
export function matrixPeople(context: MatrixContext): SQL {
  return sql`${peopleInScope(context.scope)} where ${matrixWhere(context)}`;
}

/** How many people the matrix's filters match, in this scope. */
const matchingCount = (context: MatrixContext) => rows<{ n: number }>(sql`select count(*)::int as n from ${matrixPeople(context)}`);

export async function matrixPage(context: MatrixContext): Promise<MatrixPage> {
  const { filters } = context;
  const offset = (filters.page - 1) * PAGE_SIZE;
  let people: MatrixPerson[];
  let total: number;
  if (context.scope.all) {
    // The whole movement: the page and the count as two statements side by side. With
    // `count(*) over ()` every one of 50,000 rows had to be built and kept (spilling to
    // disk) before the first 50 could be picked; alone, the page walks an index and stops.
    const [page, [count]] = await Promise.all([rows<MatrixPerson>(movementPageQuery(context, offset)), matchingCount(context)]);
    people = page;
    total = Number(count?.n ?? 0);
  } else {
    // An organiser's people: their scope is expanded once, counted and paged in one go.
    const scoped = await rows<MatrixPerson & { total: number }>(sql`
      select u.id, u.name, u.email, u.role::text as role, (count(*) over ())::int as total
      from ${peopleInScope(context.scope)} ${matrixSortJoins(context)}
      where ${matrixWhere(context)}
      order by ${matrixOrder(context)}
      limit ${PAGE_SIZE} offset ${offset}`);
    people = scoped;
    total = Number(scoped[0]?.total ?? 0);
    if (scoped.length === 0 && filters.page > 1) {
      // Past the last page: still say how many there are.
      const [count] = await matchingCount(context);
      total = Number(count?.n ?? 0);
    }
  }
  return {
    rows: await withCells(context, people),
    total,
    page: filters.page,
    pageCount: Math.max(1, Math.ceil(total / PAGE_SIZE)),
  };
}

/**
 * One page of the whole movement. Sorted by a module column, the order is rank (not
 * started, in progress, complete) then date then name, and each rank has an index that
 * yields it in that order (module_progress by module and dates; users by name), so each
 * rank contributes at most offset + one page of rows and the three are merged: a few
 * hundred index entries instead of sorting 50,000 people (docs/performance.md, Reports).
 */
function movementPageQuery(context: MatrixContext, offset: number): SQL {
  const { filters } = context;
  const where = matrixWhere(context);
  if (!filters.sort.startsWith("m:")) {
    return sql`select u.id, u.name, u.email, u.role::text as role from users u where ${where}
      order by ${matrixOrder(context)} limit ${PAGE_SIZE} offset ${offset}`;
  }
  const m = filters.sort.slice(2);
  const dir = filters.dir === "desc" ? sql`desc` : sql`asc`;
  const upTo = offset + PAGE_SIZE;
  const person = sql`u.id, u.name, u.email, u.role::text as role`;
  return sql`
    select id, name, email, role from (
      (select ${person}, 2 as rank, ${mp.completedAt} as at
       from ${moduleProgress} ${mp} join users u on u.id = ${mp.userId}
       where ${mp.moduleSlug} = ${m} and ${mp.completedAt} is not null and ${where}
       order by ${mp.completedAt} ${dir}, u.name ${dir}, u.id ${dir} limit ${upTo})
      union all
      (select ${person}, 1, ${mp.startedAt}
       from ${moduleProgress} ${mp} join users u on u.id = ${mp.userId}
       where ${mp.moduleSlug} = ${m} and ${mp.completedAt} is null and ${where}
       order by ${mp.startedAt} ${dir}, u.name ${dir}, u.id ${dir} limit ${upTo})
      union all
      (select ${person}, 0, null
       from users u
       where not exists (select 1 from ${moduleProgress} ${mp} where ${mp.userId} = u.id and ${mp.moduleSlug} = ${m}) and ${where}
       order by u.name ${dir}, u.id ${dir} limit ${upTo})
    ) ranked
    order by rank ${dir}, at ${dir} nulls last, name ${dir}, id ${dir}
    limit ${PAGE_SIZE} offset ${offset}`;
}

/** Cells, group names and completed counts for a batch of people, in two queries. */
async function withCells(context: MatrixContext, people: MatrixPerson[]): Promise<MatrixRow[]> {
  if (people.length === 0) return [];
  const ids = sql.join(people.map((p) => sql`${p.id}`), sql`, `);
  const [cells, groups] = await Promise.all([
    rows<{ userId: string; slug: string; status: CellStatus; date: string }>(sql`
      -- one module_progress row (kept by triggers) per person and module started: complete
      -- with its date, or in progress since the first step view
      select ${cell.userId} as "userId", ${cell.moduleSlug} as slug, coalesce(${cell.how}::text, 'in-progress') as status,
             ${day(sql`coalesce(${cell.completedAt}, ${cell.startedAt})`)} as date
      from ${moduleProgress} ${cell}
      where ${cell.userId} in (${ids}) and ${cell.moduleSlug} in ${coreModules}`),
    rows<{ userId: string; names: string; completed: number }>(sql`
      select p.id as "userId",
        coalesce((select string_agg(g.name, ', ' order by g.name) from memberships m join groups g on g.id = m.group_id
                   where m.user_id = p.id and ${groupInScope(context.scope, sql`g.id`)}), '') as names,
        (select count(*)::int from module_completions c where c.user_id = p.id and c.module_slug in ${coreModules}) as completed
      from (select unnest(array[${ids}]::text[]) as id) p`),
  ]);
  const byUser = new Map<string, MatrixRow>();
  const out = people.map((p) => {
    const row: MatrixRow = { id: p.id, name: p.name, email: p.email, role: p.role, groups: "", completed: 0, cells: {} };
    for (const m of context.modules) row.cells[m.slug] = { status: "not-started", date: null };
    byUser.set(p.id, row);
    return row;
  });
  for (const c of cells) {
    const row = byUser.get(c.userId);
    if (row) row.cells[c.slug] = { status: c.status, date: c.date };
  }
  for (const g of groups) {
    const row = byUser.get(g.userId);
    if (row) {
      row.groups = g.names;
      row.completed = Number(g.completed);
    }
  }
  return out;
}

// ---------------------------------------------------------------- every row, in batches

export type MatrixExportRow = Omit<MatrixRow, "cells"> & {
  /** The cells as CSV fields, "status,date" per module in column order; null with no modules. */
  cells: string | null;
};

/**
 * The whole filtered matrix for the CSV export, in batches of `batchSize` by keyset on
 * (name, id): each batch is one indexed range read whatever the offset, and only one
 * batch is held at a time. One statement per batch and one row per person, with the
 * cells joined into CSV text by the database (the status words come from `statusText`
 * and must need no quoting; dates never do): an export of 50,000 people then makes a
 * row object per person instead of one per cell, which halves the garbage behind its
 * memory peak (docs/performance.md, Reports). The on-screen sort does not apply
 * (spreadsheets sort).
 */
export async function* matrixExportBatches(
  context: MatrixContext,
  statusText: Record<CellStatus, string>,
  batchSize = 1000,
): AsyncGenerator<MatrixExportRow[]> {
  for (const word of Object.values(statusText)) {
    if (/[",\r\n]|^[=+\-@\t\r]/.test(word)) throw new Error(`status text ${JSON.stringify(word)} would need CSV quoting`);
  }
  const slugs = sql.join(
    context.modules.map((m) => sql`${m.slug}`),
    sql`, `,
  );
  const cells = sql`(select string_agg(
        case when ${cell.how} = 'self' then ${statusText.self}::text when ${cell.how} = 'live' then ${statusText.live}::text
             when ${cell.userId} is null then ${statusText["not-started"]}::text else ${statusText["in-progress"]}::text end
        || ',' || coalesce(${day(sql`coalesce(${cell.completedAt}, ${cell.startedAt})`)}, ''), ',' order by m.pos)
      from unnest(array[${slugs}]::text[]) with ordinality m(slug, pos)
      left join ${moduleProgress} ${cell} on ${cell.userId} = u.id and ${cell.moduleSlug} = m.slug)`;
  let after: { name: string; id: string } | null = null;
  for (;;) {
    const batch: MatrixExportRow[] = await rows<MatrixExportRow>(sql`
      select u.id, u.name, u.email, u.role::text as role,
        coalesce((select string_agg(g.name, ', ' order by g.name) from memberships m join groups g on g.id = m.group_id
                   where m.user_id = u.id and ${groupInScope(context.scope, sql`g.id`)}), '') as groups,
        (select count(*)::int from module_completions c where c.user_id = u.id and c.module_slug in ${coreModules}) as completed,
        ${cells} as cells
      from ${peopleInScope(context.scope)}
      where ${matrixWhere(context)} ${after ? sql`and (u.name, u.id) > (${after.name}, ${after.id})` : sql``}
      order by u.name, u.id
      limit ${batchSize}`);
    if (batch.length === 0) return;
    yield batch;
    if (batch.length < batchSize) return;
    const last = batch[batch.length - 1]!;
    after = { name: last.name, id: last.id };
  }
}

// ---------------------------------------------------------------- the page's one call

export type MatrixView =
  | {
      ok: true;
      filters: MatrixFilters;
      modules: ReportModule[];
      groupChoices: { total: number; groups: ScopeGroup[] };
      groupFilter: ScopeGroup | null;
      page: MatrixPage;
    }
  | { ok: false; errors: FilterErrors; raw: Record<string, string>; modules: ReportModule[]; groupChoices: { total: number; groups: ScopeGroup[] } };

/** Everything the matrix page shows, from its parsed (or refused) filters. */
export async function activistMatrix(viewer: Viewer, parsed: FilterResult<MatrixFilters>): Promise<MatrixView> {
  if (!parsed.ok) {
    const scope = await scopeOf(viewer);
    const [modules, groupChoices] = await Promise.all([publishedModules(), scopeGroups(scope)]);
    return { ok: false, errors: parsed.errors, raw: parsed.raw, modules, groupChoices };
  }
  const setup = await matrixSetup(viewer, parsed.value);
  if (!setup.ok) {
    const raw = Object.fromEntries(Object.entries(parsed.value).map(([k, v]) => [k, v === undefined ? "" : String(v)]));
    return { ok: false, errors: setup.errors, raw, modules: setup.modules, groupChoices: setup.groupChoices };
  }
  return {
    ok: true,
    filters: parsed.value,
    modules: setup.context.modules,
    groupChoices: setup.groupChoices,
    groupFilter: setup.groupFilter,
    page: await matrixPage(setup.context),
  };
}
