// Confidence intervals every comparison in Doorstep shows (impact report, randomised
// evaluations, nudge follow-ups). One module so that "95% CI" means the same arithmetic
// on every page, and so the plain-language caveat is worded once (ADR 024).

export interface Interval {
  low: number;
  high: number;
}

export interface Rate extends Interval {
  successes: number;
  trials: number;
  /** successes / trials; null when there were no trials (nothing to estimate). */
  rate: number | null;
}

/** z for a two-sided 95% interval. */
export const Z95 = 1.959963984540054;

/**
 * Wilson score interval for a proportion. Unlike the textbook p ± z·√(p(1−p)/n) it stays
 * inside [0, 1] and behaves at 0 of 12 or 12 of 12, which small branches produce all the
 * time. With no trials the interval is the whole of [0, 1]: we know nothing.
 */
export function wilson(successes: number, trials: number, z = Z95): Rate {
  if (!Number.isFinite(successes) || !Number.isFinite(trials) || successes < 0 || trials < 0 || successes > trials) {
    throw new RangeError(`wilson: need 0 <= successes <= trials, got ${successes} of ${trials}`);
  }
  if (trials === 0) return { successes, trials, rate: null, low: 0, high: 1 };
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return { successes, trials, rate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

export interface RateDifference extends Interval {
  /** a.rate − b.rate; null when either side has no trials. */
  difference: number | null;
}

/**
 * Newcombe's hybrid score interval (method 10) for the difference of two independent
 * proportions, built from each side's Wilson interval: it keeps the Wilson interval's good
 * behaviour near 0 and 1, where the Wald difference interval is badly too narrow.
 */
export function rateDifference(a: Rate, b: Rate): RateDifference {
  if (a.rate === null || b.rate === null) return { difference: null, low: -1, high: 1 };
  const d = a.rate - b.rate;
  const low = d - Math.sqrt((a.rate - a.low) ** 2 + (b.high - b.rate) ** 2);
  const high = d + Math.sqrt((a.high - a.rate) ** 2 + (b.rate - b.low) ** 2);
  return { difference: d, low: Math.max(-1, low), high: Math.min(1, high) };
}

export interface MeanEstimate extends Interval {
  n: number;
  mean: number | null;
}

/**
 * Mean with a normal-approximation 95% interval, for within-person differences (each
 * canvasser's rate after their first completion minus before). With fewer than two values
 * there is no spread to estimate, so the interval is unbounded.
 */
export function meanInterval(values: readonly number[], z = Z95): MeanEstimate {
  const n = values.length;
  if (n === 0) return { n, mean: null, low: -Infinity, high: Infinity };
  const mean = values.reduce((s, v) => s + v, 0) / n;
  if (n < 2) return { n, mean, low: -Infinity, high: Infinity };
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
  const half = z * Math.sqrt(variance / n);
  return { n, mean, low: mean - half, high: mean + half };
}

/** The same interval from a summary (count, sum, sum of squares) that SQL can aggregate. */
export function meanIntervalFromSums(n: number, sum: number, sumOfSquares: number, z = Z95): MeanEstimate {
  if (n === 0) return { n, mean: null, low: -Infinity, high: Infinity };
  const mean = sum / n;
  if (n < 2) return { n, mean, low: -Infinity, high: Infinity };
  // Rounding can leave a tiny negative where every value is the same.
  const variance = Math.max(0, (sumOfSquares - (sum * sum) / n) / (n - 1));
  const half = z * Math.sqrt(variance / n);
  return { n, mean, low: mean - half, high: mean + half };
}

/**
 * Difference of two independent means (a − b) with a normal-approximation 95% interval:
 * each side's standard error is read back from its own interval and the two are added in
 * quadrature (Welch's unpooled variance, with z rather than t). Used where the units are
 * seats, not people (the election results). Unbounded when either side has fewer than two.
 */
export function meanDifference(a: MeanEstimate, b: MeanEstimate, z = Z95): MeanEstimate & { difference: number | null } {
  const n = a.n + b.n;
  if (a.mean === null || b.mean === null) return { n, mean: null, difference: null, low: -Infinity, high: Infinity };
  const d = a.mean - b.mean;
  if (!Number.isFinite(a.low) || !Number.isFinite(b.low)) return { n, mean: d, difference: d, low: -Infinity, high: Infinity };
  const seA = (a.high - a.low) / (2 * z);
  const seB = (b.high - b.low) / (2 * z);
  const half = z * Math.sqrt(seA * seA + seB * seB);
  return { n, mean: d, difference: d, low: d - half, high: d + half };
}

/**
 * A rate pooled over people, each contributing many trials (a canvasser knocks on many
 * doors): what a clustered rate needs, as sums SQL can aggregate. x is a person's trials,
 * y their successes; `clusters` counts people with at least one trial.
 */
export interface ClusteredCounts {
  successes: number;
  trials: number;
  clusters: number;
  /** Σ x² over people. */
  sumTrialsSquared: number;
  /** Σ x·y over people. */
  sumProducts: number;
  /** Σ y² over people. */
  sumSuccessesSquared: number;
}

/**
 * How much wider than "every door independent" the rate's uncertainty is, because doors
 * come in clusters (one canvasser's doors share their skill, their street, their day).
 * The ratio estimator's between-person variance (Cochran 1977, §6.9, with n/(n−1)) over
 * the binomial variance p(1−p)/trials. Never below 1: clustering does not make a rate
 * more certain than independent trials would.
 */
export function designEffect(c: ClusteredCounts): number {
  if (c.trials <= 0 || c.clusters < 2) return 1;
  const p = c.successes / c.trials;
  if (p <= 0 || p >= 1) return 1;
  const residual = c.sumSuccessesSquared - 2 * p * c.sumProducts + p * p * c.sumTrialsSquared;
  const between = ((c.clusters / (c.clusters - 1)) * Math.max(0, residual)) / (c.trials * c.trials);
  return Math.max(1, between / ((p * (1 - p)) / c.trials));
}

export interface ClusteredRate extends Rate {
  designEffect: number;
  /** Trials ÷ design effect: how many independent trials the clustered ones are worth. */
  effectiveTrials: number;
}

/**
 * Wilson interval on the effective sample size: the successes and trials are divided by
 * the design effect before the interval is taken (the rate itself is unchanged). With one
 * trial per person this is the plain Wilson interval.
 */
export function clusteredWilson(c: ClusteredCounts, z = Z95): ClusteredRate {
  const deff = designEffect(c);
  const scaled = wilson(c.successes / deff, c.trials / deff, z);
  return { ...scaled, successes: c.successes, trials: c.trials, rate: c.trials > 0 ? c.successes / c.trials : null, designEffect: deff, effectiveTrials: c.trials / deff };
}

/** True when the interval lies wholly on one side of zero (for differences). */
export function excludesZero(interval: Interval): boolean {
  return interval.low > 0 || interval.high < 0;
}

export interface ComparisonDescription {
  /** What is compared with what, e.g. "contact rate of trained vs not-yet-trained canvassers". */
  compares: string;
  /** People on each side, in the order named in `compares`. */
  people: readonly [number, number];
  randomised: boolean;
  /** Within-person: both sides are the same people (before and after), so `people` is [n, n]. */
  samePeople?: boolean;
  /** What `people` counts when it is not people (e.g. ["seat", "seats"]). */
  unit?: readonly [singular: string, plural: string];
  /** The not-randomised caveat in the comparison's own terms (default NOT_RANDOMISED_CAVEAT). */
  caveat?: string;
}

export const NOT_RANDOMISED_CAVEAT =
  "People who chose to train may differ from those who haven't; this shows a difference, not its cause.";

/**
 * The plain-language note every comparison carries (issue 17): what it compares, how many
 * people, whether it is randomised, and — unless it is — that it is not evidence of cause.
 */
export function comparisonNote(description: ComparisonDescription): string {
  const [a, b] = description.people;
  const [one, many] = description.unit ?? ["person", "people"];
  const people = description.samePeople
    ? `the same ${a.toLocaleString("en-GB")} ${a === 1 ? one : many} before and after`
    : `${a.toLocaleString("en-GB")} ${a === 1 ? one : many} against ${b.toLocaleString("en-GB")}`;
  const base = `Compares ${description.compares}: ${people}.`;
  if (description.randomised) {
    return `${base} Randomised: people were assigned to each side at random before the period began, so a difference beyond the interval is likely caused by the difference in training.`;
  }
  return `${base} Not randomised. ${description.caveat ?? NOT_RANDOMISED_CAVEAT}`;
}

/** "42% (95% CI 35–49%)", or "no data" when there were no trials. */
export function formatRate(rate: Rate): string {
  if (rate.rate === null) return "no data";
  return `${percent(rate.rate)} (95% CI ${Math.round(rate.low * 100)}–${percent(rate.high)})`;
}

/** "+6 points (95% CI −2 to +14)". */
export function formatDifference(diff: RateDifference): string {
  if (diff.difference === null) return "no data";
  return `${points(diff.difference)} (95% CI ${points(diff.low, false)} to ${points(diff.high, false)})`;
}

function percent(x: number): string {
  return `${Math.round(x * 100)}%`;
}

function points(x: number, withUnit = true): string {
  const value = Math.round(x * 100);
  const signed = value > 0 ? `+${value}` : value < 0 ? `−${Math.abs(value)}` : "0";
  return withUnit ? `${signed} ${Math.abs(value) === 1 ? "point" : "points"}` : signed;
}
