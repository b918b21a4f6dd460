import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { isPinned, shuffled } from "~/activities/order/shuffle";
import { shuffleSeed } from "~/activities/order/shuffle.server";
import type { QuizActivity, ScenarioActivity } from "~/content/manifest";
import { randomToken } from "~/lib/crypto.server";
import * as stepPage from "~/routes/modules.$slug.$step";
import { scenarioRuns } from "../../db/schema";
import { moduleOf, withFixtureCatalog } from "../setup/content";
import { withTestDatabase } from "../setup/database";
import { renderRouteHtml } from "../setup/render";
import { get, makeUser, post, run, type TestUser } from "../setup/fixtures";

// Each learner sees a quiz's options and a scenario's replies in their own order (issue
// 15): the same on every load of one attempt, so a reload or a no-JavaScript resubmit
// shows what was there, and a new one for the next attempt. The order is in the page's
// HTML, drawn on the server from the loader's seeds; the forms still post option ids and
// canonical reply indices.

const database = withTestDatabase();
withFixtureCatalog();

const SLUG = "doorstep-basics";
type StepBody = Awaited<ReturnType<typeof stepPage.loader>>;

/** The step page as the server renders it (the route's own component, on a static router). */
async function stepHtml(user: TestUser, step: string, query = ""): Promise<{ body: StepBody; html: string }> {
  const path = `/modules/${SLUG}/${step}${query}`;
  const loaded = await run(stepPage.loader, get(path, user.cookie), { slug: SLUG, step });
  expect(loaded.status).toBe(200);
  const body = loaded.body as StepBody;
  return { body, html: await renderRouteHtml({ path: "/modules/:slug/:step", Component: stepPage.default }, path, body) };
}

/** Option ids of a question in the order the HTML lists them. */
const optionsIn = (html: string, questionId: string) => [...html.matchAll(new RegExp(`name="answer\\.${questionId}"[^>]*? value="([^"]+)"`, "g"))].map((m) => m[1]);
const quiz = () => moduleOf(SLUG).manifest.activities["basics-quiz"] as QuizActivity;
const drawn = (user: TestUser, attempt: number, questionId: string) =>
  shuffled(quiz().questions.find((q) => q.id === questionId)!.options, shuffleSeed(user.id, "basics-quiz", attempt), questionId, isPinned).map((o) => o.id);

