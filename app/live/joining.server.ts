import { and, desc, eq, ne, sql } from "drizzle-orm";
import { z } from "zod";
import { db } from "../../db/client.server";
import { groups, liveNewcomers, liveParticipants, liveSessions, memberships, users } from "../../db/schema";
import { duplicateEmailMessage } from "../auth/accounts.server";
import { hashPassword } from "../auth/password.server";
import { giveBack, hit, hitEach } from "../auth/rate-limit.server";
import { startSession } from "../auth/session.server";
import { getModule } from "../content/catalog.server";
import { newId, randomToken } from "../lib/crypto.server";
import {
  canDrive,
  change,
  findLiveSession,
  joinProblem,
  Refused,
  type LiveActor,
  type LiveResult,
  type LiveSessionSummary,
} from "./core.server";
import { refuse } from "../lib/result";
import { SESSION_LIFETIME_HOURS } from "./state";

// Joining a session: with a code when signed in, or as a newcomer at the door (name and
// email make an activist account), who then chooses a password.

// ---------------------------------------------------------------- join limits
//
// All per client address (or session) in a 10-minute window, counted in the database
// before the work they guard (app/auth/rate-limit.server.ts), so parallel requests cannot
// outrun them. A whole room usually joins from one public address, so:
//
// - wrongCodes: up to 20 wrong codes an address gets the honest answer (no such session /
//   ended). Past that a wrong code gets a 429, but the *right* code for a running session
//   is still accepted: a room whose Wi-Fi address someone else used up can still join.
// - guessCeiling: that leaves an oracle (429 = wrong, success = right), so past 200 wrong
//   codes the address is refused before the code is even looked up, and its answers say
//   nothing. 200 wrong codes in 10 minutes is no room's typing; it is someone guessing.
//   Codes are 6 letters from 23 (join-code.ts): 23^6 ≈ 148 million. At 200 guesses per 10
//   minutes one address makes 28,800 a day; with 50 sessions open at once that finds one
//   with odds of about 1 in 100 a day, and what it finds is a seat in a training session
//   the trainer can see. A global wrong-code ceiling would not bound a spread-out guesser
//   any better without refusing codes before lookup for everyone, which would let anyone
//   lock every room out, so there is none.
// - newAccounts: accounts made at the door from one address; well above a big room.
// - takenEmails: "an account with this email already exists" tells whoever asks that the
//   email has an account, so those answers are counted per address and per session, and
//   past the limit refused with a 429. That costs nobody a seat: an existing account
//   cannot join as a newcomer anyway, and both answers say to sign in.
export const JOIN_WINDOW_MINUTES = 10;
export const JOIN_LIMITS = {
  wrongCodes: 20,
  guessCeiling: 200,
  newAccounts: 150,
  takenEmailsPerAddress: 10,
  takenEmailsPerSession: 30,
} as const;

const JOIN_WINDOW_SECONDS = JOIN_WINDOW_MINUTES * 60;
const address = (ip: string) => ip.slice(0, 100);

export const JOIN_REFUSALS = {
  wrongCodes: `Too many wrong codes from this network. Wait ${JOIN_WINDOW_MINUTES} minutes, then check the code with your trainer and try again.`,
  newAccounts: `Too many new accounts from this network just now. Wait ${JOIN_WINDOW_MINUTES} minutes, or ask your trainer to add you.`,
  takenEmails: `Too many tries just now with emails that already have an account. Sign in to join instead, or wait ${JOIN_WINDOW_MINUTES} minutes.`,
} as const;

/**
 * The running session a code names, for someone about to join (the join page, anonymous
 * or not). Every check is counted before the lookup and given back when the code is
 * right, so only wrong codes add up and codes cannot be guessed by trying them all.
 */
export async function checkJoinCode(codeInput: string, ip: string): Promise<LiveResult<LiveSessionSummary>> {
  const key = `join:wrong-code:${address(ip)}`;
  const counted = await hit(key, JOIN_LIMITS.guessCeiling, JOIN_WINDOW_SECONDS);
  if (!counted.allowed) return refuse(429, JOIN_REFUSALS.wrongCodes);
  const session = await findLiveSession(codeInput);
  const problem = joinProblem(session);
  if (!problem && session) {
    await giveBack([key]);
    return { ok: true, value: session };
  }
  if (counted.count > JOIN_LIMITS.wrongCodes) return refuse(429, JOIN_REFUSALS.wrongCodes);
  return refuse(problem!.status, problem!.message);
}

