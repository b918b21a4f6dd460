import { sql, type SQL } from "drizzle-orm";
import { getModule } from "../content/catalog.server";
import { quizzesOf, scenariosOf, type CompiledModule, type EndingOutcome, type ScenarioActivity, type ScenarioNode } from "../content/manifest";
import { GROUP_PAGE_SIZE, type ModuleReportFilters } from "./filters";
import { activistRows, findScopeGroup, groupInScope, narrowTo, peopleInScope, rows, scopeGroups, scopeOf, type ReportScope, type ScopeGroup, type Viewer } from "./scope.server";

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

const activistIds = (scope: ReportScope): SQL => sql`(select u.id from ${peopleInScope(scope)} where u.role = 'activist')`;

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
  learners: number;
  /** Learners who took it ÷ learners who chose anything at this point, 0–100. */
  share: number | null;
  /** Leads only to worse endings than the best one still reachable from here. */
  wrong: boolean;
}

export interface NodeFigures {
  id: string;
  says: string;
  learners: number;
  choices: ChoiceFigures[];
}

export interface ScenarioFigures {
  id: string;
  title: string;
  endings: { id: string; title: string; outcome: EndingOutcome; runs: number; learners: number }[];
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
  const [groupChoices, groups, totals, quizzes, scenarios] = await Promise.all([
    scopeGroups(viewerScope),
    moduleGroupPage(narrowed, module.slug, filters.gpage),
    moduleTotals(narrowed, module.slug),
    quizFigures(narrowed, module),
    scenarioFigures(narrowed, module),
  ]);
  return { ok: true, report: { module: { slug: module.slug, title: module.frontmatter.title }, focus, groupChoices, totals, groups, quizzes, scenarios } };
}

async function moduleTotals(scope: ReportScope, slug: string) {
  const [row] = await rows<{ activists: number; self: number; live: number }>(sql`
    with pop as ${activistIds(scope)}
    select (select count(*)::int from pop) as activists,
           (select count(*)::int from ${activistRows(scope, "module_completions", sql`t.module_slug = ${slug} and t.how = 'self'`)} c) as self,
           (select count(*)::int from ${activistRows(scope, "module_completions", sql`t.module_slug = ${slug} and t.how = 'live'`)} c) as live`);
  return { activists: Number(row?.activists ?? 0), self: Number(row?.self ?? 0), live: Number(row?.live ?? 0) };
}

// ---------------------------------------------------------------- by group

