// A learner's timing accommodation (WCAG 2.2.1 Timing Adjustable), client-safe: the labels
// and the arithmetic every timer on a learner's screen goes through. Only a type comes from
// db/enums: this file ships with the role-play and live pages, and a value import would
// bring every enum list along as one more script (issue 18 part 6, ADR 036). The list of
// choices, for forms, is `timingAccommodations` in db/enums.
import type { timingAccommodations } from "../../db/enums";

export type TimingAccommodation = (typeof timingAccommodations)[number];

export const TIMING_LABEL: Record<TimingAccommodation, string> = {
  standard: "Timers as usual",
  double: "Twice as long",
  triple: "Three times as long",
  off: "No timers",
};

const FACTOR: Record<Exclude<TimingAccommodation, "off">, number> = { standard: 1, double: 2, triple: 3 };

export function isTimingAccommodation(value: unknown): value is TimingAccommodation {
  // TIMING_LABEL has exactly one key per choice (its type says so).
  return typeof value === "string" && Object.hasOwn(TIMING_LABEL, value);
}

/** How long a timer of `seconds` runs for this learner; null: no timer at all. */
export function accommodatedSeconds(seconds: number, timing: TimingAccommodation): number | null {
  if (timing === "off") return null;
  return seconds * FACTOR[timing];
}

/**
 * A shared timer (started by the trainer, ending at `endsAt` after `seconds`) as this learner
 * sees it: it starts at the same moment as everyone's and runs `factor` times as long. Null
 * when the learner has no timers.
 */
export function accommodatedTimer(timer: { endsAt: string; seconds: number }, timing: TimingAccommodation): { endsAt: string; seconds: number } | null {
  const seconds = accommodatedSeconds(timer.seconds, timing);
  if (seconds === null) return null;
  if (seconds === timer.seconds) return timer;
  const startedAt = Date.parse(timer.endsAt) - timer.seconds * 1000;
  return { endsAt: new Date(startedAt + seconds * 1000).toISOString(), seconds };
}

/** "5 minutes", as a role-play's length reads for this learner. */
export function minutesLabel(minutes: number): string {
  return `${minutes} ${minutes === 1 ? "minute" : "minutes"}`;
}
