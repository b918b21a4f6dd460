import { and, desc, eq } from "drizzle-orm";
import { db } from "../../db/client.server";
import { debriefs, groups, shifts } from "../../db/schema";
import { practiceFor, type PracticeStep } from "../content/practice.server";
import { objectionLabel } from "../content/objections";
import { groupsOfUser } from "../groups/groups.server";
import { accept, refuse, type Result } from "../lib/result";
import { adjustFieldDaily } from "./daily.server";
import { isUuid, type DebriefInput } from "./debrief-form.server";

// An activist's shift debriefs: counts and codes they log after canvassing or phone
// banking (issue 17). Each one is added to, and on delete taken from, field_daily in the
// same transaction (ADR 024), so the impact report never counts a debrief that is gone.

export interface SavedDebrief {
  id: string;
  /** False when this form key was already recorded: a double submit or a retry. */
  created: boolean;
}

/** The areas a person may log in: their groups that are not archived. */
export async function loggableGroups(userId: string): Promise<{ id: string; name: string }[]> {
  return (await groupsOfUser(userId)).filter((g) => g.archivedAt === null).map((g) => ({ id: g.id, name: g.name }));
}

/**
 * Records a debrief once per form key. The area must be one of the person's active groups,
 * and a shift (if given) must be in that area.
 */
export async function recordDebrief(userId: string, input: DebriefInput): Promise<Result<SavedDebrief, 400 | 404>> {
  const areas = await loggableGroups(userId);
  if (!areas.some((g) => g.id === input.groupId)) return refuse(400, "Choose one of your own areas. You can only log shifts in groups you belong to.", "groupId");
  if (input.shiftId) {
    const [shift] = await db().select({ groupId: shifts.groupId }).from(shifts).where(eq(shifts.id, input.shiftId));
    if (!shift || !areas.some((g) => g.id === shift.groupId)) return refuse(404, "That shift doesn't exist or isn't in one of your groups.", "form");
    if (shift.groupId !== input.groupId) return refuse(400, "That shift is in another of your areas. Choose the shift's area, or log without the shift.", "groupId");
  }
  return db().transaction(async (tx) => {
    // The unique (user, form key) makes a second submit a no-op, even when both arrive at once.
    const [inserted] = await tx
      .insert(debriefs)
      .values({
        userId,
        groupId: input.groupId,
        shiftId: input.shiftId,
        day: input.day,
        kind: input.kind,
        attempts: input.attempts,
        contacts: input.contacts,
        conversations: input.conversations,
        commitments: input.commitments,
        outcomes: input.outcomes,
        objections: input.objections,
        hardestObjection: input.hardestObjection,
        differently: input.differently,
        formKey: input.formKey,
      })
      .onConflictDoNothing({ target: [debriefs.userId, debriefs.formKey] })
      .returning({ id: debriefs.id });
    if (!inserted) {
      const [existing] = await tx
        .select({ id: debriefs.id })
        .from(debriefs)
        .where(and(eq(debriefs.userId, userId), eq(debriefs.formKey, input.formKey)));
      return accept({ id: existing!.id, created: false });
    }
    await adjustFieldDaily(tx, [countsOf(userId, input)], 1);
    return accept({ id: inserted.id, created: true });
  });
}

function countsOf(userId: string, d: { groupId: string; day: string; attempts: number; contacts: number; conversations: number; commitments: number }) {
  return { userId, groupId: d.groupId, day: d.day, attempts: d.attempts, contacts: d.contacts, conversations: d.conversations, commitments: d.commitments };
}

/** Deletes one of the person's own debriefs and takes its counts out of field_daily. */
export async function deleteDebrief(userId: string, debriefId: string): Promise<Result<{ day: string }, 404>> {
  const gone = refuse(404, "That debrief doesn't exist any more (perhaps it was already deleted).");
  if (!isUuid(debriefId)) return gone;
  return db().transaction(async (tx) => {
    const [deleted] = await tx
      .delete(debriefs)
      .where(and(eq(debriefs.id, debriefId), eq(debriefs.userId, userId)))
      .returning();
    if (!deleted) return gone;
    await adjustFieldDaily(tx, [countsOf(userId, deleted)], -1);
    return accept({ day: deleted.day });
  });
}

/** A saved debrief as its owner reads it: what was logged, less the form's own bookkeeping. */
export type DebriefSummary = Omit<DebriefInput, "formKey" | "groupId"> & { id: string; areaName: string };

const summaryColumns = {
  id: debriefs.id,
  day: debriefs.day,
  kind: debriefs.kind,
  areaName: groups.name,
  shiftId: debriefs.shiftId,
  attempts: debriefs.attempts,
  contacts: debriefs.contacts,
  conversations: debriefs.conversations,
  commitments: debriefs.commitments,
  outcomes: debriefs.outcomes,
  objections: debriefs.objections,
  hardestObjection: debriefs.hardestObjection,
  differently: debriefs.differently,
};

/** The person's own debriefs, newest first (only they see these). */
export async function listOwnDebriefs(userId: string, limit = 100): Promise<DebriefSummary[]> {
  return db()
    .select(summaryColumns)
    .from(debriefs)
    .innerJoin(groups, eq(groups.id, debriefs.groupId))
    .where(eq(debriefs.userId, userId))
    .orderBy(desc(debriefs.day), desc(debriefs.createdAt))
    .limit(limit);
}

export interface DebriefWithSuggestion {
  debrief: DebriefSummary;
  /** The objection the suggestion is for: the hardest, else the first met. */
  objection: { code: string; label: string } | null;
  practice: PracticeStep[];
}

/** One of the person's own debriefs, with the practice that fits the objection they found hardest. */
export async function ownDebriefWithSuggestion(userId: string, debriefId: string): Promise<Result<DebriefWithSuggestion, 404>> {
  const missing = refuse(404, "We couldn't find that debrief. It may have been deleted.");
  if (!isUuid(debriefId)) return missing;
  const [debrief] = await db()
    .select(summaryColumns)
    .from(debriefs)
    .innerJoin(groups, eq(groups.id, debriefs.groupId))
    .where(and(eq(debriefs.id, debriefId), eq(debriefs.userId, userId)));
  if (!debrief) return missing;
  const code = debrief.hardestObjection ?? debrief.objections[0] ?? null;
  return accept({ debrief, objection: code ? { code, label: objectionLabel(code) } : null, practice: code ? practiceFor(code) : [] });
}
