import { count, eq } from "drizzle-orm";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { randomToken } from "~/lib/crypto.server";
import { readErrorPayload } from "~/lib/error-payload";
import type { ScenarioActivity } from "~/content/manifest";
import { moduleProgress } from "~/progress/read.server";
import * as me from "~/routes/me";
import * as catalogue from "~/routes/modules._index";
import * as overview from "~/routes/modules.$slug._index";
import * as stepPage from "~/routes/modules.$slug.$step";
import { moduleCompletions, pollAnswers, quizAttempts, reflections, scenarioRuns, stepViews } from "../../db/schema";
import { moduleOf, withEditedCatalog, withFixtureCatalog } from "../setup/content";
import { withTestDatabase } from "../setup/database";
import { get, makeUser, post, run, type TestUser } from "../setup/fixtures";

const database = withTestDatabase();
withFixtureCatalog();

const key = () => randomToken();
const RIGHT = { "answer.open": "a", "answer.listen": ["reflect", "follow"] };

const stepUrl = (slug: string, step: string) => `/modules/${slug}/${step}`;
const view = (user: TestUser, slug: string, step: string) => run(stepPage.loader, get(stepUrl(slug, step), user.cookie), { slug, step });
const act = (user: TestUser, slug: string, step: string, fields: Record<string, string | string[]>) =>
  run(stepPage.action, post(stepUrl(slug, step), fields, user.cookie), { slug, step });

const TABLES = { stepViews, quizAttempts, scenarioRuns, pollAnswers, reflections, moduleCompletions };
async function counts(): Promise<Record<keyof typeof TABLES, number>> {
  const out = {} as Record<keyof typeof TABLES, number>;
  for (const name of Object.keys(TABLES) as (keyof typeof TABLES)[]) {
    const [row] = await database().db.select({ n: count() }).from(TABLES[name]);
    out[name] = Number(row!.n);
  }
  return out;
}

type CatalogueBody = Awaited<ReturnType<typeof catalogue.loader>>;
type OverviewBody = Awaited<ReturnType<typeof overview.loader>>;
type StepBody = Awaited<ReturnType<typeof stepPage.loader>>;
type MeBody = Awaited<ReturnType<typeof me.loader>>;

/** Start a scenario run through the page and return its id. */
async function startRun(user: TestUser): Promise<string> {
  const runKey = key();
  const res = await act(user, "doorstep-basics", "practice", { intent: "scenario-start", activityId: "first-door", runKey });
  expect(res.status).toBe(200);
  const [row] = await database().db.select().from(scenarioRuns).where(eq(scenarioRuns.runKey, runKey));
  return row!.id;
}
const choose = (user: TestUser, runId: string, fromNode: string, step: number, choice: number | string) =>
  act(user, "doorstep-basics", "practice", { intent: "scenario-choose", activityId: "first-door", runId, fromNode, step: String(step), choice: String(choice) });

