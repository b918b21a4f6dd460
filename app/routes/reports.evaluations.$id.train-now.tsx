import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUserForDownload } from "~/auth/guard.server";
import { plainError } from "~/lib/http.server";
import { ROLES } from "~/auth/policy";
import { routeParam } from "~/lib/request.server";
import { trainNowList } from "~/reports/evaluations.server";
import { csvField } from "~/reports/filters";

// The "train now" arm as CSV, for the organiser to invite to training. A resource route has
// no error page, so refusals are plain text.

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const viewer = (await requireUserForDownload({ request, context }, ROLES.runEvaluations)).user;
  const list = await trainNowList(viewer, routeParam(params, "id", "text"));
  if (!list) return plainError(404, "There is no such evaluation in your groups.");
  const lines = [["name", "email", "group"].join(","), ...list.map((r) => [r.name, r.email, r.group].map(csvField).join(","))];
  return new Response(`${lines.join("\r\n")}\r\n`, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="train-now.csv"`,
      "Cache-Control": "private, no-store",
    },
  });
}
