import { sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import {
  groupModuleTallies,
  groupProgressCounts,
  moduleTallies,
  quizBests,
  quizQuestionTallies,
  quizTallies,
  quizWrongPicks,
  scenarioChoiceTallies,
  scenarioEndings,
  scenarioEndingTallies,
  scenarioMoves,
} from "../../db/schema";
import { getModule } from "../content/catalog.server";
import { quizzesOf, scenariosOf, type CompiledModule, type EndingOutcome, type ScenarioActivity, type ScenarioNode } from "../content/manifest";
import type { ModuleReportFilters } from "./filter-schemas.server";
import { GROUP_PAGE_SIZE } from "./filters";
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
  userInScope,
  type Viewer,
} from "./scope.server";

// Per-module detail: who completed it where, which quiz questions people get wrong, how
// scenarios end, and at each point of a scenario which replies people choose. Figures
// come from SQL aggregates; the compiled module only supplies the words (question
// prompts, option and reply texts) and the scenario graph used to spot wrong turns.

/** The module if it is published; drafts and unknown slugs are not reported on. */
export function publishedCatalogModule(slug: string): CompiledModule | undefined {
  let module: CompiledModule | undefined;
  try {
    module = getModule(slug);
  } catch {
    return undefined; // catalogue not loaded (a script without boot): nothing to report on
  }
  return module && !module.frontmatter.draft ? module : undefined;
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

export interface QuestionFigures {
  id: string;
  prompt: string;
  attempts: number;
  right: number;
  /** Share of attempts answered exactly right, 0–100; null before any attempt. */
  percentRight: number | null;
  /** The wrong option picked most often in attempts that got this question wrong. */
  commonWrong: { optionId: string; text: string; times: number } | null;
}

export interface QuizFigures {
  id: string;
  passMark: number;
  learners: number;
  passed: number;
  averageBest: number | null;
  questions: QuestionFigures[];
  /** Id of the question with the lowest share right (at least one attempt). */
  hardest: string | null;
}

export interface ChoiceFigures {
  index: number;
  text: string;
  to: string;
  /** Distinct learners who took it, self-paced or by their vote in a live session. */
  learners: number;
  /** Of those: learners who took it in a self-paced run … */
  selfPaced: number;
  /** … and learners who voted for it when a room played the scenario live. */
  live: number;
  /** Learners who took it ÷ learners who chose anything at this point, 0–100. */
  share: number | null;
  /** Leads only to worse endings than the best one still reachable from here. */
  wrong: boolean;
}

export interface NodeFigures {
  id: string;
  says: string;
  /** Distinct learners who replied (or voted) here, whichever way. */
  learners: number;
  selfPaced: number;
  live: number;
  choices: ChoiceFigures[];
}

export interface ScenarioFigures {
  id: string;
  title: string;
  /**
   * runs/learners: self-paced runs that ended here and the learners who ran them;
   * liveRuns/liveLearners: live room runs that ended here in which activists in scope
   * voted, and those voters.
   */
  endings: { id: string; title: string; outcome: EndingOutcome; runs: number; learners: number; liveRuns: number; liveLearners: number }[];
  nodes: NodeFigures[];
  /** The wrong reply most learners took: { node, choice index }. */
  commonWrongTurn: { node: string; choice: number } | null;
}

export interface ModuleReport {
  module: { slug: string; title: string };
  focus: ScopeGroup | null;
  groupChoices: { total: number; groups: ScopeGroup[] };
  totals: { activists: number; self: number; live: number };
  groups: { rows: ModuleGroupFigures[]; total: number; page: number; pageCount: number };
  quizzes: QuizFigures[];
  scenarios: ScenarioFigures[];
}

export type ModuleReportResult = { ok: true; report: ModuleReport } | { ok: false; status: 400 | 404; field?: string; message: string };

export type ModuleScope =
  | { ok: true; module: CompiledModule; scope: ReportScope; focus: ScopeGroup | null; viewerScope: ReportScope }
  | { ok: false; status: 400 | 404; field?: string; message: string };

/** The published module and the viewer's scope, narrowed to one of their groups if asked. */
export async function moduleScope(viewer: Viewer, slug: string, groupId: string | undefined): Promise<ModuleScope> {
  const module = publishedCatalogModule(slug);
  if (!module) return { ok: false, status: 404, message: "There is no published training module at this address." };
  const scope = await scopeOf(viewer);
  if (!groupId) return { ok: true, module, scope, focus: null, viewerScope: scope };
  const group = await findScopeGroup(scope, groupId);
  if (!group) return { ok: false, status: 400, field: "group", message: "There is no group with that id among the groups you can see." };
  return { ok: true, module, scope: narrowTo(scope, group.id)!, focus: group, viewerScope: scope };
}

export async function moduleReport(viewer: Viewer, slug: string, filters: ModuleReportFilters): Promise<ModuleReportResult> {
  const resolved = await moduleScope(viewer, slug, filters.group);
  if (!resolved.ok) return resolved;
  const { module, scope: narrowed, focus, viewerScope } = resolved;
  const [groupChoices, groups, figures] = await Promise.all([
    scopeGroups(viewerScope),
    moduleGroupPage(narrowed, module.slug, filters.gpage),
    narrowed.all ? everyoneModuleFigures(module) : scopedModuleFigures(narrowed, module),
  ]);
  return { ok: true, report: { module: { slug: module.slug, title: module.frontmatter.title }, focus, groupChoices, groups, ...figures } };
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

// ---------------------------------------------------------------- quizzes

type QuestionRow = { quizId: string; questionId: string; attempts: number; right: number };
type QuizRow = { quizId: string; learners: number; passed: number; averageBest: number | null };
type WrongPickRow = { quizId: string; questionId: string; optionId: string; times: number };

type QuizRaw = [QuestionRow[], QuizRow[], WrongPickRow[]];

/** Quiz figures over some attempts (a relation with quiz_attempts' columns). */
function quizQueries(attempts: SQL): [SQL, SQL, SQL] {
  return [
    sql`
      select qa.quiz_id as "quizId", r.key as "questionId", count(*)::int as attempts,
             (count(*) filter (where r.value = 'true'::jsonb))::int as right
      from ${attempts} qa cross join lateral jsonb_each(qa.results) r
      group by qa.quiz_id, r.key`,
    sql`
      select quiz_id as "quizId", count(*)::int as learners, (count(*) filter (where passed))::int as passed,
             round(avg(best), 1)::float8 as "averageBest"
      from (
        select qa.user_id, qa.quiz_id, max(qa.score) as best, bool_or(qa.passed) as passed
        from ${attempts} qa
        group by qa.user_id, qa.quiz_id
      ) best
      group by quiz_id`,
    // Which options people pick when they get a question wrong.
    sql`
      select qa.quiz_id as "quizId", a.key as "questionId", o.option_id as "optionId", count(*)::int as times
      from ${attempts} qa
      cross join lateral jsonb_each(qa.answers) a
      cross join lateral jsonb_array_elements_text(a.value) as o(option_id)
      where qa.results ->> a.key = 'false'
      group by qa.quiz_id, a.key, o.option_id`,
  ];
}

/**
 * Everyone: the summaries kept by triggers (migration 0004) less the few non-activists'
 * share, which is their own attempts (and bests) read by person.
 */
function quizSummaries(slug: string): Promise<QuizRaw> {
  const questions = alias(quizQuestionTallies, "t");
  const best = alias(quizBests, "q");
  const b = alias(quizBests, "b");
  const quizzes = alias(quizTallies, "t");
  const picks = alias(quizWrongPicks, "t");
  const others = sql`(select qa.* from ${nonActivists} n
    cross join lateral (select * from quiz_attempts q where q.user_id = n.id and q.module_slug = ${slug} offset 0) qa)`;
  return Promise.all([
    rows<QuestionRow>(sql`
      with o as (
        select qa.quiz_id, r.key as question_id, count(*) as attempts, count(*) filter (where r.value = 'true'::jsonb) as "right"
        from ${others} qa cross join lateral jsonb_each(qa.results) r group by qa.quiz_id, r.key
      )
      select ${questions.quizId} as "quizId", ${questions.questionId} as "questionId",
             (${questions.attempts} - coalesce(o.attempts, 0))::int as attempts, (${questions.right} - coalesce(o."right", 0))::int as right
      from ${quizQuestionTallies} ${questions} left join o on o.quiz_id = ${questions.quizId} and o.question_id = ${questions.questionId}
      where ${questions.moduleSlug} = ${slug} and ${questions.attempts} - coalesce(o.attempts, 0) > 0`),
    rows<QuizRow>(sql`
      with o as (
        select ${b.quizId}, count(*) as learners, count(*) filter (where ${b.passed}) as passed, sum(${b.best}) as best_sum
        from ${nonActivists} n cross join lateral (select * from ${quizBests} ${best} where ${best.userId} = n.id and ${best.moduleSlug} = ${slug} offset 0) ${b}
        group by ${b.quizId}
      ),
      d as (
        select ${quizzes.quizId}, ${quizzes.learners} - coalesce(o.learners, 0) as learners, ${quizzes.passed} - coalesce(o.passed, 0) as passed,
               ${quizzes.bestSum} - coalesce(o.best_sum, 0) as best_sum
        from ${quizTallies} ${quizzes} left join o on o.quiz_id = ${quizzes.quizId} where ${quizzes.moduleSlug} = ${slug}
      )
      select quiz_id as "quizId", learners::int as learners, passed::int as passed,
             round(best_sum::numeric / learners, 1)::float8 as "averageBest"
      from d where learners > 0`),
    rows<WrongPickRow>(sql`
      with o as (
        select qa.quiz_id, a.key as question_id, p.option_id, count(*) as times
        from ${others} qa
        cross join lateral jsonb_each(qa.answers) a
        cross join lateral jsonb_array_elements_text(a.value) as p(option_id)
        where qa.results ->> a.key = 'false'
        group by qa.quiz_id, a.key, p.option_id
      )
      select ${picks.quizId} as "quizId", ${picks.questionId} as "questionId", ${picks.optionId} as "optionId", (${picks.times} - coalesce(o.times, 0))::int as times
      from ${quizWrongPicks} ${picks}
      left join o on o.quiz_id = ${picks.quizId} and o.question_id = ${picks.questionId} and o.option_id = ${picks.optionId}
      where ${picks.moduleSlug} = ${slug} and ${picks.times} - coalesce(o.times, 0) > 0`),
  ]);
}

export async function quizFigures(scope: ReportScope, module: CompiledModule): Promise<QuizFigures[]> {
  if (quizzesOf(module.manifest).length === 0) return [];
  return buildQuizFigures(module, scope.all ? await quizSummaries(module.slug) : (await scopedModuleRaw(scope, module)).quiz);
}

function buildQuizFigures(module: CompiledModule, [perQuestion, perQuiz, wrongPicks]: QuizRaw): QuizFigures[] {
  return quizzesOf(module.manifest).map((quiz) => {
    const stats = perQuiz.find((q) => q.quizId === quiz.id);
    const questions: QuestionFigures[] = quiz.questions.map((question) => {
      const q = perQuestion.find((r) => r.quizId === quiz.id && r.questionId === question.id);
      const attempts = Number(q?.attempts ?? 0);
      const right = Number(q?.right ?? 0);
      const correct = new Set(question.options.filter((o) => o.correct).map((o) => o.id));
      const wrong = wrongPicks
        .filter((w) => w.quizId === quiz.id && w.questionId === question.id && !correct.has(w.optionId))
        .map((w) => ({ ...w, times: Number(w.times), option: question.options.find((o) => o.id === w.optionId) }))
        .filter((w) => w.option)
        .sort((x, y) => y.times - x.times || x.optionId.localeCompare(y.optionId))[0];
      return {
        id: question.id,
        prompt: question.prompt,
        attempts,
        right,
        percentRight: attempts ? Math.round((right / attempts) * 1000) / 10 : null,
        commonWrong: wrong ? { optionId: wrong.optionId, text: wrong.option!.text, times: wrong.times } : null,
      };
    });
    // The most missed question, if one stands out (not when they all score the same).
    const answered = questions.filter((q) => q.percentRight !== null);
    const lowest = answered.length ? answered.reduce((a, b) => (b.percentRight! < a.percentRight! ? b : a)) : null;
    const hardest = lowest && answered.some((q) => q.percentRight! > lowest.percentRight!) ? lowest.id : null;
    return {
      id: quiz.id,
      passMark: quiz.passMark,
      learners: Number(stats?.learners ?? 0),
      passed: Number(stats?.passed ?? 0),
      averageBest: stats?.averageBest === null || stats?.averageBest === undefined ? null : Number(stats.averageBest),
      questions,
      hardest,
    };
  });
}

// ---------------------------------------------------------------- scenarios

const OUTCOME_RANK: Record<EndingOutcome, number> = { lost: 0, mixed: 1, good: 2 };

/** Best outcome reachable from each node (a fixed point, so loops in the graph are fine). */
export function bestReachable(scenario: ScenarioActivity): Map<string, number> {
  const best = new Map<string, number>();
  for (const node of Object.values(scenario.nodes)) best.set(node.id, node.kind === "ending" ? OUTCOME_RANK[node.outcome] : -1);
  for (let changed = true; changed; ) {
    changed = false;
    for (const node of Object.values(scenario.nodes)) {
      if (node.kind !== "resident") continue;
      const value = Math.max(-1, ...node.choices.map((c) => best.get(c.to) ?? -1));
      if (value > best.get(node.id)!) {
        best.set(node.id, value);
        changed = true;
      }
    }
  }
  return best;
}

/**
 * SQL: one row per vote that an activist in scope cast when a room played one of this
 * module's scenarios live, as (user_id, scenario_id, node, choice). A vote's slot is
 * `r<run>t<turn>`; the point it was cast at is that run's path[turn].node (kept in
 * live_sessions.scenarios, current run and earlier runs), or the room's current node for
 * the turn still open, or the scenario's start for a first turn. A vote on a turn whose
 * point was not kept (an abandoned run from before earlier paths were stored) is left out.
 * Votes of every session count, ended or not: each is the learner's own choice.
 */
function liveVotes(scope: ReportScope, slug: string, scenarios: ScenarioActivity[]): SQL {
  const starts = sql.join(
    scenarios.map((s) => sql`(${s.id}::text, ${s.start}::text)`),
    sql`, `,
  );
  return sql`(
    with sessions as (select s.id, s.scenarios from live_sessions s where s.module_slug = ${slug}),
    rooms as (
      select s.id as session_id, room.key as scenario_id, room.value as room
      from sessions s cross join lateral jsonb_each(s.scenarios) room
    ),
    runs as (
      select session_id, scenario_id, (room ->> 'run')::int as run, room -> 'path' as path, room ->> 'currentNode' as current_node from rooms
      union all
      select session_id, scenario_id, (e ->> 'run')::int, e -> 'path', null
      from rooms cross join lateral jsonb_array_elements(coalesce(room -> 'earlierRuns', '[]'::jsonb)) e
    ),
    votes as (
      select r.session_id, r.activity_id as scenario_id, r.user_id, (r.answer ->> 'choice')::int as choice,
             substring(r.slot from '^r([0-9]+)t')::int as run, substring(r.slot from 't([0-9]+)$')::int as turn
      from live_responses r
      where r.session_id in (select id from sessions) and r.slot ~ '^r[0-9]+t[0-9]+$' and r.answer ->> 'kind' = 'vote'
        -- votes are few: each voter is checked by primary key (as a semi-join against
        -- everyone in scope, the planner re-ran the scope once per vote)
        and exists (select 1 from users a where a.id = r.user_id and a.role = 'activist')
        and ${userInScope(scope, sql`r.user_id`)}
    )
    select v.user_id, v.scenario_id, v.choice,
           coalesce(
             runs.path -> v.turn ->> 'node',
             case when v.turn = jsonb_array_length(runs.path) then runs.current_node end,
             case when v.turn = 0 then st.start end
           ) as node
    from votes v
    left join runs on runs.session_id = v.session_id and runs.scenario_id = v.scenario_id and runs.run = v.run
    join (values ${starts}) st(scenario_id, start) on st.scenario_id = v.scenario_id
  )`;
}

/**
 * SQL: per scenario and ending, the live room runs that ended there (the current run and
 * earlier runs kept in live_sessions.scenarios) in which at least one activist in scope
 * voted, and the distinct voters. The room's ending is the learners' shared outcome, so
 * only people who took part by voting count; a room run with no voter in scope does not.
 */
function liveEndings(scope: ReportScope, slug: string): Promise<LiveEndingRow[]> {
  return rows<LiveEndingRow>(sql`
    with sessions as (select s.id, s.scenarios from live_sessions s where s.module_slug = ${slug}),
    rooms as (
      select s.id as session_id, room.key as scenario_id, room.value as room
      from sessions s cross join lateral jsonb_each(s.scenarios) room
    ),
    ended as (
      select session_id, scenario_id, (room ->> 'run')::int as run, room ->> 'endingId' as ending_id from rooms
      union all
      select session_id, scenario_id, (e ->> 'run')::int, e ->> 'endingId'
      from rooms cross join lateral jsonb_array_elements(coalesce(room -> 'earlierRuns', '[]'::jsonb)) e
    ),
    voters as (
      select distinct r.session_id, r.activity_id as scenario_id, substring(r.slot from '^r([0-9]+)t')::int as run, r.user_id
      from live_responses r
      where r.session_id in (select session_id from ended where ending_id is not null)
        and r.slot ~ '^r[0-9]+t[0-9]+$' and r.answer ->> 'kind' = 'vote'
        and exists (select 1 from users a where a.id = r.user_id and a.role = 'activist')
        and ${userInScope(scope, sql`r.user_id`)}
    )
    select e.scenario_id as "scenarioId", e.ending_id as "endingId",
           count(distinct (e.session_id, e.run))::int as "liveRuns", count(distinct v.user_id)::int as "liveLearners"
    from ended e
    join voters v on v.session_id = e.session_id and v.scenario_id = e.scenario_id and v.run = e.run
    where e.ending_id is not null
    group by e.scenario_id, e.ending_id`);
}

type LiveEndingRow = { scenarioId: string; endingId: string; liveRuns: number; liveLearners: number };
type EndingRow = { scenarioId: string; endingId: string; runs: number; learners: number };
type ChoiceRow = { scenarioId: string; node: string; choice: number | null; learners: number; selfPaced: number; live: number };

type ScenarioRaw = [EndingRow[], ChoiceRow[]];

/**
 * Scenario figures over some runs (a relation with scenario_runs' columns) and live votes
 * (liveVotes()): one row per reply taken, from both ways of playing (docs/reports.md,
 * Scenario choices).
 */
function scenarioQueries(runs: SQL, votes: SQL): [SQL, SQL] {
  return [
    sql`
      select per_learner.scenario_id as "scenarioId", per_learner.ending_id as "endingId",
             sum(per_learner.runs)::int as runs, count(*)::int as learners
      from (
        select sr.scenario_id, sr.ending_id, sr.user_id, count(*) as runs
        from ${runs} sr where sr.ended_at is not null
        group by sr.scenario_id, sr.ending_id, sr.user_id
      ) per_learner
      group by per_learner.scenario_id, per_learner.ending_id`,
    sql`
      with moves as (
        select sr.user_id, sr.scenario_id, m.value ->> 'node' as node, (m.value ->> 'choice')::int as choice, 'self'::text as source
        from ${runs} sr
        cross join lateral jsonb_array_elements(sr.path) m
        union all
        select user_id, scenario_id, node, choice, 'live' from ${votes} lv where lv.node is not null
      ),
      -- Each learner once per reply, and once per point, noting which ways they took it.
      took as (
        select user_id, scenario_id, node, choice, bool_or(source = 'self') as self, bool_or(source = 'live') as live
        from moves group by user_id, scenario_id, node, choice
      )
      select scenario_id as "scenarioId", node, choice, count(*)::int as learners,
             (count(*) filter (where self))::int as "selfPaced", (count(*) filter (where live))::int as live
      from took group by scenario_id, node, choice
      union all
      select scenario_id, node, null, count(*)::int, (count(*) filter (where self))::int, (count(*) filter (where live))::int
      from (select user_id, scenario_id, node, bool_or(self) as self, bool_or(live) as live from took group by user_id, scenario_id, node) reached
      group by scenario_id, node`,
  ];
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

/**
 * Everyone: self-paced figures from the summaries kept by triggers (migration 0004) less
 * the few non-activists' rows; live votes (few) from the raw responses. A voter counts
 * once more in "learners" only if they did not also take the reply (or reach the point,
 * choice -1) self-paced, which is one primary-key probe of scenario_moves per vote.
 */
function scenarioSummaries(slug: string, scenarios: ScenarioActivity[]): Promise<ScenarioRaw> {
  const all: ReportScope = { all: true };
  const x = alias(scenarioEndings, "x");
  const e = alias(scenarioEndings, "e");
  const endings = alias(scenarioEndingTallies, "t");
  const m = alias(scenarioMoves, "m");
  const xm = alias(scenarioMoves, "x");
  const choices = alias(scenarioChoiceTallies, "t");
  return Promise.all([
    rows<EndingRow>(sql`
      with o as (
        select ${e.scenarioId}, ${e.endingId}, count(*) as learners, sum(${e.runs}) as runs
        from ${nonActivists} n cross join lateral (select * from ${scenarioEndings} ${x} where ${x.userId} = n.id and ${x.moduleSlug} = ${slug} offset 0) ${e}
        group by ${e.scenarioId}, ${e.endingId}
      )
      select ${endings.scenarioId} as "scenarioId", ${endings.endingId} as "endingId",
             (${endings.runs} - coalesce(o.runs, 0))::int as runs, (${endings.learners} - coalesce(o.learners, 0))::int as learners
      from ${scenarioEndingTallies} ${endings} left join o on o.scenario_id = ${endings.scenarioId} and o.ending_id = ${endings.endingId}
      where ${endings.moduleSlug} = ${slug} and ${endings.learners} - coalesce(o.learners, 0) > 0`),
    rows<ChoiceRow>(sql`
      with votes as (
        select distinct user_id, scenario_id, node, choice from ${liveVotes(all, slug, scenarios)} lv where lv.node is not null
      ),
      live as (
        select v.scenario_id, v.node, v.choice, count(*) as live,
               count(*) filter (where not exists (
                 select 1 from ${scenarioMoves} ${m}
                 where ${m.userId} = v.user_id and ${m.moduleSlug} = ${slug} and ${m.scenarioId} = v.scenario_id and ${m.node} = v.node and ${m.choice} = v.choice)) as live_only
        from (select user_id, scenario_id, node, choice from votes union all select distinct user_id, scenario_id, node, -1 from votes) v
        group by v.scenario_id, v.node, v.choice
      ),
      o as (
        select ${m.scenarioId}, ${m.node}, ${m.choice}, count(*) as learners
        from ${nonActivists} n cross join lateral (select * from ${scenarioMoves} ${xm} where ${xm.userId} = n.id and ${xm.moduleSlug} = ${slug} offset 0) ${m}
        group by ${m.scenarioId}, ${m.node}, ${m.choice}
      ),
      self as (
        select ${choices.scenarioId}, ${choices.node}, ${choices.choice}, ${choices.learners} - coalesce(o.learners, 0) as self
        from ${scenarioChoiceTallies} ${choices}
        left join o on o.scenario_id = ${choices.scenarioId} and o.node = ${choices.node} and o.choice = ${choices.choice}
        where ${choices.moduleSlug} = ${slug}
      )
      select coalesce(s.scenario_id, l.scenario_id) as "scenarioId", coalesce(s.node, l.node) as node,
             nullif(coalesce(s.choice, l.choice), -1) as choice,
             (coalesce(s.self, 0) + coalesce(l.live_only, 0))::int as learners,
             coalesce(s.self, 0)::int as "selfPaced", coalesce(l.live, 0)::int as live
      from self s full join live l on l.scenario_id = s.scenario_id and l.node = s.node and l.choice = s.choice
      where coalesce(s.self, 0) + coalesce(l.live_only, 0) > 0`),
  ]);
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

function buildScenarioFigures(scenarios: ScenarioActivity[], [endings, choices]: ScenarioRaw, liveEnded: LiveEndingRow[]): ScenarioFigures[] {
  return scenarios.map((scenario) => {
    const best = bestReachable(scenario);
    const nodes: NodeFigures[] = [];
    let commonWrongTurn: ScenarioFigures["commonWrongTurn"] = null;
    let commonWrongCount = 0;
    for (const node of Object.values(scenario.nodes)) {
      if (node.kind !== "resident") continue;
      const point = choices.find((c) => c.scenarioId === scenario.id && c.node === node.id && c.choice === null);
      const reached = Number(point?.learners ?? 0);
      const nodeBest = best.get(node.id) ?? -1;
      const figures = node.choices.map((choice) => {
        const taken = choices.find((c) => c.scenarioId === scenario.id && c.node === node.id && c.choice === choice.index);
        const learners = Number(taken?.learners ?? 0);
        const wrong = (best.get(choice.to) ?? -1) < nodeBest;
        if (wrong && learners > commonWrongCount) {
          commonWrongCount = learners;
          commonWrongTurn = { node: node.id, choice: choice.index };
        }
        return {
          index: choice.index,
          text: choice.text,
          to: choice.to,
          learners,
          selfPaced: Number(taken?.selfPaced ?? 0),
          live: Number(taken?.live ?? 0),
          share: reached ? Math.round((learners / reached) * 1000) / 10 : null,
          wrong,
        };
      });
      nodes.push({ id: node.id, says: node.says, learners: reached, selfPaced: Number(point?.selfPaced ?? 0), live: Number(point?.live ?? 0), choices: figures });
    }
    // Start first, then the rest in file order.
    nodes.sort((a, b) => (a.id === scenario.start ? -1 : b.id === scenario.start ? 1 : 0));
    return {
      id: scenario.id,
      title: scenario.title,
      endings: Object.values(scenario.nodes)
        .filter((n): n is Extract<ScenarioNode, { kind: "ending" }> => n.kind === "ending")
        .map((n) => {
          const e = endings.find((x) => x.scenarioId === scenario.id && x.endingId === n.id);
          const live = liveEnded.find((x) => x.scenarioId === scenario.id && x.endingId === n.id);
          return {
            id: n.id,
            title: n.title,
            outcome: n.outcome,
            runs: Number(e?.runs ?? 0),
            learners: Number(e?.learners ?? 0),
            liveRuns: Number(live?.liveRuns ?? 0),
            liveLearners: Number(live?.liveLearners ?? 0),
          };
        }),
      nodes,
      commonWrongTurn,
    };
  });
}
