import { and, eq, sql } from "drizzle-orm";
import { db, rowsOf } from "../../db/client.server";
import { liveParticipants, liveSessions, moduleCompletions } from "../../db/schema";
import { change, findLiveSession, MESSAGES, notify, Refused, requireDriver, type LiveActor, type LiveResult } from "./core.server";
import { refuse } from "../lib/result";
import { connectedWindowSeconds } from "./presence.server";
import { queueFollowUps } from "./scheduled.server";
import { LATE_JOIN_GRACE_MINUTES } from "./state";

// Who is here and who attended: presence check-ins, the trainer's present/absent marks,
// and ending the session, which decides attendance once and records live completions.

export async function markAttendance(code: string, actor: LiveActor, userId: string, mark: "present" | "absent" | null) {
  return change(code, async (tx, s) => {
    requireDriver(s, actor);
    const [row] = await tx
      .update(liveParticipants)
      .set({ mark })
      .where(and(eq(liveParticipants.sessionId, s.id), eq(liveParticipants.userId, userId)))
      .returning({ userId: liveParticipants.userId });
    if (!row) throw new Refused(404, "That person hasn't joined this session.");
    return { value: {} };
  });
}

// ---------------------------------------------------------------- ending: attendance and completion

/**
 * End the session: decide attendance once (docs/live.md: present from the start and at
 * the end, or marked present by the trainer) and record a live completion for everyone
 * who attended. "At the end" is exactly what the presenter sees as connected: a check-in
 * within the connected window, so "N connected" before ending becomes "N attended".
 * ON CONFLICT DO NOTHING keeps an earlier (self-paced) completion as it is.
 */
export async function endSession(code: string, actor: LiveActor) {
  return change(
    code,
    async (tx, s) => {
      requireDriver(s, actor);
      await tx.execute(sql`
        update ${liveParticipants} p
           set attended = case
             when p.mark = 'present' then true
             when p.mark = 'absent' then false
             else p.joined_at <= greatest(coalesce(s.first_advanced_at, now()), s.created_at + make_interval(mins => ${LATE_JOIN_GRACE_MINUTES}))
              and p.last_seen_at >= now() - make_interval(secs => ${connectedWindowSeconds()})
           end
          from ${liveSessions} s
         where s.id = p.session_id and p.session_id = ${s.id}`);
      const inserted = await tx.execute(sql`
        insert into ${moduleCompletions} (user_id, module_slug, content_hash, how, live_session_id)
        select p.user_id, ${s.moduleSlug}, ${s.contentHash}, 'live', ${s.id}
          from ${liveParticipants} p
         where p.session_id = ${s.id} and p.attended
        on conflict do nothing
        returning user_id`);
      // A session planned ahead follows its attendees up by email, in this same transaction:
      // the mail exists exactly when the session ended (ADR 034).
      await queueFollowUps(tx, s.id);
      const [counts] = await tx
        .select({ attended: sql<number>`count(*) filter (where ${liveParticipants.attended})::int`, total: sql<number>`count(*)::int` })
        .from(liveParticipants)
        .where(eq(liveParticipants.sessionId, s.id));
      return {
        value: { attended: Number(counts?.attended ?? 0), participants: Number(counts?.total ?? 0), completions: rowsOf(inserted).length },
        patch: { status: "ended" as const, endedAt: sql`now()`, timerEndsAt: null, timerSeconds: null },
      };
    },
    { allowExpired: true },
  );
}
// ---------------------------------------------------------------- presence

// Presence is only what a participant's own browser proves: loading a live page, opening
// the event stream, and answering its ping every heartbeat (a POST from the page). An
// open stream proves nothing by itself: Node may never tell us it closed (docs/live.md).

/** Check in: seen now. Returns who was there and who of them had been away. */
async function seen(sessionId: string, userIds: string[]): Promise<{ userId: string; wasAway: boolean }[]> {
  const rows = await db().execute(sql`
    with before as (
      select user_id, last_seen_at from ${liveParticipants}
       where session_id = ${sessionId} and user_id in (${sql.join(userIds.map((id) => sql`${id}`), sql`, `)})
    )
    update ${liveParticipants} p set last_seen_at = now()
      from before b
     where p.session_id = ${sessionId} and p.user_id = b.user_id
    returning p.user_id as "userId", (b.last_seen_at <= now() - make_interval(secs => ${connectedWindowSeconds()})) as "wasAway"`);
  return rowsOf(rows) as { userId: string; wasAway: boolean }[];
}

/**
 * A participant's screen checked in (event stream connect, an answered ping, or a page
 * load). Returns the ids that were not "connected now" before, so a caller can announce them.
 */
export async function touchPresence(sessionId: string, userIds: string[]): Promise<string[]> {
  if (userIds.length === 0) return [];
  return (await seen(sessionId, userIds)).filter((r) => r.wasAway).map((r) => r.userId);
}

/**
 * The screen said it is leaving (closed, or went to another page): away from now on, until
 * it checks in again (a reload does at once). last_seen_at is set back to the edge of the
 * window rather than cleared, so it never moves forward.
 */
async function left(sessionId: string, userId: string): Promise<{ wasHere: boolean } | null> {
  const rows = await db().execute(sql`
    with before as (
      select last_seen_at from ${liveParticipants} where session_id = ${sessionId} and user_id = ${userId}
    )
    update ${liveParticipants} p
       set last_seen_at = least(b.last_seen_at, now() - make_interval(secs => ${connectedWindowSeconds()}))
      from before b
     where p.session_id = ${sessionId} and p.user_id = ${userId}
    returning (b.last_seen_at > now() - make_interval(secs => ${connectedWindowSeconds()})) as "wasHere"`);
  const [row] = rowsOf(rows) as { wasHere: boolean }[];
  return row ?? null;
}

/**
 * POST /live/<code>/here from a participant's page: "here" answers the stream's ping,
 * "leaving" is sent as the page goes away. Presenters everywhere hear of a change at once.
 */
export async function checkIn(codeInput: string, actor: LiveActor, intent: "here" | "leaving"): Promise<LiveResult<Record<string, never>>> {
  const session = await findLiveSession(codeInput);
  if (!session) return refuse(404, MESSAGES.unknownCode);
  if (session.status === "ended") return refuse(410, MESSAGES.ended);
  let changed: boolean;
  if (intent === "here") {
    const [row] = await seen(session.id, [actor.id]);
    if (!row) return refuse(403, MESSAGES.notParticipant);
    changed = row.wasAway;
  } else {
    const row = await left(session.id, actor.id);
    if (!row) return refuse(403, MESSAGES.notParticipant);
    changed = row.wasHere;
  }
  if (changed) await announce(session.id);
  return { ok: true, value: {} };
}

/** Tell every instance to re-read this session without changing it (e.g. someone came back). */
export async function announce(sessionId: string): Promise<void> {
  const [row] = await db().select({ version: liveSessions.version }).from(liveSessions).where(eq(liveSessions.id, sessionId));
  if (row) await notify(db(), sessionId, row.version);
}
