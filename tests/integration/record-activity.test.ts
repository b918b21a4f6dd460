import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCatalog, syncModulesTable } from "~/content/catalog.server";
import { runParticipantCommand, runPresenterCommand } from "~/live/commands.server";
import { joinWithCode } from "~/live/joining.server";
import { createLiveSession } from "~/live/lifecycle.server";
import { liveState } from "~/live/state.server";
import * as stepPage from "~/routes/modules.$slug.$step";
import { liveResponses, recordEntries } from "../../db/schema";
import { moduleOf } from "../setup/content";
import { withTestDatabase } from "../setup/database";
import { makeUser, post, run, type TestUser } from "../setup/fixtures";
import { completionsOf, key, openStep, openSteps, submit } from "../setup/learner";

// The Record activity on both databases: a learner records a scenario's conversation on the
// step page (self-paced) or on their live screen, and each field is compared with what the
// resident said as that conversation ended. Bad input is a 4xx with a sentence and no write.

const database = withTestDatabase();
const SLUG = "record-practice";
const module = () => moduleOf(SLUG);

let cache = "";
beforeAll(async () => {
  cache = mkdtempSync(path.join(tmpdir(), "doorstep-record-cache-"));
  process.env.CONTENT_CACHE_DIR = cache;
  const result = await loadCatalog(path.resolve("tests/fixtures/record-modules"));
  if (result.problems.length) throw new Error(JSON.stringify(result.problems));
  await syncModulesTable();
});
afterAll(() => {
  if (cache) rmSync(cache, { recursive: true, force: true });
});

const GOOD_RECORD = { intent: "record", activityId: "bus-record", support: "3", issue: ["buses"], commitment: "none", "follow-up": "callback", note: "Works lates" };

async function playTo(user: TestUser, choice: 0 | 1) {
  expect(await submit(user, module(), "door", { intent: "scenario-start", activityId: "bus-door", runKey: key() })).toMatchObject({ ok: true });
  const progress = await openStep(user, module(), "door");
  const runId = progress.scenarios["bus-door"]!.latest.id;
  return submit(user, module(), "door", { intent: "scenario-choose", activityId: "bus-door", runId, fromNode: "hello", step: "0", choice: String(choice) });
}

const entriesOf = (userId: string) => database().db.select().from(recordEntries).where(eq(recordEntries.userId, userId));

describe("self-paced records", () => {
  it("compares the record with the ending the learner's conversation reached, and saving again replaces it", async () => {
    const user = await makeUser("activist");
    await playTo(user, 0); // "kept": she'll think about it
    expect(await submit(user, module(), "record", { ...GOOD_RECORD, support: "2" })).toEqual({ ok: true, completed: false });
    let rows = await entriesOf(user.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      recordId: "bus-record",
      endingId: "kept",
      entry: { support: "2", issues: ["buses"], commitment: "none", "follow-up": "callback", note: "Works lates" },
      results: { support: false, issues: true, commitment: true, "follow-up": true },
    });
    // The page shows it back, with the comparison.
    const progress = await openStep(user, module(), "record");
    expect(progress.records["bus-record"]).toMatchObject({ endingId: "kept", results: { support: false } });

    // Play again to the closed door: a new record is compared with the new ending.
    await playTo(user, 1);
    expect(await submit(user, module(), "record", { ...GOOD_RECORD, support: "unknown", issue: [], "follow-up": "no-contact" })).toMatchObject({ ok: true });
    rows = await entriesOf(user.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ endingId: "closed", results: { support: true, issues: true, commitment: true, "follow-up": true } });
  });

  it("compares with what holds however it went when no conversation has ended", async () => {
    const user = await makeUser("activist");
    expect(await submit(user, module(), "record", GOOD_RECORD)).toMatchObject({ ok: true });
    expect((await entriesOf(user.id))[0]).toMatchObject({ endingId: null, results: { support: true, issues: true, commitment: true, "follow-up": true } });
  });

  it("refuses bad input with a 400 and a sentence, and writes nothing", async () => {
    const user = await makeUser("activist");
    const bad: [Record<string, string | string[]>, RegExp][] = [
      [{ support: "__proto__" }, /not a support level code/],
      [{ commitment: "constructor" }, /not a commitment code/],
      [{ "follow-up": "" }, /Choose a follow-up/],
      [{ issue: ["buses", "__proto__"] }, /no issue "__proto__"/],
      [{ issue: ["buses", "buses"] }, /ticked twice/],
      [{ note: "x".repeat(201) }, /at most 200 characters/],
      [{ activityId: "bus-door" }, /has no record "bus-door"/],
      [{ activityId: "nope" }, /has no record "nope"/],
    ];
    for (const [change, message] of bad) {
      const outcome = await run(stepPage.action, post(`/modules/${SLUG}/record`, { ...GOOD_RECORD, ...change }, user.cookie), { slug: SLUG, step: "record" });
      expect(outcome.status, JSON.stringify(change)).toBe(400);
      expect((outcome.body as { failure: { message: string } }).failure.message).toMatch(message);
    }
    const missing = await run(stepPage.action, post(`/modules/${SLUG}/record`, { intent: "record", activityId: "bus-record" }, user.cookie), { slug: SLUG, step: "record" });
    expect(missing.status).toBe(400);
    expect(await entriesOf(user.id)).toHaveLength(0);
  });

  it("does not count toward completion: every step seen and the scenario ended complete the module without a record", async () => {
    const user = await makeUser("activist");
    await openSteps(user, module());
    expect(await playTo(user, 0)).toEqual({ ok: true, completed: true });
    expect(await completionsOf(user.id)).toHaveLength(1);
    expect(await entriesOf(user.id)).toHaveLength(0);
    // Recording afterwards changes nothing about the completion.
    expect(await submit(user, module(), "record", GOOD_RECORD)).toEqual({ ok: true, completed: false });
    expect(await completionsOf(user.id)).toHaveLength(1);
  });
});

