import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/auth/guard.server";
import { ROLES } from "~/auth/policy";
import { readQuery } from "~/lib/request.server";
import { exportTable } from "~/reports/export.server";
import { exportSessionAttendance } from "~/reports/sessions.server";

// CSV download of any report table, with the filters of the page it came from:
// /reports/export/matrix?group=…&status=…, /reports/export/groups?threshold=…, …
// The body is streamed as the rows are read (see app/reports/export.server.ts).
// /reports/export/session-attendance?id=<session> is the one table trainers may download
// (their own sessions'); every other table is for organisers and admins.

const plain = (message: string, status: number) => new Response(message, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const sessionTable = params.table === "session-attendance";
  let viewer;
  try {
    viewer = (await requireUser({ request, context }, sessionTable ? ROLES.seeSessionReports : ROLES.seeReports)).user;
  } catch (thrown) {
    // A resource route has no error page: a refusal thrown as data() would reach the
    // browser as "Unexpected Server Error". Answer it in plain text instead.
    const refusal = thrown as { type?: string; data?: unknown; init?: ResponseInit | null };
    if (refusal?.type === "DataWithResponseInit") return plain(String(refusal.data), refusal.init?.status ?? 403);
    throw thrown; // the redirect to sign in
  }
  // Checked before anything is streamed: a bad filter is a 400 with a message, never a
  // 200 whose body breaks off after the header row.
  const query = readQuery(request, "text");
  const result = sessionTable ? await exportSessionAttendance(viewer, query.get("id") ?? "") : await exportTable(viewer, params.table ?? "", query, { drained: context.drained });
  if (!result.ok) return plain(result.message, result.status);
  return new Response(result.value.stream, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${result.value.filename}"`,
      "Cache-Control": "private, no-store",
    },
  });
}