describe("quiz options in the learner's own order", () => {
  it("are drawn from the loader's seed for this attempt, the same on a reload and after a refused post", async () => {
    const user = await makeUser("activist");
    const first = await stepHtml(user, "check");
    expect(first.body.shuffleSeeds["basics-quiz"]).toEqual({ current: shuffleSeed(user.id, "basics-quiz", 0), answered: null });
    for (const question of ["open", "listen"]) expect(optionsIn(first.html, question)).toEqual(drawn(user, 0, question));

    const reload = await stepHtml(user, "check");
    for (const question of ["open", "listen"]) expect(optionsIn(reload.html, question)).toEqual(optionsIn(first.html, question));

    // A post the server refuses (no answers): nothing recorded, so the same attempt and order.
    const refused = await run(stepPage.action, post(`/modules/${SLUG}/check`, { intent: "quiz", activityId: "basics-quiz", attemptKey: randomToken() }, user.cookie), { slug: SLUG, step: "check" });
    expect(refused.status).toBe(400);
    const after = await stepHtml(user, "check");
    expect(after.body.shuffleSeeds).toEqual(first.body.shuffleSeeds);
    expect(optionsIn(after.html, "listen")).toEqual(optionsIn(first.html, "listen"));
  });

  it("shows the feedback in the order answered, and a retry in the next attempt's order", async () => {
    const user = await makeUser("activist");
    // Every option of the multiple-choice question: wrong, and all three listed as chosen.
    const answered = await run(
      stepPage.action,
      post(`/modules/${SLUG}/check`, { intent: "quiz", activityId: "basics-quiz", attemptKey: randomToken(), "answer.open": "b", "answer.listen": ["pitch", "reflect", "follow"] }, user.cookie),
      { slug: SLUG, step: "check" },
    );
    expect(answered.status).toBe(200);

    const result = await stepHtml(user, "check");
    expect(result.body.shuffleSeeds["basics-quiz"]).toEqual({ current: shuffleSeed(user.id, "basics-quiz", 1), answered: shuffleSeed(user.id, "basics-quiz", 0) });
    const listen = quiz().questions.find((q) => q.id === "listen")!;
    const chosenInOrder = [...result.html.matchAll(/<strong>You chose:<\/strong> ([^<]+?) — /g)].map((m) => m[1]!.replace(/&quot;/g, '"').replace(/&#x27;/g, "'"));
    const textOf = (id: string) => listen.options.find((o) => o.id === id)!.text;
    expect(chosenInOrder.slice(1)).toEqual(drawn(user, 0, "listen").map(textOf));

    // "Try again" without JavaScript: the next attempt's order (a new draw, from a new seed).
    const retry = await stepHtml(user, "check", "?retry=basics-quiz");
    expect(result.body.shuffleSeeds["basics-quiz"]!.current).not.toBe(result.body.shuffleSeeds["basics-quiz"]!.answered);
    for (const question of ["open", "listen"]) expect(optionsIn(retry.html, question)).toEqual(drawn(user, 1, question));
  });

  it("differ between learners and between attempts for most of them", async () => {
    const users = await Promise.all(Array.from({ length: 8 }, () => makeUser("activist")));
    const orders = await Promise.all(users.map(async (u) => optionsIn((await stepHtml(u, "check")).html, "listen").join(",")));
    // Three options: 6 orders. Eight learners all on one order would be chance 6^-7.
    expect(new Set(orders).size).toBeGreaterThan(1);
    const retries = users.filter((u) => drawn(u, 0, "listen").join() !== drawn(u, 1, "listen").join());
    expect(retries.length).toBeGreaterThan(0);
  });
});

describe("scenario replies in the learner's own order", () => {
  it("are drawn for the run, post the reply's index in the scenario, and change with a new run", async () => {
    const user = await makeUser("activist");
    const start = async () => {
      const runKey = randomToken();
      const res = await run(stepPage.action, post(`/modules/${SLUG}/practice`, { intent: "scenario-start", activityId: "first-door", runKey }, user.cookie), { slug: SLUG, step: "practice" });
      expect(res.status).toBe(200);
      const [row] = await database().db.select().from(scenarioRuns).where(eq(scenarioRuns.runKey, runKey));
      return row!.id;
    };
    const scenario = moduleOf(SLUG).manifest.activities["first-door"] as ScenarioActivity;
    const door = scenario.nodes.door!;
    if (door.kind !== "resident") throw new Error("door is a resident line");
    const repliesIn = (html: string) => [...html.matchAll(/<button type="submit" name="choice" value="(\d+)" class="choice-button"[^>]*>([^<]*)</g)].map((m) => [Number(m[1]), m[2]]);
    const expected = (runId: string) => shuffled(door.choices, shuffleSeed(user.id, "first-door", runId), "door", isPinned).map((c) => [c.index, c.text]);

    const runId = await start();
    const page = await stepHtml(user, "practice");
    expect(page.body.shuffleSeeds["first-door"]).toEqual({ current: shuffleSeed(user.id, "first-door", runId), answered: null });
    expect(repliesIn(page.html)).toEqual(expected(runId));
    expect(repliesIn((await stepHtml(user, "practice")).html)).toEqual(repliesIn(page.html));

    // The reply posted is the scenario's own index whatever its place on screen.
    const lost = door.choices.find((c) => c.to === "closed")!;
    const chose = await run(
      stepPage.action,
      post(`/modules/${SLUG}/practice`, { intent: "scenario-choose", activityId: "first-door", runId, fromNode: "door", step: "0", choice: String(lost.index) }, user.cookie),
      { slug: SLUG, step: "practice" },
    );
    expect(chose.status).toBe(200);
    expect((await stepHtml(user, "practice")).html).toContain("Door closed");

    const again = await start();
    const replay = await stepHtml(user, "practice");
    expect(replay.body.shuffleSeeds["first-door"]!.current).toBe(shuffleSeed(user.id, "first-door", again));
    expect(repliesIn(replay.html)).toEqual(expected(again));
  });
});
