import { and, eq, gt, sql } from "drizzle-orm";
import { liveParticipants, liveRubricTicks, liveSessions, type LivePairing } from "../../db/schema";
import { activityOnStep, change, Refused, requireDriver, requireParticipant, type LiveActor, type Tx } from "./core.server";
import { makeGroups, swapRoles } from "./pairing";
import { connectedWindowSeconds } from "./presence.server";
import { RUBRIC_ITEM_IDS } from "./rubric";

// Role-plays: pair (or trio) the people connected now, swap roles for the next round, and
// the observer's checklist for the canvasser they watch. Who plays what is pure logic in
// pairing.ts; this file stores it.

async function loadPairing(tx: Tx, sessionId: string): Promise<LivePairing | null> {
  const [row] = await tx.select({ pairing: liveSessions.pairing }).from(liveSessions).where(eq(liveSessions.id, sessionId));
  return row?.pairing ?? null;
}

/**
 * Pair the participants connected now (and not marked absent) for a role-play on the
 * current step: random pairs with a trio when the count is odd, or trios on request.
 */
export async function pair(code: string, actor: LiveActor, activityId: string, options: { trios: boolean; random?: () => number }) {
  return change(code, async (tx, s, module) => {
    requireDriver(s, actor);
    activityOnStep(s, module, activityId, ["roleplay"]);
    const present = await tx
      .select({ userId: liveParticipants.userId })
      .from(liveParticipants)
      .where(
        and(
          eq(liveParticipants.sessionId, s.id),
          gt(liveParticipants.lastSeenAt, sql`now() - make_interval(secs => ${connectedWindowSeconds()})`),
          sql`${liveParticipants.mark} is distinct from 'absent'`,
        ),
      )
      .orderBy(liveParticipants.joinedAt);
    const groupsMade = makeGroups(
      present.map((p) => p.userId),
      options,
    );
    if (!groupsMade) throw new Refused(409, "Pairing needs at least two participants connected now.");
    const pairing: LivePairing = { activityId, round: 1, trios: options.trios, groups: groupsMade };
    return { value: { groups: groupsMade.length }, patch: { pairing } };
  });
}

/** Second (third…) round of the same pairs: swap roles (rotate in trios). */
export async function swapPairs(code: string, actor: LiveActor, activityId: string) {
  return change(code, async (tx, s) => {
    requireDriver(s, actor);
    const pairing = await loadPairing(tx, s.id);
    if (!pairing || pairing.activityId !== activityId) throw new Refused(409, "Pair people for this role-play first.");
    const next: LivePairing = { ...pairing, round: pairing.round + 1, groups: swapRoles(pairing.groups) };
    return { value: { round: next.round }, patch: { pairing: next } };
  });
}

export async function unpair(code: string, actor: LiveActor) {
  return change(code, async (_tx, s) => {
    requireDriver(s, actor);
    return { value: {}, patch: { pairing: null } };
  });
}

/** The observer's checklist for the canvasser they are watching this round (replaces earlier ticks). */
export async function tickRubric(code: string, userId: string, activityId: string, items: string[]) {
  return change(code, async (tx, s) => {
    await requireParticipant(tx, s, userId);
    const unknown = items.find((i) => !RUBRIC_ITEM_IDS.includes(i));
    if (unknown) throw new Refused(400, `“${unknown}” isn't on the observer's checklist.`);
    const pairing = await loadPairing(tx, s.id);
    const group = pairing?.activityId === activityId ? pairing.groups.find((g) => g.some((m) => m.userId === userId)) : undefined;
    const me = group?.find((m) => m.userId === userId);
    const canvasser = group?.find((m) => m.role === "canvasser");
    if (!pairing || !me || me.role !== "observer" || !canvasser) throw new Refused(403, "Only this round's observer fills in the checklist.");
    const unique = RUBRIC_ITEM_IDS.filter((id) => items.includes(id));
    await tx
      .insert(liveRubricTicks)
      .values({ sessionId: s.id, activityId, round: pairing.round, observerId: userId, canvasserId: canvasser.userId, items: unique })
      .onConflictDoUpdate({
        target: [liveRubricTicks.sessionId, liveRubricTicks.activityId, liveRubricTicks.round, liveRubricTicks.observerId],
        set: { items: unique, canvasserId: canvasser.userId, updatedAt: sql`now()` },
      });
    return { value: { items: unique } };
  });
}
