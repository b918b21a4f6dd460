// npm run db:rebuild-summaries — recount every report summary from the raw tables: after
// a bulk load that bypassed the triggers, or if a figure looks wrong. Safe on a running
// PostgreSQL (writers wait a moment); PGlite refuses while the server holds its data dir.
import { rebuildReportSummaries } from "../app/reports/summaries.server";
import { describeTarget, openCliDatabase } from "./cli-db";

console.log(`Rebuilding report summaries in ${describeTarget()}…`);
const handle = await openCliDatabase();
try {
  const started = Date.now();
  await rebuildReportSummaries(handle.db);
  console.log(`Report summaries rebuilt in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
} finally {
  await handle.close();
}
