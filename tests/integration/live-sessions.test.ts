import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { respond, vote } from "~/live/answers.server";
import { endSession, markAttendance } from "~/live/attendance.server";
import { LIVE_CHANNEL } from "~/live/core.server";
import { JOIN_LIMITS, joinAsNewcomer, joinWithCode, needsPassword, setNewcomerPassword } from "~/live/joining.server";
import { createLiveSession, listTrainerSessions, reveal, setStep, startTimer, stopTimer } from "~/live/lifecycle.server";
import { pair, swapPairs, tickRubric, unpair } from "~/live/pairing.server";
import { advanceScenario, restartScenario } from "~/live/scenario.server";
import { liveState } from "~/live/state.server";
import { verifyPassword } from "~/auth/password.server";
import { liveParticipants, rateLimits, liveResponses, liveSessions, memberships, moduleCompletions, users } from "../../db/schema";
import { LIVE_MODULE, STEP, withLiveCatalog } from "../fixtures/live-modules/setup";
import { makeGroup, makeUser, type TestUser } from "../setup/fixtures";
import { withTestDatabase } from "../setup/database";

const database = withTestDatabase();
withLiveCatalog();

let ipCounter = 0;
const freshIp = () => `198.51.100.${++ipCounter}`;

async function startSession(trainer?: TestUser, groupId?: string) {
  const owner = trainer ?? (await makeUser("trainer"));
  const created = await createLiveSession(owner, { moduleSlug: LIVE_MODULE, groupId });
  if (!created.ok) throw new Error(created.message);
  return { trainer: owner, ...created.value };
}

async function joined(code: string, n: number) {
  const people: TestUser[] = [];
  for (let i = 0; i < n; i++) {
    const user = await makeUser("activist");
    const result = await joinWithCode(code, user, freshIp());
    expect(result).toMatchObject({ ok: true, value: { as: "participant" } });
    people.push(user);
  }
  return people;
}

async function version(id: string) {
  const [row] = await database().db.select({ version: liveSessions.version }).from(liveSessions).where(eq(liveSessions.id, id));
  return row!.version;
}

describe("starting a session", () => {
  it("gives a trainer a six-letter code without ambiguous characters", async () => {
    const { code } = await startSession();
    expect(code).toMatch(/^[A-HJKMNP-Z]{6}$/);
  });

  it("refuses activists (403), unknown modules (404) and unknown groups (400)", async () => {
    const activist = await makeUser("activist");
    const trainer = await makeUser("trainer");
    expect(await createLiveSession(activist, { moduleSlug: LIVE_MODULE })).toMatchObject({ ok: false, status: 403 });
    expect(await createLiveSession(trainer, { moduleSlug: "nope" })).toMatchObject({ ok: false, status: 404 });
    expect(await createLiveSession(trainer, { moduleSlug: LIVE_MODULE, groupId: "00000000-0000-4000-8000-000000000000" })).toMatchObject({
      ok: false,
      status: 400,
    });
    const [row] = await database().db.select({ n: sql<number>`count(*)::int` }).from(liveSessions).where(eq(liveSessions.trainerId, trainer.id));
    expect(Number(row!.n)).toBe(0);
  });
});

