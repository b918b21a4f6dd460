import { and, eq, gt, inArray, isNull, sql } from "drizzle-orm";
import { db, type Executor } from "../../db/client.server";
import { emailLinks, sessions, users, type EmailLinkPurpose } from "../../db/schema";
import { randomToken, sha256Hex } from "../lib/crypto.server";
import type { Result } from "../lib/result";
import { enqueueMail } from "../mail/queue.server";
import { noAccountMail, resetLinkMail, signInLinkMail } from "../mail/templates";
import { hashPassword } from "./password.server";
import { hitEach, type RateLimit } from "./rate-limit.server";
import { sessionsChanged, startSession } from "./session.server";

// Links sent by email (ADR 029): sign in without a password (WCAG 2.2 3.3.8), reset a
// password, unsubscribe from nudges. The token is in the link only; the table keeps its
// sha256, like sessions. Following a sign-in or reset link is two steps: the GET shows a
// button, the POST spends the link, so a mail scanner that fetches every link does not
// burn it.

export const SIGN_IN_LINK_MINUTES = 15;
export const RESET_LINK_MINUTES = 60;
const UNSUBSCRIBE_LINK_DAYS = 365;

// Requests for a link, per 15 minutes, counted whether or not the email has an account (so
// a 429 says nothing about that): a few per email from one address; more per address (a
// training room shares one); a ceiling per email from anywhere, so nobody can fill a
// stranger's inbox.
export const LINK_WINDOW_MINUTES = 15;
export const LINK_LIMITS = { emailAtAddress: 3, address: 30, email: 6 } as const;

type LinkRequestPurpose = Exclude<EmailLinkPurpose, "unsubscribe">;

function linkLimits(purpose: LinkRequestPurpose, email: string, ip: string): RateLimit[] {
  const windowSeconds = LINK_WINDOW_MINUTES * 60;
  const address = ip.slice(0, 100);
  return [
    { key: `email-link:${purpose}:email-at-address:${email} ${address}`, limit: LINK_LIMITS.emailAtAddress, windowSeconds },
    { key: `email-link:address:${address}`, limit: LINK_LIMITS.address, windowSeconds },
    { key: `email-link:email:${email}`, limit: LINK_LIMITS.email, windowSeconds },
  ];
}

const PATHS: Record<LinkRequestPurpose, string> = { "sign-in": "/login/link/", reset: "/reset/" };
const MINUTES: Record<LinkRequestPurpose, number> = { "sign-in": SIGN_IN_LINK_MINUTES, reset: RESET_LINK_MINUTES };

async function insertLink(exec: Executor, userId: string, purpose: EmailLinkPurpose, seconds: number): Promise<string> {
  const token = randomToken();
  await exec.insert(emailLinks).values({ tokenHash: sha256Hex(token), userId, purpose, expiresAt: sql`now() + make_interval(secs => ${seconds})` });
  return token;
}

export interface LinkRequest {
  purpose: LinkRequestPurpose;
  /** Already validated and lower-cased (emailSchema). */
  email: string;
  ip: string;
  /** Where links point (publicOrigin). */
  origin: string;
}

/**
 * Queue a sign-in or reset mail. Whether or not the address has an account, the caller
 * gets the same answer and one mail is queued in one transaction: the link to the account
 * holder, a "no account uses this address" note otherwise. Only the mailbox's owner can
 * tell the two apart.
 */
