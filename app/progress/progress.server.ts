import { and, desc, eq, inArray, isNotNull, sql, type SQL } from "drizzle-orm";
import { databaseHandle, db, preparedStatement, rowsOf as executeRows } from "../../db/client.server";
import { moduleCompletions, pollAnswers, quizAttempts, reflections, scenarioRuns, stepViews, type ScenarioMove } from "../../db/schema";
import { quizzesOf, scenariosOf, type Activity, type CompiledModule, type ModuleManifest, type ScenarioActivity, type StepInfo } from "../content/manifest";
import { checkMove, scoreQuiz, type QuizAnswers } from "./scoring";

/** An expected refusal: the route turns it into a 4xx with this message. */
export type ProgressResult<T> = { ok: true; value: T } | { ok: false; status: 400 | 404 | 409; message: string };

const refuse = (status: 400 | 404 | 409, message: string) => ({ ok: false as const, status, message });

export const REFLECTION_MAX = 5000;

function inList(column: SQL | typeof stepViews.stepId, ids: string[]): SQL {
  // An empty IN () is a syntax error; no ids means nothing matches.
  return ids.length ? sql`${column} in (${sql.join(ids.map((id) => sql`${id}`), sql`, `)})` : sql`false`;
}

// ---------------------------------------------------------------- completion

export interface Requirements {
  stepIds: string[];
  quizIds: string[];
  scenarioIds: string[];
}

export function requirementsOf(manifest: ModuleManifest): Requirements {
  return {
    stepIds: manifest.steps.map((s) => s.id),
    quizIds: quizzesOf(manifest).map((q) => q.id),
    scenarioIds: scenariosOf(manifest).map((s) => s.id),
  };
}

/**
 * Record the completion if every requirement is met. One INSERT … SELECT … WHERE with
 * ON CONFLICT DO NOTHING, so concurrent calls (two tabs) record it exactly once.
 * `viewedStepId`: also record that step as seen, in the same statement (the step page's
 * GET); the check counts it as seen whether or not this statement inserted it, since a
 * statement does not see its own writes.
 */
export async function completeIfDone(userId: string, module: CompiledModule, viewedStepId?: string): Promise<boolean> {
  const req = requirementsOf(module.manifest);
  const view = viewedStepId
    ? sql`with viewed as (insert into ${stepViews} (user_id, module_slug, step_id) values (${userId}, ${module.slug}, ${viewedStepId}) on conflict do nothing) `
    : sql``;
  const alsoSeen = viewedStepId ? sql` union select ${viewedStepId}` : sql``;
  const rows = await db().execute(sql`
    ${view}insert into ${moduleCompletions} (user_id, module_slug, content_hash, how)
    select ${userId}, ${module.slug}, ${module.hash}, 'self'
    where (select count(*) from (select sv.step_id from ${stepViews} sv
            where sv.user_id = ${userId} and sv.module_slug = ${module.slug} and ${inList(sql`sv.step_id`, req.stepIds)}${alsoSeen}) seen) = ${req.stepIds.length}
      and (select count(distinct qa.quiz_id) from ${quizAttempts} qa
            where qa.user_id = ${userId} and qa.module_slug = ${module.slug} and qa.passed and ${inList(sql`qa.quiz_id`, req.quizIds)}) = ${req.quizIds.length}
      and (select count(distinct sr.scenario_id) from ${scenarioRuns} sr
            where sr.user_id = ${userId} and sr.module_slug = ${module.slug} and sr.ended_at is not null and ${inList(sql`sr.scenario_id`, req.scenarioIds)}) = ${req.scenarioIds.length}
    on conflict do nothing
    returning user_id`);
  return rowsOf(rows).length > 0;
}

function rowsOf(result: unknown): Record<string, unknown>[] {
  return executeRows(result);
}

// ---------------------------------------------------------------- steps

export async function recordStepView(userId: string, module: CompiledModule, stepId: string): Promise<ProgressResult<{ completed: boolean }>> {
  if (!module.manifest.steps.some((s) => s.id === stepId)) return refuse(404, `Module “${module.frontmatter.title}” has no step "${stepId}".`);
  return { ok: true, value: { completed: await completeIfDone(userId, module, stepId) } };
}

