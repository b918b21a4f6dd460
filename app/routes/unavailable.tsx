import type { LoaderFunctionArgs } from "@remix-run/node";
import { databaseAnswers } from "~/health/database.server";
import { databaseUnavailableResponse } from "~/lib/database-unavailable.server";

// Where a form sent with JavaScript lands when the database could not take it
// (entry.server handleDataRequest): the page says it was not saved, and whether the
// database answers again now (200) or still not (503 with Retry-After).
export async function loader({ request }: LoaderFunctionArgs) {
  const back = new URL(request.url).searchParams.get("back") ?? "/";
  return databaseUnavailableResponse({ sent: true, back, recovered: await databaseAnswers() });
}
