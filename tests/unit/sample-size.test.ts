import { describe, expect, it } from "vitest";
import { peoplePerArm } from "../../app/stats/sample-size";

describe("peoplePerArm (80% power, 5% two-sided)", () => {
  it("matches Stata's power twoproportions 0.5 0.6: 388 per arm", () => {
    expect(peoplePerArm(0.5, 0.1)).toBe(388);
  });

  it("matches a hand computation for 20% → 30%: 294 per arm", () => {
    // p̄ = 0.25: (1.95996·√0.375 + 0.84162·√(0.16 + 0.21))² / 0.01 = (1.20024 + 0.51194)² / 0.01 = 293.2 → 294
    expect(peoplePerArm(0.2, 0.1)).toBe(294);
  });

  it("is symmetric in the direction of the effect and grows as the effect shrinks", () => {
    expect(peoplePerArm(0.6, -0.1)).toBe(peoplePerArm(0.5, 0.1));
    expect(peoplePerArm(0.5, 0.05)!).toBeGreaterThan(peoplePerArm(0.5, 0.1)! * 3.5);
  });

  it("refuses rates outside (0, 1) and a zero effect", () => {
    expect(peoplePerArm(0.95, 0.1)).toBeNull();
    expect(peoplePerArm(0, 0.1)).toBeNull();
    expect(peoplePerArm(0.5, 0)).toBeNull();
    expect(peoplePerArm(Number.NaN, 0.1)).toBeNull();
  });
});