describe("step page", () => {
  it("records a step view when the page loads, once, and hands out one-time keys for its activities", async () => {
    const user = await makeUser("activist");
    const first = await view(user, "doorstep-basics", "wrap-up");
    expect(first.status).toBe(200);
    const body = first.body as StepBody;
    expect(body.step).toEqual({ id: "wrap-up", title: "Wrapping up", index: 3 });
    expect(body.steps.map((s) => [s.id, s.seen])).toEqual([
      ["intro", false],
      ["check", false],
      ["practice", false],
      ["wrap-up", true],
    ]);
    expect(Object.keys(body.formKeys).sort()).toEqual(["feeling", "my-why"]);
    expect(Object.values(body.formKeys).every((k) => /^[A-Za-z0-9_-]{8,64}$/.test(k))).toBe(true);
    const again = (await view(user, "doorstep-basics", "wrap-up")).body as StepBody;
    expect(again.formKeys.feeling).not.toBe(body.formKeys.feeling);
    const rows = await database().db.select().from(stepViews).where(eq(stepViews.userId, user.id));
    expect(rows).toEqual([expect.objectContaining({ moduleSlug: "doorstep-basics", stepId: "wrap-up" })]);
  });

  it("answers 404 for a step or module that does not exist, on the loader and the action, writing nothing", async () => {
    const user = await makeUser("activist");
    const before = await counts();
    const missingStep = await view(user, "doorstep-basics", "no-such-step");
    expect(missingStep.status).toBe(404);
    // The message sends people to the module page, so the error page links there.
    expect(readErrorPayload(missingStep.body)).toMatchObject({ message: expect.stringContaining("start from the module page"), wayOn: { to: "/modules/doorstep-basics" } });
    expect((await view(user, "no-such-module", "intro")).status).toBe(404);
    expect((await run(overview.loader, get("/modules/no-such-module", user.cookie), { slug: "no-such-module" })).status).toBe(404);
    const quiz = { intent: "quiz", activityId: "basics-quiz", attemptKey: key(), ...RIGHT };
    expect((await act(user, "doorstep-basics", "no-such-step", quiz)).status).toBe(404);
    expect((await act(user, "no-such-module", "check", quiz)).status).toBe(404);
    expect(await counts()).toEqual(before);
  });

  it("completes the module through the pages and says so", async () => {
    const user = await makeUser("activist");
    for (const step of ["intro", "check", "practice"]) await view(user, "doorstep-basics", step);
    expect(await act(user, "doorstep-basics", "check", { intent: "quiz", activityId: "basics-quiz", attemptKey: key(), ...RIGHT })).toMatchObject({
      status: 200,
      body: { ok: true, completed: false },
    });
    const runId = await startRun(user);
    expect((await choose(user, runId, "door", 0, 0)).body).toEqual({ ok: true, completed: false });
    expect((await choose(user, runId, "warm", 1, 0)).body).toEqual({ ok: true, completed: false });
    const last = (await view(user, "doorstep-basics", "wrap-up")).body as StepBody;
    // The view of the last step is the one that completes the module, in the same statement.
    expect(last.progress.completion).toMatchObject({ how: "self", contentHash: moduleOf("doorstep-basics").hash });
    expect(last.steps.every((s) => s.seen)).toBe(true);
    expect(await database().db.select().from(moduleCompletions).where(eq(moduleCompletions.userId, user.id))).toHaveLength(1);
  });

  it("sends a scenario's graph only as far as the learner's latest run has gone", async () => {
    const user = await makeUser("activist");
    const scenario = moduleOf("doorstep-basics").manifest.activities["first-door"] as ScenarioActivity;
    const sentNodes = async () => {
      const body = (await view(user, "doorstep-basics", "practice")).body as StepBody;
      return (body.module.activities["first-door"] as ScenarioActivity).nodes;
    };
    const nodesSent = async () => Object.keys(await sentNodes()).sort();
    expect(await nodesSent()).toEqual(["closed", "good"]); // no run yet: the endings, for "n of m found"
    const runId = await startRun(user);
    expect(await nodesSent()).toEqual(["closed", "door", "good"]);
    expect((await choose(user, runId, "door", 0, 0)).status).toBe(200);
    expect(await nodesSent()).toEqual(["closed", "door", "good", "warm"]);
    // Whatever is sent is the manifest's own node, unchanged.
    for (const [id, node] of Object.entries(await sentNodes())) expect(node).toEqual(scenario.nodes[id]);
  });

  it("sends only its own step's activities and the learner's state in them, and everything the page renders", async () => {
    const user = await makeUser("activist");
    const module = moduleOf("doorstep-basics");
    expect(await act(user, "doorstep-basics", "check", { intent: "quiz", activityId: "basics-quiz", attemptKey: key(), ...RIGHT })).toMatchObject({ status: 200 });
    const runId = await startRun(user);
    expect((await choose(user, runId, "door", 0, 1)).body).toEqual({ ok: true, completed: false });
    expect((await act(user, "doorstep-basics", "wrap-up", { intent: "poll", activityId: "feeling", optionId: "nervous" })).status).toBe(200);
    expect((await act(user, "doorstep-basics", "wrap-up", { intent: "reflect", activityId: "my-why", body: "Because." })).status).toBe(200);

    const practice = (await view(user, "doorstep-basics", "practice")).body as StepBody;
    expect(practice.module).not.toHaveProperty("manifest");
    // The scenario as far as the latest run went (door → closed) and its endings, not the
    // node behind the reply it did not take ("warm").
    const scenario = module.manifest.activities["first-door"] as ScenarioActivity;
    const { door, good, closed } = scenario.nodes;
    expect(practice.module.activities).toEqual({ "first-door": { ...scenario, nodes: { door, good, closed } } });
    expect(practice.progress.quizzes).toEqual({});
    expect(practice.progress.polls).toEqual({});
    expect(practice.progress.reflections).toEqual({});
    expect(practice.progress.scenarios["first-door"]).toMatchObject({ latest: { id: runId, endingId: "closed", ended: true }, endingsReached: ["closed"] });
    expect(practice.steps.map((s) => [s.id, s.seen])).toEqual([
      ["intro", false],
      ["check", false],
      ["practice", true],
      ["wrap-up", false],
    ]);
    expect(practice.progress.seenStepIds).toEqual(["practice"]);
    expect(Object.keys(practice.formKeys)).toEqual(["first-door"]);

    const check = (await view(user, "doorstep-basics", "check")).body as StepBody;
    expect(Object.keys(check.module.activities)).toEqual(["basics-quiz"]);
    expect(check.progress.quizzes["basics-quiz"]).toMatchObject({ bestScore: 100, passed: true, attempts: 1 });
    expect(check.progress.scenarios).toEqual({});
    expect(check.progress.seenStepIds).toEqual(["check", "practice"]);

    const wrapUp = (await view(user, "doorstep-basics", "wrap-up")).body as StepBody;
    expect(Object.keys(wrapUp.module.activities).sort()).toEqual(["feeling", "my-why"]);
    expect(wrapUp.progress.polls).toEqual({ feeling: { mine: "nervous", tally: { nervous: 1 } } });
    expect(wrapUp.progress.reflections).toEqual({ "my-why": "Because." });
    expect(wrapUp.progress.quizzes).toEqual({});
    expect(wrapUp.progress.completion).toBeNull(); // intro never seen

    const intro = (await view(user, "doorstep-basics", "intro")).body as StepBody;
    expect(intro.module.activities).toEqual({});
    expect(intro.progress.completion).toMatchObject({ how: "self" });
  });

  it("shows on each step exactly what the whole module's progress says about that step's activities", async () => {
    const user = await makeUser("activist");
    const module = moduleOf("doorstep-basics");
    await act(user, "doorstep-basics", "check", { intent: "quiz", activityId: "basics-quiz", attemptKey: key(), "answer.open": "b", "answer.listen": ["pitch"] });
    await act(user, "doorstep-basics", "check", { intent: "quiz", activityId: "basics-quiz", attemptKey: key(), ...RIGHT });
    const runId = await startRun(user);
    await choose(user, runId, "door", 0, 0);
    await act(user, "doorstep-basics", "wrap-up", { intent: "poll", activityId: "feeling", optionId: "excited" });
    for (const step of module.manifest.steps) {
      const body = (await view(user, "doorstep-basics", step.id)).body as StepBody;
      const whole = await moduleProgress(user.id, module);
      const own = <T,>(record: Record<string, T>) => Object.fromEntries(Object.entries(record).filter(([id]) => step.activityIds.includes(id)));
      expect(body.progress).toEqual({
        seenStepIds: module.manifest.steps.map((s) => s.id).filter((id) => whole.seenStepIds.includes(id)),
        quizzes: own(whole.quizzes),
        scenarios: own(whole.scenarios),
        polls: own(whole.polls),
        reflections: own(whole.reflections),
        records: own(whole.records),
        completion: whole.completion,
      });
    }
  });
});

