import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUserForDownload } from "~/auth/guard.server";
import { plainError } from "~/lib/http.server";
import { ROLES } from "~/auth/policy";
import { readQuery } from "~/lib/request.server";
import { exportTable } from "~/reports/export.server";
import { exportSessionAttendance } from "~/reports/sessions.server";

// CSV download of any report table, with the filters of the page it came from:
// /reports/export/matrix?group=…&status=…, /reports/export/groups?threshold=…, …
// The body is streamed as the rows are read (see app/reports/export.server.ts).
// /reports/export/session-attendance?id=<session> is the one table trainers may download
// (their own sessions'); every other table is for organisers and admins.


export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const sessionTable = params.table === "session-attendance";
  const viewer = (await requireUserForDownload({ request, context }, sessionTable ? ROLES.seeSessionReports : ROLES.seeReports)).user;
  // Checked before anything is streamed: a bad filter is a 400 with a message, never a
  // 200 whose body breaks off after the header row.
  const query = readQuery(request, "text");
  const result = sessionTable ? await exportSessionAttendance(viewer, query.get("id") ?? "") : await exportTable(viewer, params.table ?? "", query, { drained: context.drained });
  if (!result.ok) return plainError(result.status, result.message);
  return new Response(result.value.stream, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${result.value.filename}"`,
      "Cache-Control": "private, no-store",
    },
  });
}