// ---------------------------------------------------------------- quizzes

export interface QuizAttemptView {
  id: string;
  answers: QuizAnswers;
  results: Record<string, boolean>;
  score: number;
  passed: boolean;
  createdAt: Date;
}

export async function submitQuiz(
  userId: string,
  module: CompiledModule,
  quizId: string,
  answers: QuizAnswers,
  attemptKey: string,
): Promise<ProgressResult<{ attempt: QuizAttemptView; completed: boolean; duplicate: boolean }>> {
  const quiz = module.manifest.activities[quizId];
  if (!quiz || quiz.kind !== "quiz") return refuse(400, `Module “${module.frontmatter.title}” has no quiz "${quizId}".`);
  const check = scoreQuiz(quiz, answers);
  if (!check.ok) return refuse(400, check.message);
  const [inserted] = await db()
    .insert(quizAttempts)
    .values({
      userId,
      moduleSlug: module.slug,
      quizId,
      contentHash: module.hash,
      attemptKey,
      answers,
      results: check.results,
      score: check.score,
      passed: check.passed,
    })
    .onConflictDoNothing({ target: [quizAttempts.userId, quizAttempts.attemptKey] })
    .returning();
  let attempt = inserted;
  if (!attempt) {
    // Same key: a double submit or a retry. Answer with the attempt already recorded.
    [attempt] = await db()
      .select()
      .from(quizAttempts)
      .where(and(eq(quizAttempts.userId, userId), eq(quizAttempts.attemptKey, attemptKey)));
    if (!attempt || attempt.quizId !== quizId || attempt.moduleSlug !== module.slug) {
      return refuse(409, "This form was already used for another quiz. Reload the page and try again.");
    }
  }
  const completed = await completeIfDone(userId, module);
  return {
    ok: true,
    value: {
      attempt: { id: attempt.id, answers: attempt.answers, results: attempt.results, score: attempt.score, passed: attempt.passed, createdAt: attempt.createdAt },
      completed,
      duplicate: !inserted,
    },
  };
}

// ---------------------------------------------------------------- scenarios

export interface ScenarioRunView {
  id: string;
  path: ScenarioMove[];
  currentNode: string;
  endingId: string | null;
  outcome: string | null;
  ended: boolean;
}

const runView = (r: typeof scenarioRuns.$inferSelect): ScenarioRunView => ({
  id: r.id,
  path: r.path,
  currentNode: r.currentNode,
  endingId: r.endingId,
  outcome: r.outcome,
  ended: r.endedAt !== null,
});

export async function startScenario(userId: string, module: CompiledModule, scenarioId: string, runKey: string): Promise<ProgressResult<ScenarioRunView>> {
  const scenario = module.manifest.activities[scenarioId];
  if (!scenario || scenario.kind !== "scenario") return refuse(400, `Module “${module.frontmatter.title}” has no scenario "${scenarioId}".`);
  const [created] = await db()
    .insert(scenarioRuns)
    .values({ userId, moduleSlug: module.slug, scenarioId, contentHash: module.hash, runKey, currentNode: scenario.start })
    .onConflictDoNothing({ target: [scenarioRuns.userId, scenarioRuns.runKey] })
    .returning();
  if (created) return { ok: true, value: runView(created) };
  const [existing] = await db()
    .select()
    .from(scenarioRuns)
    .where(and(eq(scenarioRuns.userId, userId), eq(scenarioRuns.runKey, runKey)));
  if (!existing || existing.scenarioId !== scenarioId) return refuse(409, "This form was already used for another scenario. Reload the page.");
  return { ok: true, value: runView(existing) };
}

/**
 * Take one reply in a scenario run. The UPDATE only applies if the run is still at
 * `fromNode` after `step` moves, so a double submit or a second tab cannot fork the path.
 */
