import { and, desc, eq, sql } from "drizzle-orm";
import { db } from "../../db/client.server";
import { pollAnswers, quizAttempts, recordEntries, reflections, scenarioRuns, stepViews, type RecordEntryValue, type ScenarioMove } from "../../db/schema";
import type { CompiledModule } from "../content/manifest";
import { refuse, type Result } from "../lib/result";
import { completeIfDone } from "./completion.server";
import { scoreQuiz, type QuizAnswers } from "../activities/quiz/scoring";
import { checkMove } from "../activities/scenario/moves";
import { checkRecord } from "../activities/record/scoring";
import type { RecordEntry } from "../activities/record/manifest";

// What a learner does in a module, recorded: step views, quiz attempts, scenario moves, poll
// answers and reflections. Each write that can finish the module asks completeIfDone.

/** A learner's action, recorded or refused (bad or stale input, an unknown activity). */
export type ProgressResult<T> = Result<T, 400 | 404 | 409>;

export const REFLECTION_MAX = 5000;

// ---------------------------------------------------------------- steps

export async function recordStepView(userId: string, module: CompiledModule, stepId: string): Promise<ProgressResult<{ completed: boolean }>> {
  if (!module.manifest.steps.some((s) => s.id === stepId)) return refuse(404, `Module “${module.frontmatter.title}” has no step "${stepId}".`);
  return { ok: true, value: { completed: await completeIfDone(userId, module, stepId) } };
}

/**
 * Several steps seen at once (the demo movement's learners): one insert for all but the
 * last, then the last as recordStepView records it, so the completion rule runs once
 * instead of once a step. The same rows and the same completion as one call per step.
 */
export async function recordStepViews(userId: string, module: CompiledModule, stepIds: string[]): Promise<ProgressResult<{ completed: boolean }>> {
  const unknown = stepIds.find((id) => !module.manifest.steps.some((s) => s.id === id));
  if (unknown !== undefined) return refuse(404, `Module “${module.frontmatter.title}” has no step "${unknown}".`);
  const last = stepIds.at(-1);
  if (last === undefined) return { ok: true, value: { completed: false } };
  const before = stepIds.slice(0, -1);
  if (before.length > 0) {
    await db()
      .insert(stepViews)
      .values(before.map((stepId) => ({ userId, moduleSlug: module.slug, stepId })))
      .onConflictDoNothing();
  }
  return { ok: true, value: { completed: await completeIfDone(userId, module, last) } };
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
  if (!check.ok) return check;
  const [inserted] = await db()
    .insert(quizAttempts)
    .values({
      userId,
      moduleSlug: module.slug,
      quizId,
      contentHash: module.hash,
      attemptKey,
      answers,
      results: check.value.results,
      score: check.value.score,
      passed: check.value.passed,
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
  if (!move.ok) return move;
  const ending = move.value.kind === "ending" ? move.value : null;
  const entry: ScenarioMove = { node: fromNode, choice };
  const [updated] = await db()
    .update(scenarioRuns)
    .set({
      path: sql`${scenarioRuns.path} || ${JSON.stringify([entry])}::jsonb`,
      currentNode: move.value.id,
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

// ---------------------------------------------------------------- conversation records

export interface RecordProgress {
  entry: RecordEntryValue;
  results: Record<string, boolean>;
  endingId: string | null;
}

/**
 * Save a learner's record of a scenario's conversation, compared with what the resident
 * said as the learner's latest finished run of that scenario went (no finished run: what
 * holds however it went). Saving again replaces it. It is practice with feedback, not a
 * requirement: like a reflection it does not gate completion (docs/decisions/019).
 */
export async function saveRecord(userId: string, module: CompiledModule, recordId: string, entry: RecordEntry): Promise<ProgressResult<RecordProgress>> {
  const record = module.manifest.activities[recordId];
  if (!record || record.kind !== "record") return refuse(400, `Module “${module.frontmatter.title}” has no record "${recordId}".`);
  const [run] = await db()
    .select({ endingId: scenarioRuns.endingId })
    .from(scenarioRuns)
    .where(and(eq(scenarioRuns.userId, userId), eq(scenarioRuns.moduleSlug, module.slug), eq(scenarioRuns.scenarioId, record.scenarioId), sql`${scenarioRuns.endedAt} is not null`))
    .orderBy(desc(scenarioRuns.endedAt))
    .limit(1);
  const check = checkRecord(record, entry, run?.endingId ?? null);
  if (!check.ok) return check;
  const values = { entry, results: check.value.results, endingId: check.value.endingId };
  await db()
    .insert(recordEntries)
    .values({ userId, moduleSlug: module.slug, recordId, ...values })
    .onConflictDoUpdate({ target: [recordEntries.userId, recordEntries.moduleSlug, recordEntries.recordId], set: { ...values, updatedAt: sql`now()` } });
  return { ok: true, value: values };
}
