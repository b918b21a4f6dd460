// What a participant's screen reader hears as the room's tallies change (WCAG 4.1.3), and
// how often. Client-safe and pure, so the wording and pacing are unit-tested.
import type { Activity } from "../content/manifest";
import type { LiveShared } from "./state";

/** Quiet after the last change, and never more often than every `minGapMs`. */
export const ANNOUNCE_SETTLE_MS = 1500;
export const ANNOUNCE_MIN_GAP_MS = 6000;

/**
 * How long to wait before announcing a change seen at `now`, the last announcement having
 * been at `lastAt` (null: none yet). A room answering in a burst is heard once, summarised,
 * not once per answer.
 */
export function announcementDelay(now: number, lastAt: number | null, settleMs = ANNOUNCE_SETTLE_MS, minGapMs = ANNOUNCE_MIN_GAP_MS): number {
  const gapLeft = lastAt === null ? 0 : lastAt + minGapMs - now;
  return Math.max(settleMs, gapLeft);
}

const answers = (n: number) => `${n} ${n === 1 ? "answer" : "answers"}`;

/** One sentence per tally on the current step, in the step's order. Empty: nothing to say. */
export function summariseTallies(
  shared: Pick<LiveShared, "tallies" | "answered" | "scenarios">,
  activities: Record<string, Activity | undefined>,
  activityIds: readonly string[],
): string {
  const parts: string[] = [];
  for (const id of activityIds) {
    const activity = activities[id];
    if (!activity) continue;
    const tally = shared.tallies[id];
    if (activity.kind === "poll" && tally?.kind === "poll") {
      const top = Math.max(0, ...Object.values(tally.counts));
      const leaders = activity.options.filter((o) => top > 0 && (tally.counts[o.id] ?? 0) === top).map((o) => `“${o.text}”`);
      const most = leaders.length === 0 ? "" : leaders.length === 1 ? `; most chose ${leaders[0]} (${top})` : `; tied at ${top}: ${leaders.join(" and ")}`;
      parts.push(`Poll results: ${answers(tally.total)}${most}.`);
    } else if (activity.kind === "quiz" && tally?.kind === "quiz") {
      parts.push(`Quiz results: ${answers(tally.total)}.`);
    } else if ((activity.kind === "poll" || activity.kind === "quiz") && shared.answered[id] !== undefined) {
      parts.push(`${activity.kind === "poll" ? "Poll" : "Quiz"}: ${answers(shared.answered[id] ?? 0)} so far.`);
    } else if (activity.kind === "scenario" && shared.scenarios[id]) {
      const voters = shared.scenarios[id]!.voters;
      parts.push(`${voters} ${voters === 1 ? "vote" : "votes"} on the next reply.`);
    }
  }
  return parts.join(" ");
}

/**
 * The tallies as a paused screen keeps showing them: each activity's as it was when first
 * seen after pausing (`held`), so a result revealed during the pause still appears, once.
 * Returns the new held map alongside what to show.
 */
export function holdTallies<T extends Pick<LiveShared, "tallies" | "answered" | "scenarios">>(
  current: T,
  held: Pick<LiveShared, "tallies" | "answered"> & { voters: Record<string, number> },
): { shown: T; held: Pick<LiveShared, "tallies" | "answered"> & { voters: Record<string, number> } } {
  const next = { tallies: { ...held.tallies }, answered: { ...held.answered }, voters: { ...held.voters } };
  for (const [id, t] of Object.entries(current.tallies)) next.tallies[id] ??= t;
  for (const [id, n] of Object.entries(current.answered)) next.answered[id] ??= n;
  for (const [id, s] of Object.entries(current.scenarios)) next.voters[`${id}|${s.run}|${s.turn}`] ??= s.voters;
  const scenarios = Object.fromEntries(
    Object.entries(current.scenarios).map(([id, s]) => [id, { ...s, voters: next.voters[`${id}|${s.run}|${s.turn}`] ?? s.voters }]),
  );
  const pick = <V,>(all: Record<string, V>, from: Record<string, V>) => Object.fromEntries(Object.keys(from).map((id) => [id, all[id]!]));
  return { shown: { ...current, tallies: pick(next.tallies, current.tallies), answered: pick(next.answered, current.answered), scenarios }, held: next };
}
