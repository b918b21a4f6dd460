import { and, asc, eq, ilike, inArray, or, sql } from "drizzle-orm";
import { z } from "zod";
import { db } from "../../db/client.server";
import { groups, memberships, users, type UserRole } from "../../db/schema";
import { newId, randomToken } from "../lib/crypto.server";
import type { Result } from "../lib/result";
import { may, ROLES } from "./policy";
import { burnPasswordCheck, hashPassword, verifyPassword } from "./password.server";
import { sessionsChanged, startSession } from "./session.server";
import { forget, giveBack, hitEach, type RateLimit } from "./rate-limit.server";

export type AccountResult<T> = Result<T, 400 | 401 | 404 | 409 | 410 | 429>;

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

// Sign-in limits: failed attempts in a 15-minute window, counted before the password is
// checked (rate-limit.server.ts), so parallel guesses cannot outrun the count.
// - one email from one address: a handful of guesses, then that pair waits;
// - one address, any emails: generous, since a training room shares one public address;
// - one email, any address: a ceiling well above the first, so a stranger elsewhere (who
//   gets 5 tries per address) needs 20 addresses to lock a volunteer out of their own
//   account, while guessing one password stays bounded at 100 tries per window.
export const SIGN_IN_WINDOW_MINUTES = 15;
export const SIGN_IN_LIMITS = { emailAtAddress: 5, address: 50, email: 100 } as const;

function signInLimits(email: string, ip: string) {
  const windowSeconds = SIGN_IN_WINDOW_MINUTES * 60;
  const address = ip.slice(0, 100);
  return {
    emailAtAddress: { key: `sign-in:email-at-address:${email} ${address}`, limit: SIGN_IN_LIMITS.emailAtAddress, windowSeconds },
    address: { key: `sign-in:address:${address}`, limit: SIGN_IN_LIMITS.address, windowSeconds },
    email: { key: `sign-in:email:${email}`, limit: SIGN_IN_LIMITS.email, windowSeconds },
  } satisfies Record<keyof typeof SIGN_IN_LIMITS, RateLimit>;
}

/** Check credentials under the rate limits; on success returns the session cookie. */
export async function signIn(attempt: SignInAttempt): Promise<AccountResult<{ cookie: string; userId: string }>> {
  const limits = signInLimits(attempt.email, attempt.ip);
  // Counted whether or not the email has an account, so a 429 says nothing about that.
  const refusedBy = await hitEach([limits.emailAtAddress, limits.address, limits.email]);
  if (refusedBy) {
    const where = refusedBy === limits.address ? " from this network" : "";
    return {
      ok: false,
      status: 429,
      message: `Too many failed sign-ins${where}. Wait ${SIGN_IN_WINDOW_MINUTES} minutes and try again, or ask an admin for help.`,
    };
  }
  const [user] = await db()
    .select({ id: users.id, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.email, attempt.email));
  const valid = user ? await verifyPassword(user.passwordHash, attempt.password) : (await burnPasswordCheck(attempt.password), false);
  // A failure keeps its place in all three counts.
  if (!user || !valid) return { ok: false, status: 401, message: "Wrong email or password." };
  // The right password: this email starts afresh at this address, and the attempt is given
  // back to the address and the email (not wiped: signing in to one's own account must not
  // clear an address's or an email's record of guesses).
  await forget([limits.emailAtAddress.key]);
  await giveBack([limits.address.key, limits.email.key]);
  return { ok: true, value: { cookie: await startSession(user.id, attempt.userAgent), userId: user.id } };
}

export interface UserListing {
  id: string;
  name: string;
  email: string;
  role: UserRole;
  createdAt: Date;
  groups: { id: string; name: string; archived: boolean }[];
}

const userGroupsJson = sql<{ id: string; name: string; archived: boolean }[]>`coalesce(
  (select json_agg(json_build_object('id', g.id, 'name', g.name, 'archived', g.archived_at is not null) order by g.name)
     from ${memberships} m join ${groups} g on g.id = m.group_id
    where m.user_id = "users"."id"), '[]'::json)`;

const listingColumns = {
  id: users.id,
  name: users.name,
  email: users.email,
  role: users.role,
  createdAt: users.createdAt,
  groups: userGroupsJson,
};

