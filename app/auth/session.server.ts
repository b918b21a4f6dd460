import type { PGlite } from "@electric-sql/pglite";
import { and, desc, eq, inArray, lte, ne, sql } from "drizzle-orm";
import { Lucia, TimeSpan, type Adapter, type DatabaseSession, type DatabaseUser } from "lucia";
import { databaseHandle, db, preparedStatement, type Database } from "../../db/client.server";
import { sessions, users, type UserRole } from "../../db/schema";
import { randomToken, sha256Hex } from "../lib/crypto.server";
import { isProduction } from "../lib/env.server";

// lucia v3 is deprecated upstream; it stays behind this file (see docs/decisions/002).

export const SESSION_COOKIE = "doorstep_session";
// The database row decides validity (sliding 30 days, extended by lucia when half
// used). The cookie simply outlives it, so a refresh never needs a Set-Cookie.
const COOKIE_MAX_AGE_SECONDS = 400 * 24 * 60 * 60;

/**
 * lucia's storage, written here instead of @lucia-auth/adapter-drizzle because the lookup
 * runs on every request: it reads only the columns lucia needs (the stock adapter reads
 * whole rows, password hash included) through a prepared statement. lucia still decides
 * expiry and sliding. See docs/performance.md, Home page.
 */
function createAdapter(database: Database, pglite: PGlite | undefined): Adapter {
  // PostgreSQL: Drizzle's prepared query skips query building, and postgres.js prepares it
  // on the server once per connection.
  const lookup = database
    .select(lookupColumns)
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.id, sql.placeholder("id")))
    .prepare("doorstep_session_lookup");
  const lookupInPglite = async (sessionId: string): Promise<LookupRow[] | null> => {
    const rows = pglite ? await pgliteLookup.inPglite(pglite, [sessionId]) : null;
    return rows && rows.map((row) => ({ ...row, expiresAt: new Date(Number(row.expiresAt)), createdAt: new Date(Number(row.createdAt)) }));
  };
  const toSession = (row: typeof sessions.$inferSelect): DatabaseSession => ({
    id: row.id,
    userId: row.userId,
    expiresAt: row.expiresAt,
    attributes: { createdAt: row.createdAt, userAgent: row.userAgent },
  });
  const lookUp = pglite
    ? async (sessionId: string) => ((await lookupInPglite(sessionId)) ?? (await lookup.execute({ id: sessionId })))[0]
    : batchedLookup(database, (id) => lookup.execute({ id }));
  return {
    async getSessionAndUser(sessionId) {
      const row = await lookUp(sessionId);
      if (!row) return [null, null];
      const user: DatabaseUser = { id: row.userId, attributes: { email: row.email, name: row.name, role: row.role } };
      return [toSession(row), user];
    },
    async getUserSessions(userId) {
      return (await database.select().from(sessions).where(eq(sessions.userId, userId))).map(toSession);
    },
    async setSession(session) {
      await database.insert(sessions).values({ id: session.id, userId: session.userId, expiresAt: session.expiresAt, ...session.attributes });
    },
    async updateSessionExpiration(sessionId, expiresAt) {
      await database.update(sessions).set({ expiresAt }).where(eq(sessions.id, sessionId));
    },
    async deleteSession(sessionId) {
      await database.delete(sessions).where(eq(sessions.id, sessionId));
    },
    async deleteUserSessions(userId) {
      await database.delete(sessions).where(eq(sessions.userId, userId));
    },
    async deleteExpiredSessions() {
      await database.delete(sessions).where(lte(sessions.expiresAt, new Date()));
    },
  };
}

const lookupColumns = {
  id: sessions.id,
  userId: sessions.userId,
  expiresAt: sessions.expiresAt,
  createdAt: sessions.createdAt,
  userAgent: sessions.userAgent,
  email: users.email,
  name: users.name,
  role: users.role,
};

// On PostgreSQL, lookups are batched as live answers are (app/live/answer-batch.server.ts;
// docs/decisions/050): at most one lookup statement is in flight per process; a request
// after a quiet spell goes out alone at once (the prepared statement, as before), and every
// session asked for while a statement runs rides in the next one (`where id in (…)`, at most
// LOOKUP_BATCH ids). In a live room's burst that is one statement per many answers instead
// of one each. What a session is does not change: each caller gets its own row, read after
// it asked, and lucia still decides expiry and sliding from that row, as before.
const LOOKUP_BATCH = 500;
/** For tests and diagnosis: lookup statements run and the ids they carried. */
export const sessionLookupStats = { statements: 0, ids: 0, largest: 0 };
type Waiter = { resolve(row: LookupRow | undefined): void; reject(error: unknown): void };
function batchedLookup(database: Database, lookupOne: (id: string) => Promise<LookupRow[]>): (sessionId: string) => Promise<LookupRow | undefined> {
  const waiting = new Map<string, Waiter[]>();
  let running = false;
  async function run() {
    running = true;
    try {
      while (waiting.size) {
        const batch = new Map<string, Waiter[]>();
        for (const [id, callers] of waiting) {
          if (batch.size >= LOOKUP_BATCH) break;
          batch.set(id, callers);
          waiting.delete(id);
        }
        const ids = [...batch.keys()];
        sessionLookupStats.statements++;
        sessionLookupStats.ids += ids.length;
        sessionLookupStats.largest = Math.max(sessionLookupStats.largest, ids.length);
        try {
          const rows = ids.length === 1 ? await lookupOne(ids[0]!) : await database.select(lookupColumns).from(sessions).innerJoin(users, eq(users.id, sessions.userId)).where(inArray(sessions.id, ids));
          const byId = new Map(rows.map((row) => [row.id, row]));
          for (const [id, callers] of batch) for (const caller of callers) caller.resolve(byId.get(id));
        } catch (error) {
          // A failed statement fails its callers (a database outage: each answers 503 as before).
          for (const callers of batch.values()) for (const caller of callers) caller.reject(error);
        }
      }
    } finally {
      running = false;
    }
  }
  return (sessionId) =>
    new Promise((resolve, reject) => {
      const callers = waiting.get(sessionId);
      if (callers) callers.push({ resolve, reject });
      else waiting.set(sessionId, [{ resolve, reject }]);
      if (!running) void run();
    });
}

