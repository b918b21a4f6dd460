import { and, eq, sql } from "drizzle-orm";
import type { PgUpdateSetSource } from "drizzle-orm/pg-core";
import { db, type Database } from "../../db/client.server";
import { groups, liveParticipants, liveSessions, users, type UserRole } from "../../db/schema";
import { may } from "../auth/policy";
import { getModule } from "../content/catalog.server";
import type { CompiledModule } from "../content/manifest";
import { refuse, type Result } from "../lib/result";
import { normaliseJoinCode } from "./join-code";
import { SESSION_LIFETIME_HOURS } from "./state";

// The core of live sessions that every command shares: reading a session by its code, the
// one transaction that changes it (lock, validate, write, version+1, NOTIFY), and the
// checks commands make (who drives, who takes part, what is on the current step).
// The commands themselves live beside this file: lifecycle, joining, pairing, scenario,
// answers, attendance (docs/live.md, Files).

/** The one NOTIFY channel; payload `<sessionId>:<version>`. */
export const LIVE_CHANNEL = "doorstep_live";

export type LiveStatus = 400 | 403 | 404 | 409 | 410 | 429;
export type LiveResult<T> = Result<T, LiveStatus>;

export interface LiveActor {
  id: string;
  role: UserRole;
}

// Thrown inside a transaction to roll it back: a refused command never leaves a partial write.
export class Refused extends Error {
  constructor(readonly status: LiveStatus, message: string) {
    super(message);
  }
}

export type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];

export const MESSAGES = {
  unknownCode: "No live session has that code. Check the six letters with your trainer.",
  ended: "That live session has ended. Ask your trainer if there is a new one.",
  expired: `That code has expired: codes work for ${SESSION_LIFETIME_HOURS} hours. Ask your trainer for a new one.`,
  notDriver: "Only the trainer who started this session (or an admin) can run it.",
  notParticipant: "Join the session first: enter its code on the Join page.",
  moduleGone: "This session's module is no longer available.",
} as const;

// ---------------------------------------------------------------- reading a session

export const core = {
  id: liveSessions.id,
  code: liveSessions.code,
  status: liveSessions.status,
  moduleSlug: liveSessions.moduleSlug,
  contentHash: liveSessions.contentHash,
  trainerId: liveSessions.trainerId,
  groupId: liveSessions.groupId,
  stepIndex: liveSessions.stepIndex,
  revealed: liveSessions.revealed,
  scenarios: liveSessions.scenarios,
  version: liveSessions.version,
  createdAt: liveSessions.createdAt,
  expired: sql<boolean>`${liveSessions.createdAt} < now() - make_interval(hours => ${SESSION_LIFETIME_HOURS})`,
};
export type SessionCore = { [K in keyof typeof core]: K extends "expired" ? boolean : (typeof liveSessions.$inferSelect)[Exclude<K, "expired">] };

export interface LiveSessionSummary {
  id: string;
  code: string;
  status: "open" | "ended";
  moduleSlug: string;
  moduleTitle: string;
  trainerId: string;
  trainerName: string;
  groupName: string | null;
  expired: boolean;
}

/** The session a code names (any state), for pages that show it. */
export async function findLiveSession(codeInput: string): Promise<LiveSessionSummary | null> {
  const code = normaliseJoinCode(codeInput);
  if (!code) return null;
  const [row] = await db()
    .select({ ...core, trainerName: users.name, groupName: groups.name })
    .from(liveSessions)
    .innerJoin(users, eq(users.id, liveSessions.trainerId))
    .leftJoin(groups, eq(groups.id, liveSessions.groupId))
    .where(eq(liveSessions.code, code));
  if (!row) return null;
  return {
    id: row.id,
    code: row.code,
    status: row.status,
    moduleSlug: row.moduleSlug,
    moduleTitle: getModule(row.moduleSlug)?.frontmatter.title ?? row.moduleSlug,
    trainerId: row.trainerId,
    trainerName: row.trainerName,
    groupName: row.groupName,
    expired: row.expired,
  };
}

/** Why a code cannot be joined, or null when it can. */
export function joinProblem(session: LiveSessionSummary | null): { status: 404 | 410; message: string } | null {
  if (!session) return { status: 404, message: MESSAGES.unknownCode };
  if (session.status === "ended") return { status: 410, message: MESSAGES.ended };
  if (session.expired) return { status: 410, message: MESSAGES.expired };
  return null;
}

export function canDrive(session: { trainerId: string }, actor: LiveActor): boolean {
  return may.driveSession(actor, session);
}