export const USERS_PER_PAGE = 50;
/** Longer searches match nobody's name or email; cut, not refused, so a paste never errors. */
export const USER_SEARCH_MAX = 100;

export interface UserSearch {
  /** Part of a name or email, matched case-insensitively and literally (% and _ are not wildcards). */
  q?: string;
  role?: UserRole;
  groupId?: string;
  /** 1-based; past the last page gives the last page. */
  page?: number;
}

export interface UserPage {
  users: UserListing[];
  total: number;
  page: number;
  pageCount: number;
  perPage: number;
}

/** LIKE's wildcards and its escape character, taken literally. */
export const likeEscape = (value: string) => value.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * One page of people by name (then id, so the order is total and pages never overlap),
 * filtered in SQL. A movement has thousands: the count and the page are two queries over
 * the same filter; an unfiltered page walks users_name_idx, a search scans the table
 * (docs/performance.md has the figures).
 */
export async function searchUsers(search: UserSearch = {}): Promise<UserPage> {
  const q = search.q?.trim().slice(0, USER_SEARCH_MAX) ?? "";
  const filters = [];
  if (q) {
    const pattern = `%${likeEscape(q)}%`;
    filters.push(or(ilike(users.name, pattern), ilike(users.email, pattern)));
  }
  if (search.role) filters.push(eq(users.role, search.role));
  if (search.groupId) {
    filters.push(
      z.uuid().safeParse(search.groupId).success
        ? sql`exists (select 1 from ${memberships} m where m.user_id = ${users.id} and m.group_id = ${search.groupId})`
        : sql`false`,
    );
  }
  const where = filters.length ? and(...filters) : undefined;
  const [counted] = await db().select({ n: sql<number>`count(*)::int` }).from(users).where(where);
  const total = counted?.n ?? 0;
  const pageCount = Math.max(1, Math.ceil(total / USERS_PER_PAGE));
  const requested = Number.isSafeInteger(search.page) && search.page! > 0 ? search.page! : 1;
  const page = Math.min(requested, pageCount);
  const rows = await db()
    .select(listingColumns)
    .from(users)
    .where(where)
    .orderBy(asc(users.name), asc(users.id))
    .limit(USERS_PER_PAGE)
    .offset((page - 1) * USERS_PER_PAGE);
  return { users: rows, total, page, pageCount, perPage: USERS_PER_PAGE };
}

export async function findUser(id: string): Promise<UserListing | undefined> {
  const [row] = await db().select(listingColumns).from(users).where(eq(users.id, id));
  return row;
}

export const lastAdminMessage = "This is the only admin. Make someone else an admin first, so the instance is never left without one.";

/**
 * Set a user's role and exactly these group memberships, all or nothing. Never leaves the
 * instance without an admin: the rule is checked inside the transaction, after locking
 * every admin's row (SELECT … FOR UPDATE). Two admins demoting each other at once then take
 * turns: the second waits for the first to commit, re-reads the admins, finds one left and
 * is refused (409). A count taken before the transaction let both through.
 */
export async function updateUserAccess(userId: string, role: UserRole, groupIds: string[]): Promise<AccountResult<null>> {
  const outcome = await db().transaction(async (tx) => {
    const admins = await tx.select({ id: users.id }).from(users).where(inArray(users.role, ROLES.administer)).for("update");
    if (!may.administer(role) && admins.length <= 1 && admins.some((a) => a.id === userId)) return "last admin" as const;
    const [user] = await tx.update(users).set({ role }).where(eq(users.id, userId)).returning({ id: users.id });
    if (!user) return "gone" as const;
    await tx.delete(memberships).where(eq(memberships.userId, userId));
    if (groupIds.length) await tx.insert(memberships).values(groupIds.map((groupId) => ({ userId, groupId })));
    return "done" as const;
  });
  if (outcome === "last admin") return { ok: false, status: 409, field: "role", message: lastAdminMessage };
  if (outcome === "gone") return { ok: false, status: 404, message: "That user no longer exists." };
  sessionsChanged(); // the role travels with the session
  return { ok: true, value: null };
}