export type JoinOutcome = { as: "participant" | "presenter"; code: string };

/**
 * Join with a code, for a signed-in person. Rejoining is harmless (it only refreshes
 * presence). The session's own trainer is sent to the presenter view instead.
 */
export async function joinWithCode(codeInput: string, actor: LiveActor, ip: string): Promise<LiveResult<JoinOutcome>> {
  const found = await checkJoinCode(codeInput, ip);
  if (!found.ok) return found;
  const session = found.value;
  if (canDrive(session, actor) && session.trainerId === actor.id) return { ok: true, value: { as: "presenter", code: session.code } };
  const [existing] = await db()
    .update(liveParticipants)
    .set({ lastSeenAt: sql`now()` })
    .where(and(eq(liveParticipants.sessionId, session.id), eq(liveParticipants.userId, actor.id)))
    .returning({ userId: liveParticipants.userId });
  if (existing) return { ok: true, value: { as: "participant", code: session.code } };
  const joined = await change(session.code, async (tx, s) => {
    await tx.insert(liveParticipants).values({ sessionId: s.id, userId: actor.id }).onConflictDoNothing();
    return { value: {} };
  });
  if (!joined.ok) return joined;
  return { ok: true, value: { as: "participant", code: session.code } };
}

export const newcomerSchema = z.object({
  name: z.string({ error: "Enter your name." }).trim().min(1, "Enter your name.").max(100, "Names are at most 100 characters."),
  email: z
    .string({ error: "Enter your email address." })
    .trim()
    .toLowerCase()
    .min(1, "Enter your email address.")
    .max(254, "Email addresses are at most 254 characters.")
    .pipe(z.email("That doesn't look like an email address (it needs an @ and a domain).")),
});
export type NewcomerInput = z.infer<typeof newcomerSchema>;

export type NewcomerResult = LiveResult<{ cookie: string; userId: string; code: string }>;

/**
 * Someone in the room without an account: make an activist account in the session's
 * group and join them, in one transaction. An email that already has an account is
 * refused (sign in instead), under the taken-email limits; nothing is overwritten.
 */
export async function joinAsNewcomer(codeInput: string, input: NewcomerInput, ip: string, userAgent: string): Promise<NewcomerResult> {
  const found = await checkJoinCode(codeInput, ip);
  if (!found.ok) return found;
  const session = found.value;
  const [taken] = await db().select({ id: users.id }).from(users).where(eq(users.email, input.email));
  if (taken) {
    const refusedBy = await hitEach([
      { key: `join:taken-email:address:${address(ip)}`, limit: JOIN_LIMITS.takenEmailsPerAddress, windowSeconds: JOIN_WINDOW_SECONDS },
      { key: `join:taken-email:session:${session.id}`, limit: JOIN_LIMITS.takenEmailsPerSession, windowSeconds: JOIN_WINDOW_SECONDS },
    ]);
    if (refusedBy) return refuse(429, JOIN_REFUSALS.takenEmails, "email");
    return refuse(409, `${duplicateEmailMessage} Then come back to this code.`, "email");
  }
  // Reserved before the account is made, so parallel sign-ups cannot pass the limit together.
  const newAccountKey = `join:new-account:${address(ip)}`;
  if (!(await hit(newAccountKey, JOIN_LIMITS.newAccounts, JOIN_WINDOW_SECONDS)).allowed) return refuse(429, JOIN_REFUSALS.newAccounts);
  // Nobody knows this password; they choose their own from their screen afterwards.
  const passwordHash = await hashPassword(randomToken());
  const userId = newId();
  const joined = await change(session.code, async (tx, s) => {
    const [user] = await tx
      .insert(users)
      .values({ id: userId, email: input.email, name: input.name, passwordHash, role: "activist" })
      .onConflictDoNothing({ target: users.email })
      .returning({ id: users.id });
    if (!user) throw new Refused(409, `${duplicateEmailMessage} Then come back to this code.`);
    if (s.groupId) await tx.insert(memberships).values({ userId, groupId: s.groupId }).onConflictDoNothing();
    await tx.insert(liveNewcomers).values({ userId, sessionId: s.id });
    await tx.insert(liveParticipants).values({ sessionId: s.id, userId, newcomer: true });
    return { value: {} };
  });
  if (!joined.ok) {
    await giveBack([newAccountKey]);
    return joined.status === 409 ? { ...joined, field: "email" } : joined;
  }
  return { ok: true, value: { cookie: await startSession(userId, userAgent), userId, code: session.code } };
}