describe("joining", () => {
  it("joins by code in any case and spacing, idempotently; the trainer is sent to present", async () => {
    const { code, id, trainer } = await startSession();
    const user = await makeUser("activist");
    const spaced = `${code.slice(0, 3).toLowerCase()} ${code.slice(3)}`;
    expect(await joinWithCode(spaced, user, freshIp())).toEqual({ ok: true, value: { as: "participant", code } });
    const v = await version(id);
    expect(await joinWithCode(code, user, freshIp())).toEqual({ ok: true, value: { as: "participant", code } });
    expect(await version(id)).toBe(v); // rejoining changes nothing
    expect(await joinWithCode(code, trainer, freshIp())).toEqual({ ok: true, value: { as: "presenter", code } });
    const rows = await database().db.select().from(liveParticipants).where(eq(liveParticipants.sessionId, id));
    expect(rows.map((r) => r.userId)).toEqual([user.id]);
  });

  it("explains wrong, expired and ended codes", async () => {
    const user = await makeUser("activist");
    expect(await joinWithCode("ABCDE", user, freshIp())).toMatchObject({ ok: false, status: 404, message: expect.stringMatching(/No live session has that code/) });
    const expired = await startSession();
    await database().db.update(liveSessions).set({ createdAt: sql`now() - interval '13 hours'` }).where(eq(liveSessions.id, expired.id));
    expect(await joinWithCode(expired.code, user, freshIp())).toMatchObject({ ok: false, status: 410, message: expect.stringMatching(/expired/) });
    const ended = await startSession();
    expect((await endSession(ended.code, ended.trainer)).ok).toBe(true);
    expect(await joinWithCode(ended.code, user, freshIp())).toMatchObject({ ok: false, status: 410, message: expect.stringMatching(/ended/) });
  });

  it("rate limits wrong codes per address with a 429, while the right code still works from there and elsewhere", async () => {
    const user = await makeUser("activist");
    const ip = "203.0.113.50";
    for (let i = 0; i < JOIN_LIMITS.wrongCodes; i++) expect(await joinWithCode("ZZZZZZ", user, ip)).toMatchObject({ ok: false, status: 404 });
    const blocked = await joinWithCode("ZZZZZY", user, ip);
    expect(blocked).toMatchObject({ ok: false, status: 429, message: expect.stringMatching(/Too many wrong codes/) });
    const { code } = await startSession();
    expect(await joinWithCode(code, user, ip)).toMatchObject({ ok: true });
    expect(await joinWithCode(code, await makeUser("activist"), "203.0.113.51")).toMatchObject({ ok: true });
  });
});

describe("newcomers", () => {
  it("creates an activist in the session's group, joined, who then sets a password once", async () => {
    const group = await makeGroup();
    const { code, id } = await startSession(undefined, group.id);
    const result = await joinAsNewcomer(code, { name: "Nia New", email: "nia.new@example.org" }, freshIp(), "vitest");
    if (!result.ok) throw new Error(result.message);
    expect(result.value.cookie).toMatch(/^doorstep_session=/);
    const [user] = await database().db.select().from(users).where(eq(users.email, "nia.new@example.org"));
    expect(user).toMatchObject({ name: "Nia New", role: "activist" });
    const member = await database().db.select().from(memberships).where(eq(memberships.userId, user!.id));
    expect(member.map((m) => m.groupId)).toEqual([group.id]);
    const [participant] = await database().db.select().from(liveParticipants).where(eq(liveParticipants.userId, user!.id));
    expect(participant).toMatchObject({ sessionId: id, newcomer: true });
    expect(await needsPassword(user!.id)).toBe(true);
    expect(await setNewcomerPassword(user!.id, "a brand new password")).toEqual({ ok: true, value: null });
    const [after] = await database().db.select().from(users).where(eq(users.id, user!.id));
    expect(await verifyPassword(after!.passwordHash, "a brand new password")).toBe(true);
    expect(await needsPassword(user!.id)).toBe(false);
    expect(await setNewcomerPassword(user!.id, "another password!!")).toMatchObject({ ok: false, status: 409 });
  });

  it("asks an existing email to sign in instead and changes nothing", async () => {
    const existing = await makeUser("organiser");
    const { code, id } = await startSession();
    const before = await database().db.select().from(users).where(eq(users.id, existing.id));
    const result = await joinAsNewcomer(code, { name: "Imposter", email: existing.email }, freshIp(), "vitest");
    expect(result).toMatchObject({ ok: false, status: 409, field: "email", message: expect.stringMatching(/Sign in instead/) });
    expect(await database().db.select().from(users).where(eq(users.id, existing.id))).toEqual(before);
    expect(await database().db.select().from(liveParticipants).where(eq(liveParticipants.sessionId, id))).toEqual([]);
  });

  it("limits new accounts per address (429, no account made), while signed-in people still join from it", async () => {
    const { code } = await startSession();
    const ip = "203.0.113.90";
    // The limit's window as if JOIN_LIMITS.new accounts had just been made from this address.
    await database()
      .db.insert(rateLimits)
      .values({ key: `join:new-account:${ip}`, windowEndsAt: new Date(Date.now() + 60_000), count: JOIN_LIMITS.newAccounts - 1 });
    const last = await joinAsNewcomer(code, { name: "Last One", email: "last.one@example.org" }, ip, "vitest");
    expect(last.ok).toBe(true);
    const refused = await joinAsNewcomer(code, { name: "One Too Many", email: "one.too.many@example.org" }, ip, "vitest");
    expect(refused).toMatchObject({ ok: false, status: 429, message: expect.stringMatching(/Too many new accounts/) });
    expect(await database().db.select().from(users).where(eq(users.email, "one.too.many@example.org"))).toEqual([]);
    const member = await makeUser("activist");
    expect(await joinWithCode(code, member, ip)).toMatchObject({ ok: true });
  });

  it("refuses a newcomer on an ended session without making an account", async () => {
    const s = await startSession();
    await endSession(s.code, s.trainer);
    const result = await joinAsNewcomer(s.code, { name: "Late", email: "late.comer@example.org" }, freshIp(), "vitest");
    expect(result).toMatchObject({ ok: false, status: 410 });
    expect(await database().db.select().from(users).where(eq(users.email, "late.comer@example.org"))).toEqual([]);
  });
});

