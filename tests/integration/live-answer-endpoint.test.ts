import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { answerFromBody } from "~/live/answer-endpoint.server";
import { setStep } from "~/live/lifecycle.server";
import { liveState } from "~/live/state.server";
import * as liveAnswer from "~/routes/live.$code.answer";
import * as liveParticipant from "~/routes/live.$code._index";
import { liveResponses } from "../../db/schema";
import { roomOnStep, STEP, withLiveCatalog } from "../fixtures/live-modules/setup";
import { makeUser, post, run, TEST_ORIGIN, type TestUser } from "../setup/fixtures";
import { withTestDatabase } from "../setup/database";

// The participant page's scripted answers and votes (POST /live/:code/answer, ADR 043, 047):
// the same domain command, session check and messages as the page's own form post, in JSON.
// The endpoint is asked both ways it is served: as the route (a web Request: dev, tests) and
// as server.js serves it (answerFromBody: the body's bytes and two headers). Each refusal is
// compared with what the page's action says to the same post, and stores nothing.

const database = withTestDatabase();
withLiveCatalog();

type Fields = Record<string, string | string[]>;

/** The endpoint's status and JSON for a request, asked both ways; both must agree. */
async function answer(code: string, request: Request) {
  const copy = request.clone();
  const response = (await liveAnswer.action({ request, params: { code }, context: { clientIp: "203.0.113.7" } })) as Response;
  expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
  const viaRoute = { status: response.status, body: (await response.json()) as unknown };
  const viaServer = await answerFromBody({ body: new Uint8Array(await copy.arrayBuffer()), contentType: copy.headers.get("content-type"), cookie: copy.headers.get("cookie") }, code);
  expect(viaServer).toEqual(viaRoute);
  return viaRoute;
}

/** What the page's own action answers the same fields with. */
const viaPage = (code: string, fields: Fields, cookie?: string) => run(liveParticipant.action, post(`/live/${code}`, fields, cookie), { code });

const rowsOf = (sessionId: string, activityId: string) =>
  database().db.select().from(liveResponses).where(and(eq(liveResponses.sessionId, sessionId), eq(liveResponses.activityId, activityId)));

/** Each case: a label, the fields, whose cookie, and the status the page's action gives too. */
type Case = [string, Fields, string | undefined, number];
async function sameRefusals(code: string, cases: Case[]) {
  for (const [label, fields, cookie, status] of cases) {
    const page = await viaPage(code, fields, cookie);
    const got = await answer(code, post(`/live/${code}/answer`, fields, cookie));
    expect({ label, status: got.status }).toEqual({ label, status });
    expect({ label, pageStatus: page.status }).toEqual({ label, pageStatus: status });
    expect({ label, body: got.body }).toEqual({ label, body: page.body });
  }
}