export async function isParticipant(sessionId: string, userId: string): Promise<boolean> {
  const [row] = await db()
    .select({ userId: liveParticipants.userId })
    .from(liveParticipants)
    .where(and(eq(liveParticipants.sessionId, sessionId), eq(liveParticipants.userId, userId)));
  return Boolean(row);
}

// ---------------------------------------------------------------- the one way to change a session

type SessionPatch = PgUpdateSetSource<typeof liveSessions>;

interface Change<T> {
  value: T;
  patch?: SessionPatch;
}

/**
 * Lock the session row, let `work` validate and write, then bump the version and NOTIFY,
 * all in one transaction: other instances hear of the change only once it is committed,
 * and a refusal (thrown as Refused) rolls everything back.
 */
export async function change<T>(
  codeInput: string,
  work: (tx: Tx, session: SessionCore, module: CompiledModule) => Promise<Change<T>>,
  options: { allowExpired?: boolean } = {},
): Promise<LiveResult<T & { version: number }>> {
  const code = normaliseJoinCode(codeInput);
  if (!code) return refuse(404, MESSAGES.unknownCode);
  try {
    return await db().transaction(async (tx) => {
      const [session] = await tx.select(core).from(liveSessions).where(eq(liveSessions.code, code)).for("update");
      if (!session) throw new Refused(404, MESSAGES.unknownCode);
      if (session.status !== "open") throw new Refused(410, MESSAGES.ended);
      if (session.expired && !options.allowExpired) throw new Refused(410, MESSAGES.expired);
      const module = getModule(session.moduleSlug);
      if (!module) throw new Refused(410, MESSAGES.moduleGone);
      const done = await work(tx, session as SessionCore, module);
      const version = await bump(tx, session.id, done.patch);
      return { ok: true as const, value: { ...done.value, version } };
    });
  } catch (error) {
    if (error instanceof Refused) return refuse(error.status, error.message);
    throw error;
  }
}

async function bump(tx: Tx, sessionId: string, patch: SessionPatch = {}): Promise<number> {
  const [row] = await tx
    .update(liveSessions)
    .set({ ...patch, version: sql`${liveSessions.version} + 1` })
    .where(eq(liveSessions.id, sessionId))
    .returning({ version: liveSessions.version });
  await notify(tx, sessionId, row!.version);
  return row!.version;
}

/**
 * `answers`: only answers changed (tallies), which a big room's hubs may push less often
 * (hub.server.ts, bigRoomTallyWindow); anything the trainer did goes out untagged.
 */
export async function notify(executor: Tx | Database, sessionId: string, version: number, kind: "answers" | null = null) {
  // Inside a transaction, PostgreSQL delivers the notification on commit (never on rollback).
  await executor.execute(sql`select pg_notify(${LIVE_CHANNEL}, ${`${sessionId}:${version}${kind ? `:${kind}` : ""}`})`);
}

export function requireDriver(session: SessionCore, actor: LiveActor) {
  if (!canDrive(session, actor)) throw new Refused(403, MESSAGES.notDriver);
}

export async function requireParticipant(tx: Tx, session: SessionCore, userId: string) {
  const [row] = await tx
    .select({ userId: liveParticipants.userId })
    .from(liveParticipants)
    .where(and(eq(liveParticipants.sessionId, session.id), eq(liveParticipants.userId, userId)));
  if (!row) throw new Refused(403, MESSAGES.notParticipant);
}

export function currentStep(session: SessionCore, module: CompiledModule) {
  return module.manifest.steps[session.stepIndex] ?? module.manifest.steps[0]!;
}

/** The activity if it is on the current step and of one of `kinds`; otherwise a 400. */
export function activityOnStep<K extends "quiz" | "poll" | "scenario" | "roleplay" | "record">(session: SessionCore, module: CompiledModule, activityId: string, kinds: K[]) {
  const step = currentStep(session, module);
  const activity = module.manifest.activities[activityId];
  if (!activity || !step.activityIds.includes(activityId)) {
    throw new Refused(400, "That activity isn't on the current step: the trainer may have moved on. Your screen will catch up in a moment.");
  }
  if (!(kinds as string[]).includes(activity.kind)) throw new Refused(400, `“${activityId}” can't be used like that here.`);
  return activity as Extract<CompiledModule["manifest"]["activities"][string], { kind: K }>;
}

export const NOT_ON_STEP = "That activity isn't on the current step: the trainer may have moved on. Your screen will catch up in a moment.";
