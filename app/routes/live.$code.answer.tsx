import type { ActionFunctionArgs } from "@remix-run/node";
import { plainError } from "~/lib/http.server";
import { routeParam } from "~/lib/request.server";
import { answerFromScript } from "~/live/answer-endpoint.server";

// POST /live/:code/answer — the participant page's scripted poll or quiz answer or scenario
// vote, in JSON. In production server.js answers this path before Remix (ADR 043, 047); this
// route serves it where server.js does not run (the dev server, tests), through the same
// checks and command (answerWith in the endpoint's module).
export async function action({ request, params, context }: ActionFunctionArgs) {
  return answerFromScript(request, routeParam(params, "code", "text"), context);
}

export function loader() {
  throw plainError(404, "Nothing to see here: a page's script answers with a POST.");
}