export async function requestEmailLink(request: LinkRequest): Promise<Result<void, 429>> {
  const refusedBy = await hitEach(linkLimits(request.purpose, request.email, request.ip));
  if (refusedBy) {
    return { ok: false, status: 429, message: `Too many requests for links. Wait ${LINK_WINDOW_MINUTES} minutes and try again, or sign in with your password.` };
  }
  const minutes = MINUTES[request.purpose];
  await db().transaction(async (tx) => {
    const [user] = await tx.select({ id: users.id, name: users.name }).from(users).where(eq(users.email, request.email));
    if (!user) {
      await enqueueMail(tx, { to: request.email, template: `no-account-${request.purpose}`, ...noAccountMail({ purpose: request.purpose, loginUrl: `${request.origin}/login` }) });
      return;
    }
    const token = await insertLink(tx, user.id, request.purpose, minutes * 60);
    const url = `${request.origin}${PATHS[request.purpose]}${token}`;
    const mail = request.purpose === "sign-in" ? signInLinkMail({ name: user.name, url, minutes }) : resetLinkMail({ name: user.name, url, minutes });
    await enqueueMail(tx, { to: request.email, userId: user.id, template: request.purpose === "sign-in" ? "sign-in-link" : "password-reset", sensitive: true, ...mail });
  });
  return { ok: true, value: undefined };
}

export type LinkFailure = Result<never, 404 | 410>;

/** Tokens are base64url; anything else (too long, odd characters) cannot be ours. */
const wellFormed = (token: string) => /^[A-Za-z0-9_-]{10,100}$/.test(token);

const unknownLink = (purpose: LinkRequestPurpose): LinkFailure => ({
  ok: false,
  status: 404,
  message:
    purpose === "sign-in"
      ? "This sign-in link isn't valid. Check you copied all of it, or ask for a new one."
      : "This password reset link isn't valid. Check you copied all of it, or ask for a new one.",
});

/** Why a link cannot be used now, in words for the person holding it. */
async function whyUnusable(tokenHash: string, purpose: LinkRequestPurpose): Promise<LinkFailure> {
  const [link] = await db()
    .select({ usedAt: emailLinks.usedAt, expired: sql<boolean>`${emailLinks.expiresAt} <= now()` })
    .from(emailLinks)
    .where(and(eq(emailLinks.tokenHash, tokenHash), eq(emailLinks.purpose, purpose)));
  if (!link) return unknownLink(purpose);
  const what = purpose === "sign-in" ? "sign-in link" : "password reset link";
  if (link.usedAt) return { ok: false, status: 410, message: `This ${what} has already been used (each one works once). Ask for a new one.` };
  return { ok: false, status: 410, message: `This ${what} has expired: it worked for ${MINUTES[purpose]} minutes. Ask for a new one.` };
}

/** The GET side: is the link usable (without spending it), and for whom. */
export async function checkEmailLink(token: string, purpose: LinkRequestPurpose): Promise<Result<{ email: string }, 404 | 410>> {
  if (!wellFormed(token)) return unknownLink(purpose);
  const tokenHash = sha256Hex(token);
  const [link] = await db()
    .select({ email: users.email })
    .from(emailLinks)
    .innerJoin(users, eq(users.id, emailLinks.userId))
    .where(and(eq(emailLinks.tokenHash, tokenHash), eq(emailLinks.purpose, purpose), isNull(emailLinks.usedAt), gt(emailLinks.expiresAt, sql`now()`)));
  return link ? { ok: true, value: link } : whyUnusable(tokenHash, purpose);
}

/** Spend a link: one UPDATE decides, so two clicks at once sign in once. */
async function spend(exec: Executor, token: string, purpose: LinkRequestPurpose): Promise<string | null> {
  if (!wellFormed(token)) return null;
  const [spent] = await exec
    .update(emailLinks)
    .set({ usedAt: sql`now()` })
    .where(and(eq(emailLinks.tokenHash, sha256Hex(token)), eq(emailLinks.purpose, purpose), isNull(emailLinks.usedAt), gt(emailLinks.expiresAt, sql`now()`)))
    .returning({ userId: emailLinks.userId });
  if (!spent) return null;
  // One link in use at a time: the others of both kinds this person asked for stop working.
  await exec
    .update(emailLinks)
    .set({ usedAt: sql`now()` })
    .where(and(eq(emailLinks.userId, spent.userId), inArray(emailLinks.purpose, ["sign-in", "reset"]), isNull(emailLinks.usedAt)));
  return spent.userId;
}

