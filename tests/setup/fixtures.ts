import { randomBytes } from "node:crypto";
import { createAccount } from "~/auth/accounts.server";
import { startSession } from "~/auth/session.server";
import { createGroup } from "~/groups/groups.server";
import type { GroupKind, UserRole } from "../../db/schema";

export const TEST_ORIGIN = "http://doorstep.test";
export const TEST_PASSWORD = "correct horse battery";

const unique = () => randomBytes(4).toString("hex");

export interface TestUser {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  cookie: string;
}

/** A user with a live session; `cookie` is ready for a Cookie header. */
export async function makeUser(role: UserRole, options: { groupIds?: string[]; name?: string } = {}): Promise<TestUser> {
  const email = `${role}-${unique()}@example.org`;
  const name = options.name ?? `Test ${role} ${unique()}`;
  const created = await createAccount({ email, name, role, password: TEST_PASSWORD, groupIds: options.groupIds ?? [] });
  if (!created.ok) throw new Error(created.message);
  const setCookie = await startSession(created.value.id, "vitest");
  return { id: created.value.id, email, name, role, cookie: setCookie.split(";")[0]! };
}

export async function makeGroup(kind: GroupKind = "branch", isTargetSeat = false) {
  const result = await createGroup({ name: `Group ${unique()}`, kind, isTargetSeat });
  if (!result.ok) throw new Error(result.message);
  return result.value;
}

export function get(path: string, cookie?: string): Request {
  return new Request(new URL(path, TEST_ORIGIN), { headers: cookie ? { Cookie: cookie } : {} });
}

export function post(path: string, fields: Record<string, string | string[]>, cookie?: string): Request {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) body.append(key, v);
  }
  return new Request(new URL(path, TEST_ORIGIN), {
    method: "POST",
    body,
    headers: { Origin: TEST_ORIGIN, "Content-Type": "application/x-www-form-urlencoded", ...(cookie ? { Cookie: cookie } : {}) },
  });
}

export interface RouteOutcome {
  status: number;
  location?: string | null;
  headers: Headers;
  body: unknown;
}

type Handler = (args: { request: Request; params: Record<string, string>; context: { clientIp: string } }) => unknown;

function toOutcome(value: unknown): RouteOutcome {
  if (value instanceof Response) {
    return { status: value.status, location: value.headers.get("Location"), headers: value.headers, body: undefined };
  }
  // Remix single fetch: data(value, init) returns a plain marker object.
  if (value && typeof value === "object" && (value as { type?: string }).type === "DataWithResponseInit") {
    const { data, init } = value as { data: unknown; init?: ResponseInit | null };
    return { status: init?.status ?? 200, headers: new Headers(init?.headers), body: data };
  }
  return { status: 200, headers: new Headers(), body: value };
}

/** Run a loader or action as Remix would and report what the browser would get. */
export async function run(handler: Handler | undefined, request: Request, params: Record<string, string> = {}, clientIp = "203.0.113.7") {
  if (!handler) throw new Error("route has no such handler");
  try {
    return toOutcome(await handler({ request, params, context: { clientIp } }));
  } catch (thrown) {
    const outcome = toOutcome(thrown);
    if (outcome.status === 200 && !(thrown instanceof Response)) throw thrown;
    return outcome;
  }
}