describe("the trainer drives", () => {
  it("moves steps, bumping the version and notifying after commit", async () => {
    const { code, id, trainer } = await startSession();
    const heard: string[] = [];
    const unlisten = await database().listen(LIVE_CHANNEL, (payload) => heard.push(payload));
    try {
      const v0 = await version(id);
      const moved = await setStep(code, trainer, STEP.poll);
      expect(moved).toEqual({ ok: true, value: { stepIndex: STEP.poll, version: v0 + 1 } });
      await expect.poll(() => heard, { timeout: 2000 }).toContain(`${id}:${v0 + 1}`);
      const [row] = await database().db.select().from(liveSessions).where(eq(liveSessions.id, id));
      expect(row!.firstAdvancedAt).not.toBeNull();
    } finally {
      await unlisten();
    }
  });

  it("refuses steps out of range (400) and other people (403) without changing anything", async () => {
    const { code, id, trainer } = await startSession();
    const other = await makeUser("trainer");
    const [participant] = await joined(code, 1);
    const v0 = await version(id);
    expect(await setStep(code, trainer, 99)).toMatchObject({ ok: false, status: 400 });
    expect(await setStep(code, trainer, -1)).toMatchObject({ ok: false, status: 400 });
    expect(await setStep(code, other, 1)).toMatchObject({ ok: false, status: 403 });
    expect(await setStep(code, { id: participant!.id, role: "activist" }, 1)).toMatchObject({ ok: false, status: 403 });
    expect(await version(id)).toBe(v0);
    const admin = await makeUser("admin");
    expect(await setStep(code, admin, 1)).toMatchObject({ ok: true });
  });

  it("starts and stops a timer within bounds", async () => {
    const { code, id, trainer } = await startSession();
    expect(await startTimer(code, trainer, 0)).toMatchObject({ ok: false, status: 400 });
    expect(await startTimer(code, trainer, 4000)).toMatchObject({ ok: false, status: 400 });
    expect(await startTimer(code, trainer, 90)).toMatchObject({ ok: true });
    const state = await liveState(id, { kind: "presenter" });
    expect(state!.shared.timer?.seconds).toBe(90);
    const left = (Date.parse(state!.shared.timer!.endsAt) - Date.parse(state!.shared.serverNow)) / 1000;
    expect(left).toBeGreaterThan(85);
    expect(left).toBeLessThanOrEqual(90);
    await stopTimer(code, trainer);
    expect((await liveState(id, { kind: "presenter" }))!.shared.timer).toBeNull();
  });
});