function moduleGroupStats(scope: ReportScope, groupRows: SQL, slug: string): SQL {
  return sql`
    sg as ${groupRows},
    members as (
      select ms.group_id, ms.user_id from memberships ms
      join users u on u.id = ms.user_id and u.role = 'activist'
      where ms.group_id in (select id from sg)
    ),
    -- An admin's groups hold nearly everyone: read the module's completions by its index
    -- and hash them; an organiser's few members are looked up one by one.
    done as (
      select c.user_id, c.how from module_completions c
      where c.module_slug = ${slug} and ${scope.all ? sql`true` : sql`c.user_id in (select user_id from members)`}
    ),
    stats as (
      select sg.id, sg.name, sg.kind::text as kind, sg.is_target_seat as "isTargetSeat",
             count(m.user_id)::int as activists,
             (count(d.how) filter (where d.how = 'self'))::int as self,
             (count(d.how) filter (where d.how = 'live'))::int as live
      from sg
      left join members m on m.group_id = sg.id
      left join done d on d.user_id = m.user_id
      group by sg.id, sg.name, sg.kind, sg.is_target_seat
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
    with ${moduleGroupStats(scope, sql`(select g.id, g.name, g.kind, g.is_target_seat from groups g where ${groupInScope(scope, sql`g.id`)})`, slug)}
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
        scope,
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

export async function quizFigures(scope: ReportScope, module: CompiledModule): Promise<QuizFigures[]> {
  const quizzes = quizzesOf(module.manifest);
  if (quizzes.length === 0) return [];
  const attempts = activistRows(scope, "quiz_attempts", sql`t.module_slug = ${module.slug}`);
  const [perQuestion, perQuiz, wrongPicks] = await Promise.all([
    rows<{ quizId: string; questionId: string; attempts: number; right: number }>(sql`
      select qa.quiz_id as "quizId", r.key as "questionId", count(*)::int as attempts,
             (count(*) filter (where r.value = 'true'::jsonb))::int as right
      from ${attempts} qa cross join lateral jsonb_each(qa.results) r
      group by qa.quiz_id, r.key`),
    rows<{ quizId: string; learners: number; passed: number; averageBest: number | null }>(sql`
      select quiz_id as "quizId", count(*)::int as learners, (count(*) filter (where passed))::int as passed,
             round(avg(best), 1)::float8 as "averageBest"
      from (
        select qa.user_id, qa.quiz_id, max(qa.score) as best, bool_or(qa.passed) as passed
        from ${attempts} qa
        group by qa.user_id, qa.quiz_id
      ) best
      group by quiz_id`),
    // Which options people pick when they get a question wrong.
    rows<{ quizId: string; questionId: string; optionId: string; times: number }>(sql`
      select qa.quiz_id as "quizId", a.key as "questionId", o.option_id as "optionId", count(*)::int as times
      from ${attempts} qa
      cross join lateral jsonb_each(qa.answers) a
      cross join lateral jsonb_array_elements_text(a.value) as o(option_id)
      where qa.results ->> a.key = 'false'
      group by qa.quiz_id, a.key, o.option_id`),
  ]);
  return quizzes.map((quiz) => {
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

export async function scenarioFigures(scope: ReportScope, module: CompiledModule): Promise<ScenarioFigures[]> {
  const scenarios = scenariosOf(module.manifest);
  if (scenarios.length === 0) return [];
  const [endings, choices] = await Promise.all([
    rows<{ scenarioId: string; endingId: string; runs: number; learners: number }>(sql`
      select per_learner.scenario_id as "scenarioId", per_learner.ending_id as "endingId",
             sum(per_learner.runs)::int as runs, count(*)::int as learners
      from (
        select sr.scenario_id, sr.ending_id, sr.user_id, count(*) as runs
        from ${activistRows(scope, "scenario_runs", sql`t.module_slug = ${module.slug} and t.ended_at is not null`)} sr
        group by sr.scenario_id, sr.ending_id, sr.user_id
      ) per_learner
      group by per_learner.scenario_id, per_learner.ending_id`),
    // One row per reply taken. Self-paced runs keep their moves in scenario_runs.path.
    // Live group play records one vote per participant per turn; when live sessions land,
    // add their votes to `moves` as another UNION ALL branch of the same shape
    // (user_id, scenario_id, node, choice) — e.g. from the live responses whose answer is
    // {kind: "vote", choice}, with the node taken from the session's scenario path at that
    // turn — and every figure below counts them with no other change.
    rows<{ scenarioId: string; node: string; choice: number | null; learners: number }>(sql`
      with moves as (
        select sr.user_id, sr.scenario_id, m.value ->> 'node' as node, (m.value ->> 'choice')::int as choice
        from ${activistRows(scope, "scenario_runs", sql`t.module_slug = ${module.slug}`)} sr
        cross join lateral jsonb_array_elements(sr.path) m
      ),
      -- Each learner once per reply, and once per point: hashed, never sorted.
      took as (select distinct user_id, scenario_id, node, choice from moves)
      select scenario_id as "scenarioId", node, choice, count(*)::int as learners
      from took group by scenario_id, node, choice
      union all
      select scenario_id, node, null, count(*)::int
      from (select distinct user_id, scenario_id, node from took) reached
      group by scenario_id, node`),
  ]);
  return scenarios.map((scenario) => {
    const best = bestReachable(scenario);
    const nodes: NodeFigures[] = [];
    let commonWrongTurn: ScenarioFigures["commonWrongTurn"] = null;
    let commonWrongCount = 0;
    for (const node of Object.values(scenario.nodes)) {
      if (node.kind !== "resident") continue;
      const reached = Number(choices.find((c) => c.scenarioId === scenario.id && c.node === node.id && c.choice === null)?.learners ?? 0);
      const nodeBest = best.get(node.id) ?? -1;
      const figures = node.choices.map((choice) => {
        const learners = Number(choices.find((c) => c.scenarioId === scenario.id && c.node === node.id && c.choice === choice.index)?.learners ?? 0);
        const wrong = (best.get(choice.to) ?? -1) < nodeBest;
        if (wrong && learners > commonWrongCount) {
          commonWrongCount = learners;
          commonWrongTurn = { node: node.id, choice: choice.index };
        }
        return { index: choice.index, text: choice.text, to: choice.to, learners, share: reached ? Math.round((learners / reached) * 1000) / 10 : null, wrong };
      });
      nodes.push({ id: node.id, says: node.says, learners: reached, choices: figures });
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
          return { id: n.id, title: n.title, outcome: n.outcome, runs: Number(e?.runs ?? 0), learners: Number(e?.learners ?? 0) };
        }),
      nodes,
      commonWrongTurn,
    };
  });
}
