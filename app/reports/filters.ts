// Client-safe: what the report pages need of their filters (labels, defaults, links that
// keep the filters in the URL, CSV quoting). The zod schemas that parse them are in
// filter-schemas.server.ts, so zod stays out of the browser bundles.

export const PAGE_SIZE = 50;
export const GROUP_PAGE_SIZE = 50;
export const DEFAULT_THRESHOLD = 50;

export const CELL_STATUSES = ["not-started", "in-progress", "complete", "complete-self", "complete-live"] as const;
export type StatusFilter = (typeof CELL_STATUSES)[number];
export const STATUS_LABEL: Record<StatusFilter, string> = {
  "not-started": "Not started",
  "in-progress": "In progress",
  complete: "Complete (any way)",
  "complete-self": "Complete, self-paced",
  "complete-live": "Complete, live session",
};

// Kept here rather than imported from db/schema so client bundles never pull in Drizzle.
export const ROLE_FILTERS = ["activist", "trainer", "organiser", "admin", "all"] as const;
export type RoleFilter = (typeof ROLE_FILTERS)[number];
export const ROLE_FILTER_LABEL: Record<RoleFilter, string> = {
  activist: "Activists",
  trainer: "Trainers",
  organiser: "Organisers",
  admin: "Admins",
  all: "Everyone",
};

export const GROUP_KIND_FILTERS = ["branch", "constituency", "union", "campus", "other"] as const;

export type SortDir = "asc" | "desc";
/** name | email | groups | completed | m:<module slug> */
export type MatrixSort = string;

export type FilterErrors = Record<string, string>;
export type FilterResult<T> = { ok: true; value: T } | { ok: false; errors: FilterErrors; raw: Record<string, string> };

/**
 * A query string holding only the values that differ from the defaults, so shared links
 * stay short and readable. `undefined`/empty values are dropped.
 */
export function toQuery(values: Record<string, string | number | undefined | null>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || value === null || value === "") continue;
    if (key === "page" || key === "gpage") {
      if (Number(value) === 1) continue;
    }
    if (key === "role" && value === "activist") continue;
    if (key === "sort" && value === "name") continue;
    if (key === "dir" && value === "asc") continue;
    if (key === "threshold" && Number(value) === DEFAULT_THRESHOLD) continue;
    params.set(key, String(value));
  }
  const s = params.toString();
  return s ? `?${s}` : "";
}

// ---------------------------------------------------------------- CSV safety (pure)

/**
 * One CSV field, RFC 4180: quoted when it holds a comma, quote or line break, quotes
 * doubled. A text cell starting with = + - @ (or tab/CR) would run as a formula in a
 * spreadsheet, so it gets a leading apostrophe first. Numbers are written as they are.
 */
export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  if (typeof value === "boolean") return value ? "yes" : "no";
  let text = value;
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}


// ---------------------------------------------------------------- display helpers (pure)

const DAY = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
const SHORT_DAY = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });
const DAY_TIME = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZone: "UTC" });

/** "2025-03-03T09:05:00Z" → "3 Mar 2025, 09:05 UTC" (the same on the server and in the browser). */
export function formatDayTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${DAY_TIME.format(d)} UTC`;
}

/** "2025-03-03" → "3 Mar 2025" (dates in reports are UTC days). */
export function formatDay(isoDay: string | null | undefined): string {
  if (!isoDay) return "";
  const d = new Date(`${isoDay}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? isoDay : DAY.format(d);
}

export function formatShortDay(isoDay: string): string {
  const d = new Date(`${isoDay}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? isoDay : SHORT_DAY.format(d);
}

export const percent = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 1000) / 10 : 0);
