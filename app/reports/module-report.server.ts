import { sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { groupModuleTallies, groupProgressCounts, moduleTallies } from "../../db/schema";
import { getModule } from "../content/catalog.server";
import { quizzesOf, scenariosOf, type CompiledModule } from "../content/manifest";
import type { ModuleReportFilters } from "./filter-schemas.server";
import { buildQuizFigures, quizQueries, quizSummaries, type QuestionRow, type QuizFigures, type QuizRaw, type QuizRow, type WrongPickRow } from "./module-quizzes.server";
import {
  buildScenarioFigures,
  liveEndings,
  liveVotes,
  scenarioQueries,
  scenarioSummaries,
  type ChoiceRow,
  type EndingRow,
  type ScenarioFigures,
  type ScenarioRaw,
} from "./module-scenarios.server";
import { GROUP_PAGE_SIZE } from "./filters";
import { refuse, type Result } from "../lib/result";
import {
  findScopeGroup,
  groupInScope,
  jsonList,
  narrowTo,
  nonActivists,
  peopleInScope,
  rows,
  scopeGroups,
  scopeOf,
  type ReportScope,
  type ScopeGroup,
  type Viewer,
} from "./scope.server";

// Per-module detail: who completed it where, which quiz questions people get wrong, how
// scenarios end, and at each point of a scenario which replies people choose. Figures
// come from SQL aggregates; the compiled module only supplies the words (question
// prompts, option and reply texts) and the scenario graph used to spot wrong turns.
// This file resolves who is looking and at what, totals and groups, and reads an
// organiser's raw rows in one go; the quiz and scenario figures themselves are built in
// module-quizzes.server.ts and module-scenarios.server.ts.

/**
 * The module if it is published; drafts and unknown slugs are not reported on, and nor is
 * a variant on its own (ADR 039): its completions already count as its original's, and its
 * results are read inside the evaluation that compares the two.
 */
export function publishedCatalogModule(slug: string): CompiledModule | undefined {
  let module: CompiledModule | undefined;
  try {
    module = getModule(slug);
  } catch {
    return undefined; // catalogue not loaded (a script without boot): nothing to report on
  }
  return module && !module.frontmatter.draft && !module.frontmatter.variant ? module : undefined;
}

export interface ModuleGroupFigures {
  id: string;
  name: string;
  kind: string;
  isTargetSeat: boolean;
  activists: number;
  self: number;
  live: number;
  /** (self + live) ÷ activists, 0–100; null with no activists. */
  rate: number | null;
}

export type { QuestionFigures, QuizFigures } from "./module-quizzes.server";
export type { ChoiceFigures, NodeFigures, ScenarioFigures } from "./module-scenarios.server";

export interface ModuleReport {
  module: { slug: string; title: string };
  focus: ScopeGroup | null;
  groupChoices: { total: number; groups: ScopeGroup[] };
  totals: { activists: number; self: number; live: number };
  groups: { rows: ModuleGroupFigures[]; total: number; page: number; pageCount: number };
  quizzes: QuizFigures[];
  scenarios: ScenarioFigures[];
}

export type ModuleReportResult = Result<ModuleReport, 400 | 404>;

export type ModuleScope = Result<{ module: CompiledModule; scope: ReportScope; focus: ScopeGroup | null; viewerScope: ReportScope }, 400 | 404>;

/** The published module and the viewer's scope, narrowed to one of their groups if asked. */
export async function moduleScope(viewer: Viewer, slug: string, groupId: string | undefined): Promise<ModuleScope> {
  const module = publishedCatalogModule(slug);
  if (!module) return refuse(404, "There is no published training module at this address.");
  const scope = await scopeOf(viewer);
  if (!groupId) return { ok: true, value: { module, scope, focus: null, viewerScope: scope } };
  const group = await findScopeGroup(scope, groupId);
  if (!group) return refuse(400, "There is no group with that id among the groups you can see.", "group");
  return { ok: true, value: { module, scope: narrowTo(scope, group.id)!, focus: group, viewerScope: scope } };
}

export async function moduleReport(viewer: Viewer, slug: string, filters: ModuleReportFilters): Promise<ModuleReportResult> {
  const resolved = await moduleScope(viewer, slug, filters.group);
  if (!resolved.ok) return resolved;
  const { module, scope: narrowed, focus, viewerScope } = resolved.value;
  const [groupChoices, groups, figures] = await Promise.all([
    scopeGroups(viewerScope),
    moduleGroupPage(narrowed, module.slug, filters.gpage),
    narrowed.all ? everyoneModuleFigures(module) : scopedModuleFigures(narrowed, module),
  ]);
  return { ok: true, value: { module: { slug: module.slug, title: module.frontmatter.title }, focus, groupChoices, groups, ...figures } };
}

type ModuleFigures = Pick<ModuleReport, "totals" | "quizzes" | "scenarios">;

async function everyoneModuleFigures(module: CompiledModule): Promise<ModuleFigures> {
  const [totals, quizzes, scenarios] = await Promise.all([everyoneTotals(module.slug), quizFigures({ all: true }, module), scenarioFigures({ all: true }, module)]);
  return { totals, quizzes, scenarios };
}

async function scopedModuleFigures(scope: ReportScope, module: CompiledModule): Promise<ModuleFigures> {
  const [raw, liveEnded] = await Promise.all([scopedModuleRaw(scope, module), liveEndings(scope, module.slug)]);
  return { totals: raw.totals, quizzes: buildQuizFigures(module, raw.quiz), scenarios: buildScenarioFigures(scenariosOf(module.manifest), raw.scenario, liveEnded) };
}

/** Everyone: the module's tallies (kept by triggers) less the few non-activists' rows. */
async function everyoneTotals(slug: string) {
  const t = alias(moduleTallies, "t");
  const [row] = await rows<{ activists: number; self: number; live: number }>(sql`
    with others as (
      select c.how from ${nonActivists} n
      cross join lateral (select * from module_completions mc where mc.user_id = n.id and mc.module_slug = ${slug} offset 0) c
    )
    select (select count(*)::int from users u where u.role = 'activist') as activists,
           (coalesce(sum(${t.self}), 0) - (select count(*) from others where how = 'self'))::int as self,
           (coalesce(sum(${t.live}), 0) - (select count(*) from others where how = 'live'))::int as live
    from ${moduleTallies} ${t} where ${t.moduleSlug} = ${slug}`); // summed over the module's stripes
  return { activists: Number(row?.activists ?? 0), self: Number(row?.self ?? 0), live: Number(row?.live ?? 0) };
}

// ---------------------------------------------------------------- by group

/**
 * Per group: its activists (group_progress_counts) and those who completed the module
 * (group_module_tallies), both kept by triggers, so a group costs a few index reads
 * however many members it has. A group's figures are about all its activists, whoever
 * is looking.
 */
function moduleGroupStats(groupRows: SQL, slug: string): SQL {
  const p = alias(groupProgressCounts, "p");
  const t = alias(groupModuleTallies, "t");
  return sql`
    sg as ${groupRows},
    stats as (
      select sg.id, sg.name, sg.kind::text as kind, sg.is_target_seat as "isTargetSeat",
             coalesce((select sum(${p.activists}) from ${groupProgressCounts} ${p} where ${p.groupId} = sg.id), 0)::int as activists,
             coalesce(${t.self}, 0)::int as self, coalesce(${t.live}, 0)::int as live
      from sg
      left join ${groupModuleTallies} ${t} on ${t.groupId} = sg.id and ${t.moduleSlug} = ${slug}
    ),
    rated as (
      select stats.*, case when activists = 0 then null else round((self + live) * 100.0 / activists, 1)::float8 end as rate from stats
    )`;
}

const mapModuleGroup = (g: ModuleGroupFigures): ModuleGroupFigures => ({
  ...g,
  activists: Number(g.activists),
  self: Number(g.self),
  live: Number(g.live),
  rate: g.rate === null ? null : Number(g.rate),
});

/** Groups with the lowest completion of this module first: where to send a trainer. */
async function moduleGroupPage(scope: ReportScope, slug: string, page: number): Promise<ModuleReport["groups"]> {
  const offset = (page - 1) * GROUP_PAGE_SIZE;
  const found = await rows<ModuleGroupFigures & { total: number }>(sql`
    with ${moduleGroupStats(sql`(select g.id, g.name, g.kind, g.is_target_seat from groups g where ${groupInScope(scope, sql`g.id`)})`, slug)}
    select rated.*, (count(*) over ())::int as total from rated
    order by rate asc nulls last, name, id
    limit ${GROUP_PAGE_SIZE} offset ${offset}`);
  let total = Number(found[0]?.total ?? 0);
  if (found.length === 0 && page > 1) {
    const [count] = await rows<{ n: number }>(sql`select count(*)::int as n from groups g where ${groupInScope(scope, sql`g.id`)}`);
    total = Number(count?.n ?? 0);
  }
  return { rows: found.map(mapModuleGroup), total, page, pageCount: Math.max(1, Math.ceil(total / GROUP_PAGE_SIZE)) };
}

/** Every group for the CSV export, by keyset on (name, id). */
export async function* moduleGroupBatches(viewer: Viewer, slug: string, groupId: string | undefined, batchSize = 500): AsyncGenerator<ModuleGroupFigures[]> {
  let scope = await scopeOf(viewer);
  if (groupId) {
    const narrowed = narrowTo(scope, groupId);
    if (!narrowed) return;
    scope = narrowed;
  }
  let after: { name: string; id: string } | null = null;
  for (;;) {
    const page: ModuleGroupFigures[] = await rows<ModuleGroupFigures>(sql`
      with ${moduleGroupStats(
        sql`(select g.id, g.name, g.kind, g.is_target_seat from groups g where ${groupInScope(scope, sql`g.id`)}
              ${after ? sql`and (g.name, g.id) > (${after.name}, ${after.id}::uuid)` : sql``}
              order by g.name, g.id limit ${batchSize})`,
        slug,
      )}
      select rated.* from rated order by name, id`);
    if (page.length === 0) return;
    yield page.map(mapModuleGroup);
    if (page.length < batchSize) return;
    const last = page[page.length - 1]!;
    after = { name: last.name, id: last.id };
  }
}

// ---------------------------------------------------------------- quizzes and scenarios

export async function quizFigures(scope: ReportScope, module: CompiledModule): Promise<QuizFigures[]> {
  if (quizzesOf(module.manifest).length === 0) return [];
  return buildQuizFigures(module, scope.all ? await quizSummaries(module.slug) : (await scopedModuleRaw(scope, module)).quiz);
}

export async function scenarioFigures(scope: ReportScope, module: CompiledModule): Promise<ScenarioFigures[]> {
  const scenarios = scenariosOf(module.manifest);
  if (scenarios.length === 0) return [];
  const [raw, liveEnded] = await Promise.all([
    scope.all ? scenarioSummaries(module.slug, scenarios) : scopedModuleRaw(scope, module).then((r) => r.scenario),
    liveEndings(scope, module.slug),
  ]);
  return buildScenarioFigures(scenarios, raw, liveEnded);
}

interface ScopedModuleRaw {
  totals: { activists: number; self: number; live: number };
  quiz: QuizRaw;
  scenario: ScenarioRaw;
}

/**
 * Everything an organiser's module page needs from the raw tables, in one statement:
 * their activists are found once, and each one's completion, attempts and runs of this
 * module are read by one primary-key probe each, then every figure is aggregated from
 * those few thousand rows (run as separate queries, each expanded the scope and probed
 * every person again).
 */
async function scopedModuleRaw(scope: ReportScope, module: CompiledModule): Promise<ScopedModuleRaw> {
  const slug = module.slug;
  const scenarios = scenariosOf(module.manifest);
  const own = (table: string) => sql`(select t.* from pop cross join lateral (select * from ${sql.raw(table)} t where t.user_id = pop.id and t.module_slug = ${slug} offset 0) t)`;
  const [questions, quizzes, wrongPicks] = quizQueries(sql`attempts`);
  const [endings, choices] = scenarioQueries(sql`runs`, scenarios.length ? liveVotes(scope, slug, scenarios) : sql`(select null::text as user_id, null::text as scenario_id, null::text as node, null::int as choice where false)`);
  const list = (query: SQL) => sql`(select coalesce(json_agg(x), '[]'::json) from (${query}) x)`;
  const pop = sql`pop as materialized (select u.id from ${peopleInScope(scope)} where u.role = 'activist')`;
  type QuizHalf = { activists: number; self: number; live: number; questions: unknown; quizzes: unknown; wrongPicks: unknown };
  type ScenarioHalf = { endings: unknown; choices: unknown };
  // Two statements side by side, quizzes and scenarios: each finds the activists again
  // (~4 ms), but on two cores the page waits for the slower half, not the sum.
  const [[row], [scenarioRow]] = await Promise.all([
    rows<QuizHalf>(sql`
      with ${pop},
      done as materialized ${own("module_completions")},
      attempts as materialized ${own("quiz_attempts")}
      select (select count(*)::int from pop) as activists,
             (select count(*)::int from done where how = 'self') as self,
             (select count(*)::int from done where how = 'live') as live,
             ${list(questions)} as questions, ${list(quizzes)} as quizzes, ${list(wrongPicks)} as "wrongPicks"`),
    rows<ScenarioHalf>(sql`
      with ${pop},
      runs as materialized ${own("scenario_runs")}
      select ${list(endings)} as endings, ${list(choices)} as choices`),
  ]);
  return {
    totals: { activists: Number(row?.activists ?? 0), self: Number(row?.self ?? 0), live: Number(row?.live ?? 0) },
    quiz: [jsonList<QuestionRow>(row?.questions), jsonList<QuizRow>(row?.quizzes), jsonList<WrongPickRow>(row?.wrongPicks)],
    scenario: [jsonList<EndingRow>(scenarioRow?.endings), jsonList<ChoiceRow>(scenarioRow?.choices)],
  };
}
