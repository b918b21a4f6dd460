import { desc, eq } from "drizzle-orm";
import { expect } from "vitest";
import type { CompiledModule } from "~/content/manifest";
import { randomToken } from "~/lib/crypto.server";
import type { StepProgress } from "~/progress/read.server";
import * as stepPage from "~/routes/modules.$slug.$step";
import { db } from "../../db/client.server";
import { moduleCompletions, scenarioRuns } from "../../db/schema";
import { moduleOf } from "./content";
import { get, post, run, type TestUser } from "./fixtures";

// A learner going through the fixture module "doorstep-basics" the way a browser does:
// the step page's loader and its action, never the progress functions directly.

export const basics = () => moduleOf("doorstep-basics");
export const RIGHT = { open: ["a"], listen: ["reflect", "follow"] };
export const HALF_RIGHT = { open: ["a"], listen: ["reflect"] }; // 50: below the pass mark of 80
export const key = () => randomToken();

export const completionsOf = (userId: string) => db().select().from(moduleCompletions).where(eq(moduleCompletions.userId, userId));

/** The learner opens a step page: the route's loader (viewStep), as the browser would. */
export async function openStep(user: TestUser, module: CompiledModule, stepId: string): Promise<StepProgress> {
  const page = await run(stepPage.loader, get(`/modules/${module.slug}/${stepId}`, user.cookie), { slug: module.slug, step: stepId });
  expect(page.status, `open ${stepId}`).toBe(200);
  return (page.body as { progress: StepProgress }).progress;
}

export async function openSteps(user: TestUser, module: CompiledModule, stepIds = module.manifest.steps.map((s) => s.id)) {
  for (const id of stepIds) await openStep(user, module, id);
}

export type ActionBody = { ok: true; completed: boolean } | { ok: false; failure: { activityId: string; message: string } };

/** An activity form posted to its step page's action. */
export async function submit(user: TestUser, module: CompiledModule, stepId: string, fields: Record<string, string | string[]>): Promise<ActionBody> {
  const outcome = await run(stepPage.action, post(`/modules/${module.slug}/${stepId}`, fields, user.cookie), { slug: module.slug, step: stepId });
  expect(outcome.status, JSON.stringify(outcome.body)).toBe(200);
  return outcome.body as ActionBody;
}

export const postQuiz = (user: TestUser, answers: { open: string[]; listen: string[] }, module = basics()) =>
  submit(user, module, "check", { intent: "quiz", activityId: "basics-quiz", attemptKey: key(), "answer.open": answers.open, "answer.listen": answers.listen });

export async function latestRunId(userId: string): Promise<string> {
  const [latest] = await db().select({ id: scenarioRuns.id }).from(scenarioRuns).where(eq(scenarioRuns.userId, userId)).orderBy(desc(scenarioRuns.startedAt)).limit(1);
  return latest!.id;
}

/** door -(0)-> warm -(0)-> good, door -(1)-> closed: the replies as [node, choice], from the start or from `from`. */
export const GOOD: [string, number][] = [["door", 0], ["warm", 0]];
export const LOST: [string, number][] = [["door", 1]];

export async function startRun(user: TestUser, module = basics()) {
  expect(await submit(user, module, "practice", { intent: "scenario-start", activityId: "first-door", runKey: key() })).toEqual({ ok: true, completed: false });
  return latestRunId(user.id);
}

export async function reply(user: TestUser, runId: string, moves: [string, number][], from = 0, module = basics()): Promise<ActionBody> {
  let last: ActionBody = { ok: true, completed: false };
  for (const [i, [node, choice]] of moves.entries()) {
    last = await submit(user, module, "practice", { intent: "scenario-choose", activityId: "first-door", runId, fromNode: node, step: String(from + i), choice: String(choice) });
  }
  return last;
}

export async function playScenario(user: TestUser, moves = GOOD, module = basics()) {
  return reply(user, await startRun(user, module), moves, 0, module);
}
