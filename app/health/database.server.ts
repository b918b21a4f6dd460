import { sql } from "drizzle-orm";
import { db } from "../../db/client.server";

/**
 * Whether the database answers a trivial query within `withinMs`. For pages that must say
 * how things are now (the "not saved" landing page), not for guarding every request: a
 * request that needs the database finds out by using it.
 */
export async function databaseAnswers(withinMs = 2_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), withinMs)));
  try {
    return await Promise.race([db().execute(sql`select 1`).then(() => true as const), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
