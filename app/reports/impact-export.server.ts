import { canvasserImpact, canvasserRows, impactReport, objectionRows, type SideTotals } from "./impact.server";
import { impactFilterSchema } from "./impact-filters.server";
import { parseFilters } from "./filter-schemas.server";
import { findScopeGroup, scopeOf, type Viewer } from "./scope.server";
import { may } from "../auth/policy";
import { refuse, type Result } from "../lib/result";

// CSV of every impact table, with the filters of the page it came from
// (/reports/export/impact-rates?group=…&from=…). Each table is one aggregate query, so it
// is built whole rather than streamed in batches.

export const IMPACT_TABLES = ["impact-rates", "impact-within", "impact-weeks", "impact-objections", "impact-canvassers", "impact-canvasser"] as const;

type Cell = string | number | boolean | null | undefined;
export type ImpactExport = Result<{ name: string; header: string[]; rows: Cell[][] }, 400 | 403 | 404>;

const round = (x: number | null, digits = 4) => (x === null || !Number.isFinite(x) ? null : Math.round(x * 10 ** digits) / 10 ** digits);
const sideCells = (s: SideTotals): Cell[] => [s.people, s.attempts, s.contacts, s.conversations, s.commitments];
const SIDE_HEADER = (prefix: string) => [`${prefix} people`, `${prefix} doors and calls`, `${prefix} contacts`, `${prefix} conversations`, `${prefix} commitments`];

export async function exportImpactTable(viewer: Viewer, table: string, params: URLSearchParams): Promise<ImpactExport> {
  // The export route lets in ROLES.seeReports; the impact tables are ROLES.seeImpact's.
  if (!may.seeImpact(viewer.role)) return refuse(403, "The impact report is for organisers and admins.");
  const parsed = parseFilters(impactFilterSchema, params);
  if (!parsed.ok) return refuse(400, Object.values(parsed.errors)[0] ?? "One of the filters is not valid.");
  const filters = parsed.value;
  const period = `${filters.from}_${filters.to}`;

  if (table === "impact-canvasser") {
    const record = await canvasserImpact(viewer, params.get("id") ?? "", filters);
    if (!record) return refuse(404, "There is no canvasser with that id among the people you can see.");
    return {
      ok: true,
      value: {
        name: `impact-canvasser-${record.person.id}-${period}`,
        header: ["Week starting", ...SIDE_HEADER("Before training:"), ...SIDE_HEADER("After training:")],
        rows: record.weeks.map((w) => [w.week, ...sideCells(w.untrained), ...sideCells(w.trained)]),
      },
    };
  }
  if (table === "impact-objections" || table === "impact-canvassers") {
    const scope = await scopeOf(viewer);
    // The page's own check of the group filter, so a group outside the viewer's reach is
    // refused here too rather than quietly giving an empty file.
    const checked = await impactReportFilterCheck(viewer, filters);
    if (checked) return checked;
    if (table === "impact-objections") {
      const found = await objectionRows(scope, filters);
      return {
        ok: true,
        value: {
          name: `impact-objections-${period}`,
          header: ["Area", "Objection code", "Objection", "Debriefs that met it", "Debriefs in the area", "Practise it"],
          rows: found.map((o) => [o.groupName, o.code, o.label, o.times, o.debriefs, o.practice.href]),
        },
      };
    }
    const found = await canvasserRows(scope, filters);
    return {
      ok: true,
      value: {
        name: `impact-canvassers-${period}`,
        header: ["Canvasser", "Trained on", "Days out", "Doors and calls", "Contacts", "Conversations", "Commitments"],
        rows: found.map((c) => [c.name, c.trainedOn, c.days, c.attempts, c.contacts, c.conversations, c.commitments]),
      },
    };
  }

  // Only the table asked for: the rates and before/after tables need no weeks, objections or list.
  const result = await impactReport(viewer, filters, { weeks: table === "impact-weeks", objections: false, canvassers: 0 });
  if (!result.ok) return refuse(400, Object.values(result.errors)[0] ?? "One of the filters is not valid.");
  const r = result.report;
  if (table === "impact-rates") {
    return {
      ok: true,
      value: {
        name: `impact-rates-${period}`,
        header: [
          "Figure",
          "Trained: people",
          "Trained: successes",
          "Trained: trials",
          "Trained: rate",
          "Trained: 95% CI low",
          "Trained: 95% CI high",
          "Trained: design effect",
          "Not yet trained: people",
          "Not yet trained: successes",
          "Not yet trained: trials",
          "Not yet trained: rate",
          "Not yet trained: 95% CI low",
          "Not yet trained: 95% CI high",
          "Not yet trained: design effect",
          "Difference",
          "Difference 95% CI low",
          "Difference 95% CI high",
          "Note",
        ],
        rows: r.comparisons.map((c) => [
          c.label,
          r.sides.trained.people,
          c.trained.successes,
          c.trained.trials,
          round(c.trained.rate),
          round(c.trained.low),
          round(c.trained.high),
          round(c.trained.designEffect, 3),
          r.sides.untrained.people,
          c.untrained.successes,
          c.untrained.trials,
          round(c.untrained.rate),
          round(c.untrained.low),
          round(c.untrained.high),
          round(c.untrained.designEffect, 3),
          round(c.difference.difference),
          round(c.difference.low),
          round(c.difference.high),
          c.note,
        ]),
      },
    };
  }
  if (table === "impact-within") {
    return {
      ok: true,
      value: {
        name: `impact-before-after-${period}`,
        header: ["Figure", "People", "Mean change (after − before)", "95% CI low", "95% CI high", "Note"],
        rows: r.within.rates.map((w) => [w.label, w.change.n, round(w.change.mean), round(w.change.low), round(w.change.high), w.note]),
      },
    };
  }
  return {
    ok: true,
    value: {
      name: `impact-weeks-${period}`,
      header: ["Week starting", ...SIDE_HEADER("Trained:"), ...SIDE_HEADER("Not yet trained:")],
      rows: r.weeks.map((w) => [w.week, ...sideCells(w.trained), ...sideCells(w.untrained)]),
    },
  };
}

async function impactReportFilterCheck(viewer: Viewer, filters: { group?: string | undefined }): Promise<ImpactExport | undefined> {
  if (!filters.group) return undefined;
  const group = await findScopeGroup(await scopeOf(viewer), filters.group);
  return group ? undefined : refuse(400, "That group is not one of the groups you can see. Pick one from the list.");
}
