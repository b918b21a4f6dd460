import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUserForDownload } from "~/auth/guard.server";
import { plainError } from "~/lib/http.server";
import { ROLES } from "~/auth/policy";
import { readImportSample } from "~/field/import-samples.server";

// A sample file from docs/samples, as a download (the format page links them).


export async function loader({ request, params, context }: LoaderFunctionArgs) {
  await requireUserForDownload({ request, context }, ROLES.seeImpact);
  const file = params.file ?? "";
  const text = await readImportSample(file);
  if (text === undefined) return plainError(404, "There is no sample file of that name. The format page lists them: /reports/imports/format");
  return new Response(text, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${file}"`,
      "Cache-Control": "private, max-age=300",
    },
  });
}