export async function chooseReply(
  userId: string,
  module: CompiledModule,
  scenarioId: string,
  runId: string,
  fromNode: string,
  step: number,
  choice: number,
): Promise<ProgressResult<{ run: ScenarioRunView; completed: boolean }>> {
  const scenario = module.manifest.activities[scenarioId];
  if (!scenario || scenario.kind !== "scenario") return refuse(400, `Module “${module.frontmatter.title}” has no scenario "${scenarioId}".`);
  const move = checkMove(scenario, fromNode, choice);
  if (!move.ok) return refuse(400, move.message);
  const ending = move.next.kind === "ending" ? move.next : null;
  const entry: ScenarioMove = { node: fromNode, choice };
  const [updated] = await db()
    .update(scenarioRuns)
    .set({
      path: sql`${scenarioRuns.path} || ${JSON.stringify([entry])}::jsonb`,
      currentNode: move.next.id,
      endingId: ending?.id ?? null,
      outcome: ending?.outcome ?? null,
      endedAt: ending ? sql`now()` : null,
    })
    .where(
      and(
        eq(scenarioRuns.id, runId),
        eq(scenarioRuns.userId, userId),
        eq(scenarioRuns.scenarioId, scenarioId),
        eq(scenarioRuns.currentNode, fromNode),
        sql`${scenarioRuns.endedAt} is null`,
        sql`jsonb_array_length(${scenarioRuns.path}) = ${step}`,
      ),
    )
    .returning();
  if (updated) return { ok: true, value: { run: runView(updated), completed: ending ? await completeIfDone(userId, module) : false } };

  const [run] = await db()
    .select()
    .from(scenarioRuns)
    .where(and(eq(scenarioRuns.id, runId), eq(scenarioRuns.userId, userId), eq(scenarioRuns.scenarioId, scenarioId)));
  if (!run) return refuse(404, "That conversation was not found. Start the scenario again.");
  const recorded = run.path[step];
  if (recorded && recorded.node === fromNode && recorded.choice === choice) {
    return { ok: true, value: { run: runView(run), completed: false } }; // the same move, sent twice
  }
  // The run really was at fromNode at this step and took another reply since (another
  // tab): a conflict. A node the run was never at, at this step, is simply not allowed.
  const wasThere = recorded ? recorded.node === fromNode : run.path.length === step && run.currentNode === fromNode;
  if (wasThere) {
    return refuse(409, "This conversation has moved on since this page was loaded (another tab?). Here is where it is now.");
  }
  if (run.endedAt !== null) return refuse(400, "This conversation has already ended. Start it again to try another way.");
  return refuse(400, "That reply isn't allowed from here: the conversation is somewhere else. Reload the page and pick again.");
}

// ---------------------------------------------------------------- polls and reflections

export async function answerPoll(userId: string, module: CompiledModule, pollId: string, optionId: string): Promise<ProgressResult<null>> {
  const poll = module.manifest.activities[pollId];
  if (!poll || poll.kind !== "poll") return refuse(400, `Module “${module.frontmatter.title}” has no poll "${pollId}".`);
  if (!poll.options.some((o) => o.id === optionId)) return refuse(400, "That isn't one of the poll's options. Reload the page and pick again.");
  await db()
    .insert(pollAnswers)
    .values({ userId, moduleSlug: module.slug, pollId, optionId })
    .onConflictDoUpdate({ target: [pollAnswers.userId, pollAnswers.moduleSlug, pollAnswers.pollId], set: { optionId, answeredAt: sql`now()` } });
  return { ok: true, value: null };
}

export async function saveReflection(userId: string, module: CompiledModule, reflectId: string, body: string): Promise<ProgressResult<null>> {
  const reflect = module.manifest.activities[reflectId];
  if (!reflect || reflect.kind !== "reflect") return refuse(400, `Module “${module.frontmatter.title}” has no reflection "${reflectId}".`);
  if (body.length > REFLECTION_MAX) return refuse(400, `Reflections are at most ${REFLECTION_MAX} characters (yours has ${body.length}).`);
  await db()
    .insert(reflections)
    .values({ userId, moduleSlug: module.slug, reflectId, body })
    .onConflictDoUpdate({ target: [reflections.userId, reflections.moduleSlug, reflections.reflectId], set: { body, updatedAt: sql`now()` } });
  return { ok: true, value: null };
}

// ---------------------------------------------------------------- reading progress

export interface QuizProgress {
  bestScore: number;
  passed: boolean;
  attempts: number;
  last: QuizAttemptView;
}

