import { describe, expect, it, vi } from "vitest";
import { failIfNotStarted, STALLED_QUERY_CODE } from "../../db/stalled-queries";
import { isDatabaseUnavailable } from "~/lib/database-unavailable.server";

// A stand-in for a postgres.js query: a promise the test settles, with the driver's
// `state` (set once a started backend has it) and `active` (running now) fields.
function fakeQuery() {
  let settle!: { resolve: (v: unknown) => void; reject: (e: unknown) => void };
  const promise = new Promise((resolve, reject) => (settle = { resolve, reject }));
  const query = { then: promise.then.bind(promise), state: undefined as unknown, active: false };
  return { query, settle };
}

describe("a statement no backend starts in time (postgres.js losing queries while connections churn)", () => {
  it("fails as 'database unavailable' when nothing started it by the deadline", async () => {
    vi.useFakeTimers();
    try {
      const { query } = fakeQuery();
      const outcome = Promise.resolve(failIfNotStarted(query, 5000)).then(() => "resolved", (e: unknown) => e);
      await vi.advanceTimersByTimeAsync(4999);
      await vi.advanceTimersByTimeAsync(1);
      const error = await outcome;
      expect((error as { code?: string }).code).toBe(STALLED_QUERY_CODE);
      expect(isDatabaseUnavailable(error)).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it("leaves a running query alone however long it takes, and passes its result and errors through", async () => {
    vi.useFakeTimers();
    try {
      const running = fakeQuery();
      running.query.state = { pid: 1, secret: 2 };
      running.query.active = true;
      const result = Promise.resolve(failIfNotStarted(running.query, 5000));
      await vi.advanceTimersByTimeAsync(60_000);
      running.settle.resolve([{ x: 1 }]);
      await expect(result).resolves.toEqual([{ x: 1 }]);

      const failing = fakeQuery();
      const failed = Promise.resolve(failIfNotStarted(failing.query, 5000));
      failing.settle.reject(Object.assign(new Error("duplicate key"), { code: "23505" }));
      await expect(failed).rejects.toMatchObject({ code: "23505" });
    } finally {
      vi.useRealTimers();
    }
  });
});
