import { and, asc, eq, inArray, isNull, or, sql } from "drizzle-orm";
import { z } from "zod";
import { db, rowsOf, type Executor } from "../../db/client.server";
import { groups, memberships, modules, scheduledSessions, sessionRsvps, users, type ScheduledSession } from "../../db/schema";
import { unsubscribeUrl } from "../auth/email-links.server";
import { may } from "../auth/policy";
import { getModule, listModules } from "../content/catalog.server";
import { refuse, type Result } from "../lib/result";
import { calendarInvite } from "../mail/ics";
import { enqueueMail } from "../mail/queue.server";
import { composeMail } from "../mail/templates";
import { createLiveSession } from "./lifecycle.server";
import type { LiveActor } from "./core.server";

// Live sessions planned ahead (issue 18 part 4, ADR 034): saved with one invitation per
// group member and a reminder for the day before, all in one transaction; answered with
// "I'm coming" / "Can't make it"; started through the ordinary lifecycle; followed up by
// email when the live session it became ends (attendance.server.ts calls queueFollowUps).

export const MOVEMENT_TIME_ZONE = "Europe/London";
export const MINUTES_MIN = 15;
export const MINUTES_MAX = 480;
const REMINDER_HOURS = 24;

const blankToUndefined = (v: string | undefined) => (v && v.trim() ? v.trim() : undefined);

export const scheduleSchema = z
  .object({
    moduleSlug: z.string({ error: "Choose a module." }).trim().min(1, "Choose a module.").max(100),
    groupId: z.string({ error: "Choose a group." }).trim().max(64).pipe(z.uuid("Choose a group from the list.")),
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
  })
  .superRefine((v, ctx) => {
    if (!v.place && !v.callUrl) ctx.addIssue({ code: "custom", path: ["place"], message: "Give a place to meet or a call link." });
    if (v.place && v.callUrl) ctx.addIssue({ code: "custom", path: ["callUrl"], message: "Give a place or a call link, not both." });
  });
export type ScheduleInput = z.infer<typeof scheduleSchema>;

/** yyyy-mm-dd + hh:mm on a London wall clock → the instant. Null for a date that doesn't exist. */
export function londonTime(date: string, time: string): Date | null {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const [hh, mm] = time.split(":").map(Number) as [number, number];
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  const check = new Date(wall);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) return null;
  // London is UTC or UTC+1: take the offset at the guess, then once more at the result,
  // which settles the hours either side of a clock change.
  let instant = wall - offsetMinutes(new Date(wall)) * 60_000;
  instant = wall - offsetMinutes(new Date(instant)) * 60_000;
  return new Date(instant);
}

function offsetMinutes(at: Date): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", { timeZone: MOVEMENT_TIME_ZONE, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute));
  return Math.round((asUtc - Math.floor(at.getTime() / 60_000) * 60_000) / 60_000);
}

/** "Saturday 5 December 2026, 18:00" in London. */
export function londonLabel(at: Date): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone: MOVEMENT_TIME_ZONE, weekday: "long", day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(at);
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
  const startsAt = londonTime(input.date, input.time);
  if (!startsAt) return refuse(400, "That date doesn't exist.", "date");
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
      // A reminder is an extra, like a nudge: it honours the opt-out and carries the link
      // to turn it off. Within a day of the start the invitation is the reminder.
      if (m.nudgeEmails && reminderAt.getTime() > now.getTime()) {
        const mail = composeMail({
          subject: `Tomorrow: ${moduleTitle}, live`,
          greeting: `Hello ${m.name},`,
          paragraphs: [`A reminder: “${moduleTitle}” runs live on ${londonLabel(startsAt)} (UK time).`, s.place ? `Where: ${s.place}` : `Join the call: ${s.callUrl}`],
          action: { label: "See the session", url: pageUrl },
          unsubscribeUrl: await unsubscribeUrl(tx, m.id, origin),
        });
        await enqueueMail(tx, { to: m.email, userId: m.id, template: "session-reminder", ...mail, dedupeKey: `session-reminder:${s.id}:${m.id}`, notBefore: reminderAt });
      }
    }
    return { ok: true as const, value: { id: s.id, invited: members.length } };
  });
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

/** The invitation's calendar file, for downloading from the page. */
export async function scheduledIcs(actor: LiveActor, id: string): Promise<Result<string, 404>> {
  const found = await visibleSession(actor, id);
  if (!found) return refuse(404, UNKNOWN);
  const s = found.session;
  return { ok: true, value: calendarFile(s, getModule(s.moduleSlug)?.frontmatter.title ?? s.moduleSlug, pageUrlOf(s.origin, s.id), s.createdAt) };
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
    if (await enqueueMail(tx, { to: p.email, userId: p.id, template: "session-follow-up", ...mail, dedupeKey: `session-follow-up:${s.id}:${p.id}` })) queued++;
  }
  return queued;
}