describe("bad input is refused with 400, a clear message and nothing written", () => {
  it("refuses quiz answers to questions or options that do not exist", async () => {
    const user = await makeUser("activist");
    const before = await counts();
    const cases: [Record<string, string | string[]>, RegExp][] = [
      [{ ...RIGHT, "answer.extra": "a" }, /no question "extra"/],
      [{ ...RIGHT, "answer.__proto__": "a" }, /no question "__proto__"/],
      [{ ...RIGHT, "answer.toString": "a" }, /no question "toString"/],
      [{ "answer.open": "z", "answer.listen": ["reflect", "follow"] }, /has no option "z"/],
      [{ "answer.open": "a", "answer.listen": ["reflect", "nope"] }, /has no option "nope"/],
      [{ "answer.open": "a" }, /Answer every question/],
      [{ "answer.open": ["a", "b"], "answer.listen": ["reflect", "follow"] }, /takes one answer/],
    ];
    for (const [answers, message] of cases) {
      const res = await act(user, "doorstep-basics", "check", { intent: "quiz", activityId: "basics-quiz", attemptKey: key(), ...answers });
      expect(res.status, JSON.stringify(answers)).toBe(400);
      expect(res.body).toEqual({ ok: false, failure: { activityId: "basics-quiz", message: expect.stringMatching(message) } });
    }
    expect(await counts()).toEqual(before);
  });

  it("refuses activity ids that do not exist (or are another kind of activity)", async () => {
    const user = await makeUser("activist");
    const runId = await startRun(user);
    const before = await counts();
    const cases: [Record<string, string | string[]>, RegExp][] = [
      [{ intent: "quiz", activityId: "no-quiz", attemptKey: key(), ...RIGHT }, /has no quiz "no-quiz"/],
      [{ intent: "quiz", activityId: "first-door", attemptKey: key(), ...RIGHT }, /has no quiz "first-door"/],
      [{ intent: "scenario-start", activityId: "no-scenario", runKey: key() }, /has no scenario "no-scenario"/],
      [{ intent: "scenario-choose", activityId: "no-scenario", runId, fromNode: "door", step: "0", choice: "0" }, /has no scenario "no-scenario"/],
      [{ intent: "poll", activityId: "no-poll", optionId: "excited" }, /has no poll "no-poll"/],
      [{ intent: "poll", activityId: "my-why", optionId: "excited" }, /has no poll "my-why"/],
      [{ intent: "poll", activityId: "feeling", optionId: "ecstatic" }, /isn't one of the poll's options/],
      [{ intent: "reflect", activityId: "no-reflect", body: "Hello" }, /has no reflection "no-reflect"/],
    ];
    for (const [fields, message] of cases) {
      const res = await act(user, "doorstep-basics", "wrap-up", fields);
      expect(res.status, JSON.stringify(fields)).toBe(400);
      expect((res.body as { failure: { message: string } }).failure.message).toMatch(message);
    }
    expect(await counts()).toEqual(before);
  });

  it("refuses a scenario move not allowed from where the conversation is", async () => {
    const user = await makeUser("activist");
    const runId = await startRun(user);
    const pathOf = async () => (await database().db.select().from(scenarioRuns).where(eq(scenarioRuns.id, runId)))[0]!;
    const before = await counts();
    const refused: [string, number, number | string, RegExp][] = [
      ["warm", 0, 0, /isn't allowed from here/], // a real node, but the conversation is at the door
      ["door", 0, 2, /isn't one of the choices/], // out of range
      ["door", 0, -1, /Pick one of the replies/],
      ["door", 0, "first", /Pick one of the replies/],
      ["kitchen", 0, 0, /no point called "kitchen"/],
      ["door", 3, 0, /isn't allowed from here/], // a step the run has not reached
    ];
    for (const [fromNode, step, choice, message] of refused) {
      const res = await choose(user, runId, fromNode, step, choice);
      expect(res.status, `${fromNode} ${step} ${choice}`).toBe(400);
      expect((res.body as { failure: { message: string } }).failure.message).toMatch(message);
    }
    expect((await pathOf()).path).toEqual([]);

    // Reach an ending; nothing may be added after it.
    expect((await choose(user, runId, "door", 0, 1)).status).toBe(200);
    const ended = await pathOf();
    expect(ended).toMatchObject({ currentNode: "closed", endingId: "closed", outcome: "lost", path: [{ node: "door", choice: 1 }] });
    for (const [fromNode, step, choice] of [
      ["closed", 1, 0],
      ["door", 1, 0],
      ["warm", 1, 0],
    ] as const) {
      const res = await choose(user, runId, fromNode, step, choice);
      expect(res.status, `${fromNode} after the ending`).toBe(400);
      expect((res.body as { failure: { message: string } }).failure.message).toMatch(/already ended/);
    }
    expect(await pathOf()).toEqual(ended);

    // Someone else's conversation cannot be moved at all.
    const intruder = await makeUser("activist");
    const theirs = await startRun(user);
    const res = await choose(intruder, theirs, "door", 0, 0);
    expect(res.status).toBe(404);
    expect((await database().db.select().from(scenarioRuns).where(eq(scenarioRuns.id, theirs)))[0]!.path).toEqual([]);
    expect(await counts()).toEqual({ ...before, scenarioRuns: before.scenarioRuns + 1 });
  });

  it("refuses a form without its one-time key, an unknown intent and a reflection over 5000 characters", async () => {
    const user = await makeUser("activist");
    const before = await counts();
    const cases: [Record<string, string | string[]>, RegExp][] = [
      [{ intent: "quiz", activityId: "basics-quiz", ...RIGHT }, /missing its one-time key/],
      [{ intent: "quiz", activityId: "basics-quiz", attemptKey: "", ...RIGHT }, /missing its one-time key/],
      [{ intent: "quiz", activityId: "basics-quiz", attemptKey: "short", ...RIGHT }, /missing its one-time key/],
      [{ intent: "scenario-start", activityId: "first-door" }, /missing its one-time key/],
      [{ intent: "quiz", attemptKey: key(), ...RIGHT }, /which activity/],
      [{ intent: "dance", activityId: "basics-quiz" }, /Unknown action/],
      [{ activityId: "basics-quiz" }, /Unknown action/],
      [{ intent: "reflect", activityId: "my-why", body: "x".repeat(5001) }, /at most 5000 characters \(yours has 5001\)/],
      [{ intent: "reflect", activityId: "my-why", body: "x".repeat(20_001) }, /far too long/],
      [{ intent: "reflect", activityId: "my-why" }, /Write your reflection/],
      [{ intent: "poll", activityId: "feeling" }, /Pick an option/],
    ];
    for (const [fields, message] of cases) {
      const res = await act(user, "doorstep-basics", "wrap-up", fields);
      expect(res.status, JSON.stringify(fields).slice(0, 100)).toBe(400);
      expect((res.body as { failure: { message: string } }).failure.message).toMatch(message);
    }
    expect(await counts()).toEqual(before);

    // The limit itself is fine (surrounding whitespace is trimmed, not counted).
    const longest = await act(user, "doorstep-basics", "wrap-up", { intent: "reflect", activityId: "my-why", body: `  ${"y".repeat(5000)}\n` });
    expect(longest).toMatchObject({ status: 200, body: { ok: true } });
    const [saved] = await database().db.select().from(reflections).where(eq(reflections.userId, user.id));
    expect(saved!.body).toHaveLength(5000);
  });
});

describe("draft modules", () => {
  it("are invisible (404) to activists and organisers, and previewable by trainers and admins", async () => {
    const restore = await withEditedCatalog((dir) => {
      cpSync(path.join(dir, "follow-up"), path.join(dir, "draft-module"), { recursive: true });
      const file = path.join(dir, "draft-module", "index.mdx");
      writeFileSync(file, readFileSync(file, "utf8").replace("order: 2\n", "order: 3\ndraft: true\n").replace("title: Following up (test fixture)", "title: Draft module"));
    });
    try {
      expect(moduleOf("draft-module").frontmatter.draft).toBe(true);
      for (const role of ["activist", "organiser", "trainer", "admin"] as const) {
        const user = await makeUser(role);
        const canSee = role === "trainer" || role === "admin";
        const expected = canSee ? 200 : 404;
        const list = (await run(catalogue.loader, get("/modules", user.cookie))).body as CatalogueBody;
        expect(list.modules.map((m) => m.slug), role).toEqual(canSee ? ["doorstep-basics", "follow-up", "draft-module"] : ["doorstep-basics", "follow-up"]);
        expect((await run(overview.loader, get("/modules/draft-module", user.cookie), { slug: "draft-module" })).status, role).toBe(expected);
        expect((await view(user, "draft-module", "next-visit-plan")).status, role).toBe(expected);
        const reflect = await act(user, "draft-module", "next-visit-plan", { intent: "reflect", activityId: "next-visit", body: "Flat 12" });
        expect(reflect.status, role).toBe(expected);
        const written = await database().db.select().from(reflections).where(eq(reflections.userId, user.id));
        expect(written.length, role).toBe(canSee ? 1 : 0);
        const record = (await run(me.loader, get("/me", user.cookie))).body as MeBody;
        expect(record.reflections.map((r) => r.moduleSlug), role).toEqual(canSee ? ["draft-module"] : []);
      }
    } finally {
      await restore();
    }
  });
});

describe("catalogue, overview and /me", () => {
  it("reports not started, in progress with a percent, and complete with the date", async () => {
    const user = await makeUser("activist");
    const statusOf = async () => {
      const body = (await run(catalogue.loader, get("/modules", user.cookie))).body as CatalogueBody;
      return Object.fromEntries(body.modules.map((m) => [m.slug, m.status]));
    };
    expect(await statusOf()).toEqual({
      "doorstep-basics": { status: "not-started", percent: 0, completedAt: null, how: null },
      "follow-up": { status: "not-started", percent: 0, completedAt: null, how: null },
    });
    await view(user, "doorstep-basics", "intro");
    await view(user, "doorstep-basics", "check");
    await act(user, "doorstep-basics", "check", { intent: "quiz", activityId: "basics-quiz", attemptKey: key(), ...RIGHT });
    await view(user, "follow-up", "why-follow-up");
    expect(await statusOf()).toEqual({
      "doorstep-basics": { status: "in-progress", percent: 50, completedAt: null, how: null }, // 2 steps + quiz of 6
      "follow-up": { status: "in-progress", percent: 50, completedAt: null, how: null },
    });
    const beforeDone = Date.now();
    await view(user, "follow-up", "next-visit-plan");
    const status = await statusOf();
    expect(status["follow-up"]).toMatchObject({ status: "complete", percent: 100, how: "self" });
    const completedAt = status["follow-up"]!.completedAt as Date;
    expect(completedAt).toBeInstanceOf(Date);
    expect(Math.abs(completedAt.getTime() - beforeDone)).toBeLessThan(60_000);
    expect(status["doorstep-basics"]!.status).toBe("in-progress");
  });

  it("resumes at the first step not yet seen", async () => {
    const user = await makeUser("activist");
    const open = async () => (await run(overview.loader, get("/modules/doorstep-basics", user.cookie), { slug: "doorstep-basics" })).body as OverviewBody;
    expect(await open()).toMatchObject({ resumeAt: "intro", started: false, percent: 0, completion: null });
    await view(user, "doorstep-basics", "intro");
    await view(user, "doorstep-basics", "practice");
    const partway = await open();
    expect(partway).toMatchObject({ resumeAt: "check", started: true, percent: 33 });
    expect(partway.steps.map((s) => s.seen)).toEqual([true, false, true, false]);
    await view(user, "doorstep-basics", "check");
    expect((await open()).resumeAt).toBe("wrap-up");
    await view(user, "doorstep-basics", "wrap-up");
    expect(await open()).toMatchObject({ resumeAt: "intro", started: true, percent: 67, completion: null });
  });

  it("lists completions, best quiz scores, endings and reflections on /me", async () => {
    const user = await makeUser("activist");
    const other = await makeUser("activist");
    await act(other, "doorstep-basics", "wrap-up", { intent: "reflect", activityId: "my-why", body: "Not mine" });

    const empty = (await run(me.loader, get("/me", user.cookie))).body as MeBody;
    expect(empty).toEqual({ complete: [], inProgress: [], quizzes: [], endings: [], reflections: [] });

    for (const step of ["why-follow-up", "next-visit-plan"]) await view(user, "follow-up", step);
    await view(user, "doorstep-basics", "check");
    await act(user, "doorstep-basics", "check", { intent: "quiz", activityId: "basics-quiz", attemptKey: key(), "answer.open": "b", "answer.listen": ["pitch"] }); // 0
    await act(user, "doorstep-basics", "check", { intent: "quiz", activityId: "basics-quiz", attemptKey: key(), ...RIGHT }); // 100
    await act(user, "doorstep-basics", "check", { intent: "quiz", activityId: "basics-quiz", attemptKey: key(), "answer.open": "a", "answer.listen": ["pitch"] }); // 50
    for (let i = 0; i < 2; i++) {
      const runId = await startRun(user);
      await choose(user, runId, "door", 0, 1);
    }
    const good = await startRun(user);
    await choose(user, good, "door", 0, 0);
    await choose(user, good, "warm", 1, 0);
    await startRun(user); // an unfinished run is not an ending
    await act(user, "doorstep-basics", "wrap-up", { intent: "reflect", activityId: "my-why", body: "  Because my street deserves better.  " });
    await act(user, "follow-up", "next-visit-plan", { intent: "reflect", activityId: "next-visit", body: "Flat 12 and Flat 14" });

    const record = (await run(me.loader, get("/me", user.cookie))).body as MeBody;
    expect(record.complete).toEqual([{ slug: "follow-up", title: "Following up (test fixture)", completedAt: expect.any(Date), how: "self" }]);
    expect(record.inProgress).toEqual([{ slug: "doorstep-basics", title: "Doorstep basics (test fixture)", percent: 50 }]); // check step, quiz, scenario of 6
    expect(record.quizzes).toEqual([
      { moduleSlug: "doorstep-basics", quizId: "basics-quiz", bestScore: 100, passed: true, attempts: 3, moduleTitle: "Doorstep basics (test fixture)" },
    ]);
    const endings = [...record.endings].sort((a, b) => a.endingId.localeCompare(b.endingId));
    expect(endings).toEqual([
      expect.objectContaining({ scenarioId: "first-door", scenarioTitle: "The first door", endingId: "closed", endingTitle: "Door closed", outcome: "lost", times: 2 }),
      expect.objectContaining({ scenarioId: "first-door", endingId: "good", endingTitle: "She'll come on Thursday", outcome: "good", times: 1 }),
    ]);
    const reflectionsBySlug = Object.fromEntries(record.reflections.map((r) => [r.moduleSlug, r]));
    expect(record.reflections).toHaveLength(2);
    expect(reflectionsBySlug["doorstep-basics"]).toMatchObject({ reflectId: "my-why", body: "Because my street deserves better.", prompt: "Why do you want to knock on doors?", stepId: "wrap-up" });
    expect(reflectionsBySlug["follow-up"]).toMatchObject({ reflectId: "next-visit", body: "Flat 12 and Flat 14", prompt: "Who will you visit again this week?", stepId: "next-visit-plan" });
  });
});
