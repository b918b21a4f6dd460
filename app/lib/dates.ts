// Times people read are shown on the movement's own clock, named explicitly. A formatter
// without a time zone uses the server's when the page is rendered and the reader's when
// it hydrates: the two differ (React's hydration error, and a whole page rendered again
// on a cheap phone), and on a UTC server every time is an hour out for half the year.
// Report days are UTC days and keep their own formatters (app/reports/filters.ts).

/** Scheduled sessions are entered and shown in this zone too (app/live/scheduled.server.ts). */
export const MOVEMENT_TIME_ZONE = "Europe/London";

const WHEN = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: MOVEMENT_TIME_ZONE });
const TIME = new Intl.DateTimeFormat("en-GB", { timeStyle: "short", timeZone: MOVEMENT_TIME_ZONE });
const DATE = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: MOVEMENT_TIME_ZONE });
const LONG_DATE = new Intl.DateTimeFormat("en-GB", { dateStyle: "long", timeZone: MOVEMENT_TIME_ZONE });

/** "6 Dec 2026, 14:05" on the UK clock. */
export const formatWhen = (at: Date | string) => WHEN.format(new Date(at));
/** "14:05" on the UK clock. */
export const formatTime = (at: Date | string) => TIME.format(new Date(at));
/** "6 Dec 2026", the UK date of an instant. */
export const formatDate = (at: Date | string) => DATE.format(new Date(at));
/** "6 December 2026", the UK date of an instant. */
export const formatLongDate = (at: Date | string) => LONG_DATE.format(new Date(at));
