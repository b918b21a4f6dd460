import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { optionalUser } from "~/auth/guard.server";
import { clearedSessionCookie, endSession } from "~/auth/session.server";

// Signing out is a POST (a link could be prefetched or forged); GET just goes home.
export const loader = () => redirect("/");

export async function action({ request, context }: ActionFunctionArgs) {
  const current = await optionalUser({ request, context });
  if (current) await endSession(current.sessionId);
  // Clear-Site-Data empties the offline cache and the queue of answers given offline
  // (ADR 035): on a shared phone the next person must find nothing of this one's.
  throw redirect("/login", { headers: { "Set-Cookie": clearedSessionCookie(), "Clear-Site-Data": '"cache", "storage"' } });
}
