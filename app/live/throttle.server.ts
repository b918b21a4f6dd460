import { and, eq, gt, sql } from "drizzle-orm";
import { db } from "../../db/client.server";
import { liveJoinThrottle } from "../../db/schema";

// Join attempts are limited per client address, in the database so every instance counts
// the same. Only *failed* codes and *new accounts* count: a whole room joins from one
// public address, so successful joins with a good code must never be refused.
export const JOIN_WINDOW_MINUTES = 10;
export const JOIN_LIMITS = { fail: 20, new: 150 } as const;
export type JoinThrottleKind = keyof typeof JOIN_LIMITS;

const keyOf = (kind: JoinThrottleKind, ip: string) => `${kind}:${ip.slice(0, 100)}`;

export const joinThrottledMessage = (kind: JoinThrottleKind) =>
  kind === "fail"
    ? `Too many wrong codes from this network. Wait ${JOIN_WINDOW_MINUTES} minutes, then check the code with your trainer and try again.`
    : `Too many new accounts from this network just now. Wait ${JOIN_WINDOW_MINUTES} minutes, or ask your trainer to add you.`;

export async function isJoinThrottled(kind: JoinThrottleKind, ip: string): Promise<boolean> {
  const [row] = await db()
    .select({ count: liveJoinThrottle.count })
    .from(liveJoinThrottle)
    .where(
      and(
        eq(liveJoinThrottle.key, keyOf(kind, ip)),
        gt(liveJoinThrottle.windowStartedAt, sql`now() - make_interval(mins => ${JOIN_WINDOW_MINUTES})`),
      ),
    );
  return (row?.count ?? 0) >= JOIN_LIMITS[kind];
}

export async function recordJoinAttempt(kind: JoinThrottleKind, ip: string): Promise<void> {
  // One statement, so attempts arriving at two instances at once are both counted.
  const fresh = sql`${liveJoinThrottle.windowStartedAt} > now() - make_interval(mins => ${JOIN_WINDOW_MINUTES})`;
  await db()
    .insert(liveJoinThrottle)
    .values({ key: keyOf(kind, ip), windowStartedAt: new Date(), count: 1 })
    .onConflictDoUpdate({
      target: liveJoinThrottle.key,
      set: {
        count: sql`case when ${fresh} then ${liveJoinThrottle.count} + 1 else 1 end`,
        windowStartedAt: sql`case when ${fresh} then ${liveJoinThrottle.windowStartedAt} else now() end`,
      },
    });
}
