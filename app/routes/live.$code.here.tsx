import type { ActionFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/auth/guard.server";
import { plainError } from "~/lib/http.server";
import { readForm, routeParam } from "~/lib/request.server";
import { checkIn } from "~/live/attendance.server";

// POST /live/:code/here — a participant's page proving it is still open (intent=here,
// its answer to the event stream's ping) or saying it is going (intent=leaving, a beacon
// sent as the page is hidden for good). Presence rests on these (docs/live.md).
export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user } = await requireUser({ request, context });
  const code = routeParam(params, "code", "text");
  const intent = (await readForm(request)).get("intent");
  if (intent !== "here" && intent !== "leaving") throw plainError(400, "Say intent=here or intent=leaving.");
  const result = await checkIn(code, user, intent);
  if (!result.ok) throw plainError(result.status, result.message);
  return new Response(null, { status: 204 });
}

export function loader() {
  throw plainError(404, "Nothing to see here: pages check in with a POST.");
}
