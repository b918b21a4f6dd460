import { describe, expect, it } from "vitest";
import { accommodatedSeconds, accommodatedTimer, isTimingAccommodation } from "~/auth/timing";
import { announcementDelay, holdTallies, summariseTallies } from "~/live/tally-announce";
import type { Activity } from "~/content/manifest";

describe("timing accommodations", () => {
  it("stretches a timer ×1, ×2, ×3, or removes it", () => {
    expect(accommodatedSeconds(300, "standard")).toBe(300);
    expect(accommodatedSeconds(300, "double")).toBe(600);
    expect(accommodatedSeconds(300, "triple")).toBe(900);
    expect(accommodatedSeconds(300, "off")).toBeNull();
  });

  it("keeps a shared timer's start and moves only its end", () => {
    const timer = { endsAt: "2026-12-03T10:01:00.000Z", seconds: 60 };
    expect(accommodatedTimer(timer, "standard")).toBe(timer);
    expect(accommodatedTimer(timer, "triple")).toEqual({ endsAt: "2026-12-03T10:03:00.000Z", seconds: 180 });
    expect(accommodatedTimer(timer, "double")).toEqual({ endsAt: "2026-12-03T10:02:00.000Z", seconds: 120 });
    expect(accommodatedTimer(timer, "off")).toBeNull();
  });

  it("knows the four choices and nothing else", () => {
    for (const ok of ["standard", "double", "triple", "off"]) expect(isTimingAccommodation(ok)).toBe(true);
    for (const bad of ["", "x3", 3, null, undefined, ["double"], "Standard"]) expect(isTimingAccommodation(bad)).toBe(false);
  });
});

describe("announcing live results", () => {
  it("waits for the room to settle, and never announces twice within the minimum gap", () => {
    expect(announcementDelay(10_000, null, 1500, 6000)).toBe(1500);
    expect(announcementDelay(10_000, 9_000, 1500, 6000)).toBe(5000);
    expect(announcementDelay(10_000, 1_000, 1500, 6000)).toBe(1500);
  });

  const poll: Activity = { kind: "poll", id: "p", stepId: "s", question: "Q?", options: [{ id: "a", text: "Yes" }, { id: "b", text: "No" }] };
  const activities = { p: poll };

  it("summarises a poll once revealed, and only counts before", () => {
    const before = { tallies: {}, answered: { p: 1 }, scenarios: {} };
    expect(summariseTallies(before, activities, ["p"])).toBe("Poll: 1 answer so far.");
    const revealed = { tallies: { p: { kind: "poll" as const, total: 3, counts: { a: 2, b: 1 } } }, answered: { p: 3 }, scenarios: {} };
    expect(summariseTallies(revealed, activities, ["p"])).toBe("Poll results: 3 answers; most chose “Yes” (2).");
    const tied = { tallies: { p: { kind: "poll" as const, total: 2, counts: { a: 1, b: 1 } } }, answered: { p: 2 }, scenarios: {} };
    expect(summariseTallies(tied, activities, ["p"])).toBe("Poll results: 2 answers; tied at 1: “Yes” and “No”.");
  });

  it("holds the counts seen when paused, but shows a result revealed during the pause", () => {
    const at1 = { tallies: { p: { kind: "poll" as const, total: 1, counts: { a: 1, b: 0 } } }, answered: { p: 1 }, scenarios: {} };
    const first = holdTallies(at1, { tallies: {}, answered: {}, voters: {} });
    expect(first.shown).toEqual(at1);
    const at2 = { tallies: { p: { kind: "poll" as const, total: 2, counts: { a: 1, b: 1 } }, q: { kind: "poll" as const, total: 5, counts: {} } }, answered: { p: 2, q: 5 }, scenarios: {} };
    const second = holdTallies(at2, first.held);
    expect(second.shown.tallies.p).toEqual(at1.tallies.p);
    expect(second.shown.answered).toEqual({ p: 1, q: 5 });
    expect(second.shown.tallies.q).toEqual(at2.tallies.q);
  });
});
