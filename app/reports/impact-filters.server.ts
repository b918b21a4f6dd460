import { z } from "zod";
import { GROUP_KIND_FILTERS } from "./filters";

// The impact report's filters as they travel in the URL (GET form, shareable links): an
// area (one group, a kind of group, target seats only, or the whole movement in scope)
// and a period. A bad value becomes a message next to the filter, never a 500.

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
const blank = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const optional = <T extends z.ZodTypeAny>(schema: T) => z.preprocess(blank, schema.optional());

const isoDay = (label: string) =>
  z
    .string()
    .regex(ISO_DAY, `${label} must be a date like 2025-03-31.`)
    .refine((s) => {
      const d = new Date(`${s}T00:00:00Z`);
      return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s && s >= "2000-01-01" && s <= "2100-12-31";
    }, `${label} is not a real date between 2000 and 2100.`);

/** Default period: the last 26 weeks up to today, the span of the weekly charts elsewhere. */
export const DEFAULT_PERIOD_DAYS = 182;
const MAX_PERIOD_DAYS = 366 * 5;

export const impactFilterSchema = z
  .object({
    group: optional(z.uuid("That area is not a valid group id. Pick a group from the list.")),
    kind: optional(z.enum(GROUP_KIND_FILTERS, { error: "Kind must be branch, constituency, union, campus or other." })),
    target: z.preprocess(blank, z.enum(["1"], { error: "“Target seats only” is on (1) or absent." }).optional()),
    from: optional(isoDay("“From”")),
    to: optional(isoDay("“To”")),
  })
  .superRefine((f, ctx) => {
    if (f.from && f.to && f.from > f.to) ctx.addIssue({ code: "custom", path: ["to"], message: "“To” is before “From”." });
  })
  .transform((f) => {
    const to = f.to ?? new Date().toISOString().slice(0, 10);
    const from = f.from ?? shiftDay(to, -(DEFAULT_PERIOD_DAYS - 1));
    return { group: f.group, kind: f.kind, target: f.target, from, to };
  })
  .superRefine((f, ctx) => {
    if (daysBetween(f.from, f.to) > MAX_PERIOD_DAYS) ctx.addIssue({ code: "custom", path: ["from"], message: "Choose a period of at most five years." });
    if (f.from > f.to) ctx.addIssue({ code: "custom", path: ["from"], message: "“From” is after “To” (today, when “To” is empty)." });
  });
export type ImpactFilters = z.output<typeof impactFilterSchema>;

export function shiftDay(isoDay: string, days: number): string {
  const d = new Date(`${isoDay}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
