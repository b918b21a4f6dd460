// A learner's timing accommodation (WCAG 2.2.1 Timing Adjustable), client-safe: the account
// form's choices and the arithmetic every timer on a learner's screen goes through.
import { timingAccommodations } from "../../db/enums";

export type TimingAccommodation = (typeof timingAccommodations)[number];
export { timingAccommodations };

export const TIMING_LABEL: Record<TimingAccommodation, string> = {
  standard: "Timers as usual",
  double: "Twice as long",
  triple: "Three times as long",
  off: "No timers",
};

export const TIMING_HINT: Record<TimingAccommodation, string> = {
  standard: "Countdowns run for the time the trainer or module sets.",
  double: "Every countdown on your screen gives you twice the time.",
  triple: "Every countdown on your screen gives you three times the time.",
  off: "No countdowns at all: your screen says “take your time” instead.",
};

const FACTOR: Record<Exclude<TimingAccommodation, "off">, number> = { standard: 1, double: 2, triple: 3 };

export function isTimingAccommodation(value: unknown): value is TimingAccommodation {
  return typeof value === "string" && (timingAccommodations as readonly string[]).includes(value);
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
