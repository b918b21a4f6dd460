import { desc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { db } from "../../db/client.server";
import { groups, liveParticipants, liveSessions, modules, users } from "../../db/schema";
import { may } from "../auth/policy";
import { listModules, visibleModule } from "../content/catalog.server";
import { listGroups } from "../groups/groups.server";
import { change, Refused, requireDriver, activityOnStep, type LiveActor, type LiveResult } from "./core.server";
import { refuse } from "../lib/result";
import { generateJoinCode } from "./join-code";
import { TIMER_MAX_SECONDS } from "./state";
import { plannedTotal } from "./timing";

// A session's life as the trainer drives it: start, move between steps, reveal answers,
// the timer; and the list of a trainer's sessions. (Ending it: attendance.server.ts.)

export const createSessionSchema = z.object({
  moduleSlug: z.string({ error: "Choose a module." }).trim().min(1, "Choose a module.").max(100),
  groupId: z
    .string()
    .trim()
    .max(64)
    .optional()
    .transform((v) => (v ? v : undefined))
    .pipe(z.uuid("Choose a group from the list.").optional()),
});
export type CreateSessionInput = z.infer<typeof createSessionSchema>;

/** What the "start a live session" form offers: modules this trainer may run, and groups. */
export async function newSessionOptions(actor: LiveActor) {
  const groupRows = await listGroups();
  return {
    modules: listModules({ includeDrafts: may.previewDrafts(actor.role) }).map((m) => ({
      slug: m.slug,
      title: m.frontmatter.title,
      draft: m.frontmatter.draft,
      plannedMinutes: plannedTotal(m.manifest.steps.map((s) => s.liveMinutes ?? null)),
    })),
    groups: groupRows.map((g) => ({ id: g.id, name: g.name })),
  };
}

export async function createLiveSession(actor: LiveActor, input: CreateSessionInput): Promise<LiveResult<{ id: string; code: string }>> {
  if (!may.runLive(actor.role)) return refuse(403, "Only trainers and admins can start a live session.");
  const module = visibleModule(input.moduleSlug, actor.role);
  if (!module) return refuse(404, `There is no module “${input.moduleSlug}”.`);
  if (input.groupId) {
    const [group] = await db().select({ id: groups.id, archivedAt: groups.archivedAt }).from(groups).where(eq(groups.id, input.groupId));
    if (!group || group.archivedAt) return refuse(400, "That group no longer exists or is archived. Choose another.");
  }
  // 148 million codes: a clash is rare, and the unique index makes it harmless.
  for (let attempt = 0; attempt < 8; attempt++) {
    const [row] = await db()
      .insert(liveSessions)
      .values({ code: generateJoinCode(), moduleSlug: module.slug, contentHash: module.hash, trainerId: actor.id, groupId: input.groupId ?? null })
      .onConflictDoNothing({ target: liveSessions.code })
      .returning({ id: liveSessions.id, code: liveSessions.code });
    if (row) return { ok: true, value: row };
  }
  return refuse(409, "Couldn't find a free join code. Try again.");
}

// ---------------------------------------------------------------- the trainer drives

export async function setStep(code: string, actor: LiveActor, index: number) {
  return change(code, async (_tx, s, module) => {
    requireDriver(s, actor);
    const count = module.manifest.steps.length;
    if (!Number.isInteger(index) || index < 0 || index >= count) throw new Refused(400, `This module has steps 1 to ${count}.`);
    // A timer belongs to the step it was started on: left running (or at "Time's up")
    // it would hang over the next step on every screen.
    const moved = index !== s.stepIndex;
    return {
      value: { stepIndex: index },
      patch: {
        stepIndex: index,
        firstAdvancedAt: index > 0 ? sql`coalesce(${liveSessions.firstAdvancedAt}, now())` : undefined,
        // Re-sending the current step (a double click, a second device) keeps its clock.
        ...(moved ? { timerEndsAt: null, timerSeconds: null, stepStartedAt: sql`now()` } : {}),
      },
    };
  });
}

export async function reveal(code: string, actor: LiveActor, activityId: string, shown = true) {
  return change(code, async (_tx, s, module) => {
    requireDriver(s, actor);
    activityOnStep(s, module, activityId, ["quiz", "poll"]);
    const revealed = shown ? [...new Set([...s.revealed, activityId])] : s.revealed.filter((id) => id !== activityId);
    return { value: {}, patch: { revealed } };
  });
}

export async function startTimer(code: string, actor: LiveActor, seconds: number) {
  return change(code, async (_tx, s) => {
    requireDriver(s, actor);
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > TIMER_MAX_SECONDS) {
      throw new Refused(400, `A timer runs from 1 second to ${TIMER_MAX_SECONDS / 60} minutes.`);
    }
    return { value: {}, patch: { timerSeconds: seconds, timerEndsAt: sql`now() + make_interval(secs => ${seconds})` } };
  });
}

export async function stopTimer(code: string, actor: LiveActor) {
  return change(code, async (_tx, s) => {
    requireDriver(s, actor);
    return { value: {}, patch: { timerSeconds: null, timerEndsAt: null } };
  });
}

// ---------------------------------------------------------------- a trainer's sessions

export interface TrainerSessionRow {
  id: string;
  code: string;
  status: "open" | "ended";
  moduleSlug: string;
  moduleTitle: string;
  groupName: string | null;
  trainerName: string;
  createdAt: Date;
  endedAt: Date | null;
  participants: number;
  attended: number;
}

/** Sessions a trainer ran, newest first; admins see everyone's. */
export async function listTrainerSessions(actor: LiveActor, limit = 100): Promise<TrainerSessionRow[]> {
  const rows = await db()
    .select({
      id: liveSessions.id,
      code: liveSessions.code,
      status: liveSessions.status,
      moduleSlug: liveSessions.moduleSlug,
      moduleTitle: sql<string>`coalesce(${modules.title}, ${liveSessions.moduleSlug})`,
      groupName: groups.name,
      trainerName: users.name,
      createdAt: liveSessions.createdAt,
      endedAt: liveSessions.endedAt,
      participants: sql<number>`(select count(*)::int from ${liveParticipants} p where p.session_id = ${liveSessions.id})`,
      attended: sql<number>`(select count(*)::int from ${liveParticipants} p where p.session_id = ${liveSessions.id} and p.attended)`,
    })
    .from(liveSessions)
    .innerJoin(users, eq(users.id, liveSessions.trainerId))
    .leftJoin(groups, eq(groups.id, liveSessions.groupId))
    .leftJoin(modules, eq(modules.slug, liveSessions.moduleSlug))
    .where(may.runAnyLiveSession(actor.role) ? undefined : eq(liveSessions.trainerId, actor.id))
    .orderBy(desc(liveSessions.createdAt))
    .limit(limit);
  return rows.map((r) => ({ ...r, participants: Number(r.participants), attended: Number(r.attended) }));
}