describe("responses", () => {
  it("takes one poll answer per participant, replaced on change, tallied for the presenter", async () => {
    const { code, id, trainer } = await startSession();
    const [ana, ben] = await joined(code, 2);
    // The poll is on step 2: answering on step 1 is refused with a 400.
    expect(await respond(code, ana!.id, { activityId: "confidence", optionId: "very" })).toMatchObject({ ok: false, status: 400 });
    await setStep(code, trainer, STEP.poll);
    expect(await respond(code, ana!.id, { activityId: "confidence", optionId: "very" })).toMatchObject({ ok: true });
    expect(await respond(code, ana!.id, { activityId: "confidence", optionId: "very" })).toMatchObject({ ok: true });
    expect(await respond(code, ana!.id, { activityId: "confidence", optionId: "nervous" })).toMatchObject({ ok: true });
    expect(await respond(code, ben!.id, { activityId: "confidence", optionId: "nervous" })).toMatchObject({ ok: true });
    const rows = await database().db.select().from(liveResponses).where(eq(liveResponses.sessionId, id));
    expect(rows).toHaveLength(2);
    const presenter = await liveState(id, { kind: "presenter" });
    expect(presenter!.shared.tallies.confidence).toEqual({ kind: "poll", total: 2, counts: { very: 0, somewhat: 0, nervous: 2 } });
    const mine = await liveState(id, { kind: "participant", userId: ana!.id });
    expect(mine!.me!.responses.confidence).toEqual({ kind: "poll", optionId: "nervous" });
    // Participants see the tally only once the trainer reveals it.
    expect(mine!.shared.tallies).toEqual({});
    await reveal(code, trainer, "confidence");
    expect((await liveState(id, { kind: "participant", userId: ana!.id }))!.shared.tallies.confidence).toMatchObject({ total: 2 });
  });

  it("refuses unknown options, other steps' activities and non-participants with nothing stored", async () => {
    const { code, id, trainer } = await startSession();
    const [ana] = await joined(code, 1);
    const stranger = await makeUser("activist");
    await setStep(code, trainer, STEP.poll);
    const v0 = await version(id);
    expect(await respond(code, ana!.id, { activityId: "confidence", optionId: "maybe" })).toMatchObject({ ok: false, status: 400 });
    expect(await respond(code, ana!.id, { activityId: "confidence" })).toMatchObject({ ok: false, status: 400 });
    expect(await respond(code, ana!.id, { activityId: "basics", answers: { open: ["a"], listen: ["reflect", "follow"] } })).toMatchObject({
      ok: false,
      status: 400,
    });
    expect(await respond(code, ana!.id, { activityId: "no-such-thing", optionId: "x" })).toMatchObject({ ok: false, status: 400 });
    expect(await respond(code, stranger.id, { activityId: "confidence", optionId: "very" })).toMatchObject({ ok: false, status: 403 });
    expect(await respond(code, trainer.id, { activityId: "confidence", optionId: "very" })).toMatchObject({ ok: false, status: 403 });
    expect(await database().db.select().from(liveResponses).where(eq(liveResponses.sessionId, id))).toEqual([]);
    expect(await version(id)).toBe(v0);
  });

  it("checks quiz answers, tallies them per option, and closes the quiz on reveal", async () => {
    const { code, id, trainer } = await startSession();
    const [ana, ben] = await joined(code, 2);
    await setStep(code, trainer, STEP.quiz);
    expect(await respond(code, ana!.id, { activityId: "basics", answers: { open: ["a"] } })).toMatchObject({ ok: false, status: 400 });
    expect(await respond(code, ana!.id, { activityId: "basics", answers: { open: ["a", "b"], listen: ["reflect"] } })).toMatchObject({
      ok: false,
      status: 400,
    });
    expect(await respond(code, ana!.id, { activityId: "basics", answers: { open: ["a"], listen: ["reflect", "follow"] } })).toMatchObject({ ok: true });
    expect(await respond(code, ben!.id, { activityId: "basics", answers: { open: ["b"], listen: ["reflect", "pitch"] } })).toMatchObject({ ok: true });
    const presenter = await liveState(id, { kind: "presenter" });
    expect(presenter!.shared.tallies.basics).toEqual({
      kind: "quiz",
      total: 2,
      questions: { open: { a: 1, b: 1 }, listen: { reflect: 2, follow: 1, pitch: 1 } },
    });
    await reveal(code, trainer, "basics");
    expect(await respond(code, ben!.id, { activityId: "basics", answers: { open: ["a"], listen: ["reflect", "follow"] } })).toMatchObject({
      ok: false,
      status: 409,
    });
  });

  it("accepts 40 concurrent answers without losing one", async () => {
    const { code, id, trainer } = await startSession();
    const people = await joined(code, 40);
    await setStep(code, trainer, STEP.poll);
    const options = ["very", "somewhat", "nervous"];
    const results = await Promise.all(people.map((p, i) => respond(code, p.id, { activityId: "confidence", optionId: options[i % 3]! })));
    expect(results.every((r) => r.ok)).toBe(true);
    const tally = (await liveState(id, { kind: "presenter" }))!.shared.tallies.confidence;
    expect(tally).toEqual({ kind: "poll", total: 40, counts: { very: 14, somewhat: 13, nervous: 13 } });
    // Answers are announced in batches (at most one version bump per 100 ms per instance).
    await expect.poll(() => version(id), { timeout: 2000 }).toBeGreaterThan(42);
    expect(await version(id)).toBeLessThan(42 + 40);
  });
});

