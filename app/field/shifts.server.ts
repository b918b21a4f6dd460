import { and, asc, desc, eq, gte, isNull, sql } from "drizzle-orm";
import { db } from "../../db/client.server";
import { debriefs, groups, memberships, shifts, users } from "../../db/schema";
import { may, reportReach } from "../auth/policy";
import { objectionLabel } from "../content/objections";
import { listGroups } from "../groups/groups.server";
import type { FieldErrors } from "../lib/http.server";
import { accept, refuse, type Result } from "../lib/result";
import { addDays, fieldKinds, isCalendarDay, MEETING_POINT_MAX, OLDEST_DAYS, PLAN_AHEAD_DAYS, todayInMovement, type FieldKind } from "./debrief-fields";
import { isUuid } from "./debrief-form.server";
import { loggableGroups } from "./debriefs.server";

// Shifts: a session on the doors or the phones that trainers and organisers plan for their
// groups (admins: any group) and activists log their debriefs against. The shift's report
// shows who logged and what they counted, to planners of its group and to admins only.

interface Actor {
  id: string;
  role: string;
}

/** The groups a person may plan shifts for: their own active groups, or every active group for admins. */
export async function plannableGroups(actor: Actor): Promise<{ id: string; name: string }[]> {
  if (!may.planShifts(actor.role)) return [];
  // Whoever reports on every group (admins) plans for every group.
  if (reportReach(actor.role) === "everything") return (await listGroups()).map((g) => ({ id: g.id, name: g.name }));
  return loggableGroups(actor.id);
}

export interface ShiftInput {
  groupId: string;
  day: string;
  kind: FieldKind;
  meetingPoint: string;
}

/** The new-shift form, every rule at once so the page shows each message beside its field. */
export function parseShiftForm(
  form: FormData,
  today: string = todayInMovement(),
): { ok: true; value: ShiftInput } | { ok: false; errors: FieldErrors; values: Record<string, string> } {
  const one = (name: string) => {
    const all = form.getAll(name);
    return all.length === 1 && typeof all[0] === "string" ? all[0].trim() : "";
  };
  const values = { groupId: one("groupId").slice(0, 64), day: one("day").slice(0, 20), kind: one("kind").slice(0, 20), meetingPoint: one("meetingPoint").slice(0, MEETING_POINT_MAX + 50) };
  const errors: FieldErrors = {};
  if (!values.groupId) errors.groupId = "Choose the group the shift is for.";
  else if (!isUuid(values.groupId)) errors.groupId = "Choose one of your groups from the list.";
  if (!isCalendarDay(values.day)) errors.day = "Enter the date of the shift (for example 2026-12-12).";
  else if (values.day > addDays(today, PLAN_AHEAD_DAYS)) errors.day = "That is more than a year ahead. Check the year.";
  else if (values.day < addDays(today, -OLDEST_DAYS)) errors.day = "That is more than a year ago. Check the year.";
  if (!(fieldKinds as readonly string[]).includes(values.kind)) errors.kind = "Say whether the shift is on the doors or the phones.";
  const meetingPoint = values.meetingPoint.replace(/\s+/g, " ");
  if (!meetingPoint) errors.meetingPoint = "Say where people meet (a public place, like “outside the library”).";
  else if (meetingPoint.length > MEETING_POINT_MAX) errors.meetingPoint = `Keep the meeting point to ${MEETING_POINT_MAX} characters.`;
  if (Object.keys(errors).length > 0) return { ok: false, errors, values };
  return { ok: true, value: { groupId: values.groupId, day: values.day, kind: values.kind as FieldKind, meetingPoint } };
}

export async function createShift(actor: Actor, input: ShiftInput): Promise<Result<{ id: string }, 403>> {
  const allowed = await plannableGroups(actor);
  if (!allowed.some((g) => g.id === input.groupId)) return refuse(403, "You can plan shifts only for your own active groups.", "groupId");
  const [created] = await db()
    .insert(shifts)
    .values({ groupId: input.groupId, day: input.day, kind: input.kind, meetingPoint: input.meetingPoint, createdBy: actor.id })
    .returning({ id: shifts.id });
  return accept({ id: created!.id });
}

export interface ShiftListing {
  id: string;
  groupId: string;
  groupName: string;
  day: string;
  kind: FieldKind;
  meetingPoint: string;
  /** Whether this person has logged a debrief against it. */
  logged: boolean;
}

/**
 * Shifts in the person's groups from a fortnight ago onwards, soonest first: the upcoming
 * ones to turn up to, and the recent ones still to log against.
 */
