import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { createInvite } from "~/auth/invites.server";
import { setupGaps, type HomeView } from "~/home/home.server";
import { endSession } from "~/live/attendance.server";
import { joinWithCode } from "~/live/joining.server";
import { createLiveSession } from "~/live/lifecycle.server";
import { sha256Hex } from "~/lib/crypto.server";
import * as homeRoute from "~/routes/_index";
import { db } from "../../db/client.server";
import { invites } from "../../db/schema";
import { moduleOf, withEditedCatalog, withFixtureCatalog } from "../setup/content";
import { withTestDatabase } from "../setup/database";
import { get, makeGroup, makeUser, run, type TestUser } from "../setup/fixtures";
import { basics, openStep, openSteps, playScenario, postQuiz, RIGHT, HALF_RIGHT } from "../setup/learner";

// The signed-in home page: each role's part, scoped to the viewer's groups, and the empty
// states. Progress is made the way a browser makes it (the step page's loader and action).
//
// Fixture modules: doorstep-basics (4 steps: intro, check (quiz), practice (scenario),
// wrap-up), then follow-up (2 steps). Trained = both complete.
//
//   group  kind                         activists
//   A      branch                       ann (trained), bob (basics step 1 only)
//   S      constituency, target seat    cat (nothing), dan (follow-up complete)
//   C      union                        eve (nothing)
//
// Organisers: olu (A and S), cleo (C), nora (no group). Trainer tess (A).

withTestDatabase();
withFixtureCatalog();

const home = async (user: TestUser): Promise<HomeView> => {
  const page = await run(homeRoute.loader, get("/", user.cookie));
  expect(page.status).toBe(200);
  return (page.body as { home: HomeView }).home;
};

const groupIds = {} as Record<"A" | "S" | "C", string>;
const people = {} as Record<"ann" | "bob" | "cat" | "dan" | "eve" | "olu" | "cleo" | "nora" | "tess", TestUser>;

beforeAll(async () => {
  groupIds.A = (await makeGroup("branch")).id;
  groupIds.S = (await makeGroup("constituency", true)).id;
  groupIds.C = (await makeGroup("union")).id;
  const { A, S, C } = groupIds;
  people.ann = await makeUser("activist", { groupIds: [A] });
  people.bob = await makeUser("activist", { groupIds: [A] });
  people.cat = await makeUser("activist", { groupIds: [S] });
  people.dan = await makeUser("activist", { groupIds: [S] });
  people.eve = await makeUser("activist", { groupIds: [C] });
  people.olu = await makeUser("organiser", { groupIds: [A, S] });
  people.cleo = await makeUser("organiser", { groupIds: [C] });
  people.nora = await makeUser("organiser");
  people.tess = await makeUser("trainer", { groupIds: [A] });

  // Ann: both modules, the whole way.
  await openSteps(people.ann, basics());
  await postQuiz(people.ann, RIGHT);
  await playScenario(people.ann);
  await openSteps(people.ann, moduleOf("follow-up"));
  // Bob: the first step of basics. Dan: follow-up only.
  await openStep(people.bob, basics(), "intro");
  await openSteps(people.dan, moduleOf("follow-up"));
});