describe("pairing", () => {
  it("pairs the people connected now, with a trio when the count is odd, and swaps roles", async () => {
    const { code, id, trainer } = await startSession();
    const people = await joined(code, 6);
    const away = people[5]!;
    await database()
      .db.update(liveParticipants)
      .set({ lastSeenAt: sql`now() - interval '5 minutes'` })
      .where(and(eq(liveParticipants.sessionId, id), eq(liveParticipants.userId, away.id)));
    expect(await pair(code, trainer, "pair-up", { trios: false })).toMatchObject({ ok: false, status: 400 }); // not on this step
    await setStep(code, trainer, STEP.pairs);
    expect(await pair(code, trainer, "pair-up", { trios: false })).toMatchObject({ ok: true, value: { groups: 2 } });
    const presenter = (await liveState(id, { kind: "presenter" }))!.presenter!;
    const sizes = presenter.groups!.map((g) => g.length).sort();
    expect(sizes).toEqual([2, 3]);
    expect(presenter.groups!.flat().map((m) => m.userId)).not.toContain(away.id);
    const trio = presenter.groups!.find((g) => g.length === 3)!;
    expect(trio.map((m) => m.role)).toEqual(["canvasser", "resident", "observer"]);

    // Each participant's own view names their role and partners, never anyone else's card.
    for (const member of presenter.groups!.flat()) {
      const view = (await liveState(id, { kind: "participant", userId: member.userId }))!;
      expect(view.me!.role).toMatchObject({ activityId: "pair-up", round: 1, role: member.role });
      expect(view.presenter).toBeNull();
      const others = presenter.groups!.flat().filter((m) => m.userId !== member.userId && !view.me!.role!.partners.some((p) => p.name === m.name));
      const json = JSON.stringify(view);
      for (const other of others) expect(json).not.toContain(other.userId);
      expect(json).not.toContain('"groups"');
    }
    const awayView = (await liveState(id, { kind: "participant", userId: away.id }))!;
    expect(awayView.me!.role).toBeNull();

    expect(await swapPairs(code, trainer, "pair-up")).toMatchObject({ ok: true, value: { round: 2 } });
    const swapped = (await liveState(id, { kind: "presenter" }))!.presenter!.groups!;
    const before = new Map(presenter.groups!.flat().map((m) => [m.userId, m.role]));
    for (const group of swapped) {
      for (const m of group) {
        const was = before.get(m.userId);
        if (group.length === 2) expect(m.role).toBe(was === "canvasser" ? "resident" : "canvasser");
        else expect(m.role).toBe({ observer: "canvasser", canvasser: "resident", resident: "observer" }[was!]);
      }
    }
    await unpair(code, trainer);
    expect((await liveState(id, { kind: "presenter" }))!.shared.pairing).toBeNull();
  });

  it("makes trios on request and needs two people", async () => {
    const { code, id, trainer } = await startSession();
    await setStep(code, trainer, STEP.pairs);
    expect(await pair(code, trainer, "pair-up", { trios: true })).toMatchObject({ ok: false, status: 409 });
    await joined(code, 7);
    expect(await pair(code, trainer, "pair-up", { trios: true })).toMatchObject({ ok: true, value: { groups: 3 } });
    const groups = (await liveState(id, { kind: "presenter" }))!.presenter!.groups!;
    expect(groups.map((g) => g.length).sort()).toEqual([2, 2, 3]);
  });

  it("lets only the observer tick the checklist for their canvasser, summarised for the presenter", async () => {
    const { code, id, trainer } = await startSession();
    await joined(code, 3);
    await setStep(code, trainer, STEP.pairs);
    await pair(code, trainer, "pair-up", { trios: true });
    const [group] = (await liveState(id, { kind: "presenter" }))!.presenter!.groups!;
    const observer = group!.find((m) => m.role === "observer")!;
    const canvasser = group!.find((m) => m.role === "canvasser")!;
    expect(await tickRubric(code, canvasser.userId, "pair-up", ["listened"])).toMatchObject({ ok: false, status: 403 });
    expect(await tickRubric(code, observer.userId, "pair-up", ["bribed"])).toMatchObject({ ok: false, status: 400 });
    expect(await tickRubric(code, observer.userId, "pair-up", ["story", "open-question", "story"])).toMatchObject({
      ok: true,
      value: { items: ["open-question", "story"] },
    });
    const view = (await liveState(id, { kind: "participant", userId: observer.userId }))!;
    expect(view.me!.rubric).toEqual({ activityId: "pair-up", round: 1, canvasserName: canvasser.name, items: ["open-question", "story"] });
    const presenter = (await liveState(id, { kind: "presenter" }))!.presenter!;
    expect(presenter.rubric).toEqual([{ canvasserName: canvasser.name, observerName: observer.name, items: ["open-question", "story"] }]);
  });
});