describe("live records", () => {
  const form = (fields: Record<string, string | string[]>) => {
    const data = new FormData();
    for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) data.append(k, one);
    return data;
  };

  async function session() {
    const trainer = await makeUser("trainer");
    const created = await createLiveSession(trainer, { moduleSlug: SLUG });
    if (!created.ok) throw new Error(created.message);
    const people: TestUser[] = [];
    for (let i = 0; i < 2; i++) {
      const person = await makeUser("activist");
      expect(await joinWithCode(created.value.code, person, `198.51.100.${40 + i}`)).toMatchObject({ ok: true });
      people.push(person);
    }
    const actor = { id: trainer.id, role: trainer.role };
    const presenter = (fields: Record<string, string>) => runPresenterCommand(created.value.code, actor, form(fields));
    return { ...created.value, people, presenter };
  }

  const liveRows = (sessionId: string) => database().db.select().from(liveResponses).where(and(eq(liveResponses.sessionId, sessionId), eq(liveResponses.activityId, "bus-record")));

  it("compares each participant's record with the room's ending, and tallies the room's codes for the presenter", async () => {
    const s = await session();
    expect(await s.presenter({ intent: "step", to: "1" })).toMatchObject({ ok: true });
    expect(await s.presenter({ intent: "advance", activityId: "bus-door", turn: "0", choice: "1" })).toMatchObject({ ok: true }); // the closed door
    expect(await s.presenter({ intent: "step", to: "2" })).toMatchObject({ ok: true });

    const [a, b] = s.people as [TestUser, TestUser];
    expect(await runParticipantCommand(s.code, a.id, form({ ...GOOD_RECORD, support: "unknown", issue: [], "follow-up": "no-contact" }))).toMatchObject({ ok: true });
    expect(await runParticipantCommand(s.code, b.id, form(GOOD_RECORD))).toMatchObject({ ok: true });
    const rows = await liveRows(s.id);
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.userId === a.id)!.answer).toMatchObject({ kind: "record", endingId: "closed", results: { support: true, issues: true, commitment: true, "follow-up": true } });
    expect(rows.find((r) => r.userId === b.id)!.answer).toMatchObject({ kind: "record", endingId: "closed", results: { support: false, issues: false, commitment: true, "follow-up": false } });

    const view = await liveState(s.id, { kind: "presenter" });
    expect(view!.shared.tallies["bus-record"]).toEqual({
      kind: "record",
      total: 2,
      endingId: "closed",
      fields: { support: { unknown: 1, "3": 1 }, issues: { buses: 1 }, commitment: { none: 2 }, "follow-up": { "no-contact": 1, callback: 1 } },
    });
    // A participant sees their own record; the room's tally only once revealed.
    const mine = await liveState(s.id, { kind: "participant", userId: b.id });
    expect(mine!.me!.responses["bus-record"]).toMatchObject({ kind: "record", entry: { support: "3" } });
    expect(mine!.shared.tallies["bus-record"]).toBeUndefined();
  });

  it("refuses bad input and a record off the current step with a 4xx and no write", async () => {
    const s = await session();
    const [a] = s.people as [TestUser];
    const offStep = await runParticipantCommand(s.code, a.id, form(GOOD_RECORD));
    expect(offStep).toMatchObject({ ok: false, status: 400, message: expect.stringMatching(/isn't on the current step/) });
    expect(await s.presenter({ intent: "step", to: "2" })).toMatchObject({ ok: true });
    for (const change of [{ support: "__proto__" }, { issue: ["constructor"] }, { commitment: "" }, { note: "y".repeat(201) }, { activityId: "bus-door" }]) {
      const result = await runParticipantCommand(s.code, a.id, form({ ...GOOD_RECORD, ...change }));
      expect(result, JSON.stringify(change)).toMatchObject({ ok: false, status: 400 });
    }
    const outsider = await makeUser("activist");
    expect(await runParticipantCommand(s.code, outsider.id, form(GOOD_RECORD))).toMatchObject({ ok: false, status: 403 });
    expect(await liveRows(s.id)).toHaveLength(0);
  });
});
