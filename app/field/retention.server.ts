import { z } from "zod";
import { eq, sql } from "drizzle-orm";
import { db, rowsOf, type Executor } from "../../db/client.server";
import { instanceSettings } from "../../db/schema";
import { adjustFieldDaily, type FieldCounts } from "./daily.server";
import { RETENTION_MAX_MONTHS, RETENTION_MIN_MONTHS } from "./retention";

// Field retention (docs/privacy.md): an admin chooses how many months debriefs and
// imported contacts are kept. Older rows are deleted and their counts taken out of
// field_daily in the same transaction, so the impact report never counts a door whose
// record is gone, and a report for an old period shows nothing rather than half. Runs when
// the setting is saved, at start-up and once a day (app/boot.server.ts).

export { RETENTION_MAX_MONTHS, RETENTION_MIN_MONTHS } from "./retention";

/**
 * One imported contact as field counts: every row is an attempt; a contact when someone
 * answered; a conversation when it went further; a commitment when the row says so. The
 * importer must add with this same mapping for retention to take away exactly what it added.
 */
export const CONTACT_COUNTS = {
  attempts: sql`1`,
  contacts: sql`(result <> 'no-answer')::int`,
  conversations: sql`(result = 'conversation')::int`,
  commitments: sql`commitment::int`,
};

export async function fieldRetentionMonths(): Promise<number | null> {
  const [row] = await db().select({ months: instanceSettings.fieldRetentionMonths }).from(instanceSettings).where(eq(instanceSettings.id, true));
  return row?.months ?? null;
}

/** The first day kept: `months` calendar months before `now`'s UTC day. */
export function retentionCutoff(months: number, now: Date): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - months);
  // 31 March minus one month is the last day of February, not 3 March.
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, lastDay));
  return d.toISOString().slice(0, 10);
}

export interface PurgeResult {
  cutoff: string | null;
  debriefs: number;
  contacts: number;
}

/** Saves the setting (null: keep everything) and applies it at once. */
export async function setFieldRetention(months: number | null, actorId: string, now = new Date()): Promise<PurgeResult> {
  await db()
    .insert(instanceSettings)
    .values({ id: true, fieldRetentionMonths: months, updatedBy: actorId })
    .onConflictDoUpdate({ target: instanceSettings.id, set: { fieldRetentionMonths: months, updatedBy: actorId, updatedAt: sql`now()` } });
  return purgeExpiredFieldRecords(now);
}

/** Deletes debriefs and contacts from before the cutoff, taking their counts out of field_daily. */
export async function purgeExpiredFieldRecords(now = new Date()): Promise<PurgeResult> {
  const months = await fieldRetentionMonths();
  if (months === null) return { cutoff: null, debriefs: 0, contacts: 0 };
  const cutoff = retentionCutoff(months, now);
  return db().transaction(async (tx) => {
    const debriefs = await deleteAndCount(
      tx,
      sql`with gone as (delete from debriefs where day < ${cutoff}::date returning user_id, group_id, day, attempts, contacts, conversations, commitments)
          select user_id, group_id, to_char(day, 'YYYY-MM-DD') as day, count(*)::int as n,
                 sum(attempts)::int as attempts, sum(contacts)::int as contacts, sum(conversations)::int as conversations, sum(commitments)::int as commitments
          from gone group by user_id, group_id, day`,
    );
    const contacts = await deleteAndCount(
      tx,
      sql`with gone as (delete from canvass_contacts where day < ${cutoff}::date returning user_id, group_id, day, result, commitment)
          select user_id, group_id, to_char(day, 'YYYY-MM-DD') as day, count(*)::int as n,
                 sum(${CONTACT_COUNTS.attempts})::int as attempts, sum(${CONTACT_COUNTS.contacts})::int as contacts,
                 sum(${CONTACT_COUNTS.conversations})::int as conversations, sum(${CONTACT_COUNTS.commitments})::int as commitments
          from gone group by user_id, group_id, day`,
    );
    return { cutoff, debriefs, contacts };
  });
}

async function deleteAndCount(tx: Executor, query: ReturnType<typeof sql>): Promise<number> {
  const found = rowsOf<{ user_id: string; group_id: string; day: string; n: number; attempts: number; contacts: number; conversations: number; commitments: number }>(await tx.execute(query));
  const counts: FieldCounts[] = found.map((r) => ({
    userId: r.user_id,
    groupId: r.group_id,
    day: r.day,
    attempts: Number(r.attempts),
    contacts: Number(r.contacts),
    conversations: Number(r.conversations),
    commitments: Number(r.commitments),
  }));
  await adjustFieldDaily(tx, counts, -1);
  return found.reduce((s, r) => s + Number(r.n), 0);
}

let timer: ReturnType<typeof setInterval> | undefined;

/**
 * Applies retention now and then once a day. A failure is logged, never thrown: the app
 * keeps serving, and the next run tries again.
 */
export function startRetentionSchedule(log: (line: string) => void = console.log): void {
  const run = async () => {
    try {
      const result = await purgeExpiredFieldRecords();
      if (result.debriefs + result.contacts > 0) log(`Field retention: deleted ${result.debriefs} debriefs and ${result.contacts} imported contacts from before ${result.cutoff}.`);
    } catch (error) {
      log(`Field retention failed, will retry tomorrow: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  void run();
  if (timer) clearInterval(timer);
  timer = setInterval(run, 24 * 60 * 60 * 1000);
  timer.unref();
}

/** The admin form: a whole number of months, or empty to keep field records indefinitely. */
export const retentionFormSchema = z.object({
  months: z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? null : v),
    z.coerce
      .number({ error: `Enter a whole number of months from ${RETENTION_MIN_MONTHS} to ${RETENTION_MAX_MONTHS}, or leave it empty to keep everything.` })
      .int("Enter a whole number of months.")
      .min(RETENTION_MIN_MONTHS, `Keep field records for at least ${RETENTION_MIN_MONTHS} month.`)
      .max(RETENTION_MAX_MONTHS, `Keep field records for at most ${RETENTION_MAX_MONTHS} months (ten years).`)
      .nullable(),
  ),
  // Deleting is immediate and final, so a period needs an explicit yes (a typo of "1" for
  // "12" would otherwise wipe eleven months of records).
  confirm: z.literal("yes").optional(),
}).superRefine((f, ctx) => {
  if (f.months !== null && f.confirm !== "yes") {
    ctx.addIssue({ code: "custom", path: ["confirm"], message: `Tick the box to confirm: records older than ${f.months} months are deleted at once and cannot be brought back.` });
  }
});
