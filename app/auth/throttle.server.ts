import { inArray, sql } from "drizzle-orm";
import { db } from "../../db/client.server";
import { loginThrottle } from "../../db/schema";

export const THROTTLE_WINDOW_MINUTES = 15;
// Per email: a handful of guesses. Per IP: generous, because a whole training room
// often shares one public address.
export const EMAIL_FAILURE_LIMIT = 5;
export const IP_FAILURE_LIMIT = 50;

const emailKey = (email: string) => `email:${email}`;
const ipKey = (ip: string) => `ip:${ip}`;

export async function isSignInThrottled(email: string, ip: string): Promise<boolean> {
  const rows = await db()
    .select({ key: loginThrottle.key, failures: loginThrottle.failures })
    .from(loginThrottle)
    .where(
      sql`${inArray(loginThrottle.key, [emailKey(email), ipKey(ip)])}
        and ${loginThrottle.windowStartedAt} > now() - make_interval(mins => ${THROTTLE_WINDOW_MINUTES})`,
    );
  return rows.some((r) => r.failures >= (r.key.startsWith("email:") ? EMAIL_FAILURE_LIMIT : IP_FAILURE_LIMIT));
}

export async function recordSignInFailure(email: string, ip: string): Promise<void> {
  for (const key of [emailKey(email), ipKey(ip)]) {
    // One statement, so concurrent failures from two instances are all counted.
    await db()
      .insert(loginThrottle)
      .values({ key, windowStartedAt: new Date(), failures: 1 })
      .onConflictDoUpdate({
        target: loginThrottle.key,
        set: {
          failures: sql`case when ${loginThrottle.windowStartedAt} > now() - make_interval(mins => ${THROTTLE_WINDOW_MINUTES})
            then ${loginThrottle.failures} + 1 else 1 end`,
          windowStartedAt: sql`case when ${loginThrottle.windowStartedAt} > now() - make_interval(mins => ${THROTTLE_WINDOW_MINUTES})
            then ${loginThrottle.windowStartedAt} else now() end`,
        },
      });
  }
}

export async function clearSignInFailures(email: string): Promise<void> {
  await db().delete(loginThrottle).where(inArray(loginThrottle.key, [emailKey(email)]));
}
