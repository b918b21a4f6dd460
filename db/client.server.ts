import { mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { sql, type SQL } from "drizzle-orm";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { lockDataDir, type DataDirLock } from "./data-dir-lock";
import * as schema from "./schema";
import { withStartDeadline } from "./stalled-queries";

/** One Drizzle type for both drivers, so domain code never knows which it got. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A transaction from db().transaction(), or the database itself: what a write helper that may run inside either takes. */
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];
export type Executor = Database | Transaction;

export type Listener = (payload: string) => void;

export interface DatabaseHandle {
  db: Database;
  kind: "postgres" | "pglite";
  /** Set for PostgreSQL, so work that needs one dedicated connection can open it. */
  url?: string;
  /** The driver's own client, for statements run past Drizzle (preparedStatement). */
  pglite?: PGlite;
  postgres?: postgres.Sql;
  /** Subscribe to a NOTIFY channel; resolves once the LISTEN is active. */
  listen(channel: string, onNotify: Listener): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export type DatabaseTarget = { kind: "postgres"; url: string } | { kind: "pglite"; dataDir?: string; pglite?: PGlite };

/**
 * A statement no backend has started by then fails as "database unavailable" (db/stalled-queries.ts).
 * Long enough that a statement queued behind a busy pool waits its turn (ADR 010).
 */
const QUERY_START_DEADLINE_MS = 15_000;

/** Seconds before the pool's next connection attempt after n failed ones: 50 ms doubling, at most 1 s. */
export const reconnectDelaySeconds = (failures: number) => Math.min(0.05 * 2 ** failures, 1);

export async function openDatabase(target: DatabaseTarget): Promise<DatabaseHandle> {
  if (target.kind === "postgres") {
    // idle_timeout lets a process exit on SIGTERM without waiting on idle sockets.
    // backoff: while PostgreSQL refuses connections, a query waits for the pool's next
    // connection attempt, and postgres.js's default delay grows 3^n up to 20 s, so a request
    // hung for up to 20 s instead of answering 503 at once (ADR 010). A short cap keeps the
    // wait under a second; attempts still only happen when a query is waiting.
    // connect_timeout: an attempt the server never answers fails in 5 s, not 30.
    const client = postgres(target.url, { max: 10, idle_timeout: 20, connect_timeout: 5, backoff: reconnectDelaySeconds, onnotice: () => {} });
    return {
      // Statements outside transactions; a transaction holds one started connection.
      db: drizzlePostgres({ client: withStartDeadline(client, QUERY_START_DEADLINE_MS), schema }) as unknown as Database,
      kind: "postgres",
      url: target.url,
      postgres: client,
      async listen(channel, onNotify) {
        const sub = await client.listen(channel, onNotify);
        return () => sub.unlisten();
      },
      close: () => client.end({ timeout: 5 }),
    };
  }
  let pg = target.pglite;
  let lock: DataDirLock | undefined;
  if (!pg) {
    if (target.dataDir) {
      const dir = path.resolve(target.dataDir);
      mkdirSync(dir, { recursive: true });
      // Before PGlite touches the directory: a second process must not even read it
      // (docs/decisions/009). Server, db:migrate and db:seed all come through here.
      lock = lockDataDir(dir);
    }
    try {
      pg = await PGlite.create(lock ? path.resolve(target.dataDir!) : undefined);
    } catch (error) {
      lock?.release();
      throw error;
    }
  }
  const client = pg;
  return {
    db: drizzlePglite({ client, schema }) as unknown as Database,
    kind: "pglite",
    pglite: client,
    async listen(channel, onNotify) {
      // Awaited before anything NOTIFYs, or PGlite drops early notifications.
      const unlisten = await client.listen(channel, onNotify);
      return unlisten;
    },
    async close() {
      try {
        await client.close();
      } finally {
        lock?.release();
      }
    },
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

/**
 * The rows of a `db.execute` result. Drizzle hands back each driver's own shape:
 * postgres.js returns the rows as an array, PGlite as `{ rows }`.
 */
export function rowsOf<Row = Record<string, unknown>>(result: unknown): Row[] {
  if (Array.isArray(result)) return result as Row[];
  return ((result as { rows?: Row[] } | null | undefined)?.rows ?? []) as Row[];
}

// ---------------------------------------------------------------- prepared statements

// EXECUTE takes no bind parameters, so PGlite's arguments are inlined as literals. Only
// ids, hashes and comma-joined lists of them qualify: nothing that could close a quote.
const INLINABLE = /^[A-Za-z0-9_,-]{0,2000}$/;

export interface PreparedStatement<Row> {
  /**
   * PGlite only: EXECUTE the statement, PREPAREd once per database. null when an argument
   * is not safe to inline (the caller takes a parameterised path instead).
   */
  inPglite(pglite: PGlite, args: readonly string[]): Promise<Row[] | null>;
  /** Either driver, each in its own way (below). */
  run(handle: Pick<DatabaseHandle, "db" | "pglite" | "postgres">, args: readonly string[]): Promise<Row[]>;
}

/**
 * A hot statement that is planned once per connection rather than on every call, and sent
 * to the driver directly (docs/performance.md, Home page and Module step).
 *
 * - PGlite's driver has no named statements, so it parses and plans everything it is sent,
 *   and for a join or a statement of several subqueries planning costs as much as running
 *   it. Here it is a server-side PREPARE, run with EXECUTE over the simple protocol.
 *   Through Drizzle, whose per-query type parsers PGlite sets up on every call, each
 *   statement would cost ~0.3 ms more.
 * - PostgreSQL: Drizzle's `execute` sends every statement unnamed (`prepare: false`), so
 *   the server parses and plans it each time and postgres.js first asks it to describe the
 *   parameters: two round trips. Here postgres.js prepares it once per connection.
 *
 * `text` numbers its parameters $1…, each cast to its type; `paramTypes` are the same
 * types, for PREPARE. Rows come back as the driver parses them (json parsed, numeric not
 * necessarily a number): select times as epoch milliseconds.
 */
export function preparedStatement<Row>(name: string, paramTypes: readonly string[], text: string): PreparedStatement<Row> {
  const prepared = new WeakMap<PGlite, Promise<unknown>>();
  const definition = `prepare ${name} (${paramTypes.join(", ")}) as ${text}`;
  // Drizzle numbers parameters itself, in order of appearance: split the text at $n.
  const pieces = text.split(/\$(\d+)/);
  const bound = (args: readonly string[]): SQL => sql.join(pieces.map((piece, i) => (i % 2 ? sql`${args[Number(piece) - 1]}` : sql.raw(piece))));

  async function inPglite(pglite: PGlite, args: readonly string[], retry = true): Promise<Row[] | null> {
    if (!args.every((arg) => INLINABLE.test(arg))) return null;
    let ready = prepared.get(pglite);
    if (!ready) {
      ready = pglite.exec(definition).catch((error: { code?: string }) => {
        if (error.code === "42P05") return; // already prepared on this connection
        prepared.delete(pglite); // e.g. before migrations: try again next time
        throw error;
      });
      prepared.set(pglite, ready);
    }
    await ready;
    try {
      const call = args.length ? `execute ${name} (${args.map((arg) => `'${arg}'`).join(", ")})` : `execute ${name}`;
      // exec (the simple protocol: one message) rather than query (parse, describe, bind,
      // execute, sync): ~0.25 ms less per statement on PGlite, the same parsed rows.
      const [result] = await pglite.exec(call);
      return (result?.rows ?? []) as Row[];
    } catch (error) {
      if ((error as { code?: string }).code !== "26000" || !retry) throw error;
      prepared.delete(pglite); // the connection lost it (e.g. a reset): prepare again
      return inPglite(pglite, args, false);
    }
  }

  return {
    inPglite: (pglite, args) => inPglite(pglite, args),
    async run(handle, args) {
      if (handle.postgres) return (await handle.postgres.unsafe(text, [...args], { prepare: true })) as unknown as Row[];
      if (handle.pglite) {
        const rows = await inPglite(handle.pglite, args);
        if (rows) return rows;
      }
      return rowsOf<Row>(await handle.db.execute(bound(args)));
    },
  };
}
