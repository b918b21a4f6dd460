import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { answerBatchStats } from "~/live/answer-batch.server";
import { LiveHub } from "~/live/hub.server";
import { respond } from "~/live/answers.server";
import { setStep } from "~/live/lifecycle.server";
import { liveState } from "~/live/state.server";
import { databaseHandle } from "../../db/client.server";
import { liveResponses } from "../../db/schema";
import { roomOnStep, STEP, withLiveCatalog } from "../fixtures/live-modules/setup";
import { makeUser } from "../setup/fixtures";
import { withTestDatabase } from "../setup/database";

// Answers are stored by group commit (app/live/answer-batch.server.ts, ADR 025): these
// check that batching changes nothing a participant or trainer can see.

const database = withTestDatabase();
withLiveCatalog();

const OPTIONS = ["very", "somewhat", "nervous"] as const;

const storedRows = (sessionId: string) =>
  database().db.select().from(liveResponses).where(and(eq(liveResponses.sessionId, sessionId), eq(liveResponses.activityId, "confidence")));

describe("answers stored by group commit", () => {
  it("stores 60 concurrent answers exactly once each, in fewer statements than answers, with an exact tally", async () => {
    const { code, id, people } = await roomOnStep(60);
    const before = { ...answerBatchStats };
    const results = await Promise.all(people.map((p, i) => respond(code, p.id, { activityId: "confidence", optionId: OPTIONS[i % 3] })));
    expect(results.every((r) => r.ok)).toBe(true);
    const statements = answerBatchStats.statements - before.statements;
    expect(answerBatchStats.rows - before.rows).toBe(60);
    // Batched: answers that arrived while one statement committed went in the next.
    expect(statements).toBeLessThan(60);
    expect(answerBatchStats.largest).toBeGreaterThan(1);
    const rows = await storedRows(id);
    expect(rows).toHaveLength(60);
    expect(new Set(rows.map((r) => r.userId)).size).toBe(60);
    const tally = (await liveState(id, { kind: "presenter" }))!.shared.tallies.confidence;
    expect(tally).toEqual({ kind: "poll", total: 60, counts: { very: 20, somewhat: 20, nervous: 20 } });
  });

  it("counts a resubmitted answer once: double taps in one batch, and a changed mind replacing the first answer", async () => {
    const { code, id, people } = await roomOnStep(30);
    // Concurrent sends of one person reach the database in no set order (as they would
    // from a browser), so the double taps are identical; a change of mind follows the
    // first answer's reply, while everyone else's answers are still arriving.
    const before = answerBatchStats.statements;
    const sends = people.flatMap((p, i) =>
      i < 15
        ? [0, 1, 2].map(() => respond(code, p.id, { activityId: "confidence", optionId: "very" }))
        : [respond(code, p.id, { activityId: "confidence", optionId: "very" }).then(() => respond(code, p.id, { activityId: "confidence", optionId: "nervous" }))],
    );
    const results = await Promise.all(sends);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(answerBatchStats.statements - before).toBeLessThan(15 * 3 + 15 * 2);
    const rows = await storedRows(id);
    expect(rows).toHaveLength(30);
    const optionOf = new Map(rows.map((r) => [r.userId, r.answer.kind === "poll" ? r.answer.optionId : null]));
    people.forEach((p, i) => expect(optionOf.get(p.id)).toBe(i < 15 ? "very" : "nervous"));
    const tally = (await liveState(id, { kind: "presenter" }))!.shared.tallies.confidence;
    expect(tally).toEqual({ kind: "poll", total: 30, counts: { very: 15, somewhat: 0, nervous: 15 } });
  });

  it("gives each answer in a batch its own outcome: refused ones store nothing, the rest are stored", async () => {
    const { code, id, people } = await roomOnStep(20);
    const strangers = await Promise.all([makeUser("activist"), makeUser("activist")]);
    const results = await Promise.all([
      ...people.map((p) => respond(code, p.id, { activityId: "confidence", optionId: "somewhat" })),
      // Not participants: the batch's join drops them, and each is told why.
      ...strangers.map((s) => respond(code, s.id, { activityId: "confidence", optionId: "very" })),
      // A quiz that is not on the current step.
      respond(code, people[0]!.id, { activityId: "basics", answers: { open: ["a"], listen: ["reflect", "follow"] } }),
    ]);
    expect(results.slice(0, 20).every((r) => r.ok)).toBe(true);
    expect(results.slice(20, 22)).toEqual([expect.objectContaining({ ok: false, status: 403 }), expect.objectContaining({ ok: false, status: 403 })]);
    expect(results[22]).toMatchObject({ ok: false, status: 400 });
    const rows = await database().db.select().from(liveResponses).where(eq(liveResponses.sessionId, id));
    expect(rows).toHaveLength(20);
    expect(rows.every((r) => r.activityId === "confidence" && people.some((p) => p.id === r.userId))).toBe(true);
  });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("pushes to a big room", () => {
  // The room counts as big from 2 streams here; its tally window is long enough that a
  // busy machine cannot blur "waited" and "went out".
  async function hubWith(bigRoomClients: number) {
    const hub = new LiveHub(databaseHandle(), { bigRoomClients, bigRoomTallyMs: 4_000, coalesceMs: 10 });
    await hub.start();
    return hub;
  }

  async function pushesAfterTwoAnswers(bigRoomClients: number) {
    const { code, id, people, trainer } = await roomOnStep(3);
    const hub = await hubWith(bigRoomClients);
    const streams = people.map((p) => hub.connect(id, { kind: "participant", userId: p.id }, new AbortController().signal));
    try {
      await sleep(200); // the first states (a greeting, not a push)
      const start = hub.stats.pushes;
      expect(await respond(code, people[0]!.id, { activityId: "confidence", optionId: "very" })).toMatchObject({ ok: true });
      await expect.poll(() => hub.stats.pushes, { timeout: 3_000 }).toBe(start + 1); // the first change goes at once
      await sleep(50);
      expect(await respond(code, people[1]!.id, { activityId: "confidence", optionId: "nervous" })).toMatchObject({ ok: true });
      await sleep(1_200);
      const afterSecondAnswer = hub.stats.pushes - start;
      // A trainer's change never waits for the tally window.
      const stepAt = Date.now();
      await setStep(code, trainer, STEP.poll + 1);
      await expect.poll(() => hub.stats.pushes, { timeout: 3_000 }).toBeGreaterThan(start + afterSecondAnswer);
      return { afterSecondAnswer, stepMs: Date.now() - stepAt };
    } finally {
      for (const s of streams) await s.body?.cancel();
      await hub.stop();
    }
  }

  it("pushes a tally change at most once per window in a big room, and a step change at once", async () => {
    const big = await pushesAfterTwoAnswers(2);
    expect(big.afterSecondAnswer).toBe(1);
    expect(big.stepMs).toBeLessThan(2_500);
  });

  it("keeps the short window in a small room", async () => {
    const small = await pushesAfterTwoAnswers(1_000);
    expect(small.afterSecondAnswer).toBe(2);
  });
});
