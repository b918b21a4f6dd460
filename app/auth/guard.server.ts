import { data, redirect } from "@remix-run/node";
import type { UserRole } from "../../db/schema";
import { currentSession, type CurrentSession } from "./session.server";

export type { CurrentSession, SessionUser } from "./session.server";

export const ALL_ROLES: readonly UserRole[] = ["activist", "trainer", "organiser", "admin"];

export function loginPath(request: Request): string {
  const url = new URL(request.url);
  const back = url.pathname + url.search;
  return back === "/" ? "/login" : `/login?redirectTo=${encodeURIComponent(back)}`;
}

/**
 * The one gate every loader and action passes: anonymous visitors go to sign in and come
 * back; a signed-in user without one of `roles` gets a 403 page.
 */
export async function requireUser(request: Request, roles: readonly UserRole[] = ALL_ROLES): Promise<CurrentSession> {
  const current = await currentSession(request);
  if (!current) throw redirect(loginPath(request));
  if (!roles.includes(current.user.role)) {
    throw data("Your account doesn't have access to this page. If you think it should, ask an admin.", { status: 403 });
  }
  return current;
}

export async function optionalUser(request: Request): Promise<CurrentSession | null> {
  return currentSession(request);
}
