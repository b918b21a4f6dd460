import { asc, eq, sql } from "drizzle-orm";
import { db } from "../../db/client.server";
import { groups, memberships, users, type UserRole } from "../../db/schema";
import { newId, randomToken } from "../lib/crypto.server";
import { burnPasswordCheck, hashPassword, verifyPassword } from "./password.server";
import { sessionsChanged, startSession } from "./session.server";
import { clearSignInFailures, isSignInThrottled, recordSignInFailure, THROTTLE_WINDOW_MINUTES } from "./throttle.server";

export type AccountResult<T> = { ok: true; value: T } | { ok: false; status: 400 | 401 | 404 | 409 | 410 | 429; field?: string; message: string };

export const duplicateEmailMessage = "An account with this email already exists. Sign in instead.";

export interface NewAccount {
  name: string;
  email: string;
  password?: string;
  role: UserRole;
  groupIds?: string[];
}

/** Create an account (CLI, seed, admin). Generates a password when none is given. */
export async function createAccount(input: NewAccount): Promise<AccountResult<{ id: string; password: string }>> {
  const password = input.password ?? randomToken();
  const passwordHash = await hashPassword(password);
  const id = newId();
  const created = await db().transaction(async (tx) => {
    const [user] = await tx
      .insert(users)
      .values({ id, email: input.email, name: input.name, passwordHash, role: input.role })
      .onConflictDoNothing({ target: users.email })
      .returning({ id: users.id });
    if (!user) return false;
    if (input.groupIds?.length) {
      await tx.insert(memberships).values(input.groupIds.map((groupId) => ({ userId: id, groupId })));
    }
    return true;
  });
  if (!created) return { ok: false, status: 409, field: "email", message: duplicateEmailMessage };
  return { ok: true, value: { id, password } };
}

export interface SignInAttempt {
  email: string;
  password: string;
  ip: string;
  userAgent: string;
}

/** Check credentials under the rate limit; on success returns the session cookie. */
export async function signIn(attempt: SignInAttempt): Promise<AccountResult<{ cookie: string; userId: string }>> {
  if (await isSignInThrottled(attempt.email, attempt.ip)) {
    return {
      ok: false,
      status: 429,
      message: `Too many failed sign-ins. Wait ${THROTTLE_WINDOW_MINUTES} minutes and try again, or ask an admin for help.`,
    };
  }
  const [user] = await db()
    .select({ id: users.id, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.email, attempt.email));
  const valid = user ? await verifyPassword(user.passwordHash, attempt.password) : (await burnPasswordCheck(attempt.password), false);
  if (!user || !valid) {
    await recordSignInFailure(attempt.email, attempt.ip);
    return { ok: false, status: 401, message: "Wrong email or password." };
  }
  await clearSignInFailures(attempt.email);
  return { ok: true, value: { cookie: await startSession(user.id, attempt.userAgent), userId: user.id } };
}

export interface UserListing {
  id: string;
  name: string;
  email: string;
  role: UserRole;
  createdAt: Date;
  groups: { id: string; name: string }[];
}

export async function listUsers(): Promise<UserListing[]> {
  const rows = await db()
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      role: users.role,
      createdAt: users.createdAt,
      groups: sql<{ id: string; name: string }[]>`coalesce(
        (select json_agg(json_build_object('id', g.id, 'name', g.name) order by g.name)
           from ${memberships} m join ${groups} g on g.id = m.group_id
          where m.user_id = "users"."id"), '[]'::json)`,
    })
    .from(users)
    .orderBy(asc(users.name));
  return rows;
}

export async function findUser(id: string): Promise<UserListing | undefined> {
  return (await listUsers()).find((u) => u.id === id);
}

/** Set a user's role and exactly these group memberships, all or nothing. */
export async function updateUserAccess(userId: string, role: UserRole, groupIds: string[]): Promise<AccountResult<null>> {
  const done = await db().transaction(async (tx) => {
    const [user] = await tx.update(users).set({ role }).where(eq(users.id, userId)).returning({ id: users.id });
    if (!user) return false;
    await tx.delete(memberships).where(eq(memberships.userId, userId));
    if (groupIds.length) await tx.insert(memberships).values(groupIds.map((groupId) => ({ userId, groupId })));
    return true;
  });
  if (done) sessionsChanged(); // the role travels with the session
  return done ? { ok: true, value: null } : { ok: false, status: 404, message: "That user no longer exists." };
}

export async function countAdmins(): Promise<number> {
  const [row] = await db().select({ n: sql<number>`count(*)::int` }).from(users).where(eq(users.role, "admin"));
  return row?.n ?? 0;
}
