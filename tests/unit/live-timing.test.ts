import { describe, expect, it } from "vitest";
import { formatClock, formatPlanClock, liveTiming, overText, plannedTotal, runningClock } from "~/live/timing";

const T0 = Date.parse("2026-12-03T10:00:00Z");
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

describe("planned minutes", () => {
  it("adds up the steps that plan a time and puts each step on a running clock", () => {
    expect(plannedTotal([8, null, 12, 5])).toBe(25);
    expect(plannedTotal([null, null])).toBe(0);
    expect(runningClock([8, null, 12, 5])).toEqual([0, 8, 8, 20]);
    expect(runningClock([])).toEqual([]);
  });

  it("writes clocks as a trainer reads them", () => {
    expect(formatPlanClock(0)).toBe("0:00");
    expect(formatPlanClock(8)).toBe("0:08");
    expect(formatPlanClock(65)).toBe("1:05");
    expect(formatClock(0)).toBe("0:00");
    expect(formatClock(5.9)).toBe("0:05");
    expect(formatClock(485)).toBe("8:05");
    expect(formatClock(3750)).toBe("1:02:30");
    expect(formatClock(-3)).toBe("0:00");
  });
});

describe("elapsed against planned", () => {
  const planned = [8, null, 12];

  it("measures the step from its own start and the session from the session's", () => {
    const t = liveTiming({ now: T0 + 600_000, startedAt: at(0), stepStartedAt: at(420), endedAt: null, stepIndex: 0, planned });
    expect(t.step).toEqual({ elapsedSeconds: 180, plannedMinutes: 8, overSeconds: 0 });
    expect(t.session).toEqual({ elapsedSeconds: 600, plannedMinutes: 20, overSeconds: 0 });
  });

  it("says how far over, and nothing is over where nothing was planned", () => {
    const over = liveTiming({ now: T0 + 1500_000, startedAt: at(0), stepStartedAt: at(0), endedAt: null, stepIndex: 0, planned });
    expect(over.step.overSeconds).toBe(1500 - 480);
    expect(over.session.overSeconds).toBe(1500 - 1200);
    const unplanned = liveTiming({ now: T0 + 1500_000, startedAt: at(0), stepStartedAt: at(0), endedAt: null, stepIndex: 1, planned });
    expect(unplanned.step).toEqual({ elapsedSeconds: 1500, plannedMinutes: null, overSeconds: 0 });
    const nothing = liveTiming({ now: T0 + 60_000, startedAt: at(0), stepStartedAt: at(0), endedAt: null, stepIndex: 0, planned: [null] });
    expect(nothing.session.plannedMinutes).toBeNull();
    expect(overText(45)).toBe("45 s over");
    expect(overText(150)).toBe("2 min over");
  });

  it("stops at the end of an ended session and never goes below zero on a clock that runs behind", () => {
    const ended = liveTiming({ now: T0 + 9_000_000, startedAt: at(0), stepStartedAt: at(300), endedAt: at(900), stepIndex: 2, planned });
    expect(ended.session.elapsedSeconds).toBe(900);
    expect(ended.step.elapsedSeconds).toBe(600);
    const behind = liveTiming({ now: T0 - 5000, startedAt: at(0), stepStartedAt: at(0), endedAt: null, stepIndex: 0, planned });
    expect(behind.step.elapsedSeconds).toBe(0);
  });
});
