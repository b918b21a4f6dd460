import { and, count, eq, sql } from "drizzle-orm";
import { writeFileSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { hashPassword } from "~/auth/password.server";
import { startSession } from "~/auth/session.server";
import type { CompiledModule } from "~/content/manifest";
import { newId, randomToken } from "~/lib/crypto.server";
import { completeIfDone } from "~/progress/completion.server";
import { catalogueStatus, moduleProgress, viewStep } from "~/progress/read.server";
import { answerPoll, chooseReply, recordStepView, saveReflection, startScenario, submitQuiz } from "~/progress/record.server";
import * as stepPage from "~/routes/modules.$slug.$step";
import { preparedStatement } from "../../db/client.server";
import { pollAnswers, quizAttempts, reflections, scenarioRuns, stepViews, users, type moduleCompletions } from "../../db/schema";
import { moduleOf, withEditedCatalog, withFixtureCatalog } from "../setup/content";
import { testDbKind, withTestDatabase } from "../setup/database";
import { makeUser, post, run } from "../setup/fixtures";
import { basics, completionsOf, GOOD, HALF_RIGHT, key, LOST, openStep, openSteps, playScenario, postQuiz, reply, RIGHT, startRun, submit } from "../setup/learner";

const database = withTestDatabase();
withFixtureCatalog();


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


type ProgressTable = typeof quizAttempts | typeof scenarioRuns | typeof moduleCompletions | typeof stepViews | typeof pollAnswers | typeof reflections;
async function rows(table: ProgressTable, userId?: string): Promise<number> {
  const [row] = await database()
    .db.select({ n: count() })
    .from(table)
    .where(userId ? eq(table.userId, userId) : undefined);
  return Number(row!.n);
}


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
    expect((await openStep(user, module, "next-visit-plan")).completion).toMatchObject({ how: "self", contentHash: module.hash });
    expect(await completionsOf(user.id)).toEqual([expect.objectContaining({ moduleSlug: "follow-up", how: "self", contentHash: module.hash })]);
  });

  it("recordStepView (the demo seeder's way in) completes like a step page", async () => {
    const module = moduleOf("follow-up");
    const user = await makeUser("activist");
    expect(await recordStepView(user.id, module, "why-follow-up")).toEqual({ ok: true, value: { completed: false } });
    expect(await recordStepView(user.id, module, "next-visit-plan")).toEqual({ ok: true, value: { completed: true } });
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