describe("the learner's part", () => {
  it("sends someone who has begun nothing to the first module's first step", async () => {
    const view = await home(people.eve);
    expect(view.sections).toEqual([]);
    expect(view.learner.nextStep).toMatchObject({ kind: "start", firstEver: true, module: { slug: "doorstep-basics", firstStepId: "intro" } });
    expect(view.learner.upNext?.slug).toBe("follow-up");
    expect(view.learner.completed).toEqual([]);
    expect(view.learner.moduleCount).toBe(2);
    expect(view.groups.map((g) => g.id)).toEqual([groupIds.C]);
  });

  it("continues a module at the first step not yet seen, counting steps from 1", async () => {
    const view = await home(people.bob);
    expect(view.learner.nextStep).toMatchObject({ kind: "continue", slug: "doorstep-basics", stepId: "check", stepNumber: 2, stepCount: 4 });
    expect(view.learner.upNext?.slug).toBe("follow-up");
  });

  it("with every step seen, continues at the quiz not yet passed", async () => {
    const learner = await makeUser("activist");
    await openSteps(learner, basics());
    await postQuiz(learner, HALF_RIGHT);
    const view = await home(learner);
    expect(view.learner.nextStep).toMatchObject({ kind: "continue", stepId: "check", stepNumber: 2 });
    await postQuiz(learner, RIGHT);
    expect((await home(learner)).learner.nextStep).toMatchObject({ kind: "continue", stepId: "practice", stepNumber: 3 });
  });

  it("continues the module touched last, and lists the others under way", async () => {
    const learner = await makeUser("activist");
    await openStep(learner, basics(), "intro");
    // step_views keeps the first view's time: make the follow-up view clearly later.
    await new Promise((resolve) => setTimeout(resolve, 20));
    await openStep(learner, moduleOf("follow-up"), "why-follow-up");
    const view = await home(learner);
    expect(view.learner.nextStep).toMatchObject({ kind: "continue", slug: "follow-up", stepId: "next-visit-plan", stepNumber: 2, stepCount: 2 });
    expect(view.learner.alsoInProgress.map((m) => m.slug)).toEqual(["doorstep-basics"]);
    expect(view.learner.upNext).toBeNull();
  });

  it("suggests the next module, not 'Start here', once something is done", async () => {
    const view = await home(people.dan);
    expect(view.learner.nextStep).toMatchObject({ kind: "start", firstEver: false, module: { slug: "doorstep-basics" } });
    expect(view.learner.completed.map((m) => [m.slug, m.how])).toEqual([["follow-up", "self"]]);
  });

  it("says so when every module is complete", async () => {
    const view = await home(people.ann);
    expect(view.learner.nextStep).toEqual({ kind: "all-done" });
    expect(view.learner.completed.map((m) => m.slug)).toEqual(["doorstep-basics", "follow-up"]);
  });
});

it("never suggests or counts a draft, even to a trainer who may open it", async () => {
  const restore = await withEditedCatalog((dir) => {
    mkdirSync(path.join(dir, "a-draft"));
    writeFileSync(
      path.join(dir, "a-draft", "index.mdx"),
      `---\ntitle: A draft\nsummary: Not yet.\nminutes: 5\norder: 0\ndraft: true\nobjectives:\n  - Nothing\n---\n\n<Step id="d1" title="One">\n\nDraft.\n\n</Step>\n`,
    );
  });
  try {
    const view = await home(await makeUser("trainer"));
    expect(view.learner.nextStep).toMatchObject({ kind: "start", module: { slug: "doorstep-basics" } });
    expect(view.learner.moduleCount).toBe(2);
  } finally {
    await restore();
  }
});

describe("live sessions", () => {
  it("offers a session of the learner's group running now, not other groups' or the trainer's own, and shows the trainer's", async () => {
    // A group of its own, so the live completion does not change the organisers' figures.
    const room = await makeGroup("other");
    const learner = await makeUser("activist", { groupIds: [room.id] });
    const created = await createLiveSession(people.tess, { moduleSlug: "doorstep-basics", groupId: room.id });
    if (!created.ok) throw new Error(created.message);
    const { code, id } = created.value;

    expect((await home(learner)).learner.liveNow).toEqual([expect.objectContaining({ code, joined: false, moduleTitle: "Doorstep basics (test fixture)" })]);
    expect((await home(people.eve)).learner.liveNow).toEqual([]);
    const tess = await home(people.tess);
    expect(tess.sections).toEqual(["trainer"]);
    expect(tess.learner.liveNow).toEqual([]);
    expect(tess.trainer?.running.map((s) => s.id)).toEqual([id]);
    expect(tess.trainer?.recent).toEqual([]);

    expect(await joinWithCode(code, learner, "203.0.113.50")).toMatchObject({ ok: true });
    expect((await home(learner)).learner.liveNow).toEqual([expect.objectContaining({ code, joined: true })]);

    expect(await endSession(code, people.tess)).toMatchObject({ ok: true });
    expect((await home(learner)).learner.liveNow).toEqual([]);
    const after = await home(people.tess);
    expect(after.trainer?.running).toEqual([]);
    expect(after.trainer?.recent.map((s) => [s.id, s.participants])).toEqual([[id, 1]]);
  });

  it("gives a trainer with no sessions an empty list (the page shows 'Run a module live')", async () => {
    const trainer = await makeUser("trainer");
    const view = await home(trainer);
    expect(view.trainer).toEqual({ running: [], recent: [] });
  });
});

