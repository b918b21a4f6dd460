import { describe, expect, it } from "vitest";
import { clusteredWilson, comparisonNote, designEffect, excludesZero, formatDifference, formatRate, meanDifference, meanInterval, meanIntervalFromSums, rateDifference, wilson } from "~/stats/intervals";

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

describe("clustered rates", () => {
  it("design effect: two people at 2 of 10 and 8 of 10 are worth far fewer than 20 independent doors", () => {
    // p = 0.5; residuals −3 and +3; between-person variance 2/1 · 18 / 20² = 0.09;
    // binomial variance 0.25 / 20 = 0.0125; design effect 7.2.
    const c = { successes: 10, trials: 20, clusters: 2, sumTrialsSquared: 200, sumProducts: 100, sumSuccessesSquared: 68 };
    expect(designEffect(c)).toBeCloseTo(7.2, 12);
    const w = clusteredWilson(c);
    const plain = wilson(10 / 7.2, 20 / 7.2);
    expect(w.rate).toBe(0.5);
    expect(w.low).toBeCloseTo(plain.low, 12);
    expect(w.high).toBeCloseTo(plain.high, 12);
    expect(w.high - w.low).toBeGreaterThan(wilson(10, 20).high - wilson(10, 20).low);
    expect(w.effectiveTrials).toBeCloseTo(20 / 7.2, 12);
  });

  it("people who all convert at the same rate give a design effect of 1: the plain Wilson interval", () => {
    // 3 of 10, 6 of 20, 9 of 30: every residual is zero.
    const c = { successes: 18, trials: 60, clusters: 3, sumTrialsSquared: 100 + 400 + 900, sumProducts: 30 + 120 + 270, sumSuccessesSquared: 9 + 36 + 81 };
    expect(designEffect(c)).toBe(1);
    const w = clusteredWilson(c);
    expect(w.low).toBeCloseTo(wilson(18, 60).low, 12);
    expect(w.high).toBeCloseTo(wilson(18, 60).high, 12);
  });

  it("one person, no trials, or a rate of 0 or 1 leave nothing to adjust", () => {
    expect(designEffect({ successes: 3, trials: 10, clusters: 1, sumTrialsSquared: 100, sumProducts: 30, sumSuccessesSquared: 9 })).toBe(1);
    expect(designEffect({ successes: 0, trials: 0, clusters: 0, sumTrialsSquared: 0, sumProducts: 0, sumSuccessesSquared: 0 })).toBe(1);
    expect(designEffect({ successes: 0, trials: 20, clusters: 2, sumTrialsSquared: 200, sumProducts: 0, sumSuccessesSquared: 0 })).toBe(1);
    expect(clusteredWilson({ successes: 0, trials: 0, clusters: 0, sumTrialsSquared: 0, sumProducts: 0, sumSuccessesSquared: 0 }).rate).toBeNull();
  });

  it("the mean interval from SQL sums equals the one from the values", () => {
    const values = [0.12, -0.05, 0.3, 0.08, 0.0, 0.21];
    const fromValues = meanInterval(values);
    const fromSums = meanIntervalFromSums(values.length, values.reduce((s, v) => s + v, 0), values.reduce((s, v) => s + v * v, 0));
    expect(fromSums.mean!).toBeCloseTo(fromValues.mean!, 12);
    expect(fromSums.low).toBeCloseTo(fromValues.low, 12);
    expect(fromSums.high).toBeCloseTo(fromValues.high, 12);
    expect(meanIntervalFromSums(1, 0.2, 0.04).low).toBe(-Infinity);
  });

  it("a within-person note says the same people are on both sides", () => {
    const note = comparisonNote({ compares: "each canvasser's contact rate after training with their own before", people: [9, 9], randomised: false, samePeople: true });
    expect(note).toContain("the same 9 people before and after");
    expect(note).toContain("not its cause");
  });
});

describe("meanDifference", () => {
  it("is Welch's unpooled interval with z: a − b ± z·√(s²a/na + s²b/nb)", () => {
    const a = [4, 1, 2.5];
    const b = [-2, 7, 6, 5, 3];
    const m = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const v = (xs: number[]) => xs.reduce((s, x) => s + (x - m(xs)) ** 2, 0) / (xs.length - 1);
    const half = 1.959963984540054 * Math.sqrt(v(a) / a.length + v(b) / b.length);
    const d = meanDifference(meanInterval(a), meanInterval(b));
    expect(d.difference).toBeCloseTo(m(a) - m(b), 12);
    expect(d.low).toBeCloseTo(m(a) - m(b) - half, 10);
    expect(d.high).toBeCloseTo(m(a) - m(b) + half, 10);
    expect(d.n).toBe(8);
  });

  it("has no interval when a side has one value, and no estimate when a side has none", () => {
    const one = meanDifference(meanInterval([3]), meanInterval([1, 2]));
    expect(one.difference).toBe(1.5);
    expect(one.low).toBe(-Infinity);
    expect(meanDifference(meanInterval([]), meanInterval([1, 2])).difference).toBeNull();
  });

  it("a note can count seats and carry its own caveat", () => {
    const note = comparisonNote({ compares: "mean swing", people: [1, 6], randomised: false, unit: ["seat", "seats"], caveat: "Seats were chosen." });
    expect(note).toContain("1 seat against 6");
    expect(note).toMatch(/Not randomised\. Seats were chosen\.$/);
  });
});
