import { and, desc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { db } from "../../db/client.server";
import { liveNewcomers, liveParticipants, liveSessions, memberships, users } from "../../db/schema";
import { duplicateEmailMessage } from "../auth/accounts.server";
import { hashPassword } from "../auth/password.server";
import { startSession } from "../auth/session.server";
import { getModule } from "../content/catalog.server";
import { newId, randomToken } from "../lib/crypto.server";
import {
  canDrive,
  change,
  findLiveSession,
  joinProblem,
  refuse,
  Refused,
  type LiveActor,
  type LiveResult,
  type LiveSessionSummary,
  type LiveStatus,
} from "./core.server";
import { SESSION_LIFETIME_HOURS } from "./state";
import { isJoinThrottled, joinThrottledMessage, recordJoinAttempt } from "./throttle.server";

// Joining a session: with a code when signed in, or as a newcomer at the door (name and
// email make an activist account), who then chooses a password. Wrong codes and new
// accounts count towards the per-address limits (throttle.server.ts).


/**
 * Look a code up for someone about to join (the join page, anonymous or not). Wrong codes
 * count towards the per-address limit, so codes cannot be guessed by trying them all.
 */
export async function checkJoinCode(codeInput: string, ip: string): Promise<LiveResult<LiveSessionSummary>> {
  if (await isJoinThrottled("fail", ip)) return refuse(429, joinThrottledMessage("fail"));
  const session = await findLiveSession(codeInput);
  const problem = joinProblem(session);
  if (problem || !session) {
    await recordJoinAttempt("fail", ip);
    return refuse(problem!.status, problem!.message);
  }
  return { ok: true, value: session };
}

export type JoinOutcome = { as: "participant" | "presenter"; code: string };

/**
 * Join with a code, for a signed-in person. Rejoining is harmless (it only refreshes
 * presence). The session's own trainer is sent to the presenter view instead.
 */
export async function joinWithCode(codeInput: string, actor: LiveActor, ip: string): Promise<LiveResult<JoinOutcome>> {
  if (await isJoinThrottled("fail", ip)) return refuse(429, joinThrottledMessage("fail"));
  const session = await findLiveSession(codeInput);
  const problem = joinProblem(session);
  if (problem || !session) {
    await recordJoinAttempt("fail", ip);
    return refuse(problem!.status, problem!.message);
  }
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

export type NewcomerResult =
  | { ok: true; value: { cookie: string; userId: string; code: string } }
  | { ok: false; status: LiveStatus; message: string; field?: "email" };

/**
 * Someone in the room without an account: make an activist account in the session's
 * group and join them, in one transaction. An email that already has an account is
 * refused (sign in instead); nothing is overwritten.
 */
export async function joinAsNewcomer(codeInput: string, input: NewcomerInput, ip: string, userAgent: string): Promise<NewcomerResult> {
  if (await isJoinThrottled("fail", ip)) return refuse(429, joinThrottledMessage("fail"));
  if (await isJoinThrottled("new", ip)) return refuse(429, joinThrottledMessage("new"));
  const session = await findLiveSession(codeInput);
  const problem = joinProblem(session);
  if (problem || !session) {
    await recordJoinAttempt("fail", ip);
    return refuse(problem!.status, problem!.message);
  }
  const [taken] = await db().select({ id: users.id }).from(users).where(eq(users.email, input.email));
  if (taken) return { ok: false, status: 409, field: "email", message: `${duplicateEmailMessage} Then come back to this code.` };
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
  if (!joined.ok) return joined.status === 409 ? { ...joined, field: "email" } : joined;
  await recordJoinAttempt("new", ip);
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

