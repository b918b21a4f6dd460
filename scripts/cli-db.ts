// Shared by command-line scripts: open the database the server would use, migrated.
import { openDatabase, setDatabase, type DatabaseHandle } from "../db/client.server";
import { migrateDatabase } from "../db/migrate";
import { env } from "../app/lib/env.server";

export async function openCliDatabase(): Promise<DatabaseHandle> {
  const config = env();
  const handle = config.DATABASE_URL
    ? await openDatabase({ kind: "postgres", url: config.DATABASE_URL })
    : await openDatabase({ kind: "pglite", dataDir: config.PGLITE_DIR });
  setDatabase(handle);
  await migrateDatabase(handle);
  return handle;
}

export function describeTarget(): string {
  const config = env();
  return config.DATABASE_URL ? "PostgreSQL (DATABASE_URL)" : `embedded PGlite in ${config.PGLITE_DIR} (stop the server first: one process per data dir)`;
}