/** The POST side of a sign-in link: spend it and start a session. */
export async function signInWithLink(token: string, userAgent: string): Promise<Result<{ cookie: string }, 404 | 410>> {
  const userId = await spend(db(), token, "sign-in");
  if (!userId) return wellFormed(token) ? whyUnusable(sha256Hex(token), "sign-in") : unknownLink("sign-in");
  return { ok: true, value: { cookie: await startSession(userId, userAgent) } };
}

/**
 * The POST side of a reset link: spend it, set the new password (already validated with
 * passwordSchema), end every session of the account, and start a new one here.
 */
export async function resetPasswordWithLink(token: string, password: string, userAgent: string): Promise<Result<{ cookie: string }, 404 | 410>> {
  if (!wellFormed(token)) return unknownLink("reset");
  // Hashed before the transaction: argon2 takes ~50 ms and needs no lock.
  const passwordHash = await hashPassword(password);
  const userId = await db().transaction(async (tx) => {
    const spentBy = await spend(tx, token, "reset");
    if (!spentBy) return null;
    await tx.update(users).set({ passwordHash }).where(eq(users.id, spentBy));
    // Whoever knew the old password is signed out everywhere.
    await tx.delete(sessions).where(eq(sessions.userId, spentBy));
    return spentBy;
  });
  if (!userId) return whyUnusable(sha256Hex(token), "reset");
  sessionsChanged();
  return { ok: true, value: { cookie: await startSession(userId, userAgent) } };
}

/**
 * An unsubscribe link for a nudge or reminder to this person, made in the caller's
 * transaction (beside enqueueMail). It may be followed any number of times for a year.
 */
export async function unsubscribeUrl(exec: Executor, userId: string, origin: string): Promise<string> {
  return `${origin}/unsubscribe/${await insertLink(exec, userId, "unsubscribe", UNSUBSCRIBE_LINK_DAYS * 24 * 60 * 60)}`;
}

const unknownUnsubscribe: Result<never, 404> = {
  ok: false,
  status: 404,
  message: "This unsubscribe link isn't valid (or is over a year old). Sign in and turn off nudge emails on your account page.",
};

/** Whose nudges an unsubscribe link turns off, without doing it (the GET). */
export async function checkUnsubscribe(token: string): Promise<Result<{ email: string; nudgeEmails: boolean }, 404>> {
  if (!wellFormed(token)) return unknownUnsubscribe;
  const [row] = await db()
    .select({ email: users.email, nudgeEmails: users.nudgeEmails })
    .from(emailLinks)
    .innerJoin(users, eq(users.id, emailLinks.userId))
    .where(and(eq(emailLinks.tokenHash, sha256Hex(token)), eq(emailLinks.purpose, "unsubscribe"), gt(emailLinks.expiresAt, sql`now()`)));
  return row ? { ok: true, value: row } : unknownUnsubscribe;
}

/** Turn off nudge emails for the link's owner (the one-click POST). Idempotent. */
export async function unsubscribe(token: string): Promise<Result<{ email: string }, 404>> {
  if (!wellFormed(token)) return unknownUnsubscribe;
  const owner = db()
    .select({ userId: emailLinks.userId })
    .from(emailLinks)
    .where(and(eq(emailLinks.tokenHash, sha256Hex(token)), eq(emailLinks.purpose, "unsubscribe"), gt(emailLinks.expiresAt, sql`now()`)));
  const [row] = await db().update(users).set({ nudgeEmails: false }).where(inArray(users.id, owner)).returning({ email: users.email });
  return row ? { ok: true, value: row } : unknownUnsubscribe;
}

export async function nudgeEmailsOf(userId: string): Promise<boolean> {
  const [row] = await db().select({ nudgeEmails: users.nudgeEmails }).from(users).where(eq(users.id, userId));
  return row?.nudgeEmails ?? false;
}

export async function setNudgeEmails(userId: string, on: boolean): Promise<void> {
  await db().update(users).set({ nudgeEmails: on }).where(eq(users.id, userId));
}
