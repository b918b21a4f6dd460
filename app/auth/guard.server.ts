import { data, redirect } from "@remix-run/node";
import type { UserRole } from "../../db/schema";
import { ROLES } from "./policy";
import { currentSession, type CurrentSession } from "./session.server";

export type { CurrentSession, SessionUser } from "./session.server";

/**
 * What a loader or action hands the guard: its `{ request, context }`, so the root loader
 * and the page's loaders validate the session once between them (the load context is the
 * one object all loaders of a request share; ADR 002). A bare Request is not accepted, so a
 * handler cannot quietly validate the session a second time.
 */
export type RequestArgs = { request: Request; context?: object };

function split(args: RequestArgs): [Request, object | undefined] {
  return [args.request, args.context];
}

export function loginPath(request: Request): string {
  const url = new URL(request.url);
  const back = url.pathname + url.search;
  return back === "/" ? "/login" : `/login?redirectTo=${encodeURIComponent(back)}`;
}

/**
 * The one gate every loader and action passes: anonymous visitors go to sign in and come
 * back; a signed-in user without one of `roles` (a list from `ROLES`, app/auth/policy.ts)
 * gets a 403 page.
 */
export async function requireUser(args: RequestArgs, roles: readonly UserRole[] = ROLES.everyone): Promise<CurrentSession> {
  const [request, scope] = split(args);
  const current = await currentSession(request, scope);
  if (!current) throw redirect(loginPath(request));
  if (!roles.includes(current.user.role)) {
    throw data("Your account doesn't have access to this page. If you think it should, ask an admin.", { status: 403 });
  }
  return current;
}

/**
 * `requireUser` for a resource route (a CSV, a sample file): it has no error page, so the
 * 403 is thrown as plain text rather than as `data()`, which would reach the browser as
 * "Unexpected Server Error". Anonymous visitors still go to sign in.
 */
export async function requireUserForDownload(args: RequestArgs, roles: readonly UserRole[]): Promise<CurrentSession> {
  try {
    return await requireUser(args, roles);
  } catch (thrown) {
    const refusal = thrown as { type?: string; data?: unknown; init?: ResponseInit | null };
    if (refusal?.type !== "DataWithResponseInit") throw thrown;
    throw new Response(String(refusal.data), { status: refusal.init?.status ?? 403, headers: { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff" } });
  }
}

export async function optionalUser(args: RequestArgs): Promise<CurrentSession | null> {
  const [request, scope] = split(args);
  return currentSession(request, scope);
}
