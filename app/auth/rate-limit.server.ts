import { and, eq, inArray, lte, sql } from "drizzle-orm";
import { db } from "../../db/client.server";
import { rateLimits } from "../../db/schema";

// The one rate limiter (sign-in in app/auth, joining in app/live). Counts live in the
// database so every app instance sees the same figure.
//
// Reserve, then decide: an attempt is counted *before* the work it guards, by one
// INSERT … ON CONFLICT DO UPDATE … RETURNING that adds one and hands back the new count.
// The row lock makes parallel attempts queue on that statement, so with a limit of 5 the
// sixth of a hundred simultaneous attempts already sees 6: at most `limit` get through,
// whatever the concurrency. An attempt that turns out not to be a failure (the right
// password, a good join code) gives its reservation back afterwards.
//
// Windows are fixed: the first attempt opens a window of `windowSeconds`, attempts within
// it add up, and the first attempt after it starts a new one at 1. (A burst straddling
// the boundary can reach twice the limit; a sliding window would need a row per attempt.)
// Rows whose window has ended are deleted, a bounded batch at every hit, so the table
// holds only the keys seen within the longest window.

export interface RateLimit {
  key: string;
  limit: number;
  windowSeconds: number;
}

/** At most this many ended windows are deleted per hit: cheap, and it still keeps up. */
const CLEANUP_BATCH = 100;

/** Keys carry client addresses and emails; bound them so a forged header can't bloat a row. */
const boundKey = (key: string) => key.slice(0, 400);

async function count(key: string, windowSeconds: number): Promise<number> {
  const open = sql`${rateLimits.windowEndsAt} > now()`;
  const [row] = await db()
    .insert(rateLimits)
    .values({ key: boundKey(key), count: 1, windowEndsAt: sql`now() + make_interval(secs => ${windowSeconds})` })
    .onConflictDoUpdate({
      target: rateLimits.key,
      set: {
        count: sql`case when ${open} then ${rateLimits.count} + 1 else 1 end`,
        windowEndsAt: sql`case when ${open} then ${rateLimits.windowEndsAt} else excluded.window_ends_at end`,
      },
    })
    .returning({ count: rateLimits.count });
  return row!.count;
}

/** Delete rows whose window has ended (a batch; rows another instance holds are skipped). */
export async function deleteEndedWindows(): Promise<number> {
  const ended = lte(rateLimits.windowEndsAt, sql`now()`);
  const batch = db()
    .select({ key: rateLimits.key })
    .from(rateLimits)
    .where(ended)
    .orderBy(rateLimits.windowEndsAt)
    .limit(CLEANUP_BATCH)
    .for("update", { skipLocked: true });
  // `ended` again on the delete itself: a row renewed meanwhile is rechecked and kept.
  const gone = await db().delete(rateLimits).where(and(inArray(rateLimits.key, batch), ended)).returning({ key: rateLimits.key });
  return gone.length;
}

/** Count one attempt under `key` and say whether it is within `limit` (count and decision are one statement). */
export async function hit(key: string, limit: number, windowSeconds: number): Promise<{ allowed: boolean; count: number }> {
  const n = await count(key, windowSeconds);
  await deleteEndedWindows();
  return { allowed: n <= limit, count: n };
}

/**
 * Count one attempt under each limit in order and return the first that refuses it, or
 * null. Counting stops at a refusal and the limits before it get their attempt back, so
 * what one key refuses never uses up another key's allowance (a stranger locked out of
 * one email at one address does not add to that email's own total).
 */
export async function hitEach(limits: RateLimit[]): Promise<RateLimit | null> {
  const counted: string[] = [];
  let refusedBy: RateLimit | null = null;
  for (const limit of limits) {
    if ((await count(limit.key, limit.windowSeconds)) > limit.limit) {
      refusedBy = limit;
      break;
    }
    counted.push(limit.key);
  }
  if (refusedBy) await giveBack(counted);
  await deleteEndedWindows();
  return refusedBy;
}

/**
 * Return one attempt to each key: it was not a failure after all. Never below zero, and
 * only to a window still open. (If a window ended between the hit and this, the new
 * window is one short: one extra attempt, once, at worst.)
 */
export async function giveBack(keys: string[]): Promise<void> {
  // One statement per key: a statement never holds one counter's lock while waiting for
  // another's, so parallel attempts cannot deadlock on the rows they share.
  for (const key of keys) {
    await db()
      .update(rateLimits)
      .set({ count: sql`${rateLimits.count} - 1` })
      .where(and(eq(rateLimits.key, boundKey(key)), sql`${rateLimits.count} > 0`, sql`${rateLimits.windowEndsAt} > now()`));
  }
}

/** Start these keys afresh (e.g. the right password clears that email's failures at that address). */
export async function forget(keys: string[]): Promise<void> {
  if (keys.length) await db().delete(rateLimits).where(inArray(rateLimits.key, keys.map(boundKey)));
}