describe("the organiser's headline", () => {
  it("counts only the activists of the organiser's own groups", async () => {
    const olu = await home(people.olu);
    expect(olu.sections).toEqual(["organiser"]);
    expect(olu.organiser).toMatchObject({
      reach: "own groups",
      groupCount: 2,
      activists: 4, // ann, bob, cat, dan (not tess: a trainer, nor olu)
      trained: 1, // ann
      moduleCount: 2,
      completionsThisWeek: 3, // ann ×2, dan ×1
      targetSeats: 1,
    });
    // S: 1 completion of 2 activists × 2 modules = 25%, below the default 50%.
    expect(olu.organiser?.lagging).toEqual([{ id: groupIds.S, name: expect.any(String), rate: 25 }]);

    const cleo = await home(people.cleo);
    expect(cleo.organiser).toMatchObject({ groupCount: 1, activists: 1, trained: 0, completionsThisWeek: 0, targetSeats: 0, lagging: [] });
  });

  it("has nothing to count for an organiser in no group", async () => {
    const view = await home(people.nora);
    expect(view.organiser).toMatchObject({ groupCount: 0, activists: 0, trained: 0, lagging: [] });
  });
});

describe("the admin's setup gaps", () => {
  it("counts people without a group (not admins), groups without an organiser, and invites still valid", async () => {
    const admin = await makeUser("admin");
    const view = await home(admin);
    expect(view.sections).toEqual(["admin", "organiser"]);
    expect(view.organiser?.reach).toBe("everything");
    const before = view.admin!;
    // nora (organiser, no group) is one of the people without a group; the admin is not.
    expect(before.ungrouped.sample.map((u) => u.id)).toContain(people.nora.id);
    expect(before.ungrouped.sample.map((u) => u.id)).not.toContain(admin.id);
    const groupless = await makeUser("activist");
    const orphanGroup = await makeGroup("campus");
    await makeUser("admin");
    await createInvite({ groupId: orphanGroup.id, role: "activist", createdBy: admin.id });
    const used = await createInvite({ groupId: orphanGroup.id, role: "activist", createdBy: admin.id });
    const expired = await createInvite({ groupId: orphanGroup.id, role: "activist", createdBy: admin.id, days: -1 });
    expect(expired.expiresAt.getTime()).toBeLessThan(Date.now());
    await db().update(invites).set({ usedAt: new Date() }).where(eq(invites.tokenHash, sha256Hex(used.token)));

    const after = await setupGaps();
    expect(after.ungrouped.count).toBe(before.ungrouped.count + 1);
    expect(after.ungrouped.sample[0]?.id).toBe(groupless.id); // newest first
    expect(after.withoutOrganiser.count).toBe(before.withoutOrganiser.count + 1);
    expect(after.withoutOrganiser.sample.length).toBeLessThanOrEqual(5);
    // A, S and C have organisers: none of them is a gap.
    const gapIds = (await setupGaps()).withoutOrganiser.sample.map((g) => g.id);
    for (const id of Object.values(groupIds)) expect(gapIds).not.toContain(id);
    expect(after.pendingInvites).toBe(before.pendingInvites + 1);
  });

  it("is not shown to anyone but an admin", async () => {
    for (const person of [people.ann, people.tess, people.olu]) expect((await home(person)).admin).toBeNull();
  });
});

it("keeps the signed-out landing page", async () => {
  const page = await run(homeRoute.loader, get("/"));
  expect(page.body).toEqual({ user: null, home: null });
});
