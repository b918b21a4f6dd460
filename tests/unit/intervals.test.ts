import { describe, expect, it } from "vitest";
import { comparisonNote, excludesZero, formatDifference, formatRate, meanInterval, rateDifference, wilson } from "~/stats/intervals";

describe("wilson", () => {
  it("matches the published values (Newcombe 1998, table I)", () => {
    // 81/263: 0.2553 to 0.3662; 15/148: 0.0624 to 0.1605; 0/10: 0 to 0.2775
    const a = wilson(81, 263);
    expect(a.low).toBeCloseTo(0.2553, 3);
    expect(a.high).toBeCloseTo(0.3662, 3);
    const b = wilson(15, 148);
    expect(b.low).toBeCloseTo(0.0624, 3);
    expect(b.high).toBeCloseTo(0.1605, 3);
    const c = wilson(0, 10);
    expect(c.low).toBe(0);
    expect(c.high).toBeCloseTo(0.2775, 3);
  });
  it("knows nothing with no trials and refuses impossible counts", () => {
    expect(wilson(0, 0)).toMatchObject({ rate: null, low: 0, high: 1 });
    expect(() => wilson(3, 2)).toThrow(RangeError);
    expect(() => wilson(-1, 2)).toThrow(RangeError);
  });
});

describe("rateDifference (Newcombe hybrid score)", () => {
  it("matches Newcombe 1998 table II, example (a): 56/70 vs 48/80", () => {
    const d = rateDifference(wilson(56, 70), wilson(48, 80));
    expect(d.difference).toBeCloseTo(0.2, 6);
    expect(d.low).toBeCloseTo(0.0524, 3);
    expect(d.high).toBeCloseTo(0.3339, 3);
    expect(excludesZero(d)).toBe(true);
  });
  it("is unknown when a side has no trials", () => {
    expect(rateDifference(wilson(1, 2), wilson(0, 0)).difference).toBeNull();
  });
});

describe("meanInterval", () => {
  it("gives mean ± 1.96·sd/√n", () => {
    const m = meanInterval([1, 2, 3, 4]);
    expect(m.mean).toBe(2.5);
    const half = 1.959963984540054 * Math.sqrt(1.6666666666666667 / 4);
    expect(m.low).toBeCloseTo(2.5 - half, 9);
    expect(m.high).toBeCloseTo(2.5 + half, 9);
    expect(meanInterval([5]).high).toBe(Infinity);
    expect(meanInterval([]).mean).toBeNull();
  });
});

describe("wording", () => {
  it("says a non-random comparison is not a cause", () => {
    const note = comparisonNote({ compares: "contact rate of trained vs not-yet-trained canvassers", people: [1200, 1] , randomised: false });
    expect(note).toContain("1,200 people against 1");
    expect(note).toContain("Not randomised");
    expect(note).toContain("not its cause");
    expect(comparisonNote({ compares: "x", people: [3, 4], randomised: true })).not.toContain("not its cause");
  });
  it("formats rates and differences", () => {
    expect(formatRate(wilson(81, 263))).toBe("31% (95% CI 26–37%)");
    expect(formatDifference(rateDifference(wilson(56, 70), wilson(48, 80)))).toBe("+20 points (95% CI +5 to +33)");
    expect(formatRate(wilson(0, 0))).toBe("no data");
  });
});