/** Whether this account was made at the door and still has no password of its own. */
export async function needsPassword(userId: string): Promise<boolean> {
  const [row] = await db()
    .select({ userId: liveNewcomers.userId })
    .from(liveNewcomers)
    .where(and(eq(liveNewcomers.userId, userId), sql`${liveNewcomers.passwordSetAt} is null`));
  return Boolean(row);
}

/** A newcomer chooses their password, once, from their own signed-in screen. */
export async function setNewcomerPassword(userId: string, password: string): Promise<LiveResult<null>> {
  const passwordHash = await hashPassword(password);
  const done = await db().transaction(async (tx) => {
    const [row] = await tx
      .update(liveNewcomers)
      .set({ passwordSetAt: sql`now()` })
      .where(and(eq(liveNewcomers.userId, userId), sql`${liveNewcomers.passwordSetAt} is null`))
      .returning({ userId: liveNewcomers.userId });
    if (!row) return false;
    await tx.update(users).set({ passwordHash }).where(eq(users.id, userId));
    return true;
  });
  return done ? { ok: true, value: null } : refuse(409, "Your password is already set. To change it, ask an admin.");
}

/** Open sessions someone has joined, so /join can offer "back to your session". */
export async function openSessionsOf(userId: string): Promise<{ code: string; moduleTitle: string }[]> {
  const rows = await db()
    .select({ code: liveSessions.code, moduleSlug: liveSessions.moduleSlug })
    .from(liveParticipants)
    .innerJoin(liveSessions, eq(liveSessions.id, liveParticipants.sessionId))
    .where(
      and(
        eq(liveParticipants.userId, userId),
        eq(liveSessions.status, "open"),
        sql`${liveSessions.createdAt} > now() - make_interval(hours => ${SESSION_LIFETIME_HOURS})`,
      ),
    )
    .orderBy(desc(liveSessions.createdAt))
    .limit(5);
  return rows.map((r) => ({ code: r.code, moduleTitle: getModule(r.moduleSlug)?.frontmatter.title ?? r.moduleSlug }));
}


export interface GroupLiveSession {
  code: string;
  moduleTitle: string;
  trainerName: string;
  groupName: string;
  /** Already a participant: the way back in is the session page, not the join page. */
  joined: boolean;
}

/**
 * Sessions running now (open, code still valid) for any group someone is in, newest first,
 * so the home page can offer "Join" (and the end of a module, "join the next one live":
 * `moduleSlug`). Sessions they run themselves are left out: those are theirs to present,
 * not to join.
 */
export async function openSessionsOfGroups(userId: string, only: { moduleSlug?: string } = {}): Promise<GroupLiveSession[]> {
  const rows = await db()
    .select({
      code: liveSessions.code,
      moduleSlug: liveSessions.moduleSlug,
      trainerName: users.name,
      groupName: groups.name,
      joined: sql<boolean>`exists (select 1 from ${liveParticipants} p where p.session_id = ${liveSessions.id} and p.user_id = ${userId})`,
    })
    .from(memberships)
    .innerJoin(liveSessions, eq(liveSessions.groupId, memberships.groupId))
    .innerJoin(groups, eq(groups.id, liveSessions.groupId))
    .innerJoin(users, eq(users.id, liveSessions.trainerId))
    .where(
      and(
        eq(memberships.userId, userId),
        eq(liveSessions.status, "open"),
        ne(liveSessions.trainerId, userId),
        only.moduleSlug === undefined ? undefined : eq(liveSessions.moduleSlug, only.moduleSlug),
        sql`${liveSessions.createdAt} > now() - make_interval(hours => ${SESSION_LIFETIME_HOURS})`,
      ),
    )
    .orderBy(desc(liveSessions.createdAt))
    .limit(5);
  return rows.map((r) => ({
    code: r.code,
    moduleTitle: getModule(r.moduleSlug)?.frontmatter.title ?? r.moduleSlug,
    trainerName: r.trainerName,
    groupName: r.groupName,
    joined: Boolean(r.joined),
  }));
}
