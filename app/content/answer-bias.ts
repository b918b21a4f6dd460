import { recommendedReplies } from "../activities/scenario/moves";
import type { ModuleManifest } from "./manifest";

// Does a module give its answers away? content:check (scripts/content-check.ts) asks, per
// module, whether the right quiz option or the recommended scenario reply is listed first,
// or is the longest, more often than chance would put it there (issue 15: in every quiz of
// the six modules the right option came first, and mostly was the longest). Learners now
// see a shuffled order, so position matters less than it did, but the longest answer stays
// the longest in any order, and the presenter's tally shows the author's order.

export interface AnswerBias {
  kind: "quiz-first" | "quiz-longest" | "scenario-first" | "scenario-longest";
  /** Questions (or choice points) where the answer is there, out of `total`. */
  count: number;
  total: number;
  /** How many chance alone would give (the sum of each item's probability). */
  expected: number;
  /** Probability of `count` or more by chance alone. */
  pValue: number;
  message: string;
}

/** Below this chance of happening by accident, a pattern is reported. */
export const BIAS_P_VALUE = 0.05;

/** One item: whether the answer sits there, and its chance of doing so in a random order. */
export type Observation = { hit: boolean; chance: number };

/** P(X ≥ k) where X counts successes of independent trials with these chances (Poisson binomial). */
export function atLeastByChance(chances: number[], k: number): number {
  let dist = [1];
  for (const p of chances) {
    const before = dist;
    dist = [...before, 0].map((q, i) => q * (1 - p) + (before[i - 1] ?? 0) * p);
  }
  return Math.min(1, dist.slice(k).reduce((a, b) => a + b, 0));
}

/** Index of the one longest text, or -1 when two or more share the greatest length. */
function uniqueLongest(texts: string[]): number {
  const lengths = texts.map((t) => t.trim().length);
  const max = Math.max(...lengths);
  return lengths.filter((l) => l === max).length === 1 ? lengths.indexOf(max) : -1;
}

function observe<T extends { text: string; pinned?: boolean }>(items: T[], isAnswer: (item: T) => boolean) {
  const free = items.filter((i) => !i.pinned);
  const answers = items.filter(isAnswer).length;
  const freeAnswers = free.filter(isAnswer).length;
  const longest = uniqueLongest(items.map((i) => i.text));
  return {
    // Pinned items never move, so only the free ones say anything about where the answer is put.
    first: free.length >= 2 ? { hit: isAnswer(free[0]!), chance: freeAnswers / free.length } : null,
    longest: { hit: longest >= 0 && isAnswer(items[longest]!), chance: answers / items.length },
  };
}

function finding(kind: AnswerBias["kind"], observations: Observation[], describe: (count: number, total: number, expected: number) => string): AnswerBias | null {
  const total = observations.length;
  const count = observations.filter((o) => o.hit).length;
  const expected = observations.reduce((sum, o) => sum + o.chance, 0);
  if (total === 0 || count <= expected) return null;
  const pValue = atLeastByChance(observations.map((o) => o.chance), count);
  if (pValue >= BIAS_P_VALUE) return null;
  return { kind, count, total, expected, pValue, message: describe(count, total, Math.round(expected)) };
}

export type AnswerObservations = Record<AnswerBias["kind"], Observation[]>;

/** Per question and choice point of a module: is the answer first, is it the longest. */
export function answerObservations(manifest: Pick<ModuleManifest, "activities">): AnswerObservations {
  const quizFirst: Observation[] = [];
  const quizLongest: Observation[] = [];
  const pointFirst: Observation[] = [];
  const pointLongest: Observation[] = [];
  for (const activity of Object.values(manifest.activities)) {
    if (activity.kind === "quiz") {
      for (const question of activity.questions) {
        const seen = observe(question.options, (o) => o.correct);
        if (seen.first) quizFirst.push(seen.first);
        quizLongest.push(seen.longest);
      }
    } else if (activity.kind === "scenario") {
      const replies = recommendedReplies(activity);
      for (const node of Object.values(activity.nodes)) {
        if (node.kind !== "resident") continue;
        const recommended = replies.get(node.id) ?? new Set<number>();
        // A point where every reply is as good as the others has no answer to give away.
        if (recommended.size === 0 || recommended.size === node.choices.length) continue;
        const seen = observe(node.choices, (c) => recommended.has(c.index));
        if (seen.first) pointFirst.push(seen.first);
        pointLongest.push(seen.longest);
      }
    }
  }
  return { "quiz-first": quizFirst, "quiz-longest": quizLongest, "scenario-first": pointFirst, "scenario-longest": pointLongest };
}

/**
 * The patterns that chance would rarely produce, in one module's observations or in
 * several modules' put together (content:check's closing line).
 */
export function answerBias(observed: AnswerObservations): AnswerBias[] {
  const chance = (expected: number) => `chance alone would give about ${expected}`;
  return [
    finding("quiz-first", observed["quiz-first"], (n, of, e) => `answer position: the right answer is listed first in ${n} of ${of} quiz questions (${chance(e)}). Put it in different places.`),
    finding("quiz-longest", observed["quiz-longest"], (n, of, e) => `answer length: the right answer is the longest option in ${n} of ${of} quiz questions (${chance(e)}), so picking the longest passes. Make the wrong options as full as the right one, or the right one shorter.`),
    finding("scenario-first", observed["scenario-first"], (n, of, e) => `reply position: the recommended reply is listed first at ${n} of ${of} scenario choice points (${chance(e)}). Put it in different places.`),
    finding("scenario-longest", observed["scenario-longest"], (n, of, e) => `reply length: the recommended reply is the longest at ${n} of ${of} scenario choice points (${chance(e)}), so picking the longest wins. Make the other replies as full as the recommended one.`),
  ].filter((f): f is AnswerBias => f !== null);
}
