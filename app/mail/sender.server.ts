import { and, eq, inArray, isNotNull, lte, or, sql } from "drizzle-orm";
import nodemailer, { type Transporter } from "nodemailer";
import { db } from "../../db/client.server";
import { emailLinks, mailMessages, nudgeRecipients, nudges, users, type MailMessage } from "../../db/schema";
import { env } from "../lib/env.server";
import { describeError, logError } from "../lib/log.server";

// Delivers what enqueueMail queued (ADR 029). Each round claims due rows, sends each one,
// and records the outcome; a failure schedules a retry with exponential backoff and never
// reaches the request that queued the mail (it finished long ago).
//
// Claiming is one UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED): on PostgreSQL,
// several app instances each take different rows; PGlite has one connection, where the
// same statement simply takes the rows. A claim is a lease: next_attempt_at moves
// LEASE_SECONDS ahead, so rows of an instance that died mid-send are taken again later.
//
// The log gets one line per attempt (to, template, status), never a body: a sign-in or
// reset body is a key to someone's account. The one exception is outbox mode (no SMTP_URL,
// local use): there the log line also carries the message's links, as issue 18 asks, so a
// developer can follow a sign-in link from the terminal (ADR 037). With SMTP, never.
//
// A reminder, nudge or follow-up (honours_opt_out) is checked against users.nudge_emails
// again at send time: turning them off between queueing and sending stops it ("skipped").

export const MAX_ATTEMPTS = 8;
export const BACKOFF_BASE_SECONDS = 30;
export const BACKOFF_CAP_SECONDS = 60 * 60;
const LEASE_SECONDS = 5 * 60;
const BATCH = 20;
/**
 * In outbox mode (no SMTP_URL) the outbox is the only way to read a sign-in or reset link,
 * so a sensitive body stays until the longest link in it has expired (reset: 60 minutes),
 * then is wiped like a sent one. Mailed bodies are wiped at once.
 */
export const OUTBOX_SECRET_MINUTES = 60;

/** Seconds to wait after the `attempts`-th failed attempt: 30 s, 1 min, 2 min … capped at an hour. */
export function backoffSeconds(attempts: number): number {
  return Math.min(BACKOFF_BASE_SECONDS * 2 ** Math.max(0, attempts - 1), BACKOFF_CAP_SECONDS);
}

export interface SenderOptions {
  /** Default: SMTP_URL. Unset: the outbox. */
  smtpUrl?: string | undefined;
  /** Default: MAIL_FROM. */
  from?: string;
  log?: (line: string) => void;
}

export interface RoundReport {
  sent: number;
  retrying: number;
  failed: number;
  skipped: number;
}

const transports = new Map<string, Transporter>();
function transportFor(url: string): Transporter {
  let transport = transports.get(url);
  if (!transport) {
    // Short timeouts: a hung server delays this round's batch, never a request.
    transport = nodemailer.createTransport({ url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 });
    transports.set(url, transport);
  }
  return transport;
}

/** Close pooled SMTP connections (shutdown, tests). */
export function closeTransports(): void {
  for (const transport of transports.values()) transport.close();
  transports.clear();
}

async function claimDue(): Promise<MailMessage[]> {
  const due = db()
    .select({ id: mailMessages.id })
    .from(mailMessages)
    .where(and(inArray(mailMessages.status, ["queued", "sending"]), lte(mailMessages.nextAttemptAt, sql`now()`)))
    .orderBy(mailMessages.nextAttemptAt)
    .limit(BATCH)
    .for("update", { skipLocked: true });
  return db()
    .update(mailMessages)
    .set({
      status: "sending",
      attempts: sql`${mailMessages.attempts} + 1`,
      nextAttemptAt: sql`now() + make_interval(secs => ${LEASE_SECONDS})`,
    })
    // Checked again on the row itself: another instance may have finished it meanwhile.
    .where(and(inArray(mailMessages.id, due), inArray(mailMessages.status, ["queued", "sending"]), lte(mailMessages.nextAttemptAt, sql`now()`)))
    .returning();
}

