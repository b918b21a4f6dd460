import { z } from "zod";
import { DEFAULT_THRESHOLD, GROUP_KIND_FILTERS, CELL_STATUSES, ROLE_FILTERS, type FilterErrors, type FilterResult } from "./filters";

// The report filters as they travel in the URL (GET forms, shareable links), parsed by
// each page's loader: a bad value becomes a message next to the filter, never a 500.

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

