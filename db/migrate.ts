import path from "node:path";
import postgres from "postgres";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import type { DatabaseHandle } from "./client.server";

export const migrationsFolder = path.resolve(process.env.MIGRATIONS_DIR ?? "db/migrations");

// Any constant will do; it only has to be the same in every instance.
const MIGRATION_LOCK = 727_001;

/** Apply committed drizzle-kit migrations. Safe to run from several instances at once. */
export async function migrateDatabase(handle: DatabaseHandle): Promise<void> {
  if (handle.kind === "pglite") {
    await migratePglite(handle.db as unknown as PgliteDatabase, { migrationsFolder });
    return;
  }
  // Two instances booting together would otherwise race to create the same tables. A
  // session-level advisory lock needs one connection throughout, so not the pool.
  const connection = postgres(handle.url!, { max: 1, onnotice: () => {} });
  try {
    await connection`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await migratePostgres(drizzle({ client: connection }), { migrationsFolder });
  } finally {
    await connection.end({ timeout: 5 });
  }
}
