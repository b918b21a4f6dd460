import { desc, eq, sql } from "drizzle-orm";
import { db } from "../../db/client.server";
import { mailMessages, type MailStatus } from "../../db/schema";
import type { Result } from "../lib/result";
import { OUTBOX_SECRET_MINUTES } from "./sender.server";

// What admins read at /admin/outbox: every queued, sent or failed mail, newest first. In
// outbox mode (no SMTP_URL) it is where mail goes; with SMTP it shows what was sent and why
// something failed. Bodies holding a secret link are wiped once mailed, or in outbox mode
// after OUTBOX_SECRET_MINUTES (ADR 029).

export const OUTBOX_PAGE_SIZE = 50;

export interface OutboxEntry {
  id: string;
  to: string;
  template: string;
  subject: string;
  status: MailStatus;
  attempts: number;
  createdAt: Date;
  sentAt: Date | null;
  lastError: string | null;
  skipReason: string | null;
}

const entryColumns = {
  id: mailMessages.id,
  to: mailMessages.toAddress,
  template: mailMessages.template,
  subject: mailMessages.subject,
  status: mailMessages.status,
  attempts: mailMessages.attempts,
  createdAt: mailMessages.createdAt,
  sentAt: mailMessages.sentAt,
  lastError: mailMessages.lastError,
  skipReason: mailMessages.skipReason,
};

export async function listOutbox(): Promise<OutboxEntry[]> {
  return db().select(entryColumns).from(mailMessages).orderBy(desc(mailMessages.createdAt), desc(mailMessages.id)).limit(OUTBOX_PAGE_SIZE);
}

export interface OutboxMessage extends OutboxEntry {
  text: string;
  /** The body held a secret link and has been wiped. */
  wiped: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function readOutboxMessage(id: string): Promise<Result<OutboxMessage, 404>> {
  const missing = { ok: false, status: 404, message: "There is no mail with that id in the outbox." } as const;
  // Not a uuid: PostgreSQL would refuse the comparison with an error, not an empty result.
  if (!UUID.test(id)) return missing;
  const [row] = await db()
    .select({ ...entryColumns, text: mailMessages.textBody, sensitive: mailMessages.sensitive })
    .from(mailMessages)
    .where(eq(mailMessages.id, id));
  if (!row) return missing;
  const { sensitive, ...message } = row;
  return { ok: true, value: { ...message, wiped: sensitive && message.text === "" } };
}

export { OUTBOX_SECRET_MINUTES };

/** How many mails wait or failed, for the outbox's heading. */
export async function outboxCounts(): Promise<Record<MailStatus, number>> {
  const rows = await db()
    .select({ status: mailMessages.status, n: sql<number>`count(*)::int` })
    .from(mailMessages)
    .groupBy(mailMessages.status);
  const counts: Record<MailStatus, number> = { queued: 0, sending: 0, sent: 0, failed: 0, skipped: 0 };
  for (const row of rows) counts[row.status] = row.n;
  return counts;
}
