import { debriefOutcomes, fieldKinds } from "../../db/enums";

// What the debrief and shift pages and their parsers share (client-safe: the pages import
// it). Counts and codes only: nothing here can name a resident.

export { debriefOutcomes, fieldKinds };
export type FieldKind = (typeof fieldKinds)[number];
export type DebriefOutcome = (typeof debriefOutcomes)[number];

/** The largest count one shift plausibly holds; anything above is a typo (an extra 0) or a tampered form. */
export const COUNT_MAX = 2000;
/** "What I'd do differently": one line, so it stays about the activist's practice, not a resident's story. */
export const DIFFERENTLY_MAX = 200;
/** How far back a debrief or shift may be dated: a year covers a late entry, not a typo in the year. */
export const OLDEST_DAYS = 366;
/** A shift is planned at most this far ahead. */
export const PLAN_AHEAD_DAYS = 366;
export const MEETING_POINT_MAX = 120;

export const KIND_LABEL: Record<FieldKind, string> = { doors: "On the doors", phones: "On the phones" };
export const ATTEMPTS_LABEL: Record<FieldKind, string> = { doors: "Doors knocked", phones: "Calls made" };

export const OUTCOME_LABEL: Record<DebriefOutcome, string> = {
  "support-1": "Support 1 (strong support)",
  "support-2": "Support 2",
  "support-3": "Support 3 (in the middle)",
  "support-4": "Support 4",
  "support-5": "Support 5 (strongly against)",
  undecided: "Undecided",
  "not-interested": "Not interested",
};

/**
 * Today in the movement's time zone as yyyy-mm-dd. The server runs in UTC, but a shift
 * that ends at 00:30 in London is logged on the London date, which UTC calls tomorrow.
 */
export function todayInMovement(now: Date = new Date()): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/London", year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}

/** yyyy-mm-dd plus `days` (negative: earlier), on the calendar, whatever the clock. */
export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** A real calendar date written yyyy-mm-dd (2026-02-30 is not one). */
export function isCalendarDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** "Sat 28 Nov 2026": a calendar day, read the same on the server and in any browser. */
export function formatDay(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString("en-GB", { timeZone: "UTC", weekday: "short", day: "numeric", month: "short", year: "numeric" });
}
