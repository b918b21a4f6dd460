// The projector display (/live/:code/display) and the phone remote (/live/:code/remote),
// issue 15: who may open them, what the display's data leaves out, and that the remote's
// commands move every screen, the display's event stream included.
import { afterAll, describe, expect, it } from "vitest";
import { stopLive } from "~/live/hub.server";
import { joinWithCode } from "~/live/joining.server";
import { createLiveSession } from "~/live/lifecycle.server";
import type { LiveView } from "~/live/state";
import * as liveParticipant from "~/routes/live.$code._index";
import * as liveDisplay from "~/routes/live.$code.display";
import * as liveEvents from "~/routes/live.$code.events";
import * as livePresent from "~/routes/live.$code.present";
import * as liveRemote from "~/routes/live.$code.remote";
import { LIVE_MODULE, STEP, withLiveCatalog } from "../fixtures/live-modules/setup";
import { get, makeUser, post, run, TEST_ORIGIN, type TestUser } from "../setup/fixtures";
import { withTestDatabase } from "../setup/database";
import { sseReader } from "../setup/sse";

withTestDatabase();
withLiveCatalog();
afterAll(() => stopLive());

async function session(trainer?: TestUser) {
  const owner = trainer ?? (await makeUser("trainer"));
  const created = await createLiveSession(owner, { moduleSlug: LIVE_MODULE });
  if (!created.ok) throw new Error(created.message);
  return { trainer: owner, ...created.value };
}

async function participant(code: string, name?: string) {
  const user = await makeUser("activist", name ? { name } : {});
  const joined = await joinWithCode(code, user, "192.0.2.10");
  if (!joined.ok) throw new Error(joined.message);
  return user;
}

/** Read the `state` events of an event stream as they arrive. */
function stateReader(response: Response) {
  const events = sseReader(response.body!);
  return {
    /** The next state event (whose view passes `until`). */
    async next(until: (view: LiveView) => boolean = () => true, timeoutMs = 3000): Promise<LiveView> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { event, data } = await events.next(deadline - Date.now()).catch(() => {
          throw new Error("no matching event in time");
        });
        if (event !== "state") continue;
        const view = JSON.parse(data) as LiveView;
        if (until(view)) return view;
      }
    },
    cancel: events.cancel,
  };
}

async function openStream(code: string, cookie: string, as: string) {
  const controller = new AbortController();
  const request = new Request(new URL(`/live/${code}/events?as=${as}`, TEST_ORIGIN), { headers: { Cookie: cookie }, signal: controller.signal });
  const response = (await liveEvents.loader({ request, params: { code }, context: { clientIp: "192.0.2.10" } })) as Response;
  return { response, controller };
}

describe("who may open the projector and the remote", () => {
  it("the session's trainer and admins; another trainer and participants 403; organisers 403; anonymous visitors sign in", async () => {
    const { code, trainer } = await session();
    const other = await makeUser("trainer");
    const admin = await makeUser("admin");
    const organiser = await makeUser("organiser");
    const user = await participant(code);
    for (const route of [liveDisplay, liveRemote]) {
      const path = `/live/${code}/${route === liveDisplay ? "display" : "remote"}`;
      expect((await run(route.loader, get(path, trainer.cookie), { code })).status, path).toBe(200);
      expect((await run(route.loader, get(path, admin.cookie), { code })).status, path).toBe(200);
      expect((await run(route.loader, get(path, other.cookie), { code })).status, path).toBe(403);
      expect((await run(route.loader, get(path, user.cookie), { code })).status, path).toBe(403);
      expect((await run(route.loader, get(path, organiser.cookie), { code })).status, path).toBe(403);
      const anonymous = await run(route.loader, get(path), { code });
      expect(anonymous.status, path).toBe(302);
      expect(anonymous.location).toMatch(/^\/login\?redirectTo=/);
    }
    const step = { intent: "step", to: "1" };
    expect((await run(liveRemote.action, post(`/live/${code}/remote`, step, other.cookie), { code })).status).toBe(403);
    expect((await run(liveRemote.action, post(`/live/${code}/remote`, step, user.cookie), { code })).status).toBe(403);
    expect((await run(liveRemote.action, post(`/live/${code}/remote`, step, organiser.cookie), { code })).status).toBe(403);
    // The display's stream follows the same rule.
    await expect(openStream(code, other.cookie, "display")).rejects.toMatchObject({ status: 403 });
    await expect(openStream(code, user.cookie, "display")).rejects.toMatchObject({ status: 403 });
  });
});

