import { and, count, desc, eq, sql } from "drizzle-orm";
import { writeFileSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { hashPassword } from "~/auth/password.server";
import { startSession } from "~/auth/session.server";
import type { CompiledModule } from "~/content/manifest";
import { newId, randomToken } from "~/lib/crypto.server";
import { endSession, markAttendance } from "~/live/attendance.server";
import { joinWithCode } from "~/live/joining.server";
import { createLiveSession } from "~/live/lifecycle.server";
import { completeIfDone } from "~/progress/completion.server";
import { catalogueStatus, moduleProgress, viewStep, type StepProgress } from "~/progress/read.server";
import { answerPoll, chooseReply, recordStepView, saveReflection, startScenario, submitQuiz } from "~/progress/record.server";
import * as stepPage from "~/routes/modules.$slug.$step";
import * as modulePage from "~/routes/modules.$slug._index";
import * as cataloguePage from "~/routes/modules._index";
import { preparedStatement } from "../../db/client.server";
import { moduleCompletions, pollAnswers, quizAttempts, reflections, scenarioRuns, stepViews, users } from "../../db/schema";
import { moduleOf, withEditedCatalog, withFixtureCatalog } from "../setup/content";
import { testDbKind, withTestDatabase } from "../setup/database";
import { get, makeUser, post, run, type TestUser } from "../setup/fixtures";

const database = withTestDatabase();
withFixtureCatalog();

const basics = () => moduleOf("doorstep-basics");
const RIGHT = { open: ["a"], listen: ["reflect", "follow"] };
const HALF_RIGHT = { open: ["a"], listen: ["reflect"] }; // 50: below the pass mark of 80
const key = () => randomToken();

async function seeSteps(userId: string, module: CompiledModule, stepIds = module.manifest.steps.map((s) => s.id)) {
  for (const id of stepIds) {
    const r = await recordStepView(userId, module, id);
    if (!r.ok) throw new Error(r.message);
  }
}

async function passQuiz(userId: string, module = basics()) {
  const r = await submitQuiz(userId, module, "basics-quiz", RIGHT, key());
  if (!r.ok || !r.value.attempt.passed) throw new Error("quiz not passed");
  return r.value;
}

/** door -(0)-> warm -(0)-> good, or door -(1)-> closed. */
async function finishScenario(userId: string, module = basics(), route: "good" | "closed" = "good") {
  const start = await startScenario(userId, module, "first-door", key());
  if (!start.ok) throw new Error(start.message);
  const runId = start.value.id;
  if (route === "closed") return chooseReply(userId, module, "first-door", runId, "door", 0, 1);
  const first = await chooseReply(userId, module, "first-door", runId, "door", 0, 0);
  if (!first.ok) throw new Error(first.message);
  return chooseReply(userId, module, "first-door", runId, "warm", 1, 0);
}


// ---- what the routes do: the learner's browser opening step pages and posting activity forms

/** The learner opens a step page: the route's loader (viewStep), as the browser would. */
async function openStep(user: TestUser, module: CompiledModule, stepId: string): Promise<StepProgress> {
  const page = await run(stepPage.loader, get(`/modules/${module.slug}/${stepId}`, user.cookie), { slug: module.slug, step: stepId });
  expect(page.status, `open ${stepId}`).toBe(200);
  return (page.body as { progress: StepProgress }).progress;
}

async function openSteps(user: TestUser, module: CompiledModule, stepIds = module.manifest.steps.map((s) => s.id)) {
  for (const id of stepIds) await openStep(user, module, id);
}

type ActionBody = { ok: true; completed: boolean } | { ok: false; failure: { activityId: string; message: string } };

/** An activity form posted to its step page's action. */
async function submit(user: TestUser, module: CompiledModule, stepId: string, fields: Record<string, string | string[]>): Promise<ActionBody> {
  const outcome = await run(stepPage.action, post(`/modules/${module.slug}/${stepId}`, fields, user.cookie), { slug: module.slug, step: stepId });
  expect(outcome.status, JSON.stringify(outcome.body)).toBe(200);
  return outcome.body as ActionBody;
}

const postQuiz = (user: TestUser, answers: { open: string[]; listen: string[] }, module = basics()) =>
  submit(user, module, "check", { intent: "quiz", activityId: "basics-quiz", attemptKey: key(), "answer.open": answers.open, "answer.listen": answers.listen });

async function latestRunId(userId: string): Promise<string> {
  const [latest] = await database().db.select({ id: scenarioRuns.id }).from(scenarioRuns).where(eq(scenarioRuns.userId, userId)).orderBy(desc(scenarioRuns.startedAt)).limit(1);
  return latest!.id;
}

/** door -(0)-> warm -(0)-> good, door -(1)-> closed: the replies as [node, choice], from the start or from `from`. */
const GOOD: [string, number][] = [["door", 0], ["warm", 0]];
const LOST: [string, number][] = [["door", 1]];

async function startRun(user: TestUser, module = basics()) {
  expect(await submit(user, module, "practice", { intent: "scenario-start", activityId: "first-door", runKey: key() })).toEqual({ ok: true, completed: false });
  return latestRunId(user.id);
}

async function reply(user: TestUser, runId: string, moves: [string, number][], from = 0, module = basics()): Promise<ActionBody> {
  let last: ActionBody = { ok: true, completed: false };
  for (const [i, [node, choice]] of moves.entries()) {
    last = await submit(user, module, "practice", { intent: "scenario-choose", activityId: "first-door", runId, fromNode: node, step: String(from + i), choice: String(choice) });
  }
  return last;
}

async function playScenario(user: TestUser, moves = GOOD, module = basics()) {
  return reply(user, await startRun(user, module), moves, 0, module);
}

type ProgressTable = typeof quizAttempts | typeof scenarioRuns | typeof moduleCompletions | typeof stepViews | typeof pollAnswers | typeof reflections;
async function rows(table: ProgressTable, userId?: string): Promise<number> {
  const [row] = await database()
    .db.select({ n: count() })
    .from(table)
    .where(userId ? eq(table.userId, userId) : undefined);
  return Number(row!.n);
}

const completionsOf = (userId: string) => database().db.select().from(moduleCompletions).where(eq(moduleCompletions.userId, userId));

describe("completion", () => {
  it("needs every step seen, every quiz passed and every scenario ended; then records it once with how=self and the hash", async () => {
    // Through the routes: step pages opened (viewStep) and activity forms posted to the
    // step page's action, as a learner's browser does.
    const module = basics();
    const missingStep = await makeUser("activist");
    const missingQuiz = await makeUser("activist");
    const missingEnding = await makeUser("activist");

    await openSteps(missingStep, module, ["intro", "check", "practice"]);
    expect(await postQuiz(missingStep, RIGHT)).toEqual({ ok: true, completed: false });
    expect(await playScenario(missingStep)).toEqual({ ok: true, completed: false });

    await openSteps(missingQuiz, module);
    expect(await postQuiz(missingQuiz, HALF_RIGHT)).toEqual({ ok: true, completed: false });
    expect(await playScenario(missingQuiz, LOST)).toEqual({ ok: true, completed: false });

    await openSteps(missingEnding, module);
    expect(await postQuiz(missingEnding, RIGHT)).toEqual({ ok: true, completed: false });
    const runId = await startRun(missingEnding);
    expect(await reply(missingEnding, runId, [GOOD[0]!])).toEqual({ ok: true, completed: false }); // at "warm": not ended

    for (const user of [missingStep, missingQuiz, missingEnding]) {
      expect(await completeIfDone(user.id, module), user.id).toBe(false);
      expect(await completionsOf(user.id)).toEqual([]);
      const progress = await moduleProgress(user.id, module);
      expect(progress.completion).toBeNull();
      expect(progress.percent).toBe(83); // 5 of 6 requirements (4 steps, 1 quiz, 1 scenario)
    }
    // Polls and reflections are encouraged, not required.
    expect(await submit(missingStep, module, "wrap-up", { intent: "poll", activityId: "feeling", optionId: "nervous" })).toEqual({ ok: true, completed: false });
    expect(await submit(missingStep, module, "wrap-up", { intent: "reflect", activityId: "my-why", body: "Because my street deserves better." })).toEqual({ ok: true, completed: false });
    expect(await completeIfDone(missingStep.id, module)).toBe(false);

    // The last missing piece completes each of them, through the request that supplied it.
    expect((await openStep(missingStep, module, "wrap-up")).completion).toMatchObject({ how: "self", contentHash: module.hash });
    expect(await postQuiz(missingQuiz, RIGHT)).toEqual({ ok: true, completed: true });
    expect(await reply(missingEnding, runId, [GOOD[1]!], 1)).toEqual({ ok: true, completed: true });
    const [ended] = await database().db.select().from(scenarioRuns).where(eq(scenarioRuns.id, runId));
    expect(ended).toMatchObject({ endingId: "good", outcome: "good", endedAt: expect.any(Date) });

    for (const user of [missingStep, missingQuiz, missingEnding]) {
      const recorded = await completionsOf(user.id);
      expect(recorded).toEqual([expect.objectContaining({ moduleSlug: "doorstep-basics", how: "self", contentHash: module.hash, liveSessionId: null })]);
      const progress = await moduleProgress(user.id, module);
      expect(progress).toMatchObject({ percent: 100, completion: { how: "self", contentHash: module.hash } });
      // Doing more afterwards never records it again.
      expect(await completeIfDone(user.id, module)).toBe(false);
      expect(await postQuiz(user, RIGHT)).toEqual({ ok: true, completed: false });
      expect((await openStep(user, module, "intro")).completion).toMatchObject({ how: "self" });
      expect(await completionsOf(user.id)).toHaveLength(1);
    }
  });

  it("any ending counts, including a lost door", async () => {
    const module = basics();
    const user = await makeUser("activist");
    await openSteps(user, module);
    await postQuiz(user, RIGHT);
    expect(await playScenario(user, LOST)).toEqual({ ok: true, completed: true });
    expect(await completionsOf(user.id)).toEqual([expect.objectContaining({ how: "self" })]);
  });

  it("completes a module with no quiz or scenario when every step is seen", async () => {
    const module = moduleOf("follow-up");
    const user = await makeUser("activist");
    expect((await openStep(user, module, "why-follow-up")).completion).toBeNull();
    expect((await openStep(user, module, "plan")).completion).toMatchObject({ how: "self", contentHash: module.hash });
    expect(await completionsOf(user.id)).toEqual([expect.objectContaining({ moduleSlug: "follow-up", how: "self", contentHash: module.hash })]);
  });

  it("recordStepView (the demo seeder's way in) completes like a step page", async () => {
    const module = moduleOf("follow-up");
    const user = await makeUser("activist");
    expect(await recordStepView(user.id, module, "why-follow-up")).toEqual({ ok: true, value: { completed: false } });
    expect(await recordStepView(user.id, module, "plan")).toEqual({ ok: true, value: { completed: true } });
    expect(await recordStepView(user.id, module, "nope")).toMatchObject({ ok: false, status: 404 });
  });

  it("records it exactly once when several completeIfDone calls race", async () => {
    const module = basics();
    const user = await makeUser("activist");
    await seeSteps(user.id, module, ["intro", "check", "practice"]);
    await passQuiz(user.id);
    await finishScenario(user.id);
    // The last requirement arrives without a completion check; then the checks race.
    await database().db.insert(stepViews).values({ userId: user.id, moduleSlug: module.slug, stepId: "wrap-up" });
    const results = await Promise.all([completeIfDone(user.id, module), completeIfDone(user.id, module)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await completionsOf(user.id)).toHaveLength(1);

    // Two tabs delivering the last step at once: one completion as well.
    const other = await makeUser("activist");
    await seeSteps(other.id, module, ["intro", "check", "practice"]);
    await passQuiz(other.id);
    await finishScenario(other.id);
    const views = await Promise.all(Array.from({ length: 4 }, () => recordStepView(other.id, module, "wrap-up")));
    expect(views.filter((v) => v.ok && v.value.completed)).toHaveLength(1);
    expect(await completionsOf(other.id)).toHaveLength(1);
    expect(await rows(stepViews, other.id)).toBe(4);
  });
});

// ---- one completion rule: whoever asks gets the same answer

interface Readings {
  recorded: boolean;
  stepPage: boolean | null;
  modulePage: { complete: boolean; percent: number };
  catalogue: { status: string; percent: number };
}

/**
 * What each reader says, through the routes that show it: the recorded completion, the
 * module page (moduleProgress), the catalogue (catalogueStatus) and — when the learner has
 * opened a step, so re-opening it changes nothing — the step page (viewStep). The pure
 * readers go first: the step page records a completion that is due.
 */
async function readings(user: TestUser, module: CompiledModule, seenStep: string | null): Promise<Readings> {
  const recorded = (await completionsOf(user.id)).some((c) => c.moduleSlug === module.slug);
  const page = await run(modulePage.loader, get(`/modules/${module.slug}`, user.cookie), { slug: module.slug });
  const { percent, completion } = page.body as { percent: number; completion: unknown };
  const catalogue = await run(cataloguePage.loader, get("/modules", user.cookie));
  const status = (catalogue.body as { modules: { slug: string; status: { status: string; percent: number } }[] }).modules.find((m) => m.slug === module.slug)!.status;
  const stepPage = seenStep ? (await openStep(user, module, seenStep)).completion !== null : null;
  return { recorded, stepPage, modulePage: { complete: completion !== null, percent }, catalogue: { status: status.status, percent: status.percent } };
}

/** A small seeded generator, so a failing order can be replayed from its seed. */
function shuffled<T>(items: T[], seed: number): T[] {
  let state = seed;
  const random = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe("one completion rule: every reader agrees after every action", () => {
  const SEEDS = [1, 2, 3, 4, 5];

  it.each(SEEDS)("steps in random order, a failed then a passed quiz, a scenario left and finished (seed %i)", async (seed) => {
    const module = basics();
    const user = await makeUser("activist");
    // The learner's model of the rule: 4 steps, 1 quiz, 1 scenario.
    const seen = new Set<string>();
    let quizPassed = false;
    let scenarioEnded = false;
    let runId = "";
    let attempted = false;

    type Action = { name: string; act: () => Promise<boolean | null> }; // what the request said about completion
    const actions: Action[] = [
      ...module.manifest.steps.map((s) => ({
        name: `open ${s.id}`,
        act: async () => {
          seen.add(s.id);
          return (await openStep(user, module, s.id)).completion !== null;
        },
      })),
      { name: "fail the quiz", act: async () => ((await postQuiz(user, HALF_RIGHT)) as { completed: boolean }).completed },
      {
        name: "pass the quiz",
        act: async () => {
          quizPassed = true;
          return ((await postQuiz(user, RIGHT)) as { completed: boolean }).completed;
        },
      },
      {
        name: "start the scenario, one reply",
        act: async () => {
          runId = await startRun(user);
          return ((await reply(user, runId, [GOOD[0]!])) as { completed: boolean }).completed;
        },
      },
      {
        name: "reach the scenario's ending",
        act: async () => {
          scenarioEnded = true;
          return ((await reply(user, runId, [GOOD[1]!], 1)) as { completed: boolean }).completed;
        },
      },
      { name: "answer the poll", act: async () => ((await submit(user, module, "wrap-up", { intent: "poll", activityId: "feeling", optionId: "excited" })) as { completed: boolean }).completed },
    ];
    // Random order, except that a quiz fails before it passes and a run starts before it ends.
    const order = shuffled(actions, seed);
    const swapIfBefore = (first: string, then: string) => {
      const a = order.findIndex((x) => x.name === first);
      const b = order.findIndex((x) => x.name === then);
      if (b < a) [order[a], order[b]] = [order[b]!, order[a]!];
    };
    swapIfBefore("fail the quiz", "pass the quiz");
    swapIfBefore("start the scenario, one reply", "reach the scenario's ending");

    const done: string[] = [];
    let wasComplete = false;
    for (const action of order) {
      const said = await action.act();
      done.push(action.name);
      attempted ||= action.name.includes("quiz") || action.name.includes("scenario") || action.name.includes("poll");
      const complete = seen.size === 4 && quizPassed && scenarioEnded;
      const met = seen.size + Number(quizPassed) + Number(scenarioEnded);
      const percent = complete ? 100 : Math.min(99, Math.round((met / 6) * 100));
      const context = `seed ${seed}: ${done.join(" → ")}`;
      // A page opened shows the completion from then on; a form post says "completed" once,
      // on the request that completed the module.
      expect(said, context).toBe(action.name.startsWith("open") ? complete : complete && !wasComplete);
      const firstSeen = order.find((x) => x.name.startsWith("open") && done.includes(x.name))?.name.slice("open ".length) ?? null;
      expect(await readings(user, module, firstSeen), context).toEqual({
        recorded: complete,
        stepPage: firstSeen ? complete : null,
        modulePage: { complete, percent },
        catalogue: { status: complete ? "complete" : seen.size ? "in-progress" : "not-started", percent },
      });
      // Nothing was left for a later check to record: every write that completed the module recorded it.
      expect(await completeIfDone(user.id, module), context).toBe(false);
      wasComplete = complete;
    }
    expect(attempted).toBe(true);
    expect(await completionsOf(user.id)).toEqual([expect.objectContaining({ how: "self", contentHash: module.hash })]);
  });

  it("a live session the trainer ended completes the module for every reader, whatever was done alone", async () => {
    const module = basics();
    const user = await makeUser("activist");
    const trainer = await makeUser("trainer");
    await openStep(user, module, "intro");
    expect(await readings(user, module, "intro")).toEqual({
      recorded: false,
      stepPage: false,
      modulePage: { complete: false, percent: 17 },
      catalogue: { status: "in-progress", percent: 17 },
    });
    const session = await createLiveSession(trainer, { moduleSlug: module.slug });
    if (!session.ok) throw new Error(session.message);
    expect((await joinWithCode(session.value.code, user, "198.51.100.13")).ok).toBe(true);
    expect((await markAttendance(session.value.code, trainer, user.id, "present")).ok).toBe(true);
    expect((await endSession(session.value.code, trainer)).ok).toBe(true);

    const complete = { recorded: true, stepPage: true, modulePage: { complete: true, percent: 100 }, catalogue: { status: "complete", percent: 100 } };
    expect(await readings(user, module, "intro")).toEqual(complete);
    // Finishing alone afterwards records nothing more: the completion stays the live one.
    await openSteps(user, module);
    await postQuiz(user, RIGHT);
    expect(await playScenario(user)).toEqual({ ok: true, completed: false });
    expect(await readings(user, module, "intro")).toEqual(complete);
    expect(await completionsOf(user.id)).toEqual([expect.objectContaining({ how: "live", liveSessionId: session.value.id })]);
  });

  it("when a step the learner had not seen is removed, no reader says complete until a step page records it", async () => {
    const module = basics();
    const user = await makeUser("activist");
    await openSteps(user, module, ["intro", "check", "practice"]);
    await postQuiz(user, RIGHT);
    await playScenario(user);
    expect(await completionsOf(user.id)).toEqual([]);

    const restore = await withEditedCatalog((dir) => {
      const file = path.join(dir, "doorstep-basics", "index.mdx");
      writeFileSync(file, readFileSync(file, "utf8").replace(/<Step id="wrap-up"[\s\S]*?<\/Step>/, ""));
    });
    try {
      const changed = basics();
      expect(changed.manifest.steps.map((s) => s.id)).toEqual(["intro", "check", "practice"]);
      // Every requirement of the new version is met, but nothing is recorded yet: the module
      // page, the catalogue and the record agree on "not yet" (the module page once said
      // 100 % while the catalogue said 99 % in progress).
      const before = await readings(user, changed, null);
      expect(before).toEqual({ recorded: false, stepPage: null, modulePage: { complete: false, percent: 99 }, catalogue: { status: "in-progress", percent: 99 } });
      // The next step page records it (the rule's own statement), and then all agree.
      expect(await readings(user, changed, "intro")).toEqual({
        recorded: false, // read before the step page opened
        stepPage: true,
        modulePage: { complete: false, percent: 99 },
        catalogue: { status: "in-progress", percent: 99 },
      });
      expect(await readings(user, changed, "intro")).toEqual({ recorded: true, stepPage: true, modulePage: { complete: true, percent: 100 }, catalogue: { status: "complete", percent: 100 } });
      expect(await completionsOf(user.id)).toEqual([expect.objectContaining({ how: "self", contentHash: changed.hash })]);
    } finally {
      await restore();
    }
  });
});

describe("every write is idempotent", () => {
  it("records a quiz attemptKey once, sent twice or concurrently, and answers with the first attempt", async () => {
    const module = basics();
    const user = await makeUser("activist");
    const k = key();
    const first = await submitQuiz(user.id, module, "basics-quiz", HALF_RIGHT, k);
    const again = await submitQuiz(user.id, module, "basics-quiz", RIGHT, k); // a retry with changed answers: still the first attempt
    expect(first).toMatchObject({ ok: true, value: { duplicate: false, attempt: { score: 50, passed: false } } });
    expect(again).toMatchObject({ ok: true, value: { duplicate: true, attempt: { score: 50, passed: false } } });
    if (!first.ok || !again.ok) return;
    expect(again.value.attempt.id).toBe(first.value.attempt.id);
    expect(await rows(quizAttempts, user.id)).toBe(1);

    const k2 = key();
    const burst = await Promise.all(Array.from({ length: 5 }, () => submitQuiz(user.id, module, "basics-quiz", RIGHT, k2)));
    expect(burst.every((r) => r.ok)).toBe(true);
    const ids = new Set(burst.map((r) => (r.ok ? r.value.attempt.id : "")));
    expect(ids.size).toBe(1);
    expect(burst.filter((r) => r.ok && !r.value.duplicate)).toHaveLength(1);
    expect(await rows(quizAttempts, user.id)).toBe(2);
  });

  it("refuses an attemptKey already used for another activity with 409", async () => {
    const module = basics();
    const user = await makeUser("activist");
    const k = key();
    await passQuiz(user.id);
    await submitQuiz(user.id, module, "basics-quiz", RIGHT, k);
    // A copy of the module under another slug, so the same key meets a different quiz.
    const copy: CompiledModule = { ...module, slug: "doorstep-basics-copy" };
    expect(await submitQuiz(user.id, copy, "basics-quiz", RIGHT, k)).toMatchObject({ ok: false, status: 409 });
    expect(await rows(quizAttempts, user.id)).toBe(2);
  });

  it("takes a scenario move sent twice (or concurrently) once; a runKey starts one run", async () => {
    const module = basics();
    const user = await makeUser("activist");
    const runKey = key();
    const [a, b] = await Promise.all([startScenario(user.id, module, "first-door", runKey), startScenario(user.id, module, "first-door", runKey)]);
    expect(a.ok && b.ok && a.value.id === b.value.id).toBe(true);
    expect(await rows(scenarioRuns, user.id)).toBe(1);
    if (!a.ok) return;

    const once = await chooseReply(user.id, module, "first-door", a.value.id, "door", 0, 0);
    const twice = await chooseReply(user.id, module, "first-door", a.value.id, "door", 0, 0);
    expect(once).toMatchObject({ ok: true, value: { run: { currentNode: "warm", path: [{ node: "door", choice: 0 }] } } });
    expect(twice).toMatchObject({ ok: true, value: { run: { currentNode: "warm", path: [{ node: "door", choice: 0 }] } } });

    const racing = await Promise.all(Array.from({ length: 3 }, () => chooseReply(user.id, module, "first-door", a.value.id, "warm", 1, 1)));
    expect(racing.every((r) => r.ok)).toBe(true);
    const [stored] = await database().db.select().from(scenarioRuns).where(eq(scenarioRuns.id, a.value.id));
    expect(stored!.path).toEqual([
      { node: "door", choice: 0 },
      { node: "warm", choice: 1 },
    ]);
    expect(stored!.currentNode).toBe("door");
  });

  it("two tabs with their own keys both count; two tabs on one run cannot fork it", async () => {
    const module = basics();
    const user = await makeUser("activist");
    const [q1, q2] = await Promise.all([submitQuiz(user.id, module, "basics-quiz", HALF_RIGHT, key()), submitQuiz(user.id, module, "basics-quiz", RIGHT, key())]);
    expect(q1.ok && q2.ok).toBe(true);
    expect(await rows(quizAttempts, user.id)).toBe(2);
    const progress = await moduleProgress(user.id, module);
    expect(progress.quizzes["basics-quiz"]).toMatchObject({ attempts: 2, bestScore: 100, passed: true });

    const [r1, r2] = await Promise.all([startScenario(user.id, module, "first-door", key()), startScenario(user.id, module, "first-door", key())]);
    if (!r1.ok || !r2.ok) throw new Error("runs not started");
    expect(r1.value.id).not.toBe(r2.value.id);
    await chooseReply(user.id, module, "first-door", r1.value.id, "door", 0, 1); // lost
    await chooseReply(user.id, module, "first-door", r2.value.id, "door", 0, 0);
    await chooseReply(user.id, module, "first-door", r2.value.id, "warm", 1, 0); // good
    expect((await moduleProgress(user.id, module)).scenarios["first-door"]!.endingsReached.sort()).toEqual(["closed", "good"]);

    // Same run, same step, different replies at once: one wins, the other is told it moved on.
    const r3 = await startScenario(user.id, module, "first-door", key());
    if (!r3.ok) throw new Error(r3.message);
    const fork = await Promise.all([
      chooseReply(user.id, module, "first-door", r3.value.id, "door", 0, 0),
      chooseReply(user.id, module, "first-door", r3.value.id, "door", 0, 1),
    ]);
    expect(fork.filter((r) => r.ok)).toHaveLength(1);
    expect(fork.find((r) => !r.ok)).toMatchObject({ ok: false, status: 409, message: expect.stringMatching(/moved on/) });
    const [stored] = await database().db.select().from(scenarioRuns).where(eq(scenarioRuns.id, r3.value.id));
    expect(stored!.path).toHaveLength(1);
  });

  it("replaces a changed poll answer and upserts a reflection", async () => {
    const module = basics();
    const user = await makeUser("activist");
    const other = await makeUser("activist");
    await answerPoll(other.id, module, "feeling", "excited");
    expect(await answerPoll(user.id, module, "feeling", "excited")).toEqual({ ok: true, value: null });
    await answerPoll(user.id, module, "feeling", "excited");
    await answerPoll(user.id, module, "feeling", "nervous");
    const polls = await database().db.select().from(pollAnswers).where(eq(pollAnswers.userId, user.id));
    expect(polls).toEqual([expect.objectContaining({ pollId: "feeling", optionId: "nervous" })]);
    const mine = (await moduleProgress(user.id, module)).polls.feeling!;
    expect(mine.mine).toBe("nervous");
    expect(mine.tally.nervous).toBeGreaterThanOrEqual(1);

    expect(await saveReflection(user.id, module, "my-why", "First draft")).toEqual({ ok: true, value: null });
    await Promise.all([saveReflection(user.id, module, "my-why", "Second draft"), saveReflection(user.id, module, "my-why", "Second draft")]);
    await saveReflection(user.id, module, "my-why", "Final answer");
    const saved = await database().db.select().from(reflections).where(eq(reflections.userId, user.id));
    expect(saved).toEqual([expect.objectContaining({ reflectId: "my-why", body: "Final answer" })]);
    expect((await moduleProgress(user.id, module)).reflections).toEqual({ "my-why": "Final answer" });
  });

  it("records a step view once however often the step is opened", async () => {
    const module = basics();
    const user = await makeUser("activist");
    await Promise.all([recordStepView(user.id, module, "intro"), recordStepView(user.id, module, "intro")]);
    await recordStepView(user.id, module, "intro");
    expect(await rows(stepViews, user.id)).toBe(1);
  });

  it("the step page's view (viewStep) records the view once, and a completion once when two tabs finish at the same moment", async () => {
    const module = basics();
    const user = await makeUser("activist");
    const step = (id: string) => module.manifest.steps.find((s) => s.id === id)!;
    await Promise.all([viewStep(user.id, module, step("intro")), viewStep(user.id, module, step("intro"))]);
    expect(await rows(stepViews, user.id)).toBe(1);
    await seeSteps(user.id, module, ["check", "practice"]);
    await passQuiz(user.id);
    await finishScenario(user.id);
    expect(await completionsOf(user.id)).toEqual([]);
    const tabs = await Promise.all([viewStep(user.id, module, step("wrap-up")), viewStep(user.id, module, step("wrap-up"))]);
    expect(await completionsOf(user.id)).toEqual([expect.objectContaining({ how: "self", contentHash: module.hash })]);
    expect(await rows(stepViews, user.id)).toBe(4);
    // The tab whose statement inserted the completion sees it through RETURNING, and the
    // other one (whose insert waited, then found it there) reads it again.
    expect(tabs.map((t) => t.completion?.how)).toEqual(["self", "self"]);
    expect((await viewStep(user.id, module, step("intro"))).completion).toMatchObject({ how: "self", contentHash: module.hash });
  });
});

describe("a completion made by another tab at the same moment", () => {
  it.runIf(testDbKind() === "postgres")("is shown by the step page whose own insert found it there", async () => {
    const module = basics();
    const user = await makeUser("activist");
    await seeSteps(user.id, module, ["intro", "check", "practice"]);
    await passQuiz(user.id);
    await finishScenario(user.id);
    // The other tab: its completion (live, to tell them apart) written but not yet committed.
    const other = await database().postgres!.reserve();
    try {
      await other`begin`;
      await other`insert into module_completions (user_id, module_slug, content_hash, how) values (${user.id}, ${module.slug}, ${module.hash}, 'live')`;
      const step = module.manifest.steps.find((s) => s.id === "wrap-up")!;
      const page = viewStep(user.id, module, step); // its insert waits for the other tab's
      const waiting = await Promise.race([page.then(() => false), new Promise((r) => setTimeout(() => r(true), 300))]);
      expect(waiting).toBe(true);
      await other`commit`;
      expect((await page).completion).toMatchObject({ how: "live", contentHash: module.hash });
    } finally {
      other.release();
    }
    expect(await completionsOf(user.id)).toEqual([expect.objectContaining({ how: "live" })]);
  });
});

describe("statements prepared once (db/client.server.ts)", () => {
  const echo = preparedStatement<{ joined: string }>("doorstep_test_echo", ["text", "text"], "select $1::text || '|' || $2::text as joined");

  it("gives the same rows prepared (PGlite) and with bound parameters, and binds what it cannot inline", async () => {
    const handle = database();
    expect(await echo.run(handle, ["a-b_C", "1,2"])).toEqual([{ joined: "a-b_C|1,2" }]);
    expect(await echo.run(handle, ["it's", "x'); drop table users; --"])).toEqual([{ joined: "it's|x'); drop table users; --" }]);
    if (handle.pglite) {
      expect(await echo.inPglite(handle.pglite, ["it's", "b"])).toBeNull();
      expect(await echo.inPglite(handle.pglite, ["", "b"])).toEqual([{ joined: "|b" }]);
      const user = await makeUser("activist");
      await viewStep(user.id, basics(), basics().manifest.steps[0]!);
      await moduleProgress(user.id, basics());
      const names = await handle.db.execute(sql`select name from pg_prepared_statements order by name`);
      expect((names as unknown as { rows: { name: string }[] }).rows.map((r) => r.name)).toEqual(
        expect.arrayContaining(["doorstep_module_progress", "doorstep_test_echo", "doorstep_view_step"]),
      );
    }
    const [people] = await handle.db.select({ n: sql<number>`count(*)::int` }).from(users);
    expect(people!.n).toBeGreaterThan(0);
  });
});

describe("many learners at once", () => {
  it("200 users submitting the same quiz concurrently, and one user submitting 20 times with 10 keys: nothing lost, nothing doubled", async () => {
    // Accounts inserted directly with one precomputed hash: argon2 per user would cost ~10 s.
    const passwordHash = await hashPassword("not used by this test");
    const learners = Array.from({ length: 200 }, (_, i) => ({ id: newId(), email: `learner-${i}-${randomToken().slice(0, 6).toLowerCase()}@example.org`, name: `Learner ${i}`, passwordHash, role: "activist" as const }));
    await database().db.insert(users).values(learners);
    const cookies = await Promise.all(learners.map(async (l) => (await startSession(l.id, "vitest")).split(";")[0]!));
    const before = await rows(quizAttempts);

    const url = "/modules/doorstep-basics/check";
    const params = { slug: "doorstep-basics", step: "check" };
    const submit = (cookie: string, attemptKey: string, right: boolean) =>
      run(stepPage.action, post(url, { intent: "quiz", activityId: "basics-quiz", attemptKey, "answer.open": "a", "answer.listen": right ? ["reflect", "follow"] : ["pitch"] }, cookie), params);

    const outcomes = await Promise.all(learners.map((_, i) => submit(cookies[i]!, key(), i % 2 === 0)));
    expect(outcomes.map((o) => o.status).filter((s) => s !== 200)).toEqual([]);

    // Meanwhile one more learner double-clicks: 20 posts carrying 10 distinct keys, all at once.
    const eager = await makeUser("activist");
    const keys = Array.from({ length: 10 }, () => key());
    const repeated = await Promise.all(Array.from({ length: 20 }, (_, i) => submit(eager.cookie, keys[i % 10]!, i % 3 === 0)));
    expect(repeated.map((o) => o.status).filter((s) => s !== 200)).toEqual([]);

    expect(await rows(quizAttempts)).toBe(before + 200 + 10);
    const perUser = await database()
      .db.select({ userId: quizAttempts.userId, n: count(), passed: sql<number>`count(*) filter (where ${quizAttempts.passed})::int` })
      .from(quizAttempts)
      .where(and(eq(quizAttempts.moduleSlug, "doorstep-basics"), sql`${quizAttempts.userId} in (${sql.join([...learners.map((l) => l.id), eager.id].map((id) => sql`${id}`), sql`, `)})`))
      .groupBy(quizAttempts.userId);
    const byUser = new Map(perUser.map((r) => [r.userId, r]));
    learners.forEach((l, i) => {
      expect(Number(byUser.get(l.id)?.n), l.name).toBe(1);
      expect(Number(byUser.get(l.id)?.passed), l.name).toBe(i % 2 === 0 ? 1 : 0);
    });
    expect(Number(byUser.get(eager.id)?.n)).toBe(10);
    const keysStored = await database().db.select({ k: quizAttempts.attemptKey }).from(quizAttempts).where(eq(quizAttempts.userId, eager.id));
    expect(keysStored.map((r) => r.k).sort()).toEqual([...keys].sort());
  });
});

describe("when the content changes", () => {
  it("keeps progress on step ids that still exist, recomputes the percent, and a completion keeps its hash", async () => {
    const old = basics();
    const partial = await makeUser("activist");
    const finished = await makeUser("activist");
    await seeSteps(partial.id, old); // 4 of 4 steps, no quiz, no scenario
    expect((await moduleProgress(partial.id, old)).percent).toBe(67); // 4 of 6
    await seeSteps(finished.id, old);
    await passQuiz(finished.id);
    await finishScenario(finished.id);
    expect(await completionsOf(finished.id)).toEqual([expect.objectContaining({ contentHash: old.hash })]);

    const restore = await withEditedCatalog((dir) => {
      const file = path.join(dir, "doorstep-basics", "index.mdx");
      const source = readFileSync(file, "utf8")
        .replace('<Step id="intro" title="Why we knock">', '<Step id="intro" title="Why we knock on doors">')
        .concat('\n<Step id="next-steps" title="What happens next">\n\nCome to the Thursday meeting.\n\n</Step>\n');
      writeFileSync(file, source);
    });
    try {
      const changed = basics();
      expect(changed.hash).not.toBe(old.hash);
      expect(changed.manifest.steps.map((s) => [s.id, s.title])).toEqual([
        ["intro", "Why we knock on doors"],
        ["check", "A quick check"],
        ["practice", "A doorstep"],
        ["wrap-up", "Wrapping up"],
        ["next-steps", "What happens next"],
      ]);
      const partialNow = await moduleProgress(partial.id, changed);
      expect(partialNow.seenStepIds.sort()).toEqual(["check", "intro", "practice", "wrap-up"]);
      expect(partialNow.percent).toBe(57); // 4 of 7
      expect((await catalogueStatus(partial.id, [changed]))["doorstep-basics"]).toMatchObject({ status: "in-progress", percent: 57 });

      const finishedNow = await moduleProgress(finished.id, changed);
      expect(finishedNow.completion).toMatchObject({ how: "self", contentHash: old.hash });
      expect(finishedNow.percent).toBe(100);
      await recordStepView(finished.id, changed, "next-steps");
      expect(await completeIfDone(finished.id, changed)).toBe(false);
      expect(await completionsOf(finished.id)).toEqual([expect.objectContaining({ contentHash: old.hash })]);

      // The learner who had not finished completes against the new version and its hash.
      await passQuiz(partial.id, changed);
      await finishScenario(partial.id, changed);
      expect(await recordStepView(partial.id, changed, "next-steps")).toEqual({ ok: true, value: { completed: true } });
      expect(await completionsOf(partial.id)).toEqual([expect.objectContaining({ contentHash: changed.hash })]);
    } finally {
      await restore();
    }
    expect(basics().hash).toBe(old.hash);
  });

  it("drops progress on a step whose id was renamed (ids are how progress is remembered)", async () => {
    const user = await makeUser("activist");
    await seeSteps(user.id, basics(), ["intro", "wrap-up"]);
    const restore = await withEditedCatalog((dir) => {
      const file = path.join(dir, "doorstep-basics", "index.mdx");
      writeFileSync(file, readFileSync(file, "utf8").replace('<Step id="wrap-up"', '<Step id="wrapping-up"'));
    });
    try {
      const progress = await moduleProgress(user.id, basics());
      expect(progress.seenStepIds).toEqual(["intro"]);
      expect(progress.percent).toBe(17); // 1 of 6
    } finally {
      await restore();
    }
  });
});
