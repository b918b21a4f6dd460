import { mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "./schema";

/** One Drizzle type for both drivers, so domain code never knows which it got. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export type Listener = (payload: string) => void;

export interface DatabaseHandle {
  db: Database;
  kind: "postgres" | "pglite";
  /** Set for PostgreSQL, so work that needs one dedicated connection can open it. */
  url?: string;
  /** Subscribe to a NOTIFY channel; resolves once the LISTEN is active. */
  listen(channel: string, onNotify: Listener): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export type DatabaseTarget = { kind: "postgres"; url: string } | { kind: "pglite"; dataDir?: string; pglite?: PGlite };

export async function openDatabase(target: DatabaseTarget): Promise<DatabaseHandle> {
  if (target.kind === "postgres") {
    // idle_timeout lets a process exit on SIGTERM without waiting on idle sockets.
    const sql = postgres(target.url, { max: 10, idle_timeout: 20, onnotice: () => {} });
    return {
      db: drizzlePostgres({ client: sql, schema }) as unknown as Database,
      kind: "postgres",
      url: target.url,
      async listen(channel, onNotify) {
        const sub = await sql.listen(channel, onNotify);
        return () => sub.unlisten();
      },
      close: () => sql.end({ timeout: 5 }),
    };
  }
  let pg = target.pglite;
  if (!pg) {
    if (target.dataDir) mkdirSync(path.resolve(target.dataDir), { recursive: true });
    pg = await PGlite.create(target.dataDir ? path.resolve(target.dataDir) : undefined);
  }
  const client = pg;
  return {
    db: drizzlePglite({ client, schema }) as unknown as Database,
    kind: "pglite",
    async listen(channel, onNotify) {
      // Awaited before anything NOTIFYs, or PGlite drops early notifications.
      const unlisten = await client.listen(channel, onNotify);
      return unlisten;
    },
    close: () => client.close(),
  };
}

// The handle lives on globalThis so a dev rebuild of the server bundle reuses it
// instead of opening the embedded data dir a second time.
const holder = globalThis as unknown as { __doorstepDb?: DatabaseHandle };

export function setDatabase(handle: DatabaseHandle | undefined) {
  holder.__doorstepDb = handle;
}

export function databaseHandle(): DatabaseHandle {
  const handle = holder.__doorstepDb;
  if (!handle) throw new Error("Database not opened: call boot() (server) or setDatabase() (tests) first");
  return handle;
}

export function db(): Database {
  return databaseHandle().db;
}
