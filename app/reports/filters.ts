import { z } from "zod";

// Client-safe: the report filters as they travel in the URL (GET forms, shareable links),
// their zod schemas and the helpers pages use to build links. Every page parses its
// search params here; a bad value becomes a message next to the filter, never a 500.

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

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** An empty field in a GET form means "no filter", not an invalid value. */
const blank = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const optional = <T extends z.ZodTypeAny>(schema: T) => z.preprocess(blank, schema.optional());

const isoDay = (label: string) =>
  z
    .string()
    .regex(ISO_DAY, `${label} must be a date like 2025-03-31.`)
    .refine((s) => {
      const d = new Date(`${s}T00:00:00Z`);
      return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
    }, `${label} is not a real date.`);

const page = z.preprocess(
  blank,
  z.coerce
    .number({ error: "The page number must be a whole number." })
    .int("The page number must be a whole number.")
    .min(1, "Pages start at 1.")
    .max(100_000, "That page number is far too large.")
    .default(1),
);

const groupId = z.uuid("That group filter is not a valid group id. Pick a group from the list.");
const moduleSlug = z.string().max(64).regex(SLUG, "That module filter is not a valid module address. Pick a module from the list.");

export const matrixFilterSchema = z
  .object({
    group: optional(groupId),
    module: optional(moduleSlug),
    status: optional(z.enum(CELL_STATUSES, { error: "Status must be one of: not started, in progress, complete, complete self-paced, complete live." })),
    from: optional(isoDay("“Completed from”")),
    to: optional(isoDay("“Completed to”")),
    role: z.preprocess(blank, z.enum(ROLE_FILTERS, { error: "Role must be activist, trainer, organiser, admin or everyone." }).default("activist")),
    q: optional(z.string().trim().max(100, "Search for at most 100 characters.")),
    // Group name contains: for scopes with too many groups for a drop-down list.
    gq: optional(z.string().trim().max(100, "Search groups for at most 100 characters.")),
    sort: z.preprocess(
      blank,
      z
        .string()
        .max(80)
        .regex(/^(name|email|groups|completed|m:[a-z0-9]+(?:-[a-z0-9]+)*)$/, "You can sort by name, email, groups, modules completed or a module column.")
        .default("name"),
    ),
    dir: z.preprocess(blank, z.enum(["asc", "desc"], { error: "Sort direction must be asc or desc." }).default("asc")),
    page,
  })
  .superRefine((f, ctx) => {
    if (f.from && f.to && f.from > f.to) ctx.addIssue({ code: "custom", path: ["to"], message: "“Completed to” is before “Completed from”." });
    if ((f.status === "complete-self" || f.status === "complete-live") && !f.module) {
      ctx.addIssue({ code: "custom", path: ["status"], message: "Choose a module to filter by how it was completed (self-paced or live)." });
    }
    if ((f.from || f.to) && (f.status === "not-started" || f.status === "in-progress")) {
      ctx.addIssue({ code: "custom", path: ["status"], message: "The date range filters by completion date, so it only goes with status “Complete” or “Any”." });
    }
  });
export type MatrixFilters = z.output<typeof matrixFilterSchema>;

export const overviewFilterSchema = z.object({
  threshold: z.preprocess(
    blank,
    z.coerce
      .number({ error: "The threshold must be a number from 0 to 100." })
      .int("The threshold must be a whole number.")
      .min(0, "The threshold must be from 0 to 100.")
      .max(100, "The threshold must be from 0 to 100.")
      .default(DEFAULT_THRESHOLD),
  ),
  kind: optional(z.enum(GROUP_KIND_FILTERS, { error: "Kind must be branch, constituency, union, campus or other." })),
  target: z.preprocess(blank, z.enum(["1"], { error: "“Target seats only” is on (1) or absent." }).optional()),
  gpage: page,
});
export type OverviewFilters = z.output<typeof overviewFilterSchema>;

export const moduleReportFilterSchema = z.object({
  group: optional(groupId),
  gpage: page,
});
export type ModuleReportFilters = z.output<typeof moduleReportFilterSchema>;

export type FilterErrors = Record<string, string>;
export type FilterResult<T> = { ok: true; value: T } | { ok: false; errors: FilterErrors; raw: Record<string, string> };

/** Parse URL search params with a schema; every issue becomes a message keyed by field. */
export function parseFilters<T>(schema: z.ZodType<T>, params: URLSearchParams): FilterResult<T> {
  const raw: Record<string, string> = {};
  for (const [key, value] of params) if (!(key in raw)) raw[key] = value.slice(0, 200);
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  const errors: FilterErrors = {};
  for (const issue of parsed.error.issues) {
    const key = String(issue.path[0] ?? "form");
    errors[key] ??= issue.message;
  }
  return { ok: false, errors, raw };
}

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

export function matrixQuery(filters: MatrixFilters, changes: Partial<Record<keyof MatrixFilters, string | number | undefined>> = {}): string {
  return toQuery({ ...filters, ...changes });
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

export const csvLine = (fields: (string | number | boolean | null | undefined)[]) => `${fields.map(csvField).join(",")}\r\n`;

// ---------------------------------------------------------------- display helpers (pure)

const DAY = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
const SHORT_DAY = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });

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
