import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/auth/guard.server";
import { ROLES } from "~/auth/policy";
import { routeParam } from "~/lib/request.server";
import { evaluationDetail, resultCsvRows } from "~/reports/evaluations.server";
import { csvField } from "~/reports/filters";

// The result table of one evaluation as CSV (ADR 039): each arm, then the difference, with
// the days counted and whether it was stopped early. Refusals are plain text, as for the
// "train now" list (a resource route has no error page).
const plain = (message: string, status: number) => new Response(message, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  let viewer;
  try {
    viewer = (await requireUser({ request, context }, ROLES.runEvaluations)).user;
  } catch (thrown) {
    const refusal = thrown as { type?: string; data?: unknown; init?: ResponseInit | null };
    if (refusal?.type === "DataWithResponseInit") return plain(String(refusal.data), refusal.init?.status ?? 403);
    throw thrown;
  }
  const detail = await evaluationDetail(viewer, routeParam(params, "id", "text"));
  if (!detail) return plain("There is no such evaluation in your groups.", 404);
  const lines = resultCsvRows(detail).map((row) => row.map(csvField).join(","));
  return new Response(`${lines.join("\r\n")}\r\n`, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="evaluation-result.csv"`,
      "Cache-Control": "private, no-store",
    },
  });
}
