import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/auth/guard.server";
import { plainError } from "~/lib/http.server";
import { routeParam } from "~/lib/request.server";
import { scheduledIcs } from "~/live/scheduled.server";

// The invitation's calendar file again, for whoever lost the email or wants it on another device.
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { user } = await requireUser({ request, context });
  const result = await scheduledIcs(user, routeParam(params, "id", "text"));
  if (!result.ok) return plainError(result.status, result.message);
  return new Response(result.value, {
    headers: { "Content-Type": "text/calendar; charset=utf-8", "Content-Disposition": 'attachment; filename="doorstep-session.ics"', "Cache-Control": "private, no-store" },
  });
}
