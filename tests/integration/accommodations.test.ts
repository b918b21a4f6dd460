import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { setTiming, timingOf } from "~/auth/accommodations.server";
import { joinWithCode } from "~/live/joining.server";
import { createLiveSession, setStep, startTimer } from "~/live/lifecycle.server";
import { liveState } from "~/live/state.server";
import * as accountPage from "~/routes/account";
import * as stepPage from "~/routes/modules.$slug.$step";
import { users } from "../../db/schema";
import { LIVE_MODULE, STEP, withLiveCatalog } from "../fixtures/live-modules/setup";
import { get, makeUser, post, run } from "../setup/fixtures";
import { withTestDatabase } from "../setup/database";

// Issue 15, part 3: per-learner timing accommodations (WCAG 2.2.1). Saved from the account
// form; bad values refused with a 400 that says what to choose, nothing written; honoured on
// the learner's own screens; the presenter sees how many, never who.

const database = withTestDatabase();
withLiveCatalog();

const storedTiming = async (userId: string) => (await database().db.select({ timing: users.timing }).from(users).where(eq(users.id, userId)))[0]?.timing;

describe("the account's timer setting", () => {
  it("starts as usual and saves each of the four choices through the account form", async () => {
    const learner = await makeUser("activist");
    const page = await run(accountPage.loader, get("/account", learner.cookie));
    expect(page.body).toMatchObject({ timing: "standard" });
    for (const timing of ["double", "triple", "off", "standard"] as const) {
      const saved = await run(accountPage.action, post("/account", { intent: "timing", timing }, learner.cookie));
      expect(saved.status).toBe(200);
      expect(saved.body).toMatchObject({ kind: "timing", ok: true });
      expect(await storedTiming(learner.id)).toBe(timing);
    }
  });

  it.each([
    ["an unknown value", { intent: "timing", timing: "quadruple" }],
    ["no value", { intent: "timing" }],
    ["an empty value", { intent: "timing", timing: "" }],
    ["two values", { intent: "timing", timing: ["double", "triple"] }],
    ["a factor instead of a choice", { intent: "timing", timing: "3" }],
  ])("refuses %s with a 400 that names the choices, and writes nothing", async (_label, fields) => {
    const learner = await makeUser("activist");
    await setTiming(learner.id, "double");
    const refused = await run(accountPage.action, post("/account", fields, learner.cookie));
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ kind: "timing", ok: false, message: expect.stringContaining("Three times as long") });
    expect(await storedTiming(learner.id)).toBe("double");
  });

  it("is refused by the database too (a check constraint), whatever the code does", async () => {
    const learner = await makeUser("activist");
    await expect(database().db.update(users).set({ timing: "slow" as never }).where(eq(users.id, learner.id))).rejects.toThrow();
    expect(await timingOf(learner.id)).toBe("standard");
  });

  it("needs a signed-in person", async () => {
    const anonymous = await run(accountPage.action, post("/account", { intent: "timing", timing: "off" }));
    expect(anonymous.status).toBe(302);
  });

  it("reaches a self-paced step that has a role-play", async () => {
    const learner = await makeUser("activist");
    await setTiming(learner.id, "triple");
    const step = await run(stepPage.loader, get(`/modules/${LIVE_MODULE}/pairs`, learner.cookie), { slug: LIVE_MODULE, step: "pairs" });
    expect(step.status).toBe(200);
    expect(step.body).toMatchObject({ timing: "triple" });
  });
});

describe("timing in a live session", () => {
  it("gives each participant their own setting and the presenter a count, never names", async () => {
    const trainer = await makeUser("trainer");
    const created = await createLiveSession(trainer, { moduleSlug: LIVE_MODULE });
    if (!created.ok) throw new Error(created.message);
    const { code, id } = created.value;
    const [usual, slower, none] = [await makeUser("activist"), await makeUser("activist"), await makeUser("activist")];
    await setTiming(slower!.id, "triple");
    await setTiming(none!.id, "off");

    let ip = 0;
    expect(await joinWithCode(code, usual!, `198.51.100.${++ip}`)).toMatchObject({ ok: true });
    let presenter = (await liveState(id, { kind: "presenter" }))!.presenter!;
    expect(presenter.accommodationCount).toBe(0);
    expect(await joinWithCode(code, slower!, `198.51.100.${++ip}`)).toMatchObject({ ok: true });
    expect(await joinWithCode(code, none!, `198.51.100.${++ip}`)).toMatchObject({ ok: true });
    presenter = (await liveState(id, { kind: "presenter" }))!.presenter!;
    expect(presenter.accommodationCount).toBe(2);
    // Nothing on the presenter's side says who: no participant carries a setting. (The
    // presenter's own "timing" is the session clock, elapsed against planned.)
    expect(JSON.stringify(presenter.participants)).not.toMatch(/standard|double|triple|"off"|timing/);
    expect(Object.keys(presenter.timing ?? {}).sort()).toEqual(["endedAt", "startedAt", "stepStartedAt"]);

    await setStep(code, trainer, STEP.pairs);
    await startTimer(code, trainer, 60);
    const views = await Promise.all([usual, slower, none].map((p) => liveState(id, { kind: "participant", userId: p!.id })));
    expect(views.map((v) => v!.me!.timing)).toEqual(["standard", "triple", "off"]);
    // Everyone gets the trainer's timer; each screen stretches or hides it (app/auth/timing.ts).
    expect(views.every((v) => v!.shared.timer?.seconds === 60)).toBe(true);

    // A change of mind mid-session shows on the next state.
    await setTiming(slower!.id, "standard");
    presenter = (await liveState(id, { kind: "presenter" }))!.presenter!;
    expect(presenter.accommodationCount).toBe(1);
  });
});
