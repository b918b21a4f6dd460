import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUserForDownload } from "~/auth/guard.server";
import { ROLES } from "~/auth/policy";
import { ELECTION_SAMPLE, readElectionSample } from "~/field/import-samples.server";

// The election results sample (docs/samples/election-results.csv, the demo election's
// figures) as a download, so an organiser on the elections page needs no repository.

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUserForDownload({ request, context }, ROLES.runEvaluations);
  return new Response(await readElectionSample(), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${ELECTION_SAMPLE}"`,
      "Cache-Control": "private, max-age=300",
    },
  });
}
