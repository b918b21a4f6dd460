import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { endSession } from "~/live/attendance.server";
import { joinWithCode } from "~/live/joining.server";
import { createLiveSession, setStep, startTimer } from "~/live/lifecycle.server";
import { liveState } from "~/live/state.server";
import { liveParticipants, moduleCompletions } from "../../db/schema";
import { LIVE_MODULE, STEP, withLiveCatalog } from "../fixtures/live-modules/setup";
import { makeUser, type TestUser } from "../setup/fixtures";
import { withTestDatabase } from "../setup/database";

// Issue 14, item 5: a timer does not outlive its step, and the end of a session reports
// attendance and completions as recorded (not "0 of 3 attended; their completions are
// recorded" when some had already completed the module, or none attended).

const database = withTestDatabase();
withLiveCatalog();

let ip = 0;
async function session(n: number) {
  const trainer = await makeUser("trainer");
  const created = await createLiveSession(trainer, { moduleSlug: LIVE_MODULE });
  if (!created.ok) throw new Error(created.message);
  const people: TestUser[] = [];
  for (let i = 0; i < n; i++) {
    const user = await makeUser("activist");
    expect(await joinWithCode(created.value.code, user, `198.51.100.${++ip}`)).toMatchObject({ ok: true });
    people.push(user);
  }
  return { trainer, people, ...created.value };
}

describe("the timer and the step", () => {
  it("clears the timer when the trainer changes step, not when the same step is chosen again", async () => {
    const { code, id, trainer, people } = await session(1);
    await startTimer(code, trainer, 1);
    expect((await liveState(id, { kind: "participant", userId: people[0]!.id }))!.shared.timer).not.toBeNull();
    await setStep(code, trainer, STEP.welcome); // the same step: the timer stays
    expect((await liveState(id, { kind: "presenter" }))!.shared.timer).toMatchObject({ seconds: 1 });
    await new Promise((r) => setTimeout(r, 1_100)); // "Time's up"
    await setStep(code, trainer, STEP.poll);
    expect((await liveState(id, { kind: "participant", userId: people[0]!.id }))!.shared.timer).toBeNull();
    expect((await liveState(id, { kind: "presenter" }))!.shared.timer).toBeNull();
  });
});

describe("the end of a session, as the presenter sees it", () => {
  it("counts who attended and whose completion this session recorded", async () => {
    const { code, id, trainer, people } = await session(3);
    const [, , earlier] = people;
    await database().db.insert(moduleCompletions).values({ userId: earlier!.id, moduleSlug: LIVE_MODULE, contentHash: "earlier", how: "self" });
    let presenter = (await liveState(id, { kind: "presenter" }))!.presenter!;
    expect(presenter).toMatchObject({ attendedCount: 0, completionsRecorded: null });
    const ended = await endSession(code, trainer);
    expect(ended).toMatchObject({ ok: true, value: { attended: 3, participants: 3, completions: 2 } });
    presenter = (await liveState(id, { kind: "presenter" }))!.presenter!;
    expect(presenter).toMatchObject({ attendedCount: 3, completionsRecorded: 2 });
    expect(presenter.participants.filter((p) => p.attended)).toHaveLength(3);
  });

  it("says none attended when no screen was connected at the end", async () => {
    const { code, id, trainer } = await session(2);
    await database()
      .db.update(liveParticipants)
      .set({ lastSeenAt: sql`now() - interval '10 minutes'` })
      .where(and(eq(liveParticipants.sessionId, id)));
    await endSession(code, trainer);
    expect((await liveState(id, { kind: "presenter" }))!.presenter).toMatchObject({ attendedCount: 0, completionsRecorded: 0 });
  });
});
