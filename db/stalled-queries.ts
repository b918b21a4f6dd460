import type { Sql } from "postgres";

// postgres.js 3.4.9 can lose a query while PostgreSQL terminates and refuses connections
// (a restart or failover): the query is handed to a connection that is still starting up and
// is never sent nor rejected, so the request waiting on it hangs instead of answering 503
// (reproduced in tests/integration/database-unavailable.test.ts, about one run in ten).
// A query that no backend has started within the deadline is failed with a connection-class
// error; a query that is running is left alone, however long it takes.

export const STALLED_QUERY_CODE = "QUERY_STALLED";

interface QueryLike {
  then: Promise<unknown>["then"];
  /** Set by postgres.js once a started backend (its key data known) has the query. */
  state?: unknown;
  /** True while the query is the one its connection is running. */
  active?: boolean;
}

export function stalledQueryError(seconds: number): Error {
  return Object.assign(new Error(`The database did not start this query within ${seconds} s: its connection was lost.`), { code: STALLED_QUERY_CODE });
}

/** The same query, whose awaiting fails if it has not started by the deadline. */
export function failIfNotStarted<Q extends QueryLike>(query: Q, deadlineMs: number): Q {
  const then = query.then.bind(query);
  let guarded: Promise<unknown> | undefined;
  query.then = ((onFulfilled, onRejected) => {
    guarded ??= new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        if (!query.active && !query.state) reject(stalledQueryError(deadlineMs / 1000));
      }, deadlineMs);
      timer.unref?.();
      then(
        (value) => (clearTimeout(timer), resolve(value)),
        (error: unknown) => (clearTimeout(timer), reject(error)),
      );
    });
    return guarded.then(onFulfilled, onRejected);
  }) as Q["then"];
  return query;
}

/** The client Drizzle uses: its statements (run through `unsafe`) get the deadline. */
export function withStartDeadline(client: Sql, deadlineMs: number): Sql {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property !== "unsafe") return Reflect.get(target, property, receiver);
      return (...args: Parameters<Sql["unsafe"]>) => failIfNotStarted(target.unsafe(...args), deadlineMs);
    },
  });
}
