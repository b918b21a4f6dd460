import { and, asc, eq, inArray, isNull, like, or, sql } from "drizzle-orm";
import { z } from "zod";
import { db, rowsOf, type Executor } from "../../db/client.server";
import { groups, mailMessages, memberships, modules, scheduledSessions, sessionRsvps, users, type ScheduledSession } from "../../db/schema";
import { unsubscribeUrl } from "../auth/email-links.server";
import { may } from "../auth/policy";
import { getModule, listModules } from "../content/catalog.server";
import { accept, refuse, type Result } from "../lib/result";
import { calendarInvite } from "../mail/ics";
import { enqueueMail } from "../mail/queue.server";
import { composeMail } from "../mail/templates";
import { createLiveSession } from "./lifecycle.server";
import type { LiveActor } from "./core.server";
import { MOVEMENT_TIME_ZONE } from "~/lib/dates";

// Live sessions planned ahead (issue 18 part 4, ADR 034): saved with one invitation per
// group member and a reminder for the day before, all in one transaction; answered with
// "I'm coming" / "Can't make it"; started through the ordinary lifecycle; followed up by
// email when the live session it became ends (attendance.server.ts calls queueFollowUps).

export { MOVEMENT_TIME_ZONE };
export const MINUTES_MIN = 15;
export const MINUTES_MAX = 480;
const REMINDER_HOURS = 24;

const blankToUndefined = (v: string | undefined) => (v && v.trim() ? v.trim() : undefined);

const sessionFields = {
    moduleSlug: z.string({ error: "Choose a module." }).trim().min(1, "Choose a module.").max(100),
    date: z.string({ error: "Give the date." }).trim().regex(/^\d{4}-\d{2}-\d{2}$/, "Give the date as yyyy-mm-dd."),
    time: z.string({ error: "Give the start time." }).trim().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "Give the start time as hh:mm (24-hour)."),
    minutes: z.coerce
      .number({ error: "Give the length in minutes." })
      .int("Give the length in whole minutes.")
      .min(MINUTES_MIN, `A session lasts ${MINUTES_MIN} to ${MINUTES_MAX} minutes.`)
      .max(MINUTES_MAX, `A session lasts ${MINUTES_MIN} to ${MINUTES_MAX} minutes.`),
    place: z.string().max(200, "Keep the place under 200 characters.").optional().transform(blankToUndefined),
    callUrl: z
      .string()
      .max(500, "Keep the call link under 500 characters.")
      .optional()
      .transform(blankToUndefined)
      .pipe(z.url({ protocol: /^https$/, error: "A call link starts with https://." }).optional()),
};

function placeOrCall(v: { place?: string | undefined; callUrl?: string | undefined }, ctx: z.RefinementCtx) {
  if (!v.place && !v.callUrl) ctx.addIssue({ code: "custom", path: ["place"], message: "Give a place to meet or a call link." });
  if (v.place && v.callUrl) ctx.addIssue({ code: "custom", path: ["callUrl"], message: "Give a place or a call link, not both." });
}

export const scheduleSchema = z
  .object({ ...sessionFields, groupId: z.string({ error: "Choose a group." }).trim().max(64).pipe(z.uuid("Choose a group from the list.")) })
  .superRefine(placeOrCall);
export type ScheduleInput = z.infer<typeof scheduleSchema>;

/** Editing changes everything but the group: a different group is a different invitation list. */
export const editSchema = z.object(sessionFields).superRefine(placeOrCall);
export type EditInput = z.infer<typeof editSchema>;

/**
 * yyyy-mm-dd + hh:mm on a London wall clock → the instant, or why there is none.
 *
 * London is UTC+1 (BST) or UTC (GMT), so a wall time matches at most those two instants.
 * When the clocks go forward (last Sunday of March, 01:00 → 02:00) the times between
 * match neither: refused, rather than silently moved an hour. When they go back (last
 * Sunday of October, 02:00 → 01:00) the times between match both: the first (BST) is
 * taken, as calendars do, and `repeated` lets the labels say so (ADR 048).
 */
export function londonTime(date: string, time: string): { ok: true; at: Date; repeated: boolean } | { ok: false; reason: "no-such-date" | "clocks-forward" } {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const [hh, mm] = time.split(":").map(Number) as [number, number];
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  const check = new Date(wall);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) return { ok: false, reason: "no-such-date" };
  const matches = [60, 0]
    .map((offset) => new Date(wall - offset * 60_000))
    .filter((at) => {
      const shown = londonParts(at);
      return shown.date === date && shown.time === time;
    });
  if (matches.length === 0) return { ok: false, reason: "clocks-forward" };
  return { ok: true, at: matches[0]!, repeated: matches.length > 1 };
}

