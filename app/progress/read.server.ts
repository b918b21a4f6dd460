import { and, desc, eq, isNotNull, sql } from "drizzle-orm";
import { databaseHandle, db, preparedStatement } from "../../db/client.server";
import { moduleCompletions, quizAttempts, reflections, scenarioRuns } from "../../db/schema";
import type { Activity, CompiledModule, ScenarioActivity, StepInfo } from "../content/manifest";
import { percentDone, requirementListsOf, requirementsMet, seenSteps, ownRows, type RequirementsMet, type RuleInputs } from "./completion.server";
import type { QuizAttemptView, RecordProgress, ScenarioRunView } from "./record.server";

// What the pages show of a learner's progress: the module page (moduleProgress), the step
// page (viewStep, which also records the view), the catalogue and the learner's record.

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
  /** The learner's saved record of each <Record>'s conversation and how it compared. */
  records: Record<string, RecordProgress>;
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
  records: ({ recordId: string } & RecordProgress)[];
  completion: { how: "self" | "live"; completedAt: number; contentHash: string } | null;
  tallies: { pollId: string; optionId: string; n: number }[];
}

type ModuleProgressRow = ProgressRow & RequirementsMet;

/** A learner's state in activities, from the JSON the progress statements build. */
function activityProgress(
  row: Pick<ProgressRow, "attempts" | "runs" | "polls" | "reflections" | "records" | "tallies">,
): Pick<ModuleProgress, "quizzes" | "scenarios" | "polls" | "reflections" | "records"> {
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
  const records = Object.fromEntries(row.records.map(({ recordId, entry, results, endingId }) => [recordId, { entry, results, endingId }]));
  return { quizzes, scenarios, polls, reflections: Object.fromEntries(row.reflections.map((r) => [r.reflectId, r.body])), records };
}

// The completion rule's inputs in a statement whose $1 is the user, $2 the module and
// $first… the comma-joined steps, quizzes and scenarios (requirementListsOf).
const ruleAt = (first: number): RuleInputs => ({ user: "$1::text", module: "$2::text", steps: `$${first}::text`, quizzes: `$${first + 1}::text`, scenarios: `$${first + 2}::text` });

// The learner's own rows of a table in the module ($1 the user, $2 the module).
const own = (table: string) => ownRows(table, { user: "$1::text", module: "$2::text" });

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
  (select coalesce(json_agg(json_build_object('recordId', e.record_id, 'entry', e.entry, 'results', e.results, 'endingId', e.ending_id)), '[]')
     from ${own("record_entries")} e where ${only("e.record_id")}) as records,
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
const moduleProgressStatement = preparedStatement<ModuleProgressRow>(
  "doorstep_module_progress",
  ["text", "text", "text", "text", "text"],
  `select
     (select coalesce(json_agg(sv.step_id), '[]') from step_views sv where sv.user_id = $1::text and sv.module_slug = $2::text) as seen,
     ${activityColumns(() => "true")},
     (select ${completionJson} from module_completions c where c.user_id = $1::text and c.module_slug = $2::text) as completion,
     met.steps_met, met.quizzes_met, met.scenarios_met
   from (${requirementsMet(ruleAt(3))}) met`,
);

export async function moduleProgress(userId: string, module: CompiledModule): Promise<ModuleProgress> {
  const [row] = await moduleProgressStatement.run(databaseHandle(), [userId, module.slug, ...requirementListsOf(module)]);
  const completion = toCompletion(row!.completion);
  return {
    seenStepIds: module.manifest.steps.filter((s) => row!.seen.includes(s.id)).map((s) => s.id),
    ...activityProgress(row!),
    completion,
    percent: percentDone(module, row!, completion !== null),
  };
}

/** What the step page shows: the steps seen, the completion, and its own step's activities. */
export type StepProgress = Omit<ModuleProgress, "percent">;

/** A step page's progress without recording a view: for "Save for offline" (ADR 035). */
export async function peekStep(userId: string, module: CompiledModule): Promise<StepProgress> {
  const { percent: _percent, ...progress } = await moduleProgress(userId, module);
  return progress;
}

/**
 * The step page's GET in one statement: record the view, record the completion if this
 * view finishes the module (the completion rule, requirementsMet, with its own `seen`), and
 * read what the page shows. Only
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
     ${seenSteps(ruleAt(5))}
     union select $4::text
   ), ready as (
     ${requirementsMet(ruleAt(5), "seen")}
   ), completed as (
     insert into module_completions (user_id, module_slug, content_hash, how)
     select $1::text, $2::text, $3::text, 'self' where (select complete from ready)
     on conflict do nothing
     returning how, completed_at, content_hash
   )
   select
     (select complete from ready) as ready,
     (select json_agg(step_id) from seen) as seen,
     ${activityColumns((column) => `${column} = any(string_to_array($8::text, ','))`)},
     (select ${completionJson}
        from (select how, completed_at, content_hash from completed
              union all
              select how, completed_at, content_hash from module_completions where user_id = $1::text and module_slug = $2::text) c
       limit 1) as completion`,
);

export async function viewStep(userId: string, module: CompiledModule, step: StepInfo): Promise<StepProgress> {
  const [row] = await viewStepStatement.run(databaseHandle(), [userId, module.slug, module.hash, step.id, ...requirementListsOf(module), step.activityIds.join(",")]);
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

/**
 * The catalogue in one statement: a row per module ($2 the slugs, $3/$4/$5 each module's
 * comma-joined requirements, modules separated by ";"), its requirements met by the
 * completion rule, whether the learner opened it, and its completion.
 */
const catalogueStatement = preparedStatement<RequirementsMet & { slug: string; started: boolean; how: "self" | "live" | null; completed_at: number | string | null }>(
  "doorstep_catalogue_status",
  ["text", "text", "text", "text", "text"],
  `select m.slug, met.steps_met, met.quizzes_met, met.scenarios_met,
          exists (select 1 from step_views sv where sv.user_id = $1::text and sv.module_slug = m.slug) as started,
          c.how, extract(epoch from c.completed_at) * 1000 as completed_at
     from unnest(string_to_array($2::text, ';'), string_to_array($3::text, ';'), string_to_array($4::text, ';'), string_to_array($5::text, ';'))
          as m(slug, steps, quizzes, scenarios)
    cross join lateral (${requirementsMet({
      user: "$1::text",
      module: "m.slug",
      // A module without quizzes is "" in its place, but the list "" has no places at all
      // (one such module alone): unnest then pads with null.
      steps: "coalesce(m.steps, '')",
      quizzes: "coalesce(m.quizzes, '')",
      scenarios: "coalesce(m.scenarios, '')",
    })}) met
     left join module_completions c on c.user_id = $1::text and c.module_slug = m.slug`,
);

/** Status of every listed module for one learner, in one statement. */
export async function catalogueStatus(userId: string, list: CompiledModule[]): Promise<Record<string, CatalogueStatus>> {
  if (list.length === 0) return {};
  const lists = list.map(requirementListsOf);
  const column = (i: number) => lists.map((l) => l[i]).join(";");
  const rows = await catalogueStatement.run(databaseHandle(), [userId, list.map((m) => m.slug).join(";"), column(0), column(1), column(2)]);
  const out: Record<string, CatalogueStatus> = {};
  for (const m of list) {
    const row = rows.find((r) => r.slug === m.slug)!;
    const completedAt = row.completed_at === null ? null : new Date(Number(row.completed_at));
    out[m.slug] = {
      status: completedAt ? "complete" : row.started ? "in-progress" : "not-started",
      percent: percentDone(m, row, completedAt !== null),
      completedAt,
      how: row.how,
    };
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