const WIPED = { textBody: "", htmlBody: "", attachments: [] };

/** What the log says about one mail: who, which kind, how it went. Never the body. */
const logLine = (m: MailMessage, status: string, extra = "") =>
  `mail ${m.id.slice(0, 8)} to=${m.toAddress} template=${m.template} status=${status} attempt=${m.attempts}${extra}`;

export const OPTED_OUT_REASON = "They turned off reminders and nudges after this was queued.";

/** The links in a body, once each, in order: what outbox mode prints to the log. */
export function linksIn(text: string): string[] {
  return [...new Set(text.match(/https?:\/\/[^\s<>"]+/g) ?? [])];
}

/**
 * Whether a claimed message should still go, decided just before sending: a reminder, nudge
 * or follow-up whose person has turned them off since is skipped here; one that something
 * else skipped after the claim (a session cancelled or changed while this round ran) is left
 * as that made it. A skipped nudge also stops counting as "nudged" in the nudge's follow-up
 * figures (ADR 030): the person is moved to the left-out side as opted out, in the same
 * transaction, so the comparison never credits mail that was never sent.
 */
async function skippedBeforeSending(message: MailMessage): Promise<string | null> {
  return db().transaction(async (tx) => {
    if (message.honoursOptOut && message.userId) {
      // One statement, so the answer is the preference as it is now, not as it was when queued.
      const optedOut = await tx
        .update(mailMessages)
        .set({ status: "skipped", skipReason: OPTED_OUT_REASON, lastError: null })
        .where(
          and(
            eq(mailMessages.id, message.id),
            eq(mailMessages.status, "sending"),
            sql`exists (select 1 from ${users} u where u.id = ${mailMessages.userId} and not u.nudge_emails)`,
          ),
        )
        .returning({ id: mailMessages.id });
      if (optedOut.length > 0) {
        const nudge = message.template === "nudge" ? /^nudge:([0-9a-f-]{36}):(.+)$/.exec(message.dedupeKey ?? "") : null;
        if (nudge) {
          const moved = await tx
            .update(nudgeRecipients)
            .set({ sentAt: null, leftOut: "opted-out" })
            .where(and(eq(nudgeRecipients.nudgeId, nudge[1]!), eq(nudgeRecipients.userId, nudge[2]!), isNotNull(nudgeRecipients.sentAt)))
            .returning({ userId: nudgeRecipients.userId });
          if (moved.length > 0) {
            await tx.update(nudges).set({ recipientCount: sql`${nudges.recipientCount} - 1` }).where(eq(nudges.id, nudge[1]!));
          }
        }
        return "opted-out";
      }
    }
    const [now] = await tx.select({ status: mailMessages.status, skipReason: mailMessages.skipReason }).from(mailMessages).where(eq(mailMessages.id, message.id));
    return now?.status === "skipped" ? (now.skipReason ?? "skipped") : null;
  });
}

async function sendOne(message: MailMessage, smtpUrl: string | undefined, from: string, log: (line: string) => void): Promise<keyof RoundReport> {
  const skipped = await skippedBeforeSending(message);
  if (skipped) {
    log(logLine(message, "skipped", skipped === "opted-out" ? " reason=opted-out" : ""));
    return "skipped";
  }
  if (!smtpUrl) {
    await db().update(mailMessages).set({ status: "sent", sentAt: sql`now()`, lastError: null }).where(eq(mailMessages.id, message.id));
    // Outbox mode is local use with nothing installed: the links go to the terminal so a
    // sign-in link can be followed from it (issue 18). With SMTP_URL set this never happens.
    const links = linksIn(message.textBody);
    log(logLine(message, "sent", ` (outbox: /admin/outbox/${message.id})${links.map((l) => ` link=${l}`).join("")}`));
    return "sent";
  }
  try {
    await transportFor(smtpUrl).sendMail({
      from,
      to: message.toAddress,
      subject: message.subject,
      text: message.textBody,
      html: message.htmlBody,
      attachments: message.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
    });
  } catch (error) {
    const reason = describeError(error, { stack: false }).slice(0, 500);
    const final = message.attempts >= MAX_ATTEMPTS;
    await db()
      .update(mailMessages)
      .set({
        status: final ? "failed" : "queued",
        lastError: reason,
        nextAttemptAt: sql`now() + make_interval(secs => ${backoffSeconds(message.attempts)})`,
        ...(final && message.sensitive ? WIPED : {}),
      })
      // Not a row skipped while this attempt ran (a cancelled session's reminder stays skipped).
      .where(and(eq(mailMessages.id, message.id), eq(mailMessages.status, "sending")));
    log(logLine(message, final ? "failed" : "retrying", final ? ` error=${reason}` : ` in=${backoffSeconds(message.attempts)}s error=${reason}`));
    return final ? "failed" : "retrying";
  }
  await db()
    .update(mailMessages)
    .set({ status: "sent", sentAt: sql`now()`, lastError: null, ...(message.sensitive ? WIPED : {}) })
    .where(eq(mailMessages.id, message.id));
  log(logLine(message, "sent"));
  return "sent";
}

/** Outbox bodies past their links' lifetime, and links long expired, are removed. */
async function sweep(): Promise<void> {
  await db()
    .update(mailMessages)
    .set(WIPED)
    .where(
      and(
        // As written in mail_messages_unwiped_secret_idx's predicate, so the index serves it.
        sql`${mailMessages.sensitive} and ${mailMessages.textBody} <> ''`,
        or(eq(mailMessages.status, "sent"), eq(mailMessages.status, "failed")),
        lte(mailMessages.createdAt, sql`now() - make_interval(mins => ${OUTBOX_SECRET_MINUTES})`),
      ),
    );
  await db().delete(emailLinks).where(lte(emailLinks.expiresAt, sql`now() - interval '1 day'`));
}

/** One round: claim what is due and send it. Tests call this directly instead of waiting for the loop. */
export async function deliverDueMail(options: SenderOptions = {}): Promise<RoundReport> {
  const config = env();
  const smtpUrl = "smtpUrl" in options ? options.smtpUrl : config.SMTP_URL;
  const from = options.from ?? config.MAIL_FROM;
  const log = options.log ?? console.log;
  const report: RoundReport = { sent: 0, retrying: 0, failed: 0, skipped: 0 };
  for (const message of await claimDue()) report[await sendOne(message, smtpUrl, from, log)]++;
  await sweep();
  return report;
}

interface SenderLoop {
  timer: NodeJS.Timeout | undefined;
  round: Promise<void> | null;
  stopped: boolean;
}
let loop: SenderLoop | null = null;

/** Start delivering in the background (boot). Rounds never overlap. */
export function startMailSender(intervalMs = 5_000, options: SenderOptions = {}): void {
  if (loop) return;
  const state: SenderLoop = { timer: undefined, round: null, stopped: false };
  loop = state;
  const tick = () => {
    state.round = deliverDueMail(options)
      .then(() => undefined)
      // A database outage or a bug in one round must not stop the next.
      .catch((error) => logError(error, "mail sender"))
      .finally(() => {
        state.round = null;
        if (!state.stopped) state.timer = setTimeout(tick, intervalMs);
      });
  };
  state.timer = setTimeout(tick, 1_000);
  state.timer.unref?.();
}

/** Stop the loop and wait for a round in flight (shutdown). */
export async function stopMailSender(): Promise<void> {
  const state = loop;
  loop = null;
  if (!state) return;
  state.stopped = true;
  if (state.timer) clearTimeout(state.timer);
  await state.round;
  closeTransports();
}
