// How many people a randomised comparison of two proportions needs per arm (issue 17,
// docs/evaluation.md). Lives beside intervals.ts so the planning figure and the result's
// interval share one z.

import { Z95 } from "./intervals";

/** z for 80% power (one-sided 0.20 tail). */
export const Z80 = 0.8416212335729143;

/**
 * People per arm to detect a change from `baseline` to `baseline + effect` (both
 * proportions, 0–1) at 80% power, 5% two-sided: the normal approximation with the pooled
 * variance under "no effect" and the separate variances under the effect (Fleiss, without
 * continuity correction; what Stata's `power twoproportions` reports). Null when the rates
 * fall outside (0, 1) or the effect is zero.
 */
export function peoplePerArm(baseline: number, effect: number, zAlpha = Z95, zBeta = Z80): number | null {
  const p1 = baseline;
  const p2 = baseline + effect;
  if (!Number.isFinite(p1) || !Number.isFinite(p2) || effect === 0) return null;
  if (p1 <= 0 || p1 >= 1 || p2 <= 0 || p2 >= 1) return null;
  const pooled = (p1 + p2) / 2;
  const top = zAlpha * Math.sqrt(2 * pooled * (1 - pooled)) + zBeta * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  return Math.ceil((top * top) / (effect * effect));
}
