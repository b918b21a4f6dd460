import { describe, expect, it } from "vitest";
import { createLiveSession } from "~/live/lifecycle.server";
import { endSession } from "~/live/attendance.server";
import type { ModuleFinish } from "~/progress/finish.server";
import * as finishPage from "~/routes/modules.$slug.complete";
import { withFixtureCatalog } from "../setup/content";
import { withTestDatabase } from "../setup/database";
import { get, makeGroup, makeUser, run, type TestUser } from "../setup/fixtures";
import { basics, completionsOf, HALF_RIGHT, openSteps, playScenario, postQuiz, RIGHT } from "../setup/learner";

// "Finish" on a module's last step: /modules/<slug>/complete says complete only when the
// completion rule does, otherwise what is missing and where; and offers the next module,
// with a live session of it when one is open for the learner's group.

withTestDatabase();
withFixtureCatalog();

type Page = { module: { slug: string }; finish: ModuleFinish; liveNext: { code: string; groupName: string }[] };

async function finish(user: TestUser, slug = "doorstep-basics") {
  const page = await run(finishPage.loader, get(`/modules/${slug}/complete`, user.cookie), { slug });
  expect(page.status).toBe(200);
  return page.body as Page;
}

describe("the end of a module", () => {
  it("lists what is missing, with each step to go back to, until the rule says complete", async () => {
    const user = await makeUser("activist");
    const module = basics();
    await openSteps(user, module, ["intro", "check"]);
    await postQuiz(user, HALF_RIGHT);
    let page = await finish(user);
    expect(page.finish.completion).toBeNull();
    expect(page.finish.missing).toEqual([
      { stepId: "practice", stepTitle: "A doorstep", what: "Read this step" },
      { stepId: "wrap-up", stepTitle: "Wrapping up", what: "Read this step" },
      { stepId: "check", stepTitle: "A quick check", what: "Pass the quiz (best so far 50%, pass mark 80%)" },
      { stepId: "practice", stepTitle: "A doorstep", what: "Play the role-play “The first door” to an ending" },
    ]);
    expect(page.finish.quizzes).toEqual([expect.objectContaining({ id: "basics-quiz", bestScore: 50, passed: false, stepTitle: "A quick check" })]);
    expect(await completionsOf(user.id)).toEqual([]);

    await openSteps(user, module, ["practice", "wrap-up"]);
    await postQuiz(user, RIGHT);
    await playScenario(user);
    page = await finish(user);
    expect(page.finish.completion).toMatchObject({ how: "self" });
    expect(page.finish.missing).toEqual([]);
    expect(page.finish.steps).toEqual({ seen: 4, total: 4 });
    expect(page.finish.scenarios).toEqual([expect.objectContaining({ id: "first-door", endingsReached: 1, endings: 2 })]);
    expect(await completionsOf(user.id)).toHaveLength(1);
  });

  it("offers the next module, and a live session of it only when one is open for one of my groups", async () => {
    const group = await makeGroup();
    const otherGroup = await makeGroup();
    const user = await makeUser("activist", { groupIds: [group.id] });
    const trainer = await makeUser("trainer");
    expect((await finish(user)).finish.next).toMatchObject({ slug: "follow-up", title: "Following up (test fixture)" });
    expect((await finish(user)).liveNext).toEqual([]);

    const elsewhere = await createLiveSession(trainer, { moduleSlug: "follow-up", groupId: otherGroup.id });
    const ungrouped = await createLiveSession(trainer, { moduleSlug: "follow-up" });
    const sameModule = await createLiveSession(trainer, { moduleSlug: "doorstep-basics", groupId: group.id });
    const mine = await createLiveSession(trainer, { moduleSlug: "follow-up", groupId: group.id });
    const ended = await createLiveSession(trainer, { moduleSlug: "follow-up", groupId: group.id });
    if (!elsewhere.ok || !ungrouped.ok || !sameModule.ok || !mine.ok || !ended.ok) throw new Error("session not created");
    await endSession(ended.value.code, trainer);
    expect((await finish(user)).liveNext).toEqual([expect.objectContaining({ code: mine.value.code, groupName: group.name })]);

    // The last module in the order has no next one.
    expect((await finish(user, "follow-up")).finish.next).toBeNull();
  });

  it("is a 404 for a module that is not there", async () => {
    const user = await makeUser("activist");
    const page = await run(finishPage.loader, get("/modules/nope/complete", user.cookie), { slug: "nope" });
    expect(page.status).toBe(404);
  });
});