export async function shiftsForPerson(userId: string, today: string = todayInMovement(), limit = 30): Promise<ShiftListing[]> {
  return db()
    .select({
      id: shifts.id,
      groupId: shifts.groupId,
      groupName: groups.name,
      day: shifts.day,
      kind: shifts.kind,
      meetingPoint: shifts.meetingPoint,
      logged: sql<boolean>`exists (select 1 from ${debriefs} d where d.shift_id = ${shifts.id} and d.user_id = ${userId})`,
    })
    .from(shifts)
    .innerJoin(groups, eq(groups.id, shifts.groupId))
    .innerJoin(memberships, and(eq(memberships.groupId, shifts.groupId), eq(memberships.userId, userId)))
    .where(and(gte(shifts.day, addDays(today, -14)), isNull(groups.archivedAt)))
    .orderBy(asc(shifts.day), asc(groups.name))
    .limit(limit);
}

/** A shift an activist may log against: in one of their active groups. */
export async function loggableShift(userId: string, shiftId: string): Promise<Result<{ id: string; groupId: string; day: string; kind: FieldKind; meetingPoint: string; groupName: string }, 404>> {
  const missing = refuse(404, "That shift doesn't exist or isn't in one of your groups.");
  if (!isUuid(shiftId)) return missing;
  const [shift] = await db()
    .select({ id: shifts.id, groupId: shifts.groupId, day: shifts.day, kind: shifts.kind, meetingPoint: shifts.meetingPoint, groupName: groups.name })
    .from(shifts)
    .innerJoin(groups, eq(groups.id, shifts.groupId))
    .innerJoin(memberships, and(eq(memberships.groupId, shifts.groupId), eq(memberships.userId, userId)))
    .where(and(eq(shifts.id, shiftId), isNull(groups.archivedAt)));
  return shift ? accept(shift) : missing;
}

export interface ShiftReport {
  shift: { id: string; groupName: string; day: string; kind: FieldKind; meetingPoint: string };
  loggers: { name: string; attempts: number; contacts: number; conversations: number; commitments: number; hardestObjection: string | null }[];
  totals: { debriefs: number; attempts: number; contacts: number; conversations: number; commitments: number };
  objections: { code: string; label: string; count: number }[];
}

/**
 * Who logged against a shift and what they counted. Planners of the shift's group and
 * admins see it; anyone else gets the same 404 as for a shift that does not exist.
 */
export async function shiftReport(viewer: Actor, shiftId: string): Promise<Result<ShiftReport, 404>> {
  const missing = refuse(404, "We couldn't find that shift in your groups.");
  if (!isUuid(shiftId) || !may.planShifts(viewer.role)) return missing;
  const [shift] = await db()
    .select({ id: shifts.id, groupId: shifts.groupId, groupName: groups.name, day: shifts.day, kind: shifts.kind, meetingPoint: shifts.meetingPoint })
    .from(shifts)
    .innerJoin(groups, eq(groups.id, shifts.groupId))
    .where(eq(shifts.id, shiftId));
  if (!shift) return missing;
  if (reportReach(viewer.role) !== "everything") {
    const [member] = await db()
      .select({ userId: memberships.userId })
      .from(memberships)
      .where(and(eq(memberships.groupId, shift.groupId), eq(memberships.userId, viewer.id)));
    if (!member) return missing;
  }
  const loggers = await db()
    .select({
      name: users.name,
      attempts: debriefs.attempts,
      contacts: debriefs.contacts,
      conversations: debriefs.conversations,
      commitments: debriefs.commitments,
      hardestObjection: debriefs.hardestObjection,
    })
    .from(debriefs)
    .innerJoin(users, eq(users.id, debriefs.userId))
    .where(eq(debriefs.shiftId, shift.id))
    .orderBy(asc(users.name), desc(debriefs.createdAt));
  const [totals] = await db()
    .select({
      debriefs: sql<number>`count(*)::int`,
      attempts: sql<number>`coalesce(sum(${debriefs.attempts}), 0)::int`,
      contacts: sql<number>`coalesce(sum(${debriefs.contacts}), 0)::int`,
      conversations: sql<number>`coalesce(sum(${debriefs.conversations}), 0)::int`,
      commitments: sql<number>`coalesce(sum(${debriefs.commitments}), 0)::int`,
    })
    .from(debriefs)
    .where(eq(debriefs.shiftId, shift.id));
  const objectionRows = await db()
    .select({ code: sql<string>`o.code`, count: sql<number>`count(*)::int` })
    .from(sql`${debriefs} cross join lateral jsonb_array_elements_text(${debriefs.objections}) as o(code)`)
    .where(eq(debriefs.shiftId, shift.id))
    .groupBy(sql`o.code`)
    .orderBy(sql`count(*) desc`, sql`o.code`);
  const { groupId: _groupId, ...shown } = shift;
  return accept({
    shift: shown,
    loggers,
    totals: totals!,
    objections: objectionRows.map((r) => ({ code: r.code, label: objectionLabel(r.code), count: r.count })),
  });
}

