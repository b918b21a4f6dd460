import { DrizzlePostgreSQLAdapter } from "@lucia-auth/adapter-drizzle";
import { and, desc, eq, ne } from "drizzle-orm";
import { Lucia, TimeSpan } from "lucia";
import { db, type Database } from "../../db/client.server";
import { sessions, users, type UserRole } from "../../db/schema";
import { randomToken, sha256Hex } from "../lib/crypto.server";
import { isProduction } from "../lib/env.server";

// lucia v3 is deprecated upstream; it stays behind this file (see docs/decisions/002).

export const SESSION_COOKIE = "doorstep_session";
// The database row decides validity (sliding 30 days, extended by lucia when half
// used). The cookie simply outlives it, so a refresh never needs a Set-Cookie.
const COOKIE_MAX_AGE_SECONDS = 400 * 24 * 60 * 60;

function createLucia(database: Database) {
  return new Lucia(new DrizzlePostgreSQLAdapter(database, sessions, users), {
    sessionExpiresIn: new TimeSpan(30, "d"),
    getUserAttributes: (attributes) => ({
      email: attributes.email,
      name: attributes.name,
      role: attributes.role,
    }),
    getSessionAttributes: (attributes) => ({
      createdAt: attributes.createdAt,
      userAgent: attributes.userAgent,
    }),
  });
}

declare module "lucia" {
  interface Register {
    Lucia: ReturnType<typeof createLucia>;
    DatabaseUserAttributes: { email: string; name: string; role: UserRole };
    DatabaseSessionAttributes: { userAgent: string; createdAt?: Date };
  }
}

const perDatabase = new WeakMap<Database, ReturnType<typeof createLucia>>();
function lucia() {
  const database = db();
  let instance = perDatabase.get(database);
  if (!instance) {
    instance = createLucia(database);
    perDatabase.set(database, instance);
  }
  return instance;
}

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: UserRole;
}

export interface CurrentSession {
  user: SessionUser;
  sessionId: string;
}

function serializeCookie(value: string, maxAge: number): string {
  const parts = [`${SESSION_COOKIE}=${value}`, "Path=/", "HttpOnly", "SameSite=Lax", `Max-Age=${maxAge}`];
  if (isProduction()) parts.push("Secure");
  return parts.join("; ");
}

export function clearedSessionCookie(): string {
  return serializeCookie("", 0);
}

export function readSessionToken(request: Request): string | null {
  const header = request.headers.get("Cookie");
  if (!header) return null;
  for (const part of header.split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === SESSION_COOKIE) {
      const value = rest.join("=");
      return /^[A-Za-z0-9_-]{10,100}$/.test(value) ? value : null;
    }
  }
  return null;
}

/** Start a session; returns the Set-Cookie header carrying the (unhashed) token. */
export async function startSession(userId: string, userAgent: string): Promise<string> {
  const token = randomToken();
  await lucia().createSession(userId, { userAgent: userAgent.slice(0, 300) }, { sessionId: sha256Hex(token) });
  return serializeCookie(token, COOKIE_MAX_AGE_SECONDS);
}

export async function currentSession(request: Request): Promise<CurrentSession | null> {
  const token = readSessionToken(request);
  if (!token) return null;
  const { session, user } = await lucia().validateSession(sha256Hex(token));
  if (!session || !user) return null;
  return { sessionId: session.id, user: { id: user.id, email: user.email, name: user.name, role: user.role } };
}

export async function endSession(sessionId: string): Promise<void> {
  await lucia().invalidateSession(sessionId);
}

export interface SessionSummary {
  id: string;
  createdAt: Date;
  expiresAt: Date;
  userAgent: string;
  current: boolean;
}

export async function listSessions(userId: string, currentSessionId: string): Promise<SessionSummary[]> {
  const rows = await db()
    .select({ id: sessions.id, createdAt: sessions.createdAt, expiresAt: sessions.expiresAt, userAgent: sessions.userAgent })
    .from(sessions)
    .where(eq(sessions.userId, userId))
    .orderBy(desc(sessions.createdAt));
  return rows.filter((r) => r.expiresAt > new Date()).map((r) => ({ ...r, current: r.id === currentSessionId }));
}

/** Sign out everywhere else: every session of the user but the current one. */
export async function endOtherSessions(userId: string, currentSessionId: string): Promise<number> {
  const deleted = await db()
    .delete(sessions)
    .where(and(eq(sessions.userId, userId), ne(sessions.id, currentSessionId)))
    .returning({ id: sessions.id });
  return deleted.length;
}

/** After a role change, the user's sessions keep working: role is read on each request. */
export async function endAllSessions(userId: string): Promise<void> {
  await lucia().invalidateUserSessions(userId);
}
