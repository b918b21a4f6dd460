import { and, eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { endSession, markAttendance } from "~/live/attendance.server";
import { liveHub, LiveHub, stopLive } from "~/live/hub.server";
import { joinWithCode } from "~/live/joining.server";
import { createLiveSession } from "~/live/lifecycle.server";
import { connectedWindowSeconds } from "~/live/presence.server";
import { liveState } from "~/live/state.server";
import * as liveEvents from "~/routes/live.$code.events";
import * as liveHere from "~/routes/live.$code.here";
import { databaseHandle } from "../../db/client.server";
import { liveParticipants } from "../../db/schema";
import { LIVE_MODULE, withLiveCatalog } from "../fixtures/live-modules/setup";
import { makeUser, post, run, TEST_ORIGIN, type TestUser } from "../setup/fixtures";
import { withTestDatabase } from "../setup/database";

// Presence must come from what a participant's browser proves (issue 12 item 15): an
// event stream whose connection is gone is never kept, an open stream alone keeps nobody
// "connected", and ending counts only proven presence (docs/live.md, "Presence").

const database = withTestDatabase();
withLiveCatalog();
afterAll(() => stopLive());

async function session() {
  const trainer = await makeUser("trainer");
  const created = await createLiveSession(trainer, { moduleSlug: LIVE_MODULE });
  if (!created.ok) throw new Error(created.message);
  return { trainer, code: created.value.code, sessionId: created.value.id };
}

async function participant(code: string) {
  const user = await makeUser("activist");
  const joined = await joinWithCode(code, user, "192.0.2.10");
  if (!joined.ok) throw new Error(joined.message);
  return user;
}

/** Pretend the participant's last check-in was `seconds` ago. */
async function lastSeen(sessionId: string, user: TestUser, secondsAgo: number) {
  await database()
    .db.update(liveParticipants)
    .set({ lastSeenAt: sql`now() - make_interval(secs => ${secondsAgo})` })
    .where(and(eq(liveParticipants.sessionId, sessionId), eq(liveParticipants.userId, user.id)));
}

async function connected(sessionId: string): Promise<Record<string, boolean>> {
  const view = await liveState(sessionId, { kind: "presenter" });
  return Object.fromEntries((view?.presenter?.participants ?? []).map((p) => [p.userId, p.connected]));
}

const settle = (ms = 60) => new Promise((r) => setTimeout(r, ms));

function streamRequest(code: string, cookie: string, signal: AbortSignal) {
  return new Request(new URL(`/live/${code}/events`, TEST_ORIGIN), { headers: { Cookie: cookie }, signal });
}

describe("the event stream keeps only live connections", () => {
  it("a stream whose connection closed while the loader was still awaiting is never kept", async () => {
    const { code } = await session();
    const user = await participant(code);
    const hub = await liveHub();
    const before = hub.clientCount;
    const controller = new AbortController();
    // The loader awaits the session cookie and the session before connecting; the browser
    // goes away during those awaits.
    const pending = liveEvents.loader({ request: streamRequest(code, user.cookie, controller.signal), params: { code }, context: { clientIp: "192.0.2.10" } });
    controller.abort();
    await pending;
    await settle();
    expect(hub.clientCount).toBe(before);
  });

  it("a stream is dropped when its connection closes, even if request.signal never says so", async () => {
    const { code } = await session();
    const user = await participant(code);
    const hub = await liveHub();
    const before = hub.clientCount;
    // request.signal that never aborts: what Remix hands the loader once its Request copy
    // is garbage collected (nodejs/undici#3644). server.js's connection signal does.
    const connection = new AbortController();
    const response = (await liveEvents.loader({
      request: streamRequest(code, user.cookie, new AbortController().signal),
      params: { code },
      context: { clientIp: "192.0.2.10", connectionClosed: connection.signal },
    })) as Response;
    expect(response.headers.get("Content-Type")).toMatch(/text\/event-stream/);
    expect(hub.clientCount).toBe(before + 1);
    connection.abort();
    await settle();
    expect(hub.clientCount).toBe(before);
  });
});

describe("presence is proven by the participant's page", () => {
  it("an open stream keeps nobody connected; the page's answer to the ping does", async () => {
    const { code, sessionId } = await session();
    const user = await participant(code);
    const hub = new LiveHub(databaseHandle(), { heartbeatMs: 40 });
    await hub.start();
    try {
      // A stream the server will never hear close (a dead socket, a lost abort).
      const response = hub.connect(sessionId, { kind: "participant", userId: user.id }, new AbortController().signal);
      const reader = response.body!.getReader();
      let received = "";
      const reading = (async () => {
        for (;;) {
          const chunk = await reader.read();
          if (chunk.done) return;
          received += new TextDecoder().decode(chunk.value);
        }
      })();
      await settle(100);
      expect((await connected(sessionId))[user.id]).toBe(true); // opening the stream checks in
      await lastSeen(sessionId, user, connectedWindowSeconds() + 5);
      await settle(300); // several heartbeats
      expect((await connected(sessionId))[user.id]).toBe(false);
      expect(received).toMatch(/event: ping\ndata: \d+\n\n/);

      // The page answers a ping: connected again.
      const here = await run(liveHere.action, post(`/live/${code}/here`, { intent: "here" }, user.cookie), { code });
      expect(here.status).toBe(204);
      expect((await connected(sessionId))[user.id]).toBe(true);
      await reader.cancel();
      await reading;
    } finally {
      await hub.stop();
    }
  });

  it("a page that says it is leaving is away at once, until it checks in again", async () => {
    const { code, sessionId } = await session();
    const [ana, ben] = [await participant(code), await participant(code)];
    const leaving = await run(liveHere.action, post(`/live/${code}/here`, { intent: "leaving" }, ana.cookie), { code });
    expect(leaving.status).toBe(204);
    expect(await connected(sessionId)).toEqual({ [ana.id]: false, [ben.id]: true });
    expect((await liveState(sessionId, { kind: "presenter" }))?.shared.connectedCount).toBe(1);
    // Leaving twice never moves last_seen_at forward.
    const [row] = await database().db.select({ at: liveParticipants.lastSeenAt }).from(liveParticipants).where(eq(liveParticipants.userId, ana.id));
    await run(liveHere.action, post(`/live/${code}/here`, { intent: "leaving" }, ana.cookie), { code });
    const [again] = await database().db.select({ at: liveParticipants.lastSeenAt }).from(liveParticipants).where(eq(liveParticipants.userId, ana.id));
    expect(again!.at.getTime()).toBeLessThanOrEqual(row!.at.getTime());
    // A reload (or the next ping) brings them back.
    await run(liveHere.action, post(`/live/${code}/here`, { intent: "here" }, ana.cookie), { code });
    expect((await connected(sessionId))[ana.id]).toBe(true);
  });

  it("answers bad check-ins with a 4xx and changes nothing", async () => {
    const { code, trainer, sessionId } = await session();
    const user = await participant(code);
    await lastSeen(sessionId, user, 600);
    const outsider = await makeUser("activist");
    expect((await run(liveHere.action, post(`/live/${code}/here`, { intent: "dance" }, user.cookie), { code })).status).toBe(400);
    expect((await run(liveHere.action, post(`/live/${code}/here`, {}, user.cookie), { code })).status).toBe(400);
    expect((await run(liveHere.action, post(`/live/QQQQQQ/here`, { intent: "here" }, user.cookie), { code: "QQQQQQ" })).status).toBe(404);
    expect((await run(liveHere.action, post(`/live/${code}/here`, { intent: "here" }, outsider.cookie), { code })).status).toBe(403);
    expect((await run(liveHere.action, post(`/live/${code}/here`, { intent: "here" }), { code })).status).toBe(302); // signed out: to /login
    expect((await connected(sessionId))[user.id]).toBe(false);
    await endSession(code, trainer);
    expect((await run(liveHere.action, post(`/live/${code}/here`, { intent: "here" }, user.cookie), { code })).status).toBe(410);
  });
});

describe("ending counts only proven presence", () => {
  it("attended = checked in within the connected window at the end (or marked present)", async () => {
    const { code, trainer, sessionId } = await session();
    const [stayed, quiet, left, leftButMarked, stayedButMarkedAbsent] = await Promise.all(Array.from({ length: 5 }, () => participant(code)));
    // Last seen just outside the window (but well within the old 60 s "at the end").
    await lastSeen(sessionId, quiet!, connectedWindowSeconds() + 3);
    for (const person of [left!, leftButMarked!]) {
      expect((await run(liveHere.action, post(`/live/${code}/here`, { intent: "leaving" }, person.cookie), { code })).status).toBe(204);
    }
    expect((await markAttendance(code, trainer, leftButMarked!.id, "present")).ok).toBe(true);
    expect((await markAttendance(code, trainer, stayedButMarkedAbsent!.id, "absent")).ok).toBe(true);
    const before = await liveState(sessionId, { kind: "presenter" });
    expect(before?.shared.connectedCount).toBe(2); // stayed, stayedButMarkedAbsent

    const ended = await endSession(code, trainer);
    expect(ended).toMatchObject({ ok: true, value: { attended: 2, participants: 5, completions: 2 } });
    const rows = await database().db.select({ userId: liveParticipants.userId, attended: liveParticipants.attended }).from(liveParticipants).where(eq(liveParticipants.sessionId, sessionId));
    const attended = Object.fromEntries(rows.map((r) => [r.userId, r.attended]));
    expect(attended).toEqual({ [stayed!.id]: true, [quiet!.id]: false, [left!.id]: false, [leftButMarked!.id]: true, [stayedButMarkedAbsent!.id]: false });
  });
});
