import { sql } from "drizzle-orm";
import { db, type Database } from "../../db/client.server";

// The report summaries (db/schema.ts, "report summaries") are kept by triggers at every
// commit (docs/decisions/005-report-summaries-by-trigger.md). A bulk load that switched
// the triggers off, or a repair after a suspected drift, recounts them all from the raw
// tables with this. The SQL lives in one database function (migration 0010), so the
// benchmark's plain-JS loader and this call run the same rebuild.

/**
 * Rebuilds every report summary from the raw tables, in one transaction. Writers of the
 * raw tables wait until it commits (1.9 s at 2,500 activists and 95,000 step views;
 * ADR 012).
 */
export async function rebuildReportSummaries(database: Database = db()): Promise<void> {
  await database.transaction(async (tx) => {
    await tx.execute(sql`select report_rebuild_summaries()`);
    // The impact report's objection counts per area and week (migration 0024).
    await tx.execute(sql`select field_rebuild_objection_weeks()`);
  });
}
