import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { joinWithCode } from "~/live/joining.server";
import { createLiveSession, setStep } from "~/live/lifecycle.server";
import { liveState } from "~/live/state.server";
import * as liveAnswer from "~/routes/live.$code.answer";
import * as liveParticipant from "~/routes/live.$code._index";
import { liveResponses } from "../../db/schema";
import { LIVE_MODULE, STEP, withLiveCatalog } from "../fixtures/live-modules/setup";
import { makeUser, post, run, TEST_ORIGIN, type TestUser } from "../setup/fixtures";
import { withTestDatabase } from "../setup/database";

// The participant page's scripted poll answer (POST /live/:code/answer, ADR 043): the same
// domain command, session check and messages as the page's own form post, in JSON. Each
// refusal is compared with what the page's action says to the same post, and stores nothing.

const database = withTestDatabase();
withLiveCatalog();

let ipCounter = 0;
const freshIp = () => `198.51.100.${++ipCounter}`;

async function room() {
  const trainer = await makeUser("trainer");
  const created = await createLiveSession(trainer, { moduleSlug: LIVE_MODULE });
  if (!created.ok) throw new Error(created.message);
  const people: TestUser[] = [await makeUser("activist"), await makeUser("activist")];
  for (const person of people) expect(await joinWithCode(created.value.code, person, freshIp())).toMatchObject({ ok: true });
  return { trainer, code: created.value.code, id: created.value.id, people };
}

/** The endpoint's status and JSON for a request. */
async function answer(code: string, request: Request) {
  const response = (await liveAnswer.action({ request, params: { code }, context: { clientIp: "203.0.113.7" } })) as Response;
  expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
  return { status: response.status, body: (await response.json()) as unknown };
}

/** What the page's own action answers the same fields with. */
const viaPage = (code: string, fields: Record<string, string>, cookie?: string) => run(liveParticipant.action, post(`/live/${code}`, fields, cookie), { code });

const rowsOf = (sessionId: string) => database().db.select().from(liveResponses).where(and(eq(liveResponses.sessionId, sessionId), eq(liveResponses.activityId, "confidence")));

describe("POST /live/:code/answer", () => {
  it("refuses bad input with the page's own status and message, and stores nothing", async () => {
    const { trainer, code, id, people } = await room();
    const stranger = await makeUser("activist");
    const me = people[0]!;
    const poll = { intent: "answer", activityId: "confidence" };
    // Each case: the fields, whose cookie, and the status the page's action gives too.
    const cases: [string, Record<string, string>, string | undefined, number][] = [
      ["not on the poll's step yet", { ...poll, optionId: "very" }, me.cookie, 400],
    ];
    for (const [label, fields, cookie, status] of cases) {
      const page = await viaPage(code, fields, cookie);
      const got = await answer(code, post(`/live/${code}/answer`, fields, cookie));
      expect({ label, status: got.status }).toEqual({ label, status });
      expect(got.body).toEqual(page.body);
    }
    await setStep(code, trainer, STEP.poll);
    const onStep: [string, Record<string, string>, string | undefined, number][] = [
      ["an option the poll does not have", { ...poll, optionId: "maybe" }, me.cookie, 400],
      ["no option", { ...poll }, me.cookie, 400],
      ["an activity that is not there", { intent: "answer", activityId: "nothing-here", optionId: "very" }, me.cookie, 400],
      ["someone who has not joined", { ...poll, optionId: "very" }, stranger.cookie, 403],
    ];
    for (const [label, fields, cookie, status] of onStep) {
      const page = await viaPage(code, fields, cookie);
      const got = await answer(code, post(`/live/${code}/answer`, fields, cookie));
      expect({ label, status: got.status }).toEqual({ label, status });
      expect({ label, body: got.body }).toEqual({ label, body: page.body });
    }
    const unknown = await answer("ZZZZZZ", post(`/live/ZZZZZZ/answer`, { ...poll, optionId: "very" }, me.cookie));
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual((await viaPage("ZZZZZZ", { ...poll, optionId: "very" }, me.cookie)).body);

    // What only the endpoint can be asked: signed out (the page redirects to sign in),
    // another intent, a body that is not a form, a control character.
    expect(await answer(code, post(`/live/${code}/answer`, { ...poll, optionId: "very" }))).toMatchObject({ status: 401, body: { ok: false } });
    expect(await answer(code, post(`/live/${code}/answer`, { intent: "vote", activityId: "door-play", turn: "0", choice: "0" }, me.cookie))).toMatchObject({
      status: 400,
      body: { ok: false, failure: { activityId: "door-play" } },
    });
    const json = new Request(new URL(`/live/${code}/answer`, TEST_ORIGIN), {
      method: "POST",
      body: JSON.stringify({ ...poll, optionId: "very" }),
      headers: { Origin: TEST_ORIGIN, "Content-Type": "application/json", Cookie: me.cookie },
    });
    expect(await answer(code, json)).toMatchObject({ status: 415, body: { ok: false, failure: { message: expect.stringMatching(/form/) } } });
    expect(await answer(code, post(`/live/${code}/answer`, { ...poll, optionId: "very\u0000" }, me.cookie))).toMatchObject({ status: 400 });

    expect(await rowsOf(id)).toHaveLength(0);
  });

  it("stores an answer; repeated and concurrent submits count once, and a change of mind replaces it", async () => {
    const { trainer, code, id, people } = await room();
    await setStep(code, trainer, STEP.poll);
    const [ann, bob] = people as [TestUser, TestUser];
    const send = (user: TestUser, optionId: string) => answer(code, post(`/live/${code}/answer`, { intent: "answer", activityId: "confidence", optionId }, user.cookie));
    const taps = await Promise.all([send(ann, "very"), send(ann, "very"), send(ann, "very"), send(bob, "nervous")]);
    for (const tap of taps) expect(tap).toEqual({ status: 200, body: { ok: true } });
    expect(await send(bob, "somewhat")).toEqual({ status: 200, body: { ok: true } });
    const rows = await rowsOf(id);
    expect(rows).toHaveLength(2);
    const tally = (await liveState(id, { kind: "presenter" }))!.shared.tallies.confidence;
    expect(tally).toEqual({ kind: "poll", total: 2, counts: { very: 1, somewhat: 1, nervous: 0 } });
    // The same answer through the page's own form (no JavaScript): still one row.
    expect(await viaPage(code, { intent: "answer", activityId: "confidence", optionId: "very" }, ann.cookie)).toMatchObject({ status: 200 });
    expect(await rowsOf(id)).toHaveLength(2);
  });
});
