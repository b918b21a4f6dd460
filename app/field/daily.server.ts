import { sql } from "drizzle-orm";
import type { Executor } from "../../db/client.server";
import { fieldDaily } from "../../db/schema";

// field_daily is the impact report's only source of doors, contacts, conversations and
// commitments (db/schema.ts). Whoever writes or deletes a debrief or an imported contact
// calls adjustFieldDaily in the same transaction, with +1 to add its counts and -1 to take
// them away, so the rollup can never drift from the rows it sums. The one exception is the
// canvass import's write (insertContacts in import.server.ts), which adds the counts of the
// rows it inserted in the same statement, with retention's CONTACT_COUNTS (ADR 049).

export interface FieldCounts {
  userId: string;
  groupId: string;
  /** yyyy-mm-dd */
  day: string;
  attempts: number;
  contacts: number;
  conversations: number;
  commitments: number;
}

/** Adds (sign 1) or removes (sign -1) counts; rows for the same person, area and day are summed first. */
export async function adjustFieldDaily(exec: Executor, rows: readonly FieldCounts[], sign: 1 | -1): Promise<void> {
  if (rows.length === 0) return;
  const summed = new Map<string, FieldCounts>();
  for (const row of rows) {
    const key = `${row.userId}\u0000${row.groupId}\u0000${row.day}`;
    const seen = summed.get(key);
    if (seen) {
      seen.attempts += row.attempts;
      seen.contacts += row.contacts;
      seen.conversations += row.conversations;
      seen.commitments += row.commitments;
    } else summed.set(key, { ...row });
  }
  const values = [...summed.values()].map((r) => ({
    userId: r.userId,
    groupId: r.groupId,
    day: r.day,
    attempts: sign * r.attempts,
    contacts: sign * r.contacts,
    conversations: sign * r.conversations,
    commitments: sign * r.commitments,
  }));
  // Batches keep each statement under PostgreSQL's 65,535 bind parameters (7 per row).
  for (let i = 0; i < values.length; i += 5000) {
    await exec
      .insert(fieldDaily)
      .values(values.slice(i, i + 5000))
      .onConflictDoUpdate({
        target: [fieldDaily.userId, fieldDaily.groupId, fieldDaily.day],
        set: {
          attempts: sql`${fieldDaily.attempts} + excluded.attempts`,
          contacts: sql`${fieldDaily.contacts} + excluded.contacts`,
          conversations: sql`${fieldDaily.conversations} + excluded.conversations`,
          commitments: sql`${fieldDaily.commitments} + excluded.commitments`,
        },
      });
  }
  if (sign === -1) {
    // A day whose every source row is gone leaves no zero row behind to be counted as
    // "active" by the report.
    await exec.execute(
      sql`delete from ${fieldDaily} where ${fieldDaily.attempts} = 0 and ${fieldDaily.contacts} = 0 and ${fieldDaily.conversations} = 0 and ${fieldDaily.commitments} = 0`,
    );
  }
}
