import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/auth/guard.server";
import { ROLES } from "~/auth/policy";
import { routeParam } from "~/lib/request.server";
import { trainNowList } from "~/reports/evaluations.server";
import { csvField } from "~/reports/filters";

// The "train now" arm as CSV, for the organiser to invite to training. A resource route has
// no error page, so refusals are plain text.
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
  const list = await trainNowList(viewer, routeParam(params, "id", "text"));
  if (!list) return plain("There is no such evaluation in your groups.", 404);
  const lines = [["name", "email", "group"].join(","), ...list.map((r) => [r.name, r.email, r.group].map(csvField).join(","))];
  return new Response(`${lines.join("\r\n")}\r\n`, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="train-now.csv"`,
      "Cache-Control": "private, no-store",
    },
  });
}
