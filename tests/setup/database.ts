import { readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import postgres from "postgres";
import { afterAll, beforeAll, inject } from "vitest";
import type { SQL } from "drizzle-orm";
import { db, openDatabase, rowsOf, setDatabase, type DatabaseHandle } from "../../db/client.server";
import { withDatabase } from "./global-database";

export const testDbKind = () => inject("testDb");

/** A private, migrated database: a copy of the run's template. */
export async function openTestDatabase(): Promise<DatabaseHandle> {
  if (inject("testDb") === "pglite") {
    const dump = readFileSync(inject("pgliteTemplate"));
    const pg = await PGlite.create({ loadDataDir: new Blob([dump]) });
    return openDatabase({ kind: "pglite", pglite: pg });
  }
  const serverUrl = inject("postgresServerUrl");
  const name = `doorstep_test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name} template ${inject("postgresTemplate")}`);
  const handle = await openDatabase({ kind: "postgres", url: withDatabase(serverUrl, name) });
  return {
    ...handle,
    async close() {
      await handle.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/** Give this test file its own database, installed as the app's current one. */
export function withTestDatabase(): () => DatabaseHandle {
  let handle: DatabaseHandle | undefined;
  beforeAll(async () => {
    handle = await openTestDatabase();
    setDatabase(handle);
  });
  afterAll(async () => {
    setDatabase(undefined);
    await handle?.close();
  });
  return () => {
    if (!handle) throw new Error("withTestDatabase: database not ready yet");
    return handle;
  };
}

/** The rows of one SQL statement on the test database, typed as the test reads them. */
export const queryRows = async <T>(query: SQL) => rowsOf<T>(await db().execute(query));
