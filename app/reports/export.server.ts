import { activistRecord } from "./activist.server";
import { matrixFilterSchema, moduleReportFilterSchema, overviewFilterSchema, parseFilters } from "./filter-schemas.server";
import { csvField, type FilterErrors } from "./filters";
import { matrixExportBatches, matrixSetup, type CellStatus } from "./matrix.server";
import { moduleGroupBatches, moduleScope, quizFigures, scenarioFigures } from "./module-report.server";
import { groupTableBatches, moduleFigures, weeklyCompletions } from "./overview.server";
import { ELECTION_TABLES, exportElectionTable } from "./elections.server";
import { exportImpactTable, IMPACT_TABLES } from "./impact-export.server";
import { scopeOf, type Viewer } from "./scope.server";
import { refuse, type Result } from "../lib/result";

// CSV exports of every report table, with the same filters as the page they come from.
// Big tables (the matrix, the groups) are read a batch at a time by keyset and written
// as they arrive: the stream pulls the next batch only when the previous one has been
// handed on, so memory stays flat however many rows there are.

export const EXPORT_TABLES = [
  "matrix",
  "groups",
  "modules",
  "weeks",
  "module-groups",
  "module-questions",
  "module-endings",
  "module-choices",
  "activist-modules",
  ...IMPACT_TABLES,
  ...ELECTION_TABLES,
] as const;
export type ExportTable = (typeof EXPORT_TABLES)[number];

/** Text that is already CSV fields (commas and all), written as it is. */
class CsvFields {
  constructor(readonly text: string) {}
}
type Cell = string | number | boolean | null | undefined | CsvFields;
type Rows = AsyncIterable<Cell[][]>;

const line = (fields: Cell[]) => `${fields.map((f) => (f instanceof CsvFields ? f.text : csvField(f))).join(",")}\r\n`;

/** A CSV ready to stream, or why not. */
export type ExportResult = Result<{ filename: string; stream: ReadableStream<Uint8Array> }, 400 | 403 | 404>;

export interface StreamOptions {
  /**
   * Resolves once the response's socket has room again. Remix hands a body to Node
   * without waiting for `drain`, so without this a fast database fills the socket's
   * buffer with the whole export when the client reads slowly (docs/performance.md,
   * Reports): each batch is read only after the previous one has left the process.
   */
  drained?: (() => Promise<void>) | undefined;
}

/** UTF-8 with a byte-order mark, so spreadsheet programs read accented names correctly. */
export function csvStream(header: string[], batches: Rows, options: StreamOptions = {}): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const iterator = batches[Symbol.asyncIterator]();
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(`\uFEFF${line(header)}`));
        return;
      }
      try {
        await options.drained?.();
        const next = await iterator.next();
        if (next.done) {
          controller.close();
          return;
        }
        controller.enqueue(encoder.encode(next.value.map(line).join("")));
      } catch (error) {
        controller.error(error);
      }
    },
    async cancel() {
      await iterator.return?.(undefined);
    },
  });
}

async function* once(rowsOf: () => Promise<Cell[][]>): Rows {
  yield await rowsOf();
}

const STATUS_TEXT: Record<CellStatus, string> = {
  "not-started": "not started",
  "in-progress": "in progress",
  self: "complete (self-paced)",
  live: "complete (live session)",
};

const stamp = () => new Date().toISOString().slice(0, 10);
const firstError = (errors: FilterErrors) => Object.values(errors)[0] ?? "One of the filters is not valid.";

