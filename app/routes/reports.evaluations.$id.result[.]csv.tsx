import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUserForDownload } from "~/auth/guard.server";
import { plainError } from "~/lib/http.server";
import { ROLES } from "~/auth/policy";
import { routeParam } from "~/lib/request.server";
import { evaluationDetail, resultCsvRows } from "~/reports/evaluations.server";
import { csvField } from "~/reports/filters";

// The result table of one evaluation as CSV (ADR 039): each arm, then the difference, with
// the days counted and whether it was stopped early. Refusals are plain text, as for the
// "train now" list (a resource route has no error page).

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const viewer = (await requireUserForDownload({ request, context }, ROLES.runEvaluations)).user;
  const detail = await evaluationDetail(viewer, routeParam(params, "id", "text"));
  if (!detail) return plainError(404, "There is no such evaluation in your groups.");
  const lines = resultCsvRows(detail).map((row) => row.map(csvField).join(","));
  return new Response(`${lines.join("\r\n")}\r\n`, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="evaluation-result.csv"`,
      "Cache-Control": "private, no-store",
    },
  });
}
