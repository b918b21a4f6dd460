import { sha256Hex } from "../../lib/crypto.server";
import type { Activity } from "../../content/manifest";
import type { ShuffleSeeds } from "./shuffle";

// The seeds the pages send with a step (./shuffle.ts draws the orders from them). Seeded
// from learner, activity and attempt, so a reload or a no-JavaScript resubmit shows the
// same order and a retry a new one. 64 bits of SHA-256 is plenty to tell orders apart, and
// says nothing about the learner's id.

export function shuffleSeed(userId: string, activityId: string, attempt: string | number): string {
  return sha256Hex(`${userId}|${activityId}|${attempt}`).slice(0, 16);
}

/**
 * Self-paced: a quiz's attempt is the number of earlier attempts (the form on screen is
 * attempt n; the feedback shown is attempt n − 1's), a scenario's the run being played.
 */
export function stepShuffleSeeds(
  userId: string,
  activities: Record<string, Activity>,
  progress: { quizzes: Record<string, { attempts: number }>; scenarios: Record<string, { latest: { id: string } }> },
): Record<string, ShuffleSeeds> {
  const seeds: Record<string, ShuffleSeeds> = {};
  for (const activity of Object.values(activities)) {
    if (activity.kind === "quiz") {
      const attempts = progress.quizzes[activity.id]?.attempts ?? 0;
      seeds[activity.id] = { current: shuffleSeed(userId, activity.id, attempts), answered: attempts > 0 ? shuffleSeed(userId, activity.id, attempts - 1) : null };
    } else if (activity.kind === "scenario") {
      const run = progress.scenarios[activity.id]?.latest;
      if (run) seeds[activity.id] = { current: shuffleSeed(userId, activity.id, run.id), answered: null };
    }
  }
  return seeds;
}

/** Live: one order per participant and session (the room's replay number joins a scenario's key in the view). */
export function liveShuffleSeeds(userId: string, sessionId: string, activities: Record<string, Activity>): Record<string, ShuffleSeeds> {
  const seeds: Record<string, ShuffleSeeds> = {};
  for (const activity of Object.values(activities)) {
    if (activity.kind === "quiz" || activity.kind === "scenario") {
      const seed = shuffleSeed(userId, activity.id, `live:${sessionId}`);
      seeds[activity.id] = { current: seed, answered: seed };
    }
  }
  return seeds;
}
