import type { LoaderFunctionArgs } from "@remix-run/node";
import { databaseUnavailableResponse } from "~/lib/database-unavailable.server";

// Where a form sent with JavaScript lands when the database could not take it
// (entry.server handleDataRequest): the page says it was not saved. No database here.
export function loader({ request }: LoaderFunctionArgs) {
  return databaseUnavailableResponse({ sent: true, back: new URL(request.url).searchParams.get("back") ?? "/" });
}