// PGlite plans every query it is sent, and planning this join is half the cost of the
// lookup: there it is PREPAREd once (db/client.server.ts). An id that cannot be inlined
// (it is a sha256 hex digest, so never in practice) takes the Drizzle path.
const pgliteLookup = preparedStatement<Omit<LookupRow, "expiresAt" | "createdAt"> & { expiresAt: number | string; createdAt: number | string }>(
  "doorstep_session_lookup",
  ["text"],
  `select s.id, s.user_id as "userId", s.user_agent as "userAgent",
          extract(epoch from s.expires_at) * 1000 as "expiresAt", extract(epoch from s.created_at) * 1000 as "createdAt",
          u.email, u.name, u.role
     from sessions s join users u on u.id = s.user_id
    where s.id = $1`,
);

interface LookupRow {
  id: string;
  userId: string;
  expiresAt: Date;
  createdAt: Date;
  userAgent: string;
  email: string;
  name: string;
  role: UserRole;
}

const SESSION_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

function createLucia(database: Database, pglite: PGlite | undefined) {
  return new Lucia(createAdapter(database, pglite), {
    sessionExpiresIn: new TimeSpan(SESSION_DAYS, "d"),
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
  const { db: database, pglite } = databaseHandle();
  let instance = perDatabase.get(database);
  if (!instance) {
    instance = createLucia(database, pglite);
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
  return sessionTokenIn(request.headers.get("Cookie"));
}

/** The session token in a Cookie header, or null. */
function sessionTokenIn(header: string | null): string | null {
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

// On the embedded database only (docs/decisions/007): one process owns it, and every write
// that can end a session or change what it carries goes through this process and calls
// sessionsChanged(), so a validated session can be remembered here for a minute instead of
// asking PGlite on every request (a third of a signed-in page's server time there).
// Anything else is a miss: a new change, an entry older than a minute, or a session lucia
// would now extend (the last half of its 30 days), which must reach the database.
const REMEMBER_MS = 60_000;
const REMEMBER_MAX = 10_000;
const remembered = new WeakMap<Database, Map<string, { changes: number; until: number; session: CurrentSession }>>();

async function validate(token: string): Promise<CurrentSession | null> {
  const sessionId = sha256Hex(token);
  const handle = databaseHandle();
  const memory = handle.kind === "pglite" ? rememberedFor(handle.db) : null;
  const hit = memory?.get(sessionId);
  const now = Date.now();
  if (hit && hit.changes === changes && now < hit.until) return hit.session;
  const seen = changes; // a change while we ask makes what we learn stale at once
  const { session, user } = await lucia().validateSession(sessionId);
  if (!session || !user) {
    memory?.delete(sessionId);
    return null;
  }
  const current: CurrentSession = { sessionId: session.id, user: { id: user.id, email: user.email, name: user.name, role: user.role } };
  if (memory) {
    const until = Math.min(now + REMEMBER_MS, session.expiresAt.getTime() - (SESSION_DAYS / 2) * DAY_MS);
    if (until > now) {
      if (memory.size >= REMEMBER_MAX) memory.clear();
      memory.set(sessionId, { changes: seen, until, session: current });
    }
  }
  return current;
}

function rememberedFor(database: Database) {
  let memory = remembered.get(database);
  if (!memory) remembered.set(database, (memory = new Map()));
  return memory;
}

// Remix runs the root loader and the page's loader in parallel, each with its own copy of
// the Request but the same load context object (server.js makes one per request). Keyed
// on that context, a request validates its session once. `changes` counts session and
// role writes made by this process: an action that signs out elsewhere or changes a role
// must not let the loaders that run after it, in the same request, see the old answer.
const perRequest = new WeakMap<object, { token: string; changes: number; result: Promise<CurrentSession | null> }>();
let changes = 0;

/** Call after any write that can end a session or change what it carries (role, name). */
export function sessionsChanged(): void {
  changes++;
}

/**
 * The signed-in user, or null. Pass the loader's `context` as `requestScope` so all
 * loaders of one request share one validation; without it, every call asks the database.
 */
export async function currentSession(request: Request, requestScope?: object): Promise<CurrentSession | null> {
  const token = readSessionToken(request);
  if (!token) return null;
  if (!requestScope) return validate(token);
  const known = perRequest.get(requestScope);
  if (known && known.token === token && known.changes === changes) return known.result;
  const result = validate(token);
  perRequest.set(requestScope, { token, changes, result });
  return result;
}

/**
 * The signed-in user of a request known only by its Cookie header: the live answer endpoint
 * in server.js, which builds no web Request (ADR 047). One request, one call: no scope to share.
 */
export async function sessionFromCookie(cookieHeader: string | null): Promise<CurrentSession | null> {
  const token = sessionTokenIn(cookieHeader);
  return token ? validate(token) : null;
}

export async function endSession(sessionId: string): Promise<void> {
  await lucia().invalidateSession(sessionId);
  sessionsChanged();
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
  sessionsChanged();
  return deleted.length;
}

/** After a role change, the user's sessions keep working: role is read on each request. */
export async function endAllSessions(userId: string): Promise<void> {
  await lucia().invalidateUserSessions(userId);
  sessionsChanged();
}
