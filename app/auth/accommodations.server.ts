import { eq } from "drizzle-orm";
import { db } from "../../db/client.server";
import { timingAccommodations } from "../../db/enums";
import { users } from "../../db/schema";
import { accept, refuse, type Result } from "../lib/result";
import { isTimingAccommodation, TIMING_LABEL, type TimingAccommodation } from "./timing";

// A learner's accommodations, kept on their account so every device and every live session
// honours them without asking again. Read per page that runs a timer, not in the session
// lookup: that runs on every request (docs/performance.md).

export async function timingOf(userId: string): Promise<TimingAccommodation> {
  const [row] = await db().select({ timing: users.timing }).from(users).where(eq(users.id, userId));
  return row && isTimingAccommodation(row.timing) ? row.timing : "standard";
}

export const timingChoicesMessage = `Choose how long timers run: ${timingAccommodations.map((t) => `“${TIMING_LABEL[t]}”`).join(", ")}.`;

/** Save the learner's choice; anything but one of the four choices is refused, nothing written. */
export async function setTiming(userId: string, value: unknown): Promise<Result<TimingAccommodation, 400 | 404>> {
  if (!isTimingAccommodation(value)) return refuse(400, timingChoicesMessage, "timing");
  const updated = await db().update(users).set({ timing: value }).where(eq(users.id, userId)).returning({ id: users.id });
  if (!updated.length) return refuse(404, "Your account no longer exists.");
  return accept(value);
}
