import { describe, expect, it } from "vitest";
import { respond } from "~/live/answers.server";
import { bigRoomTallyWindow, LiveHub } from "~/live/hub.server";
import { setStep } from "~/live/lifecycle.server";
import { OWN_PART_PREFIX, withEvent, type LiveEventData, type LiveView } from "~/live/state";
import { liveState } from "~/live/state.server";
import { databaseHandle } from "../../db/client.server";
import { roomOnStep, STEP, withLiveCatalog } from "../fixtures/live-modules/setup";
import type { TestUser } from "../setup/fixtures";
import { readSseEvents } from "../setup/sse";
import { withTestDatabase } from "../setup/database";

// What the hub pushes to each screen while a room answers (hub.server.ts, ADR 043): after a
// change of answers alone, only those who answered get their own part rebuilt and sent;
// everyone else gets the shared part alone, and their page keeps its own part. Checked
// against a fresh read of each participant's view, so a wrong or missed push fails.

withTestDatabase();
withLiveCatalog();

interface Screen {
  raw: string[];
  events: LiveEventData[];
  /** The view a page holds after folding every event into the first one. */
  view(): LiveView;
}

/** Read one screen's event stream into its events, in order. */
function watch(response: Response): Screen {
  const raw: string[] = [];
  const events: LiveEventData[] = [];
  void readSseEvents(response.body!, ({ event, data }) => {
    if (event !== "state") return;
    raw.push(data);
    events.push(JSON.parse(data) as LiveEventData);
  });
  return {
    raw,
    events,
    view() {
      const [first, ...rest] = events;
      if (!first || first.me === undefined) throw new Error("a screen's first state must carry its own part");
      let view: LiveView = { shared: first.shared, me: first.me, presenter: first.presenter };
      for (const event of rest) if (event.shared.version >= view.shared.version) view = withEvent(view, event);
      return view;
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A view without what changes on every push whatever happened (its version and clock). */
const comparable = (view: LiveView) => ({ ...view, shared: { ...view.shared, version: 0, serverNow: "" } });

async function roomWatching(n: number, options: ConstructorParameters<typeof LiveHub>[1] = {}) {
  const { code, id, people, trainer } = await roomOnStep(n, STEP.poll);
  const hub = new LiveHub(databaseHandle(), { coalesceMs: 10, ...options });
  await hub.start();
  const streams = people.map((p) => hub.connect(id, { kind: "participant", userId: p.id }, new AbortController().signal));
  const screens = streams.map(watch);
  const presenter = watch(hub.connect(id, { kind: "presenter" }, new AbortController().signal));
  await expect.poll(() => screens.every((s) => s.events.length > 0) && presenter.events.length > 0, { timeout: 5_000 }).toBe(true);
  const close = async () => {
    for (const s of streams) await s.body?.cancel().catch(() => {});
    await hub.stop();
  };
  return { code, id, trainer, people, hub, screens, presenter, close };
}

/** Every screen's folded view equals a fresh read of its own view. */
async function expectScreensCurrent(id: string, people: TestUser[], screens: Screen[]) {
  for (const [i, person] of people.entries()) {
    const fresh = await liveState(id, { kind: "participant", userId: person.id });
    expect(comparable(screens[i]!.view())).toEqual(comparable(fresh!));
  }
}

describe("the hub's pushes while a room answers", () => {
  it("rebuilds and sends the own part only of those who answered; the rest get the shared part alone", async () => {
    const room = await roomWatching(6);
    const { code, id, people, hub, screens, presenter } = room;
    try {
      const counts = screens.map((s) => s.events.length);
      const builtBefore = hub.stats.meBuilt;
      expect(await respond(code, people[0]!.id, { activityId: "confidence", optionId: "very" })).toMatchObject({ ok: true });
      expect(await respond(code, people[1]!.id, { activityId: "confidence", optionId: "nervous" })).toMatchObject({ ok: true });
      await expect.poll(() => presenter.events.at(-1)?.shared.answered.confidence, { timeout: 5_000 }).toBe(2);
      await expect.poll(() => screens.every((s) => s.events.at(-1)?.shared.answered.confidence === 2), { timeout: 5_000 }).toBe(true);
      await sleep(150); // nothing else is on its way

      // Only the two who answered had their own part built, once each, however the pushes fell.
      expect(hub.stats.meBuilt - builtBefore).toBe(2);
      for (const [i, screen] of screens.entries()) {
        const since = screen.raw.slice(counts[i]);
        const withOwnPart = since.filter((d) => d.startsWith(OWN_PART_PREFIX));
        expect(withOwnPart).toHaveLength(i < 2 ? 1 : 0);
        // The others' events leave `me` out entirely (not null: null would wipe the page's own part).
        if (i >= 2) expect(since.every((d) => !("me" in (JSON.parse(d) as object)))).toBe(true);
      }
      expect(screens[0]!.view().me?.responses).toEqual({ confidence: { kind: "poll", optionId: "very" } });
      expect(screens[1]!.view().me?.responses).toEqual({ confidence: { kind: "poll", optionId: "nervous" } });
      await expectScreensCurrent(id, people, screens);

      // A change of mind replaces the answer: that person's own part again, nobody else's.
      const built = hub.stats.meBuilt;
      expect(await respond(code, people[0]!.id, { activityId: "confidence", optionId: "somewhat" })).toMatchObject({ ok: true });
      await expect.poll(() => screens[0]!.view().me?.responses.confidence, { timeout: 5_000 }).toEqual({ kind: "poll", optionId: "somewhat" });
      await sleep(150);
      expect(hub.stats.meBuilt - built).toBe(1);
      await expectScreensCurrent(id, people, screens);
    } finally {
      await room.close();
    }
  });

  it("rebuilds every own part after a trainer's change, and every screen ends on the fresh view", async () => {
    const room = await roomWatching(4);
    const { code, id, trainer, people, hub, screens } = room;
    try {
      await Promise.all(people.slice(0, 3).map((p) => respond(code, p.id, { activityId: "confidence", optionId: "very" })));
      await expect.poll(() => screens.every((s) => s.events.at(-1)?.shared.answered.confidence === 3), { timeout: 5_000 }).toBe(true);
      const built = hub.stats.meBuilt;
      const counts = screens.map((s) => s.events.length);
      await setStep(code, trainer, STEP.quiz);
      await expect.poll(() => screens.every((s) => s.events.at(-1)?.shared.stepIndex === STEP.quiz), { timeout: 5_000 }).toBe(true);
      await sleep(150);
      expect(hub.stats.meBuilt - built).toBe(people.length);
      // The step moved on, so every page's own part (its answers on the step shown) went out.
      for (const [i, screen] of screens.entries()) expect(screen.raw.slice(counts[i]).some((d) => d.startsWith(OWN_PART_PREFIX))).toBe(true);
      await expectScreensCurrent(id, people, screens);

      // A quiz answered on the new step: the answerer's own part only, and all screens current.
      const quizBuilt = hub.stats.meBuilt;
      expect(await respond(code, people[3]!.id, { activityId: "basics", answers: { open: ["a"], listen: ["reflect", "follow"] } })).toMatchObject({ ok: true });
      await expect.poll(() => screens[3]!.view().me?.responses.basics, { timeout: 5_000 }).toBeTruthy();
      await sleep(150);
      expect(hub.stats.meBuilt - quizBuilt).toBe(1);
      await expectScreensCurrent(id, people, screens);
    } finally {
      await room.close();
    }
  });
});

describe("a big room's tally pushes", () => {
  it("wait about 1 ms per screen, between 250 ms and 2 s", () => {
    expect([10, 250, 1_000, 1_999, 5_000, 20_000].map((n) => bigRoomTallyWindow(n))).toEqual([250, 250, 1_000, 1_999, 2_000, 2_000]);
  });

  it("coalesce a burst of answers into a push per window, and every screen ends on the fresh view", async () => {
    // 8 participants and the presenter: 9 screens at 150 ms each (scaled up from 1 ms, so
    // that a handful of screens gives a window a busy machine cannot blur), 1,350 ms.
    const room = await roomWatching(8, { bigRoomClients: 2, tallyMsPerScreen: 150, bigRoomTallyMs: 10, bigRoomTallyMaxMs: 60_000 });
    const { code, id, people, hub, screens, presenter } = room;
    try {
      await sleep(200); // the first states are a greeting, not a push
      const start = hub.stats.pushes;
      const pushTimes: number[] = [];
      const watcher = setInterval(() => {
        while (start + pushTimes.length < hub.stats.pushes) pushTimes.push(Date.now());
      }, 5);
      expect(await respond(code, people[0]!.id, { activityId: "confidence", optionId: "very" })).toMatchObject({ ok: true });
      await expect.poll(() => pushTimes.length, { timeout: 3_000 }).toBe(1); // the first change goes at once
      // The rest of the room at once, and two changes of mind: 9 more answers.
      const rest = people.slice(1).map((p, i) => respond(code, p.id, { activityId: "confidence", optionId: i % 2 ? "nervous" : "somewhat" }));
      const changes = [0, 1].map((i) => respond(code, people[i]!.id, { activityId: "confidence", optionId: "nervous" }));
      for (const result of await Promise.all([...rest, ...changes])) expect(result).toMatchObject({ ok: true });
      await expect.poll(() => presenter.events.at(-1)?.shared.answered.confidence, { timeout: 8_000 }).toBe(8);
      await sleep(300);
      clearInterval(watcher);
      // 10 answers, at most a push per window: the first at once, the rest in one or two more.
      expect(pushTimes.length).toBeGreaterThanOrEqual(2);
      expect(pushTimes.length).toBeLessThanOrEqual(3);
      for (let i = 1; i < pushTimes.length; i++) expect(pushTimes[i]! - pushTimes[i - 1]!).toBeGreaterThanOrEqual(1_300);
      await expectScreensCurrent(id, people, screens);
      expect((await liveState(id, { kind: "presenter" }))!.shared.tallies.confidence).toMatchObject({ total: 8 });
    } finally {
      await room.close();
    }
  });
});