export interface ModuleProgress {
  seenStepIds: string[];
  quizzes: Record<string, QuizProgress>;
  scenarios: Record<string, { latest: ScenarioRunView; endingsReached: string[] }>;
  polls: Record<string, { mine: string; tally: Record<string, number> }>;
  reflections: Record<string, string>;
  completion: { how: "self" | "live"; completedAt: Date; contentHash: string } | null;
  /** Share of requirements met, 0–100. */
  percent: number;
}

interface ProgressRow {
  seen: string[];
  attempts: (Omit<QuizAttemptView, "createdAt"> & { quizId: string; createdAt: number; best: number; anyPassed: boolean; count: number })[];
  runs: (Omit<ScenarioRunView, "ended"> & { scenarioId: string; ended: boolean })[];
  polls: { pollId: string; optionId: string }[];
  reflections: { reflectId: string; body: string }[];
  completion: { how: "self" | "live"; completedAt: number; contentHash: string } | null;
  tallies: { pollId: string; optionId: string; n: number }[];
}

/** A learner's state in activities, from the JSON the progress statements build. */
function activityProgress(row: Pick<ProgressRow, "attempts" | "runs" | "polls" | "reflections" | "tallies">): Pick<ModuleProgress, "quizzes" | "scenarios" | "polls" | "reflections"> {
  const quizzes: ModuleProgress["quizzes"] = {};
  for (const a of row.attempts) {
    quizzes[a.quizId] = {
      bestScore: Number(a.best),
      passed: Boolean(a.anyPassed),
      attempts: Number(a.count),
      last: { id: a.id, answers: a.answers, results: a.results, score: a.score, passed: a.passed, createdAt: new Date(a.createdAt) },
    };
  }
  const scenarios: ModuleProgress["scenarios"] = {};
  for (const r of row.runs) {
    const view: ScenarioRunView = { id: r.id, path: r.path, currentNode: r.currentNode, endingId: r.endingId, outcome: r.outcome, ended: r.ended };
    const entry = (scenarios[r.scenarioId] ??= { latest: view, endingsReached: [] });
    entry.latest = view;
    if (r.endingId && !entry.endingsReached.includes(r.endingId)) entry.endingsReached.push(r.endingId);
  }
  const polls: ModuleProgress["polls"] = {};
  for (const p of row.polls) polls[p.pollId] = { mine: p.optionId, tally: {} };
  for (const t of row.tallies) {
    const entry = polls[t.pollId];
    if (entry) entry.tally[t.optionId] = Number(t.n);
  }
  return { quizzes, scenarios, polls, reflections: Object.fromEntries(row.reflections.map((r) => [r.reflectId, r.body])) };
}

// The learner's own rows of a table in the module ($1 the user, $2 the module), read by
// the (user, module) index whatever the planner knows. Without the OFFSET 0 fence a filter
// on activity or step ids is pushed into the scan, and a planner without statistics (PGlite
// never gathers any) then reads every learner's rows of the module by the module index.
const own = (table: string) => `(select * from ${table} where user_id = $1::text and module_slug = $2::text offset 0)`;

// The learner's state in a module's activities, as JSON columns. `only` narrows each to
// some activity ids (the step page: its own step's), or is "true". Times travel as epoch
// milliseconds, so both drivers give the same Date.
const activityColumns = (only: (column: string) => string) => `
  (select coalesce(json_agg(json_build_object(
            'quizId', q.quiz_id, 'id', q.id, 'answers', q.answers, 'results', q.results, 'score', q.score, 'passed', q.passed,
            'createdAt', extract(epoch from q.created_at) * 1000, 'best', q.best, 'anyPassed', q.any_passed, 'count', q.n)), '[]')
     from (select distinct on (qa.quiz_id) qa.*,
                  max(qa.score) over w as best, bool_or(qa.passed) over w as any_passed, count(*) over w as n
             from ${own("quiz_attempts")} qa
            where ${only("qa.quiz_id")}
           window w as (partition by qa.quiz_id)
            order by qa.quiz_id, qa.created_at desc) q) as attempts,
  (select coalesce(json_agg(json_build_object(
            'scenarioId', r.scenario_id, 'id', r.id, 'path', r.path, 'currentNode', r.current_node, 'endingId', r.ending_id,
            'outcome', r.outcome, 'ended', r.ended_at is not null) order by r.started_at), '[]')
     from ${own("scenario_runs")} r where ${only("r.scenario_id")}) as runs,
  (select coalesce(json_agg(json_build_object('pollId', p.poll_id, 'optionId', p.option_id)), '[]')
     from ${own("poll_answers")} p where ${only("p.poll_id")}) as polls,
  (select coalesce(json_agg(json_build_object('reflectId', f.reflect_id, 'body', f.body)), '[]')
     from ${own("reflections")} f where ${only("f.reflect_id")}) as reflections,
  (select coalesce(json_agg(json_build_object('pollId', t.poll_id, 'optionId', t.option_id, 'n', t.n)), '[]')
     from (select poll_id, option_id, count(*) as n from poll_answers
            where module_slug = $2::text and ${only("poll_id")} group by poll_id, option_id) t) as tallies`;