describe("POST /live/:code/answer", () => {
  it("refuses a bad poll answer with the page's own status and message, and stores nothing", async () => {
    const { trainer, code, id, people } = await roomOnStep(2, STEP.welcome);
    const stranger = await makeUser("activist");
    const me = people[0]!;
    const poll = { intent: "answer", activityId: "confidence" };
    await sameRefusals(code, [["not on the poll's step yet", { ...poll, optionId: "very" }, me.cookie, 400]]);
    await setStep(code, trainer, STEP.poll);
    await sameRefusals(code, [
      ["an option the poll does not have", { ...poll, optionId: "maybe" }, me.cookie, 400],
      ["no option", { ...poll }, me.cookie, 400],
      ["an activity that is not there", { intent: "answer", activityId: "nothing-here", optionId: "very" }, me.cookie, 400],
      ["someone who has not joined", { ...poll, optionId: "very" }, stranger.cookie, 403],
    ]);
    const unknown = await answer("ZZZZZZ", post(`/live/ZZZZZZ/answer`, { ...poll, optionId: "very" }, me.cookie));
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual((await viaPage("ZZZZZZ", { ...poll, optionId: "very" }, me.cookie)).body);

    // What only the endpoint can be asked: signed out (the page redirects to sign in),
    // another intent, a body that is not a form, a control character.
    expect(await answer(code, post(`/live/${code}/answer`, { ...poll, optionId: "very" }))).toMatchObject({ status: 401, body: { ok: false } });
    expect(await answer(code, post(`/live/${code}/answer`, { intent: "reflect", activityId: "confidence", body: "hello" }, me.cookie))).toMatchObject({
      status: 400,
      body: { ok: false, failure: { activityId: "confidence", message: expect.stringMatching(/intent=vote/) } },
    });
    const json = new Request(new URL(`/live/${code}/answer`, TEST_ORIGIN), {
      method: "POST",
      body: JSON.stringify({ ...poll, optionId: "very" }),
      headers: { Origin: TEST_ORIGIN, "Content-Type": "application/json", Cookie: me.cookie },
    });
    expect(await answer(code, json)).toMatchObject({ status: 415, body: { ok: false, failure: { message: expect.stringMatching(/form/) } } });
    expect(await answer(code, post(`/live/${code}/answer`, { ...poll, optionId: "very\u0000" }, me.cookie))).toMatchObject({ status: 400 });

    expect(await rowsOf(id, "confidence")).toHaveLength(0);
  });

  it("stores a poll answer; repeated and concurrent submits count once, and a change of mind replaces it", async () => {
    const { code, id, people } = await roomOnStep(2, STEP.poll);
    const [ann, bob] = people as [TestUser, TestUser];
    const send = (user: TestUser, optionId: string) => answer(code, post(`/live/${code}/answer`, { intent: "answer", activityId: "confidence", optionId }, user.cookie));
    const taps = await Promise.all([send(ann, "very"), send(ann, "very"), send(ann, "very"), send(bob, "nervous")]);
    for (const tap of taps) expect(tap).toEqual({ status: 200, body: { ok: true } });
    expect(await send(bob, "somewhat")).toEqual({ status: 200, body: { ok: true } });
    // Each send went through both ways: still one row per person.
    const rows = await rowsOf(id, "confidence");
    expect(rows).toHaveLength(2);
    const tally = (await liveState(id, { kind: "presenter" }))!.shared.tallies.confidence;
    expect(tally).toEqual({ kind: "poll", total: 2, counts: { very: 1, somewhat: 1, nervous: 0 } });
    // The same answer through the page's own form (no JavaScript): still one row.
    expect(await viaPage(code, { intent: "answer", activityId: "confidence", optionId: "very" }, ann.cookie)).toMatchObject({ status: 200 });
    expect(await rowsOf(id, "confidence")).toHaveLength(2);
  });

  it("takes a quiz answer as the page does: the same refusals, nothing stored on one, a duplicate counted once", async () => {
    const { code, id, people } = await roomOnStep(2, STEP.quiz);
    const [ann, bob] = people as [TestUser, TestUser];
    const quiz = { intent: "answer", activityId: "basics" };
    await sameRefusals(code, [
      ["an option the question does not have", { ...quiz, "answer.open": "z", "answer.listen": ["reflect", "follow"] }, ann.cookie, 400],
      ["a question left out", { ...quiz, "answer.listen": ["reflect"] }, ann.cookie, 400],
      ["a quiz that is not on this step", { intent: "answer", activityId: "confidence", optionId: "very" }, ann.cookie, 400],
    ]);
    expect(await rowsOf(id, "basics")).toHaveLength(0);

    const right = { ...quiz, "answer.open": "a", "answer.listen": ["reflect", "follow"] };
    const taps = await Promise.all([1, 2, 3].map(() => answer(code, post(`/live/${code}/answer`, right, ann.cookie))));
    for (const tap of taps) expect(tap).toEqual({ status: 200, body: { ok: true } });
    expect(await answer(code, post(`/live/${code}/answer`, { ...quiz, "answer.open": "b", "answer.listen": ["pitch"] }, bob.cookie))).toEqual({ status: 200, body: { ok: true } });
    // Ann again, without JavaScript: replaces, does not add.
    expect(await viaPage(code, right, ann.cookie)).toMatchObject({ status: 200 });
    const rows = await rowsOf(id, "basics");
    expect(rows).toHaveLength(2);
    const mine = rows.find((r) => r.userId === ann.id)!.answer as { kind: string; answers: Record<string, string[]> };
    expect(mine).toMatchObject({ kind: "quiz", answers: { open: ["a"], listen: ["reflect", "follow"] } });
  });

  it("takes a scenario vote as the page does: the same refusals, nothing stored on one, a duplicate counted once", async () => {
    const { code, id, people } = await roomOnStep(3, STEP.scenario);
    const [ann, bob, cat] = people as [TestUser, TestUser, TestUser];
    const vote = { intent: "vote", activityId: "door-play" };
    await sameRefusals(code, [
      ["a reply the resident has not got", { ...vote, turn: "0", choice: "7" }, ann.cookie, 400],
      ["a turn the conversation is not at", { ...vote, turn: "1", choice: "0" }, ann.cookie, 409],
      ["no choice", { ...vote, turn: "0" }, ann.cookie, 400],
    ]);
    expect(await rowsOf(id, "door-play")).toHaveLength(0);

    const send = (user: TestUser, choice: string) => answer(code, post(`/live/${code}/answer`, { ...vote, turn: "0", choice }, user.cookie));
    const taps = await Promise.all([send(ann, "0"), send(ann, "0"), send(bob, "1")]);
    for (const tap of taps) expect(tap).toEqual({ status: 200, body: { ok: true } });
    expect(await send(bob, "0")).toEqual({ status: 200, body: { ok: true } }); // changed their mind
    expect(await viaPage(code, { ...vote, turn: "0", choice: "1" }, cat.cookie)).toMatchObject({ status: 200 });
    expect(await rowsOf(id, "door-play")).toHaveLength(3);
    const presenter = (await liveState(id, { kind: "presenter" }))!;
    expect(presenter.shared.scenarios["door-play"]).toMatchObject({ turn: 0, voters: 3, votes: { 0: 2, 1: 1 } });
  });
});
