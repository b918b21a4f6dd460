import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/auth/guard.server";
import { ROLES } from "~/auth/policy";
import { readImportSample } from "~/field/import-samples.server";

// A sample file from docs/samples, as a download (the format page links them).

const plain = (message: string, status: number) => new Response(message, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  try {
    await requireUser({ request, context }, ROLES.seeImpact);
  } catch (thrown) {
    // A resource route has no error page: answer a refusal in plain text (as the CSV exports do).
    const refusal = thrown as { type?: string; data?: unknown; init?: ResponseInit | null };
    if (refusal?.type === "DataWithResponseInit") return plain(String(refusal.data), refusal.init?.status ?? 403);
    throw thrown; // the redirect to sign in
  }
  const file = params.file ?? "";
  const text = await readImportSample(file);
  if (text === undefined) return plain("There is no sample file of that name. The format page lists them: /reports/imports/format", 404);
  return new Response(text, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${file}"`,
      "Cache-Control": "private, max-age=300",
    },
  });
}