const completionJson = "json_build_object('how', c.how, 'completedAt', extract(epoch from c.completed_at) * 1000, 'contentHash', c.content_hash)";
const toCompletion = (c: ProgressRow["completion"]): ModuleProgress["completion"] => (c ? { how: c.how, completedAt: new Date(c.completedAt), contentHash: c.contentHash } : null);

/**
 * One statement, not seven: on the embedded database every statement costs ~0.4 ms of the
 * thread that renders pages (docs/performance.md, Module step). It is also one snapshot,
 * where seven parallel queries on a pool were not.
 */
const moduleProgressStatement = preparedStatement<ProgressRow>(
  "doorstep_module_progress",
  ["text", "text"],
  `select
     (select coalesce(json_agg(sv.step_id), '[]') from step_views sv where sv.user_id = $1::text and sv.module_slug = $2::text) as seen,
     ${activityColumns(() => "true")},
     (select ${completionJson} from module_completions c where c.user_id = $1::text and c.module_slug = $2::text) as completion`,
);

export async function moduleProgress(userId: string, module: CompiledModule): Promise<ModuleProgress> {
  const [row] = await moduleProgressStatement.run(databaseHandle(), [userId, module.slug]);
  const { seen, completion: c } = row!;
  const { quizzes, scenarios, polls, reflections: reflectionState } = activityProgress(row!);
  const req = requirementsOf(module.manifest);
  const seenIds = seen.filter((id) => req.stepIds.includes(id));
  const done =
    seenIds.length +
    req.quizIds.filter((id) => quizzes[id]?.passed).length +
    req.scenarioIds.filter((id) => (scenarios[id]?.endingsReached.length ?? 0) > 0).length;
  const total = req.stepIds.length + req.quizIds.length + req.scenarioIds.length;
  return {
    seenStepIds: seenIds,
    quizzes,
    scenarios,
    polls,
    reflections: reflectionState,
    completion: toCompletion(c),
    percent: c ? 100 : total ? Math.round((done / total) * 100) : 0,
  };
}

/** What the step page shows: the steps seen, the completion, and its own step's activities. */
export type StepProgress = Omit<ModuleProgress, "percent">;

/**
 * The step page's GET in one statement: record the view, record the completion if this
 * view finishes the module (as completeIfDone does), and read what the page shows. Only
 * this step's activities are read: the page renders no other step's.
 *
 * A statement does not see its own writes, so the view counts as seen and a completion it
 * inserts is taken from the insert's RETURNING. Lists travel as comma-joined ids (ids are
 * [a-z0-9-]), so the text, and its plan, is the same for every step of every module.
 *
 * $3 content hash, $4 the step, $5/$6/$7 the module's steps/quizzes/scenarios (the
 * requirements), $8 this step's activities.
 */
