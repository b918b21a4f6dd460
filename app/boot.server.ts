import { sql } from "drizzle-orm";
import { openDatabase, setDatabase, type DatabaseHandle } from "../db/client.server";
import { migrateDatabase } from "../db/migrate";
import { users } from "../db/schema";
import { loadCatalog, syncModulesTable, watchContent } from "./content/catalog.server";
import { DEMO_ACCOUNTS, DEMO_PASSWORD, seedDemo } from "./demo/seed.server";
import { startRetentionSchedule } from "./field/retention.server";
import { startImpactWarmer } from "./reports/impact.server";
import { env } from "./lib/env.server";
import { startLiveHub } from "./live/hub.server";
import { startMailSender } from "./mail/sender.server";

/**
 * Open the database, apply migrations and (embedded database only) seed demo data on
 * first start. Runs once per process, before the server accepts a request.
 */
export async function boot(log: (line: string) => void = console.log): Promise<DatabaseHandle> {
  const config = env();
  const handle = config.DATABASE_URL
    ? await openDatabase({ kind: "postgres", url: config.DATABASE_URL })
    : await openDatabase({ kind: "pglite", dataDir: config.PGLITE_DIR });
  setDatabase(handle);
  await migrateDatabase(handle);
  // Compile (or load from the hash-keyed cache) every module now, so no request compiles.
  const started = Date.now();
  const content = await loadCatalog();
  await syncModulesTable();
  log(`Content: ${content.compiled + content.cached} modules ready (${content.compiled} compiled, ${content.cached} from cache) in ${Date.now() - started} ms`);
  for (const report of content.problems) {
    log(`Content problem, module left out: ${report.file}`);
    for (const p of report.problems) log(`  ${report.file}:${p.line}: ${p.message}`);
  }
  if (config.NODE_ENV === "development") watchContent(log);
  log(handle.kind === "postgres" ? "Database: PostgreSQL (DATABASE_URL)" : `Database: embedded PGlite in ${config.PGLITE_DIR}`);
  // Live sessions: LISTEN before the first request, so no change is ever missed.
  await startLiveHub();
  // Mail: queued in the database, delivered here in the background (ADR 029).
  startMailSender();
  log(config.SMTP_URL ? "Mail: SMTP (SMTP_URL)" : "Mail: no SMTP_URL, so mail goes to the outbox admins read at /admin/outbox");

  // Known demo passwords must never reach a real PostgreSQL unasked: only the embedded
  // database seeds itself; PostgreSQL gets demo data from an explicit `npm run db:seed`.
  if (handle.kind === "pglite") {
    const [row] = await handle.db.select({ n: sql<number>`count(*)::int` }).from(users);
    if ((row?.n ?? 0) === 0) {
      log("First start: seeding demo groups and accounts…");
      await seedDemo();
    }
    const [demo] = await handle.db
      .select({ n: sql<number>`count(*)::int` })
      .from(users)
      .where(sql`${users.email} = ${DEMO_ACCOUNTS[0]!.email}`);
    if ((demo?.n ?? 0) > 0) {
      log(`Demo accounts (password for all: ${DEMO_PASSWORD}):`);
      for (const account of DEMO_ACCOUNTS) log(`  ${account.role.padEnd(9)} ${account.email}`);
    }
  }
  // Field retention (docs/privacy.md): expired debriefs and contacts go now, then daily.
  startRetentionSchedule(log);
  // The admin's impact page: recompute its default period in the background when the data
  // changed, so the admin rarely waits for it (ADR 045).
  startImpactWarmer();
  return handle;
}