/** The form's message for a wall time that is not one instant (Result-shaped for the callers). */
function wallClockRefusal(date: string, time: string, reason: "no-such-date" | "clocks-forward") {
  if (reason === "no-such-date") return refuse(400, "That date doesn't exist.", "date");
  const day = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", day: "numeric", month: "long" }).format(new Date(`${date}T00:00:00Z`));
  return refuse(400, `${time} does not exist on ${day}: the clocks go forward from 01:00 to 02:00. Choose another time.`, "time");
}

/** An instant as the London wall clock shows it: yyyy-mm-dd and hh:mm, for a form's values. */
export function londonParts(at: Date): { date: string; time: string } {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", { timeZone: MOVEMENT_TIME_ZONE, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" })
      .formatToParts(at)
      .map((x) => [x.type, x.value]),
  );
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` };
}

/**
 * "Saturday 5 December 2026, 18:00" in London. A time the clocks show twice (the hour
 * before they go back) says which of the two it is.
 */
export function londonLabel(at: Date): string {
  const label = new Intl.DateTimeFormat("en-GB", { timeZone: MOVEMENT_TIME_ZONE, weekday: "long", day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(at);
  const wall = londonParts(at);
  const hour = 60 * 60_000;
  const same = (other: Date) => {
    const p = londonParts(other);
    return p.date === wall.date && p.time === wall.time;
  };
  if (same(new Date(at.getTime() + hour))) return `${label} BST (the first ${wall.time}: the clocks go back at 02:00)`;
  if (same(new Date(at.getTime() - hour))) return `${label} GMT (the second ${wall.time}: the clocks have gone back)`;
  return label;
}

// ---------------------------------------------------------------- who may schedule for which group

/** Trainers schedule for the groups they belong to (the people they train); admins for any. */
async function schedulableGroups(actor: LiveActor): Promise<{ id: string; name: string }[]> {
  const base = db().select({ id: groups.id, name: groups.name }).from(groups);
  const rows = may.runAnyLiveSession(actor.role)
    ? await base.where(isNull(groups.archivedAt)).orderBy(asc(groups.name))
    : await base
        .innerJoin(memberships, eq(memberships.groupId, groups.id))
        .where(and(isNull(groups.archivedAt), eq(memberships.userId, actor.id)))
        .orderBy(asc(groups.name));
  return rows;
}

export async function scheduleOptions(actor: LiveActor) {
  return {
    // Members are invited: a draft they cannot open has no place here.
    modules: listModules({ includeDrafts: false }).map((m) => ({ slug: m.slug, title: m.frontmatter.title })),
    groups: await schedulableGroups(actor),
  };
}

function inviteMail(s: { moduleTitle: string; startsAt: Date; minutes: number; place: string | null; callUrl: string | null; trainerName: string }, name: string, pageUrl: string) {
  const where = s.place ? `Where: ${s.place}` : `Join the call: ${s.callUrl}`;
  return composeMail({
    subject: `Live session: ${s.moduleTitle}, ${londonLabel(s.startsAt)}`,
    greeting: `Hello ${name},`,
    paragraphs: [
      `${s.trainerName} is running “${s.moduleTitle}” live for your group on ${londonLabel(s.startsAt)} (UK time), for ${s.minutes} minutes.`,
      where,
      "Let us know if you're coming: it helps plan the room and the pairs. The attached calendar file adds it to your calendar.",
    ],
    action: { label: "See the session and reply", url: pageUrl },
  });
}

function calendarFile(s: ScheduledSession, moduleTitle: string, pageUrl: string, stamp: Date) {
  return calendarInvite({
    sequence: s.sequence,
    method: s.cancelledAt ? "CANCEL" : "REQUEST",
    uid: `${s.id}@doorstep`,
    startsAt: s.startsAt,
    minutes: s.minutes,
    summary: `Doorstep live session: ${moduleTitle}`,
    description: `${s.callUrl ? `Join the call: ${s.callUrl}\n` : ""}Details and reply: ${pageUrl}`,
    location: s.place ?? undefined,
    url: s.callUrl ?? pageUrl,
    stamp,
  });
}

const pageUrlOf = (origin: string, id: string) => `${origin}/live/scheduled/${id}`;

export async function createScheduledSession(actor: LiveActor & { name: string }, input: ScheduleInput, origin: string, now = new Date()): Promise<Result<{ id: string; invited: number }, 400 | 403 | 404>> {
  if (!may.scheduleSessions(actor.role)) return refuse(403, "Only trainers and admins can schedule live sessions.");
  const module = getModule(input.moduleSlug);
  if (!module || module.frontmatter.draft) return refuse(400, "Choose a published module from the list.", "moduleSlug");
  const allowed = await schedulableGroups(actor);
  if (!allowed.some((g) => g.id === input.groupId)) return refuse(400, "Choose one of your groups from the list.", "groupId");
  const wallClock = londonTime(input.date, input.time);
  if (!wallClock.ok) return wallClockRefusal(input.date, input.time, wallClock.reason);
  const startsAt = wallClock.at;
  if (startsAt.getTime() <= now.getTime()) return refuse(400, "Choose a time in the future.", "date");
  if (startsAt.getTime() > now.getTime() + 366 * 24 * 60 * 60_000) return refuse(400, "Schedule at most a year ahead.", "date");

  const moduleTitle = module.frontmatter.title;
  return db().transaction(async (tx) => {
    const [row] = await tx
      .insert(scheduledSessions)
      .values({ moduleSlug: module.slug, groupId: input.groupId, trainerId: actor.id, startsAt, minutes: input.minutes, place: input.place ?? null, callUrl: input.callUrl ?? null, origin })
      .returning();
    const s = row!;
    const pageUrl = pageUrlOf(origin, s.id);
    const ics = calendarFile(s, moduleTitle, pageUrl, now);
    const members = await tx
      .select({ id: users.id, name: users.name, email: users.email, nudgeEmails: users.nudgeEmails })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.groupId, input.groupId), sql`${users.id} <> ${actor.id}`));
    const reminderAt = new Date(startsAt.getTime() - REMINDER_HOURS * 60 * 60_000);
    const details = { moduleTitle, startsAt, minutes: s.minutes, place: s.place, callUrl: s.callUrl, trainerName: actor.name };
    for (const m of members) {
      await enqueueMail(tx, {
        to: m.email,
        userId: m.id,
        template: "session-invitation",
        ...inviteMail(details, m.name, pageUrl),
        attachments: [{ filename: "doorstep-session.ics", contentType: "text/calendar; charset=utf-8; method=REQUEST", content: ics }],
        dedupeKey: `session-invitation:${s.id}:${m.id}`,
      });
      if (m.nudgeEmails && reminderAt.getTime() > now.getTime()) await queueReminder(tx, s, moduleTitle, m, `session-reminder:${s.id}:${m.id}`);
    }
    return { ok: true as const, value: { id: s.id, invited: members.length } };
  });
}

/**
 * A reminder is an extra, like a nudge: it honours the opt-out (again at send time) and
 * carries the link to turn it off. Within a day of the start the invitation (or the
 * "changed" mail) is the reminder, so none is queued.
 */
async function queueReminder(tx: Executor, s: ScheduledSession, moduleTitle: string, person: { id: string; name: string; email: string }, dedupeKey: string) {
  const mail = composeMail({
    subject: `Tomorrow: ${moduleTitle}, live`,
    greeting: `Hello ${person.name},`,
    paragraphs: [`A reminder: “${moduleTitle}” runs live on ${londonLabel(s.startsAt)} (UK time).`, s.place ? `Where: ${s.place}` : `Join the call: ${s.callUrl}`],
    action: { label: "See the session", url: pageUrlOf(s.origin, s.id) },
    unsubscribeUrl: await unsubscribeUrl(tx, person.id, s.origin),
  });
  const notBefore = new Date(s.startsAt.getTime() - REMINDER_HOURS * 60 * 60_000);
  await enqueueMail(tx, { to: person.email, userId: person.id, template: "session-reminder", honoursOptOut: true, ...mail, dedupeKey, notBefore });
}

// ---------------------------------------------------------------- one scheduled session

const UNKNOWN = "There is no scheduled session at that address, or it isn't for one of your groups.";

async function visibleSession(actor: LiveActor, id: string) {
  if (!z.uuid().safeParse(id).success) return undefined;
  const [row] = await db()
    .select({
      session: scheduledSessions,
      groupName: groups.name,
      trainerName: users.name,
      member: sql<boolean>`exists (select 1 from ${memberships} m where m.group_id = ${scheduledSessions.groupId} and m.user_id = ${actor.id})`,
      liveCode: sql<string | null>`(select code from live_sessions l where l.id = ${scheduledSessions.liveSessionId})`,
    })
    .from(scheduledSessions)
    .innerJoin(groups, eq(groups.id, scheduledSessions.groupId))
    .innerJoin(users, eq(users.id, scheduledSessions.trainerId))
    .where(eq(scheduledSessions.id, id));
  if (!row) return undefined;
  const manages = row.session.trainerId === actor.id || may.runAnyLiveSession(actor.role);
  if (!manages && !row.member) return undefined;
  return { ...row, manages, member: Boolean(row.member) };
}

export interface ScheduledPage {
  id: string;
  moduleSlug: string;
  moduleTitle: string;
  groupName: string;
  trainerName: string;
  startsAt: string;
  whenLabel: string;
  minutes: number;
  place: string | null;
  callUrl: string | null;
  cancelled: boolean;
  over: boolean;
  liveCode: string | null;
  member: boolean;
  manages: boolean;
  myAnswer: boolean | null;
  answers: { name: string; coming: boolean }[] | null;
  unanswered: number | null;
}

export async function scheduledPage(actor: LiveActor, id: string, now = new Date()): Promise<Result<ScheduledPage, 404>> {
  const found = await visibleSession(actor, id);
  if (!found) return refuse(404, UNKNOWN);
  const s = found.session;
  const [mine] = await db()
    .select({ coming: sessionRsvps.coming })
    .from(sessionRsvps)
    .where(and(eq(sessionRsvps.scheduledSessionId, s.id), eq(sessionRsvps.userId, actor.id)));
  let answers: ScheduledPage["answers"] = null;
  let unanswered: number | null = null;
  if (found.manages) {
    answers = await db()
      .select({ name: users.name, coming: sessionRsvps.coming })
      .from(sessionRsvps)
      .innerJoin(users, eq(users.id, sessionRsvps.userId))
      .where(eq(sessionRsvps.scheduledSessionId, s.id))
      .orderBy(sql`${sessionRsvps.coming} desc`, asc(users.name));
    const [count] = rowsOf<{ n: number }>(
      await db().execute(sql`select count(*)::int as n from ${memberships} m
        where m.group_id = ${s.groupId} and m.user_id <> ${s.trainerId}
          and not exists (select 1 from ${sessionRsvps} r where r.scheduled_session_id = ${s.id} and r.user_id = m.user_id)`),
    );
    unanswered = Number(count?.n ?? 0);
  }
  return {
    ok: true,
    value: {
      id: s.id,
      moduleSlug: s.moduleSlug,
      moduleTitle: getModule(s.moduleSlug)?.frontmatter.title ?? s.moduleSlug,
      groupName: found.groupName,
      trainerName: found.trainerName,
      startsAt: s.startsAt.toISOString(),
      whenLabel: londonLabel(s.startsAt),
      minutes: s.minutes,
      place: s.place,
      callUrl: s.callUrl,
      cancelled: s.cancelledAt !== null,
      over: s.startsAt.getTime() + s.minutes * 60_000 < now.getTime(),
      liveCode: found.liveCode,
      member: found.member,
      manages: found.manages,
      myAnswer: mine ? mine.coming : null,
      answers,
      unanswered,
    },
  };
}

/** "I'm coming" / "Can't make it": the latest answer stands; answering twice is harmless. */
export async function answerInvitation(actor: LiveActor, id: string, coming: boolean, now = new Date()): Promise<Result<{ coming: boolean }, 404 | 409>> {
  const found = await visibleSession(actor, id);
  if (!found || !found.member) return refuse(404, UNKNOWN);
  const s = found.session;
  if (s.cancelledAt) return refuse(409, "This session was cancelled.");
  if (s.startsAt.getTime() + s.minutes * 60_000 < now.getTime()) return refuse(409, "This session is over: replies are closed.");
  await db()
    .insert(sessionRsvps)
    .values({ scheduledSessionId: s.id, userId: actor.id, coming })
    .onConflictDoUpdate({ target: [sessionRsvps.scheduledSessionId, sessionRsvps.userId], set: { coming, answeredAt: sql`now()` } });
  return { ok: true, value: { coming } };
}

/** "Start now": the ordinary live session, linked once; a second click goes to the same one. */
export async function startScheduled(actor: LiveActor, id: string): Promise<Result<{ code: string }, 400 | 403 | 404 | 409 | 410 | 429>> {
  const found = await visibleSession(actor, id);
  if (!found) return refuse(404, UNKNOWN);
  if (!found.manages || !may.runLive(actor.role)) return refuse(403, "Only the session's trainer or an admin can start it.");
  if (found.session.cancelledAt) return refuse(409, "This session was cancelled.");
  if (found.liveCode) return { ok: true, value: { code: found.liveCode } };
  const created = await createLiveSession(actor, { moduleSlug: found.session.moduleSlug, groupId: found.session.groupId });
  if (!created.ok) return created;
  const linked = await db()
    .update(scheduledSessions)
    .set({ liveSessionId: created.value.id })
    .where(and(eq(scheduledSessions.id, id), isNull(scheduledSessions.liveSessionId)))
    .returning({ id: scheduledSessions.id });
  if (linked.length > 0) return { ok: true, value: { code: created.value.code } };
  // Someone else started it a moment earlier: theirs is the one the group follows.
  const again = await visibleSession(actor, id);
  return again?.liveCode ? { ok: true, value: { code: again.liveCode } } : refuse(409, "Starting the session clashed with another start. Reload the page.");
}

// ---------------------------------------------------------------- changing and cancelling

/** The calendar file of a change or cancellation, as a mail attachment. */
const icsAttachment = (content: string, method: "REQUEST" | "CANCEL") => ({
  filename: "doorstep-session.ics",
  contentType: `text/calendar; charset=utf-8; method=${method}`,
  content,
});

/**
 * Who hears about a change or a cancellation: everyone who was sent an invitation (the
 * people with the event in their calendar, even if they have since left the group) and
 * everyone who said they are coming. Like the invitation, it ignores the opt-out: it is
 * about an event they were invited to, not an extra.
 */
async function invitedPeople(tx: Executor, sessionId: string) {
  return rowsOf<{ id: string; name: string; email: string; nudge_emails: boolean }>(
    await tx.execute(sql`
      select u.id, u.name, u.email, u.nudge_emails from ${users} u
       where u.id in (
         select m.user_id from ${mailMessages} m where m.template = 'session-invitation' and m.dedupe_key like ${`session-invitation:${sessionId}:%`}
         union
         select r.user_id from ${sessionRsvps} r where r.scheduled_session_id = ${sessionId} and r.coming)
       order by u.id`),
  );
}

/**
 * Reminders not yet sent for this session stop here: changed (a new one replaces it) or
 * cancelled. "sending" too: a sender that claimed one checks again just before it sends
 * (skippedBeforeSending), so only a reminder already handed to the SMTP server still goes.
 */
async function skipQueuedReminders(tx: Executor, sessionId: string, reason: string) {
  await tx
    .update(mailMessages)
    .set({ status: "skipped", skipReason: reason })
    .where(and(inArray(mailMessages.status, ["queued", "sending"]), eq(mailMessages.template, "session-reminder"), like(mailMessages.dedupeKey, `session-reminder:${sessionId}:%`)));
}

/** Why a session can no longer be changed or cancelled, or null while it can. */
function closedReason(found: NonNullable<Awaited<ReturnType<typeof visibleSession>>>, now: Date): string | null {
  const s = found.session;
  if (s.cancelledAt) return "This session was cancelled: it can't be changed.";
  if (found.liveCode) return "This session has started: change it in the room, or end it from the live session.";
  if (s.startsAt.getTime() + s.minutes * 60_000 < now.getTime()) return "This session is over: it can't be changed.";
  return null;
}

class ChangedMeanwhile extends Error {}

/** The form's starting values: the session as saved, on a London wall clock. */
export async function scheduledEditForm(actor: LiveActor, id: string, now = new Date()) {
  const found = await visibleSession(actor, id);
  if (!found) return refuse(404, UNKNOWN);
  if (!found.manages || !may.scheduleSessions(actor.role)) return refuse(403, "Only the session's trainer or an admin can change it.");
  const s = found.session;
  const wall = londonParts(s.startsAt);
  return accept({
    id: s.id,
    moduleTitle: getModule(s.moduleSlug)?.frontmatter.title ?? s.moduleSlug,
    groupName: found.groupName,
    closed: closedReason(found, now),
    values: { moduleSlug: s.moduleSlug, date: wall.date, time: wall.time, minutes: String(s.minutes), place: s.place ?? "", callUrl: s.callUrl ?? "" },
    modules: listModules({ includeDrafts: false }).map((m) => ({ slug: m.slug, title: m.frontmatter.title })),
  });
}

/**
 * A change of module, time, length, place or link. One transaction: the session (SEQUENCE
 * + 1), a "changed" mail with the updated .ics (same UID) to everyone invited, and the
 * reminders moved to the new time (queued ones skipped, new ones queued).
 */
export async function editScheduledSession(actor: LiveActor, id: string, input: EditInput, now = new Date()): Promise<Result<{ notified: number }, 400 | 403 | 404 | 409>> {
  const found = await visibleSession(actor, id);
  if (!found) return refuse(404, UNKNOWN);
  if (!found.manages || !may.scheduleSessions(actor.role)) return refuse(403, "Only the session's trainer or an admin can change it.");
  const closed = closedReason(found, now);
  if (closed) return refuse(409, closed);
  const module = getModule(input.moduleSlug);
  if (!module || module.frontmatter.draft) return refuse(400, "Choose a published module from the list.", "moduleSlug");
  const wallClock = londonTime(input.date, input.time);
  if (!wallClock.ok) return wallClockRefusal(input.date, input.time, wallClock.reason);
  const before = found.session;
  // The form shows the saved time on the wall clock; left as it was, it stays the same
  // instant, even the second of a repeated hour (saved before the first was the rule).
  const unchanged = londonParts(before.startsAt);
  const startsAt = unchanged.date === input.date && unchanged.time === input.time ? before.startsAt : wallClock.at;
  if (startsAt.getTime() <= now.getTime()) return refuse(400, "Choose a time in the future.", "date");
  if (startsAt.getTime() > now.getTime() + 366 * 24 * 60 * 60_000) return refuse(400, "Schedule at most a year ahead.", "date");
  const after = { moduleSlug: module.slug, startsAt, minutes: input.minutes, place: input.place ?? null, callUrl: input.callUrl ?? null };
  const changes = [
    before.moduleSlug !== after.moduleSlug ? "module" : null,
    before.startsAt.getTime() !== startsAt.getTime() ? "time" : null,
    before.minutes !== after.minutes ? "length" : null,
    before.place !== after.place || before.callUrl !== after.callUrl ? "place" : null,
  ].filter((c): c is string => c !== null);
  if (changes.length === 0) return refuse(400, "Nothing was changed, so nobody was told. Change a field, or go back.");

  const moduleTitle = module.frontmatter.title;
  return db()
    .transaction(async (tx) => {
      const [row] = await tx
        .update(scheduledSessions)
        .set({ ...after, sequence: sql`${scheduledSessions.sequence} + 1`, updatedAt: now })
        // Cancelled or started since the page was read: the change would land on a session that is no longer open.
        .where(and(eq(scheduledSessions.id, id), isNull(scheduledSessions.cancelledAt), isNull(scheduledSessions.liveSessionId)))
        .returning();
      if (!row) throw new ChangedMeanwhile();
      const pageUrl = pageUrlOf(row.origin, row.id);
      const ics = icsAttachment(calendarFile(row, moduleTitle, pageUrl, now), "REQUEST");
      const was = changes.includes("time") ? ` (it was ${londonLabel(before.startsAt)})` : "";
      const people = await invitedPeople(tx, id);
      const reminderDue = row.startsAt.getTime() - REMINDER_HOURS * 60 * 60_000 > now.getTime();
      await skipQueuedReminders(tx, id, "The session was changed: a reminder for the new details replaced this one.");
      for (const p of people) {
        const mail = composeMail({
          subject: `Changed: ${moduleTitle}, ${londonLabel(row.startsAt)}`,
          greeting: `Hello ${p.name},`,
          paragraphs: [
            `The live session “${moduleTitle}” for ${found.groupName} has changed. It is now on ${londonLabel(row.startsAt)} (UK time)${was}, for ${row.minutes} minutes.`,
            row.place ? `Where: ${row.place}` : `Join the call: ${row.callUrl}`,
            "The attached calendar file updates the event already in your calendar.",
          ],
          action: { label: "See the session and reply", url: pageUrl },
        });
        await enqueueMail(tx, { to: p.email, userId: p.id, template: "session-update", ...mail, attachments: [ics], dedupeKey: `session-update:${id}:${row.sequence}:${p.id}` });
        if (p.nudge_emails && reminderDue) await queueReminder(tx, row, moduleTitle, p, `session-reminder:${id}:${p.id}:${row.sequence}`);
      }
      return accept({ notified: people.length });
    })
    .catch((error: unknown) => {
      if (error instanceof ChangedMeanwhile) return refuse(409, "This session was cancelled or started while you were editing it. Nothing was changed.");
      throw error;
    });
}

/**
 * Cancel before it starts: SEQUENCE + 1, a cancellation with METHOD:CANCEL to everyone
 * invited and everyone who said yes, the queued reminders skipped. Cancelling twice is
 * harmless (nothing more is sent).
 */
export async function cancelScheduledSession(actor: LiveActor, id: string, now = new Date()): Promise<Result<{ notified: number; already: boolean }, 403 | 404 | 409>> {
  const found = await visibleSession(actor, id);
  if (!found) return refuse(404, UNKNOWN);
  if (!found.manages || !may.scheduleSessions(actor.role)) return refuse(403, "Only the session's trainer or an admin can cancel it.");
  if (found.session.cancelledAt) return accept({ notified: 0, already: true });
  const closed = closedReason(found, now);
  if (closed) return refuse(409, closed.replace("can't be changed", "can't be cancelled"));
  const moduleTitle = getModule(found.session.moduleSlug)?.frontmatter.title ?? found.session.moduleSlug;
  return db()
    .transaction(async (tx) => {
      const [row] = await tx
        .update(scheduledSessions)
        .set({ cancelledAt: now, sequence: sql`${scheduledSessions.sequence} + 1`, updatedAt: now })
        .where(and(eq(scheduledSessions.id, id), isNull(scheduledSessions.cancelledAt), isNull(scheduledSessions.liveSessionId)))
        .returning();
      if (!row) throw new ChangedMeanwhile();
      const pageUrl = pageUrlOf(row.origin, row.id);
      const ics = icsAttachment(calendarFile(row, moduleTitle, pageUrl, now), "CANCEL");
      await skipQueuedReminders(tx, id, "The session was cancelled.");
      const people = await invitedPeople(tx, id);
      for (const p of people) {
        const mail = composeMail({
          subject: `Cancelled: ${moduleTitle}, ${londonLabel(row.startsAt)}`,
          greeting: `Hello ${p.name},`,
          paragraphs: [
            `The live session “${moduleTitle}” for ${found.groupName} on ${londonLabel(row.startsAt)} (UK time) is cancelled. Sorry for the change of plan.`,
            "The attached calendar file removes it from your calendar. You can still take the module in your own time.",
          ],
          action: { label: "Open the module", url: `${row.origin}/modules/${encodeURIComponent(row.moduleSlug)}` },
        });
        await enqueueMail(tx, { to: p.email, userId: p.id, template: "session-cancelled", ...mail, attachments: [ics], dedupeKey: `session-cancelled:${id}:${p.id}` });
      }
      return accept({ notified: people.length, already: false });
    })
    .catch(async (error: unknown) => {
      if (!(error instanceof ChangedMeanwhile)) throw error;
      // Another click cancelled it first: the same outcome. Started meanwhile: refused.
      const again = await visibleSession(actor, id);
      return again?.session.cancelledAt ? accept({ notified: 0, already: true }) : refuse(409, "This session was started while you were cancelling it. Nothing was cancelled.");
    });
}

/** The invitation's calendar file, for downloading from the page. */
export async function scheduledIcs(actor: LiveActor, id: string): Promise<Result<string, 404>> {
  const found = await visibleSession(actor, id);
  if (!found) return refuse(404, UNKNOWN);
  const s = found.session;
  return { ok: true, value: calendarFile(s, getModule(s.moduleSlug)?.frontmatter.title ?? s.moduleSlug, pageUrlOf(s.origin, s.id), s.updatedAt) };
}

// ---------------------------------------------------------------- upcoming

export interface UpcomingRow {
  id: string;
  moduleTitle: string;
  groupName: string;
  whenLabel: string;
  startsAt: string;
  myAnswer: boolean | null;
  yes: number;
}

/**
 * Sessions not yet over: a member's groups', the ones a trainer scheduled. "reach" (the
 * /live list) gives admins every one; "mine" (home) only their own groups'.
 */
export async function listUpcoming(actor: LiveActor, scope: "mine" | "reach", now = new Date(), limit = 20): Promise<UpcomingRow[]> {
  const mine = or(
    eq(scheduledSessions.trainerId, actor.id),
    inArray(scheduledSessions.groupId, db().select({ id: memberships.groupId }).from(memberships).where(eq(memberships.userId, actor.id))),
  );
  const rows = await db()
    .select({
      id: scheduledSessions.id,
      moduleSlug: scheduledSessions.moduleSlug,
      moduleTitle: modules.title,
      groupName: groups.name,
      startsAt: scheduledSessions.startsAt,
      myAnswer: sql<boolean | null>`(select r.coming from ${sessionRsvps} r where r.scheduled_session_id = ${scheduledSessions.id} and r.user_id = ${actor.id})`,
      yes: sql<number>`(select count(*)::int from ${sessionRsvps} r where r.scheduled_session_id = ${scheduledSessions.id} and r.coming)`,
    })
    .from(scheduledSessions)
    .innerJoin(groups, eq(groups.id, scheduledSessions.groupId))
    .leftJoin(modules, eq(modules.slug, scheduledSessions.moduleSlug))
    .where(
      and(
        isNull(scheduledSessions.cancelledAt),
        sql`${scheduledSessions.startsAt} + make_interval(mins => ${scheduledSessions.minutes}) > ${now.toISOString()}::timestamptz`,
        scope === "reach" && may.runAnyLiveSession(actor.role) ? undefined : mine,
      ),
    )
    .orderBy(asc(scheduledSessions.startsAt))
    .limit(limit);
  return rows.map((r) => ({
    id: r.id,
    moduleTitle: r.moduleTitle ?? r.moduleSlug,
    groupName: r.groupName,
    whenLabel: londonLabel(r.startsAt),
    startsAt: r.startsAt.toISOString(),
    myAnswer: r.myAnswer,
    yes: Number(r.yes),
  }));
}

// ---------------------------------------------------------------- after the session

/**
 * Called in endSession's transaction: one follow-up per attendee of a scheduled session,
 * with whether they have completed the module and their next one. Honours the opt-out,
 * like the reminder; the dedupe key keeps it to one even if ending were repeated.
 */
export async function queueFollowUps(tx: Executor, liveSessionId: string): Promise<number> {
  const [s] = await tx.select().from(scheduledSessions).where(eq(scheduledSessions.liveSessionId, liveSessionId));
  if (!s) return 0;
  const title = getModule(s.moduleSlug)?.frontmatter.title ?? s.moduleSlug;
  const people = rowsOf<{ id: string; name: string; email: string; completed: boolean; next_slug: string | null; next_title: string | null }>(
    await tx.execute(sql`
      select u.id, u.name, u.email,
             exists (select 1 from module_completions c where c.user_id = u.id and c.module_slug = ${s.moduleSlug}) as completed,
             n.slug as next_slug, n.title as next_title
        from live_participants p
        join users u on u.id = p.user_id
        left join lateral (
          select md.slug, md.title from modules md
           where not md.draft and not exists (select 1 from module_completions nc where nc.user_id = u.id and nc.module_slug = md.slug)
           order by md.position, md.title limit 1) n on true
       where p.session_id = ${liveSessionId} and p.attended and u.nudge_emails`),
  );
  let queued = 0;
  for (const p of people) {
    const mail = composeMail({
      subject: `Thanks for coming: ${title}`,
      greeting: `Hello ${p.name},`,
      paragraphs: [
        p.completed ? `Thanks for coming to “${title}”. It counts as completed on your record.` : `Thanks for coming to “${title}”. It isn't marked completed on your record yet.`,
        p.next_title ? `Your next module: “${p.next_title}”.` : "You have completed every module. Well done.",
      ],
      ...(p.next_slug ? { action: { label: `Start ${p.next_title ?? "the next module"}`, url: `${s.origin}/modules/${encodeURIComponent(p.next_slug)}` } } : {}),
      unsubscribeUrl: await unsubscribeUrl(tx, p.id, s.origin),
    });
    if (await enqueueMail(tx, { to: p.email, userId: p.id, template: "session-follow-up", honoursOptOut: true, ...mail, dedupeKey: `session-follow-up:${s.id}:${p.id}` })) queued++;
  }
  return queued;
}