const viewStepStatement = preparedStatement<ProgressRow & { ready: boolean }>(
  "doorstep_view_step",
  ["text", "text", "text", "text", "text", "text", "text", "text"],
  `with viewed as (
     insert into step_views (user_id, module_slug, step_id) values ($1::text, $2::text, $4::text) on conflict do nothing
   ), seen as (
     select sv.step_id from ${own("step_views")} sv where sv.step_id = any(string_to_array($5::text, ','))
     union select $4::text
   ), ready as (
     select (select count(*) from seen) = cardinality(string_to_array($5::text, ','))
        and (select count(distinct qa.quiz_id) from ${own("quiz_attempts")} qa
              where qa.passed and qa.quiz_id = any(string_to_array($6::text, ','))) = cardinality(string_to_array($6::text, ','))
        and (select count(distinct sr.scenario_id) from ${own("scenario_runs")} sr
              where sr.ended_at is not null and sr.scenario_id = any(string_to_array($7::text, ','))) = cardinality(string_to_array($7::text, ',')) as ok
   ), completed as (
     insert into module_completions (user_id, module_slug, content_hash, how)
     select $1::text, $2::text, $3::text, 'self' where (select ok from ready)
     on conflict do nothing
     returning how, completed_at, content_hash
   )
   select
     (select ok from ready) as ready,
     (select json_agg(step_id) from seen) as seen,
     ${activityColumns((column) => `${column} = any(string_to_array($8::text, ','))`)},
     (select ${completionJson}
        from (select how, completed_at, content_hash from completed
              union all
              select how, completed_at, content_hash from module_completions where user_id = $1::text and module_slug = $2::text) c
       limit 1) as completion`,
);

const requirementLists = new WeakMap<CompiledModule, string[]>();

export async function viewStep(userId: string, module: CompiledModule, step: StepInfo): Promise<StepProgress> {
  let lists = requirementLists.get(module);
  if (!lists) {
    const req = requirementsOf(module.manifest);
    lists = [req.stepIds.join(","), req.quizIds.join(","), req.scenarioIds.join(",")];
    requirementLists.set(module, lists);
  }
  const [row] = await viewStepStatement.run(databaseHandle(), [userId, module.slug, module.hash, step.id, ...lists, step.activityIds.join(",")]);
  let completion = toCompletion(row!.completion);
  if (!completion && row!.ready) {
    // Complete, yet no completion: another tab's statement inserted it at the same moment,
    // after this statement's snapshot was taken (its insert waited for that one, then did
    // nothing). A new statement sees it.
    const [done] = await db()
      .select({ how: moduleCompletions.how, completedAt: moduleCompletions.completedAt, contentHash: moduleCompletions.contentHash })
      .from(moduleCompletions)
      .where(and(eq(moduleCompletions.userId, userId), eq(moduleCompletions.moduleSlug, module.slug)));
    completion = done ?? null;
  }
  return {
    seenStepIds: module.manifest.steps.filter((s) => row!.seen.includes(s.id)).map((s) => s.id),
    ...activityProgress(row!),
    completion,
  };
}

/**
 * The activities of one step as the learner's page needs them. A scenario keeps only the
 * nodes of the learner's latest run (the lines said and the replies chosen), the node it
 * stands on, and the endings (for "endings found: n of m"): not the whole graph, which was
 * most of a scenario step's loader data (11.3 of 11.3 kB) and is re-sent after every reply.
 * Each reply's next node arrives with the revalidation that follows it.
 */
export function stepActivities(module: CompiledModule, step: StepInfo, progress: Pick<ModuleProgress, "scenarios">): Record<string, Activity> {
  const out: Record<string, Activity> = {};
  for (const id of step.activityIds) {
    const activity = module.manifest.activities[id]!;
    if (activity.kind !== "scenario") {
      out[id] = activity;
      continue;
    }
    const run = progress.scenarios[id]?.latest;
    const keep = new Set(run ? [...run.path.map((m) => m.node), run.currentNode] : []);
    const nodes: ScenarioActivity["nodes"] = {};
    for (const [nodeId, node] of Object.entries(activity.nodes)) if (keep.has(nodeId) || node.kind === "ending") nodes[nodeId] = node;
    out[id] = { ...activity, nodes };
  }
  return out;
}

export interface CatalogueStatus {
  status: "not-started" | "in-progress" | "complete";
  percent: number;
  completedAt: Date | null;
  how: "self" | "live" | null;
}