describe("playing a scenario together", () => {
  it("takes votes per turn, advances along the trainer's choice to an ending, and stores path and votes", async () => {
    const { code, id, trainer } = await startSession();
    const [a, b, c] = await joined(code, 3);
    await setStep(code, trainer, STEP.scenario);
    expect(await vote(code, a!.id, "door-play", 0, 0)).toMatchObject({ ok: true });
    expect(await vote(code, b!.id, "door-play", 0, 0)).toMatchObject({ ok: true });
    expect(await vote(code, c!.id, "door-play", 0, 1)).toMatchObject({ ok: true });
    expect(await vote(code, c!.id, "door-play", 0, 0)).toMatchObject({ ok: true }); // changed their mind
    expect(await vote(code, c!.id, "door-play", 0, 7)).toMatchObject({ ok: false, status: 400 });
    expect(await vote(code, c!.id, "door-play", 1, 0)).toMatchObject({ ok: false, status: 409 });
    let presenter = (await liveState(id, { kind: "presenter" }))!;
    expect(presenter.shared.scenarios["door-play"]).toMatchObject({ turn: 0, voters: 3, votes: { 0: 3 }, currentNode: "door" });
    const participant = (await liveState(id, { kind: "participant", userId: a!.id }))!;
    expect(participant.shared.scenarios["door-play"]!.votes).toBeNull();
    expect(participant.me!.votes).toEqual({ "door-play": 0 });

    expect(await advanceScenario(code, a!, "door-play", 0, 0)).toMatchObject({ ok: false, status: 403 });
    expect(await advanceScenario(code, trainer, "door-play", 0, 0)).toMatchObject({ ok: true, value: { endingId: null } });
    expect(await advanceScenario(code, trainer, "door-play", 0, 0)).toMatchObject({ ok: true }); // double click: same move
    expect(await vote(code, a!.id, "door-play", 0, 0)).toMatchObject({ ok: false, status: 409 });
    await vote(code, a!.id, "door-play", 1, 1);
    expect(await advanceScenario(code, trainer, "door-play", 1, 0)).toMatchObject({ ok: true, value: { endingId: "good" } });
    presenter = (await liveState(id, { kind: "presenter" }))!;
    expect(presenter.shared.scenarios["door-play"]).toMatchObject({
      endingId: "good",
      path: [
        { node: "door", choice: 0, votes: { 0: 3 } },
        { node: "listening", choice: 0, votes: { 1: 1 } },
      ],
    });
    expect(await vote(code, b!.id, "door-play", 2, 0)).toMatchObject({ ok: false, status: 409 });
    await restartScenario(code, trainer, "door-play");
    presenter = (await liveState(id, { kind: "presenter" }))!;
    expect(presenter.shared.scenarios["door-play"]).toMatchObject({ run: 2, turn: 0, voters: 0, path: [], endingId: null });
    const stored = await database().db.select().from(liveResponses).where(eq(liveResponses.sessionId, id));
    expect(stored).toHaveLength(4); // three votes on run 1 turn 0, one on turn 1: kept
  });
});