describe("the projector's data", () => {
  it("holds nothing presenter-only: no names, no participant list, no unrevealed tallies; the room's scenario votes are there", async () => {
    const { code, trainer } = await session();
    const secretName = `Zebedee Quillfeather ${Date.now()}`;
    const user = await participant(code, secretName);
    await run(livePresent.action, post(`/live/${code}/present`, { intent: "step", to: String(STEP.poll) }, trainer.cookie), { code });
    await run(liveParticipant.action, post(`/live/${code}`, { intent: "answer", activityId: "confidence", optionId: "nervous" }, user.cookie), { code });

    const before = await run(liveDisplay.loader, get(`/live/${code}/display`, trainer.cookie), { code });
    const page = before.body as { view: LiveView; join: { code: string } };
    expect(page.join.code).toBe(code);
    expect(page.view.presenter).toBeNull();
    expect(page.view.me).toBeNull();
    expect(page.view.shared.participantCount).toBe(1);
    // The presenter's tally is live; the projector's waits for "Show results", as on every phone.
    const presenter = (await run(livePresent.loader, get(`/live/${code}/present`, trainer.cookie), { code })).body as { view: LiveView };
    expect(presenter.view.shared.tallies.confidence).toMatchObject({ total: 1 });
    expect(page.view.shared.tallies).toEqual({});
    const json = JSON.stringify(before.body);
    expect(json).not.toContain(secretName);
    expect(json).not.toContain(user.id);
    expect(json).not.toContain(user.email);

    await run(liveRemote.action, post(`/live/${code}/remote`, { intent: "reveal", activityId: "confidence" }, trainer.cookie), { code });
    const shown = (await run(liveDisplay.loader, get(`/live/${code}/display`, trainer.cookie), { code })).body as { view: LiveView };
    expect(shown.view.shared.tallies.confidence).toMatchObject({ kind: "poll", total: 1, counts: { nervous: 1 } });

    // The scenario: the room's votes per reply, still without names.
    await run(liveRemote.action, post(`/live/${code}/remote`, { intent: "step", to: String(STEP.scenario) }, trainer.cookie), { code });
    await run(liveParticipant.action, post(`/live/${code}`, { intent: "vote", activityId: "door-play", turn: "0", choice: "1" }, user.cookie), { code });
    const voting = await run(liveDisplay.loader, get(`/live/${code}/display`, trainer.cookie), { code });
    const scenario = (voting.body as { view: LiveView }).view.shared.scenarios["door-play"];
    expect(scenario).toMatchObject({ voters: 1, votes: { 1: 1 } });
    expect(JSON.stringify(voting.body)).not.toContain(secretName);
  });
});

describe("the remote", () => {
  it("runs the presenter's commands: a step on the remote reaches the display's stream and the participant's", async () => {
    const { code, trainer } = await session();
    const user = await participant(code);
    const display = await openStream(code, trainer.cookie, "display");
    const mine = await openStream(code, user.cookie, "participant");
    const displayEvents = stateReader(display.response);
    const myEvents = stateReader(mine.response);
    try {
      const first = await displayEvents.next();
      expect(first.presenter).toBeNull();
      expect(first.shared.stepIndex).toBe(0);
      const moved = await run(liveRemote.action, post(`/live/${code}/remote`, { intent: "step", to: String(STEP.quiz) }, trainer.cookie), { code });
      expect(moved).toMatchObject({ status: 200, body: { ok: true, intent: "step" } });
      const seen = await displayEvents.next((v) => v.shared.stepIndex === STEP.quiz);
      expect(seen.presenter).toBeNull();
      expect(seen.me).toBeNull();
      expect((await myEvents.next((v) => v.shared.stepIndex === STEP.quiz)).shared.stepIndex).toBe(STEP.quiz);
      const remote = (await run(liveRemote.loader, get(`/live/${code}/remote`, trainer.cookie), { code })).body as { view: LiveView };
      expect(remote.view.shared.stepIndex).toBe(STEP.quiz);
      expect(remote.view.presenter?.participants.map((p) => p.userId)).toEqual([user.id]);
    } finally {
      display.controller.abort();
      mine.controller.abort();
      await displayEvents.cancel();
      await myEvents.cancel();
    }
  });

  it("answers malformed commands with a 400 and changes nothing; timer start and stop work", async () => {
    const { code, trainer } = await session();
    const malformed: Record<string, string>[] = [{ intent: "step", to: "next" }, { intent: "timer-start", seconds: "0" }, { intent: "nope" }, { intent: "end" }];
    for (const fields of malformed) {
      expect((await run(liveRemote.action, post(`/live/${code}/remote`, fields, trainer.cookie), { code })).status, JSON.stringify(fields)).toBe(400);
    }
    const view = () => run(liveRemote.loader, get(`/live/${code}/remote`, trainer.cookie), { code }).then((r) => (r.body as { view: LiveView }).view.shared);
    expect((await view()).version).toBe(1);
    await run(liveRemote.action, post(`/live/${code}/remote`, { intent: "timer-start", seconds: "60" }, trainer.cookie), { code });
    expect((await view()).timer).toMatchObject({ seconds: 60 });
    await run(liveRemote.action, post(`/live/${code}/remote`, { intent: "timer-stop" }, trainer.cookie), { code });
    expect((await view()).timer).toBeNull();
    const ended = await run(liveRemote.action, post(`/live/${code}/remote`, { intent: "end", confirm: "yes" }, trainer.cookie), { code });
    expect(ended).toMatchObject({ status: 200, body: { ok: true, intent: "end" } });
    expect((await run(liveDisplay.loader, get(`/live/${code}/display`, trainer.cookie), { code })).status).toBe(200);
  });
});