/** Status of every listed module for one learner, in one round of grouped queries. */
export async function catalogueStatus(userId: string, list: CompiledModule[]): Promise<Record<string, CatalogueStatus>> {
  const slugs = list.map((m) => m.slug);
  if (slugs.length === 0) return {};
  const database = db();
  const [completions, views, passed, ended] = await Promise.all([
    database.select().from(moduleCompletions).where(and(eq(moduleCompletions.userId, userId), inArray(moduleCompletions.moduleSlug, slugs))),
    database
      .select({ slug: stepViews.moduleSlug, stepId: stepViews.stepId })
      .from(stepViews)
      .where(and(eq(stepViews.userId, userId), inArray(stepViews.moduleSlug, slugs))),
    database
      .selectDistinct({ slug: quizAttempts.moduleSlug, id: quizAttempts.quizId })
      .from(quizAttempts)
      .where(and(eq(quizAttempts.userId, userId), eq(quizAttempts.passed, true), inArray(quizAttempts.moduleSlug, slugs))),
    database
      .selectDistinct({ slug: scenarioRuns.moduleSlug, id: scenarioRuns.scenarioId })
      .from(scenarioRuns)
      .where(and(eq(scenarioRuns.userId, userId), isNotNull(scenarioRuns.endedAt), inArray(scenarioRuns.moduleSlug, slugs))),
  ]);
  const out: Record<string, CatalogueStatus> = {};
  for (const m of list) {
    const c = completions.find((x) => x.moduleSlug === m.slug);
    if (c) {
      out[m.slug] = { status: "complete", percent: 100, completedAt: c.completedAt, how: c.how };
      continue;
    }
    const req = requirementsOf(m.manifest);
    const done =
      views.filter((v) => v.slug === m.slug && req.stepIds.includes(v.stepId)).length +
      passed.filter((p) => p.slug === m.slug && req.quizIds.includes(p.id)).length +
      ended.filter((e) => e.slug === m.slug && req.scenarioIds.includes(e.id)).length;
    const total = req.stepIds.length + req.quizIds.length + req.scenarioIds.length;
    const started = views.some((v) => v.slug === m.slug);
    out[m.slug] = { status: started ? "in-progress" : "not-started", percent: total ? Math.min(99, Math.round((done / total) * 100)) : 0, completedAt: null, how: null };
  }
  return out;
}


// ---------------------------------------------------------------- the learner's own record

export interface LearnerRecord {
  status: Record<string, CatalogueStatus>;
  quizzes: { moduleSlug: string; quizId: string; bestScore: number; passed: boolean; attempts: number }[];
  endings: { moduleSlug: string; scenarioId: string; endingId: string; outcome: string; times: number }[];
  reflections: { moduleSlug: string; reflectId: string; body: string; updatedAt: Date }[];
}

export async function learnerRecord(userId: string, list: CompiledModule[]): Promise<LearnerRecord> {
  const database = db();
  const [status, quizzes, endings, reflectionRows] = await Promise.all([
    catalogueStatus(userId, list),
    database
      .select({
        moduleSlug: quizAttempts.moduleSlug,
        quizId: quizAttempts.quizId,
        bestScore: sql<number>`max(${quizAttempts.score})::int`,
        passed: sql<boolean>`bool_or(${quizAttempts.passed})`,
        attempts: sql<number>`count(*)::int`,
      })
      .from(quizAttempts)
      .where(eq(quizAttempts.userId, userId))
      .groupBy(quizAttempts.moduleSlug, quizAttempts.quizId),
    database
      .select({
        moduleSlug: scenarioRuns.moduleSlug,
        scenarioId: scenarioRuns.scenarioId,
        endingId: sql<string>`${scenarioRuns.endingId}`,
        outcome: sql<string>`${scenarioRuns.outcome}`,
        times: sql<number>`count(*)::int`,
      })
      .from(scenarioRuns)
      .where(and(eq(scenarioRuns.userId, userId), isNotNull(scenarioRuns.endedAt)))
      .groupBy(scenarioRuns.moduleSlug, scenarioRuns.scenarioId, scenarioRuns.endingId, scenarioRuns.outcome),
    database.select().from(reflections).where(eq(reflections.userId, userId)).orderBy(desc(reflections.updatedAt)),
  ]);
  return {
    status,
    quizzes: quizzes.map((q) => ({ ...q, bestScore: Number(q.bestScore), attempts: Number(q.attempts), passed: Boolean(q.passed) })),
    endings: endings.map((e) => ({ ...e, times: Number(e.times) })),
    reflections: reflectionRows.map((r) => ({ moduleSlug: r.moduleSlug, reflectId: r.reflectId, body: r.body, updatedAt: r.updatedAt })),
  };
}
