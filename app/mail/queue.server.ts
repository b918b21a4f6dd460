import { sql } from "drizzle-orm";
import type { Executor } from "../../db/client.server";
import { mailMessages, type MailAttachment } from "../../db/schema";

// Every email Doorstep sends starts here: a row in mail_messages, written in the caller's
// transaction when it has one, so a mail exists exactly when what caused it was saved. The
// sender (app/mail/sender.server.ts) delivers it later and retries; nothing about SMTP can
// fail the request that queued it.

export interface OutgoingMail {
  to: string;
  userId?: string | null;
  /** Which kind of mail, for the log and the outbox: "sign-in-link", "nudge", … */
  template: string;
  subject: string;
  text: string;
  html: string;
  attachments?: MailAttachment[];
  /** The body holds a secret link: never logged, wiped once sent. */
  sensitive?: boolean;
  /** Mail with the same key is queued once (e.g. "reminder:<session>:<user>"). */
  dedupeKey?: string;
  /** Not before this time (a reminder the day before). Default: now. */
  notBefore?: Date;
  /**
   * A reminder, nudge or follow-up (carries an unsubscribe link): skipped at send time if
   * the person has turned these off since it was queued. Never for sign-in or reset mail.
   */
  honoursOptOut?: boolean;
}

/** Queues one mail; false when a mail with the same dedupe key was already queued. */
export async function enqueueMail(exec: Executor, mail: OutgoingMail): Promise<boolean> {
  const inserted = await exec
    .insert(mailMessages)
    .values({
      toAddress: mail.to.trim().toLowerCase(),
      userId: mail.userId ?? null,
      template: mail.template,
      subject: mail.subject,
      textBody: mail.text,
      htmlBody: mail.html,
      attachments: mail.attachments ?? [],
      sensitive: mail.sensitive ?? false,
      dedupeKey: mail.dedupeKey ?? null,
      honoursOptOut: mail.honoursOptOut ?? false,
      nextAttemptAt: mail.notBefore ?? sql`now()`,
    })
    .onConflictDoNothing({ target: mailMessages.dedupeKey })
    .returning({ id: mailMessages.id });
  return inserted.length > 0;
}
