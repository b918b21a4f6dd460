import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/auth/guard.server";
import { ROLES } from "~/auth/policy";
import { ELECTION_SAMPLE, readElectionSample } from "~/field/import-samples.server";

// The election results sample (docs/samples/election-results.csv, the demo election's
// figures) as a download, so an organiser on the elections page needs no repository.

export async function loader({ request, context }: LoaderFunctionArgs) {
  try {
    await requireUser({ request, context }, ROLES.runEvaluations);
  } catch (thrown) {
    // A resource route has no error page: answer a refusal in plain text (as the CSV exports do).
    const refusal = thrown as { type?: string; data?: unknown; init?: ResponseInit | null };
    if (refusal?.type === "DataWithResponseInit") {
      return new Response(String(refusal.data), { status: refusal.init?.status ?? 403, headers: { "Content-Type": "text/plain; charset=utf-8" } });
    }
    throw thrown; // the redirect to sign in
  }
  return new Response(await readElectionSample(), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${ELECTION_SAMPLE}"`,
      "Cache-Control": "private, max-age=300",
    },
  });
}