describe("ending", () => {
  it("records attendance and live completions; keeps an earlier completion; closes the session", async () => {
    const { code, id, trainer } = await startSession();
    const [stayed, droppedOff, marked, selfPaced] = await joined(code, 4);
    await database().db.insert(moduleCompletions).values({ userId: selfPaced!.id, moduleSlug: LIVE_MODULE, contentHash: "earlier", how: "self" });
    await setStep(code, trainer, STEP.poll);
    // Someone joining long after the start (past the grace period) did not attend the whole session.
    const late = await makeUser("activist");
    await joinWithCode(code, late, freshIp());
    await database()
      .db.update(liveParticipants)
      .set({ joinedAt: sql`now() + interval '11 minutes'` })
      .where(and(eq(liveParticipants.sessionId, id), eq(liveParticipants.userId, late.id)));
    await database()
      .db.update(liveParticipants)
      .set({ lastSeenAt: sql`now() - interval '10 minutes'` })
      .where(and(eq(liveParticipants.sessionId, id), sql`${liveParticipants.userId} in (${droppedOff!.id}, ${marked!.id})`));
    expect(await markAttendance(code, trainer, marked!.id, "present")).toMatchObject({ ok: true });
    expect(await markAttendance(code, trainer, "nobody", "present")).toMatchObject({ ok: false, status: 404 });

    const ended = await endSession(code, trainer);
    expect(ended).toMatchObject({ ok: true, value: { attended: 3, participants: 5, completions: 2 } });
    const completions = await database().db.select().from(moduleCompletions).where(eq(moduleCompletions.moduleSlug, LIVE_MODULE));
    const byUser = new Map(completions.map((c) => [c.userId, c]));
    expect(byUser.get(stayed!.id)).toMatchObject({ how: "live", liveSessionId: id });
    expect(byUser.get(marked!.id)).toMatchObject({ how: "live", liveSessionId: id });
    expect(byUser.get(selfPaced!.id)).toMatchObject({ how: "self", contentHash: "earlier", liveSessionId: null });
    expect(byUser.has(droppedOff!.id)).toBe(false);
    expect(byUser.has(late.id)).toBe(false);

    const view = (await liveState(id, { kind: "participant", userId: stayed!.id }))!;
    expect(view.shared.status).toBe("ended");
    expect(view.me!.attended).toBe(true);
    expect(await endSession(code, trainer)).toMatchObject({ ok: false, status: 410 });
    expect(await setStep(code, trainer, 0)).toMatchObject({ ok: false, status: 410 });
    expect(await respond(code, stayed!.id, { activityId: "confidence", optionId: "very" })).toMatchObject({ ok: false, status: 410 });

    const listed = await listTrainerSessions(trainer);
    expect(listed[0]).toMatchObject({ id, status: "ended", moduleTitle: "Live demo module", participants: 5, attended: 3 });
    const otherTrainer = await makeUser("trainer");
    expect(await listTrainerSessions(otherTrainer)).toEqual([]);
  });
});