export async function exportTable(viewer: Viewer, table: string, params: URLSearchParams, options: StreamOptions = {}): Promise<ExportResult> {
  const ok = (name: string, header: string[], rows: Rows): ExportResult => ({ ok: true, value: { filename: `doorstep-${name}-${stamp()}.csv`, stream: csvStream(header, rows, options) } });
  const bad = (message: string): ExportResult => refuse(400, message);

  switch (table) {
    case "matrix": {
      const parsed = parseFilters(matrixFilterSchema, params);
      if (!parsed.ok) return bad(firstError(parsed.errors));
      const setup = await matrixSetup(viewer, parsed.value);
      if (!setup.ok) return bad(firstError(setup.errors));
      const context = setup.context;
      const { modules } = context;
      const header = ["Name", "Email", "Role", "Groups", `Modules complete (of ${modules.length})`, ...modules.flatMap((m) => [`${m.title}: status`, `${m.title}: date`])];
      async function* lines(): Rows {
        for await (const batch of matrixExportBatches(context, STATUS_TEXT)) {
          yield batch.map((r) => [r.name, r.email, r.role, r.groups, r.completed, ...(r.cells === null ? [] : [new CsvFields(r.cells)])]);
        }
      }
      return ok("activists", header, lines());
    }
    case "groups": {
      const parsed = parseFilters(overviewFilterSchema, params);
      if (!parsed.ok) return bad(firstError(parsed.errors));
      const f = parsed.value;
      async function* lines(): Rows {
        for await (const batch of groupTableBatches(viewer, { threshold: f.threshold, kind: f.kind, targetOnly: f.target === "1" })) {
          yield batch.map((g) => [g.name, g.kind, g.isTargetSeat, g.activists, g.trained, g.completions, g.rate, g.behind]);
        }
      }
      return ok("groups", ["Group", "Kind", "Target seat", "Activists", "Trained (all modules)", "Module completions", "Completion rate %", `Target seat below ${f.threshold}%`], lines());
    }
    case "modules": {
      const scope = await scopeOf(viewer);
      return ok(
        "modules",
        ["Module", "Started", "Completed self-paced", "Completed live", "Completed", "Completed of started %"],
        once(async () =>
          (await moduleFigures(scope)).map((m) => [m.title, m.started, m.self, m.live, m.self + m.live, m.started ? Math.round(((m.self + m.live) / m.started) * 1000) / 10 : null]),
        ),
      );
    }
    case "weeks": {
      const scope = await scopeOf(viewer);
      return ok("completions-by-week", ["Week starting", "Completed self-paced", "Completed live", "Completed"], once(async () => (await weeklyCompletions(scope)).map((w) => [w.week, w.self, w.live, w.self + w.live])));
    }
    case "module-groups":
    case "module-questions":
    case "module-endings":
    case "module-choices": {
      const slug = params.get("slug") ?? "";
      const parsed = parseFilters(moduleReportFilterSchema, params);
      if (!parsed.ok) return bad(firstError(parsed.errors));
      const resolved = await moduleScope(viewer, slug, parsed.value.group);
      if (!resolved.ok) return resolved;
      const { module, scope } = resolved.value;
      const groupId = parsed.value.group;
      const title = module.frontmatter.title;
      if (table === "module-groups") {
        async function* lines(): Rows {
          for await (const batch of moduleGroupBatches(viewer, module.slug, groupId)) {
            yield batch.map((g) => [g.name, g.kind, g.isTargetSeat, g.activists, g.self, g.live, g.rate]);
          }
        }
        return ok(`${module.slug}-groups`, ["Group", "Kind", "Target seat", "Activists", "Completed self-paced", "Completed live", "Completion rate %"], lines());
      }
      if (table === "module-questions") {
        return ok(
          `${module.slug}-questions`,
          ["Module", "Quiz", "Question", "Attempts", "Answered right", "Right %", "Most picked wrong answer", "Times picked", "First attempts", "Right first time %"],
          once(async () =>
            (await quizFigures(scope, module)).flatMap((quiz) =>
              quiz.questions.map((q) => [
                title,
                quiz.id,
                q.prompt,
                q.attempts,
                q.right,
                q.percentRight,
                q.commonWrong?.text,
                q.commonWrong?.times,
                q.firstAttempts,
                q.percentRightFirst,
              ]),
            ),
          ),
        );
      }
      if (table === "module-endings") {
        return ok(
          `${module.slug}-endings`,
          ["Module", "Scenario", "Ending", "Outcome", "Self-paced runs", "Self-paced learners", "Live room runs", "Live voters"],
          once(async () =>
            (await scenarioFigures(scope, module)).flatMap((s) => s.endings.map((e) => [title, s.title, e.title, e.outcome, e.runs, e.learners, e.liveRuns, e.liveLearners])),
          ),
        );
      }
      return ok(
        `${module.slug}-choices`,
        [
          "Module",
          "Scenario",
          "Point (node)",
          "Resident says",
          "Learners at this point",
          "Reply",
          "Learners who took it",
          "Took it self-paced",
          "Voted for it live",
          "Share %",
          "Wrong turn",
        ],
        once(async () =>
          (await scenarioFigures(scope, module)).flatMap((s) =>
            s.nodes.flatMap((n) => n.choices.map((c) => [title, s.title, n.id, n.says, n.learners, c.text, c.learners, c.selfPaced, c.live, c.share, c.wrong])),
          ),
        ),
      );
    }
    case "activist-modules": {
      const record = await activistRecord(viewer, params.get("id") ?? "");
      if (!record) return refuse(404, "There is no one with that id among the people you can see.");
      return ok(
        `activist-${record.person.id}`,
        ["Name", "Email", "Module", "Status", "Date", "Steps seen", "Steps"],
        once(async () => record.modules.map((m) => [record.person.name, record.person.email, m.title, STATUS_TEXT[m.status], m.date, m.stepsSeen, m.stepCount])),
      );
    }
    default:
      if ((IMPACT_TABLES as readonly string[]).includes(table)) {
        const impact = await exportImpactTable(viewer, table, params);
        if (!impact.ok) return impact;
        return ok(impact.value.name, impact.value.header, once(async () => impact.value.rows));
      }
      if ((ELECTION_TABLES as readonly string[]).includes(table)) {
        const results = await exportElectionTable(viewer, params);
        if (!results.ok) return results;
        return ok(results.value.name, results.value.header, once(async () => results.value.rows));
      }
      return refuse(404, `There is no report table “${table.slice(0, 40)}” to export.`);
  }
}
