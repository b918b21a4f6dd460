// Shared by command-line scripts: open the database the server would use, migrated.
import { openDatabase, setDatabase, type DatabaseHandle } from "../db/client.server";
import { DataDirInUseError } from "../db/data-dir-lock";
import { migrateDatabase } from "../db/migrate";
import { env } from "../app/lib/env.server";

export async function openCliDatabase(): Promise<DatabaseHandle> {
  const config = env();
  const handle = await (config.DATABASE_URL
    ? openDatabase({ kind: "postgres", url: config.DATABASE_URL })
    : openDatabase({ kind: "pglite", dataDir: config.PGLITE_DIR })
  ).catch((error: unknown) => {
    if (error instanceof DataDirInUseError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  });
  setDatabase(handle);
  await migrateDatabase(handle);
  return handle;
}

export function describeTarget(): string {
  const config = env();
  return config.DATABASE_URL ? "PostgreSQL (DATABASE_URL)" : `embedded PGlite in ${config.PGLITE_DIR}`;
}
