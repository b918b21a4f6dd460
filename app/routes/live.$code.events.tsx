import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/auth/guard.server";
import { plainError } from "~/lib/http.server";
import { liveHub } from "~/live/hub.server";
import { streamAccess } from "~/live/pages.server";
import { readQuery, routeParam } from "~/lib/request.server";

// GET /live/:code/events — the Server-Sent-Events stream of a session for this screen
// (?as=presenter for the presenter view and its remote, ?as=display for the projector). The hub sends the current state at once, then
// every change; an ended session answers 204, which tells EventSource to stop retrying.
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  // Taken before any await: the hub refuses a connection that closed in the meantime.
  // The connection's own signal (server.js) is reliable; request.signal is the fallback.
  const closed = context.connectionClosed ?? request.signal;
  const { user } = await requireUser({ request, context });
  const as = readQuery(request, "text").get("as");
  const access = await streamAccess(routeParam(params, "code", "text"), user, as === "presenter" || as === "display" ? as : "participant");
  if (!access.ok) throw plainError(access.status, access.message);
  if (access.value.ended) return new Response(null, { status: 204 });
  const hub = await liveHub();
  return hub.connect(access.value.sessionId, access.value.viewer, closed, context.openEventStream);
}
