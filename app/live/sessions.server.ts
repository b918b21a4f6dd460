import { and, desc, eq, gt, sql } from "drizzle-orm";
import type { PgUpdateSetSource } from "drizzle-orm/pg-core";
import { z } from "zod";
import { db, type Database } from "../../db/client.server";
import {
  groups,
  liveNewcomers,
  liveParticipants,
  liveResponses,
  liveRubricTicks,
  liveSessions,
  memberships,
  moduleCompletions,
  modules,
  users,
  type LiveAnswer,
  type LivePairing,
  type LiveScenarioRoom,
  type UserRole,
} from "../../db/schema";
import { duplicateEmailMessage } from "../auth/accounts.server";
import { hashPassword } from "../auth/password.server";
import { startSession } from "../auth/session.server";
import { canPreviewDrafts, getModule, listModules, visibleModule } from "../content/catalog.server";
import type { CompiledModule, ScenarioActivity } from "../content/manifest";
import { listGroups } from "../groups/groups.server";
import { newId, randomToken } from "../lib/crypto.server";
import { checkMove, scoreQuiz } from "../progress/scoring";
import { generateJoinCode, normaliseJoinCode } from "./join-code";
import { makeGroups, swapRoles } from "./pairing";
import {
  CONNECTED_WINDOW_SECONDS,
  END_PRESENCE_SECONDS,
  LATE_JOIN_GRACE_MINUTES,
  RUBRIC_ITEM_IDS,
  SESSION_LIFETIME_HOURS,
  TIMER_MAX_SECONDS,
} from "./state";
import { isJoinThrottled, joinThrottledMessage, recordJoinAttempt } from "./throttle.server";

/** The one NOTIFY channel; payload `<sessionId>:<version>`. */
export const LIVE_CHANNEL = "doorstep_live";

export type LiveStatus = 400 | 403 | 404 | 409 | 410 | 429;
export type LiveResult<T> = { ok: true; value: T } | { ok: false; status: LiveStatus; message: string };

export interface LiveActor {
  id: string;
  role: UserRole;
}

const refuse = (status: LiveStatus, message: string) => ({ ok: false as const, status, message });

// Thrown inside a transaction to roll it back: a refused command never leaves a partial write.
class Refused extends Error {
  constructor(readonly status: LiveStatus, message: string) {
    super(message);
  }
}

type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];

export const MESSAGES = {
  unknownCode: "No live session has that code. Check the six letters with your trainer.",
  ended: "That live session has ended. Ask your trainer if there is a new one.",
  expired: `That code has expired: codes work for ${SESSION_LIFETIME_HOURS} hours. Ask your trainer for a new one.`,
  notDriver: "Only the trainer who started this session (or an admin) can run it.",
  notParticipant: "Join the session first: enter its code on the Join page.",
  moduleGone: "This session's module is no longer available.",
} as const;

// ---------------------------------------------------------------- reading a session

const core = {
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
type SessionCore = { [K in keyof typeof core]: K extends "expired" ? boolean : (typeof liveSessions.$inferSelect)[Exclude<K, "expired">] };

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
  return actor.role === "admin" || (actor.role === "trainer" && session.trainerId === actor.id);
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
async function change<T>(
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

async function notify(executor: Tx | Database, sessionId: string, version: number) {
  // Inside a transaction, PostgreSQL delivers the notification on commit (never on rollback).
  await executor.execute(sql`select pg_notify(${LIVE_CHANNEL}, ${`${sessionId}:${version}`})`);
}

function requireDriver(session: SessionCore, actor: LiveActor) {
  if (!canDrive(session, actor)) throw new Refused(403, MESSAGES.notDriver);
}

async function requireParticipant(tx: Tx, session: SessionCore, userId: string) {
  const [row] = await tx
    .select({ userId: liveParticipants.userId })
    .from(liveParticipants)
    .where(and(eq(liveParticipants.sessionId, session.id), eq(liveParticipants.userId, userId)));
  if (!row) throw new Refused(403, MESSAGES.notParticipant);
}

function currentStep(session: SessionCore, module: CompiledModule) {
  return module.manifest.steps[session.stepIndex] ?? module.manifest.steps[0]!;
}

/** The activity if it is on the current step and of one of `kinds`; otherwise a 400. */
function activityOnStep<K extends "quiz" | "poll" | "scenario" | "roleplay">(session: SessionCore, module: CompiledModule, activityId: string, kinds: K[]) {
  const step = currentStep(session, module);
  const activity = module.manifest.activities[activityId];
  if (!activity || !step.activityIds.includes(activityId)) {
    throw new Refused(400, "That activity isn't on the current step: the trainer may have moved on. Your screen will catch up in a moment.");
  }
  if (!(kinds as string[]).includes(activity.kind)) throw new Refused(400, `“${activityId}” can't be used like that here.`);
  return activity as Extract<CompiledModule["manifest"]["activities"][string], { kind: K }>;
}

// ---------------------------------------------------------------- starting and joining

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
    modules: listModules({ includeDrafts: canPreviewDrafts(actor.role) }).map((m) => ({ slug: m.slug, title: m.frontmatter.title, draft: m.frontmatter.draft })),
    groups: groupRows.map((g) => ({ id: g.id, name: g.name })),
  };
}

export async function createLiveSession(actor: LiveActor, input: CreateSessionInput): Promise<LiveResult<{ id: string; code: string }>> {
  if (actor.role !== "trainer" && actor.role !== "admin") return refuse(403, "Only trainers and admins can start a live session.");
  const module = visibleModule(input.moduleSlug, actor.role);
  if (!module) return refuse(404, `There is no module “${input.moduleSlug}”.`);
  if (input.groupId) {
    const [group] = await db().select({ id: groups.id }).from(groups).where(eq(groups.id, input.groupId));
    if (!group) return refuse(400, "That group no longer exists. Choose another.");
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

/**
 * Look a code up for someone about to join (the join page, anonymous or not). Wrong codes
 * count towards the per-address limit, so codes cannot be guessed by trying them all.
 */
export async function checkJoinCode(codeInput: string, ip: string): Promise<LiveResult<LiveSessionSummary>> {
  if (await isJoinThrottled("fail", ip)) return refuse(429, joinThrottledMessage("fail"));
  const session = await findLiveSession(codeInput);
  const problem = joinProblem(session);
  if (problem || !session) {
    await recordJoinAttempt("fail", ip);
    return refuse(problem!.status, problem!.message);
  }
  return { ok: true, value: session };
}

export type JoinOutcome = { as: "participant" | "presenter"; code: string };

/**
 * Join with a code, for a signed-in person. Rejoining is harmless (it only refreshes
 * presence). The session's own trainer is sent to the presenter view instead.
 */
export async function joinWithCode(codeInput: string, actor: LiveActor, ip: string): Promise<LiveResult<JoinOutcome>> {
  if (await isJoinThrottled("fail", ip)) return refuse(429, joinThrottledMessage("fail"));
  const session = await findLiveSession(codeInput);
  const problem = joinProblem(session);
  if (problem || !session) {
    await recordJoinAttempt("fail", ip);
    return refuse(problem!.status, problem!.message);
  }
  if (canDrive(session, actor) && session.trainerId === actor.id) return { ok: true, value: { as: "presenter", code: session.code } };
  const [existing] = await db()
    .update(liveParticipants)
    .set({ lastSeenAt: sql`now()` })
    .where(and(eq(liveParticipants.sessionId, session.id), eq(liveParticipants.userId, actor.id)))
    .returning({ userId: liveParticipants.userId });
  if (existing) return { ok: true, value: { as: "participant", code: session.code } };
  const joined = await change(session.code, async (tx, s) => {
    await tx.insert(liveParticipants).values({ sessionId: s.id, userId: actor.id }).onConflictDoNothing();
    return { value: {} };
  });
  if (!joined.ok) return joined;
  return { ok: true, value: { as: "participant", code: session.code } };
}

export const newcomerSchema = z.object({
  name: z.string({ error: "Enter your name." }).trim().min(1, "Enter your name.").max(100, "Names are at most 100 characters."),
  email: z
    .string({ error: "Enter your email address." })
    .trim()
    .toLowerCase()
    .min(1, "Enter your email address.")
    .max(254, "Email addresses are at most 254 characters.")
    .pipe(z.email("That doesn't look like an email address (it needs an @ and a domain).")),
});
export type NewcomerInput = z.infer<typeof newcomerSchema>;

export type NewcomerResult =
  | { ok: true; value: { cookie: string; userId: string; code: string } }
  | { ok: false; status: LiveStatus; message: string; field?: "email" };

/**
 * Someone in the room without an account: make an activist account in the session's
 * group and join them, in one transaction. An email that already has an account is
 * refused (sign in instead); nothing is overwritten.
 */
export async function joinAsNewcomer(codeInput: string, input: NewcomerInput, ip: string, userAgent: string): Promise<NewcomerResult> {
  if (await isJoinThrottled("fail", ip)) return refuse(429, joinThrottledMessage("fail"));
  if (await isJoinThrottled("new", ip)) return refuse(429, joinThrottledMessage("new"));
  const session = await findLiveSession(codeInput);
  const problem = joinProblem(session);
  if (problem || !session) {
    await recordJoinAttempt("fail", ip);
    return refuse(problem!.status, problem!.message);
  }
  const [taken] = await db().select({ id: users.id }).from(users).where(eq(users.email, input.email));
  if (taken) return { ok: false, status: 409, field: "email", message: `${duplicateEmailMessage} Then come back to this code.` };
  // Nobody knows this password; they choose their own from their screen afterwards.
  const passwordHash = await hashPassword(randomToken());
  const userId = newId();
  const joined = await change(session.code, async (tx, s) => {
    const [user] = await tx
      .insert(users)
      .values({ id: userId, email: input.email, name: input.name, passwordHash, role: "activist" })
      .onConflictDoNothing({ target: users.email })
      .returning({ id: users.id });
    if (!user) throw new Refused(409, `${duplicateEmailMessage} Then come back to this code.`);
    if (s.groupId) await tx.insert(memberships).values({ userId, groupId: s.groupId }).onConflictDoNothing();
    await tx.insert(liveNewcomers).values({ userId, sessionId: s.id });
    await tx.insert(liveParticipants).values({ sessionId: s.id, userId, newcomer: true });
    return { value: {} };
  });
  if (!joined.ok) return joined.status === 409 ? { ...joined, field: "email" } : joined;
  await recordJoinAttempt("new", ip);
  return { ok: true, value: { cookie: await startSession(userId, userAgent), userId, code: session.code } };
}

/** Whether this account was made at the door and still has no password of its own. */
export async function needsPassword(userId: string): Promise<boolean> {
  const [row] = await db()
    .select({ userId: liveNewcomers.userId })
    .from(liveNewcomers)
    .where(and(eq(liveNewcomers.userId, userId), sql`${liveNewcomers.passwordSetAt} is null`));
  return Boolean(row);
}

/** A newcomer chooses their password, once, from their own signed-in screen. */
export async function setNewcomerPassword(userId: string, password: string): Promise<LiveResult<null>> {
  const passwordHash = await hashPassword(password);
  const done = await db().transaction(async (tx) => {
    const [row] = await tx
      .update(liveNewcomers)
      .set({ passwordSetAt: sql`now()` })
      .where(and(eq(liveNewcomers.userId, userId), sql`${liveNewcomers.passwordSetAt} is null`))
      .returning({ userId: liveNewcomers.userId });
    if (!row) return false;
    await tx.update(users).set({ passwordHash }).where(eq(users.id, userId));
    return true;
  });
  return done ? { ok: true, value: null } : refuse(409, "Your password is already set. To change it, ask an admin.");
}

// ---------------------------------------------------------------- the trainer drives

export async function setStep(code: string, actor: LiveActor, index: number) {
  return change(code, async (_tx, s, module) => {
    requireDriver(s, actor);
    const count = module.manifest.steps.length;
    if (!Number.isInteger(index) || index < 0 || index >= count) throw new Refused(400, `This module has steps 1 to ${count}.`);
    return {
      value: { stepIndex: index },
      patch: {
        stepIndex: index,
        firstAdvancedAt: index > 0 ? sql`coalesce(${liveSessions.firstAdvancedAt}, now())` : undefined,
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
          gt(liveParticipants.lastSeenAt, sql`now() - make_interval(secs => ${CONNECTED_WINDOW_SECONDS})`),
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

// ---------------------------------------------------------------- scenarios the room plays together

function roomOf(session: SessionCore, scenario: ScenarioActivity): LiveScenarioRoom {
  return session.scenarios[scenario.id] ?? { run: 1, currentNode: scenario.start, path: [], endingId: null };
}

export const voteSlot = (room: LiveScenarioRoom, turn = room.path.length) => `r${room.run}t${turn}`;

/** A participant's vote on the canvasser's next reply; a new vote replaces their earlier one. */
export async function vote(code: string, userId: string, activityId: string, turn: number, choice: number) {
  return answer(code, userId, { readState: true }, (module, s) => {
    const scenario = activityOnStep(s!, module, activityId, ["scenario"]);
    const room = roomOf(s!, scenario);
    if (room.endingId) throw new Refused(409, "This conversation has reached its ending.");
    if (turn !== room.path.length) throw new Refused(409, "The conversation has moved on: vote on the new reply.");
    const move = checkMove(scenario, room.currentNode, choice);
    if (!move.ok) throw new Refused(400, move.message);
    return { activityId, slot: voteSlot(room), answer: { kind: "vote", choice }, stepIndex: s!.stepIndex, room: { run: room.run, turn } };
  });
}

/** The trainer takes the room's reply (usually the most voted): the resident reacts. */
export async function advanceScenario(code: string, actor: LiveActor, activityId: string, turn: number, choice: number) {
  return change(code, async (tx, s, module) => {
    requireDriver(s, actor);
    const scenario = activityOnStep(s, module, activityId, ["scenario"]);
    const room = roomOf(s, scenario);
    const taken = room.path[turn];
    // A double click on the same reply is not a second move.
    if (taken && taken.choice === choice) return { value: { endingId: room.endingId } };
    if (turn !== room.path.length || room.endingId) throw new Refused(409, "The conversation has already moved on.");
    const move = checkMove(scenario, room.currentNode, choice);
    if (!move.ok) throw new Refused(400, move.message);
    const tally = await tx
      .select({ choice: sql<string>`${liveResponses.answer}->>'choice'`, n: sql<number>`count(*)::int` })
      .from(liveResponses)
      .where(and(eq(liveResponses.sessionId, s.id), eq(liveResponses.activityId, activityId), eq(liveResponses.slot, voteSlot(room))))
      .groupBy(sql`1`);
    const votes = Object.fromEntries(tally.map((t) => [t.choice, Number(t.n)]));
    const next: LiveScenarioRoom = {
      ...room,
      path: [...room.path, { node: room.currentNode, choice, votes }],
      currentNode: move.next.id,
      endingId: move.next.kind === "ending" ? move.next.id : null,
    };
    return { value: { endingId: next.endingId }, patch: { scenarios: { ...s.scenarios, [activityId]: next } } };
  });
}

/** Play the scenario again from the start (earlier runs' path and votes stay stored). */
export async function restartScenario(code: string, actor: LiveActor, activityId: string) {
  return change(code, async (_tx, s, module) => {
    requireDriver(s, actor);
    const scenario = activityOnStep(s, module, activityId, ["scenario"]);
    const room = roomOf(s, scenario);
    const next: LiveScenarioRoom = { run: room.run + 1, currentNode: scenario.start, path: [], endingId: null };
    return { value: {}, patch: { scenarios: { ...s.scenarios, [activityId]: next } } };
  });
}

// ---------------------------------------------------------------- participants answer

export interface ResponseInput {
  activityId: string;
  optionId?: string;
  answers?: Record<string, string[]>;
}

/**
 * A participant answers the current step's quiz or poll. One response per participant
 * per activity: answering again replaces it. A quiz closes once its answer is revealed.
 */
export async function respond(code: string, userId: string, input: ResponseInput) {
  // Planned from the module alone: the statement that stores the answer checks the step.
  return answer(code, userId, { readState: false }, (module) => {
    const activity = module.manifest.activities[input.activityId];
    const stepIndex = activity ? module.manifest.steps.findIndex((step) => step.id === activity.stepId) : -1;
    if (!activity || stepIndex < 0 || (activity.kind !== "quiz" && activity.kind !== "poll")) throw new Refused(400, NOT_ON_STEP);
    if (activity.kind === "poll") {
      if (!input.optionId || !activity.options.some((o) => o.id === input.optionId)) {
        throw new Refused(400, "Pick one of the poll's options.");
      }
      return { activityId: activity.id, slot: "", answer: { kind: "poll", optionId: input.optionId }, stepIndex };
    }
    const answers = input.answers ?? {};
    const check = scoreQuiz(activity, answers);
    if (!check.ok) throw new Refused(400, check.message);
    const unique = Object.fromEntries(Object.entries(answers).map(([q, ids]) => [q, [...new Set(ids)]]));
    return { activityId: activity.id, slot: "", answer: { kind: "quiz", answers: unique }, stepIndex, closedIfRevealed: true };
  });
}

interface AnswerPlan {
  activityId: string;
  slot: string;
  answer: LiveAnswer;
  /** The step the session must be on for the answer to count. */
  stepIndex: number;
  /** A quiz: refused once its answers are revealed. */
  closedIfRevealed?: boolean;
  /** A scenario vote: the room must still be on this run and turn. */
  room?: { run: number; turn: number };
}

// Which session a code names and its module never change: kept per instance, so a burst of
// answers costs no extra read.
const sessionFacts = new Map<string, { id: string; moduleSlug: string }>();

async function factsOf(code: string) {
  const known = sessionFacts.get(code);
  if (known) return known;
  const [row] = await db().select({ id: liveSessions.id, moduleSlug: liveSessions.moduleSlug }).from(liveSessions).where(eq(liveSessions.code, code));
  if (!row) return null;
  if (sessionFacts.size > 10_000) sessionFacts.clear();
  sessionFacts.set(code, row);
  return row;
}

const NOT_ON_STEP = "That activity isn't on the current step: the trainer may have moved on. Your screen will catch up in a moment.";

/**
 * Answers (quiz, poll, scenario votes) come in bursts: a whole room within seconds. So,
 * unlike the trainer's commands, they take no lock on the session row and send no NOTIFY
 * in their own transaction (PostgreSQL serialises the commits of notifying
 * transactions, fsync included). One INSERT … SELECT stores the answer only if, at that
 * moment, the person is a participant and the session is open, unexpired and on the
 * planned step (a quiz: not yet revealed; a vote: still the same run and turn). Only
 * when nothing was stored is the session read, to say why. Then this instance announces
 * "answers changed" at most every ANNOUNCE_MS (docs/decisions/004).
 */
async function answer(
  codeInput: string,
  userId: string,
  options: { readState: boolean },
  plan: (module: CompiledModule, session: SessionCore | null) => AnswerPlan,
): Promise<LiveResult<Record<string, never>>> {
  const code = normaliseJoinCode(codeInput);
  if (!code) return refuse(404, MESSAGES.unknownCode);
  const facts = await factsOf(code);
  if (!facts) return refuse(404, MESSAGES.unknownCode);
  const module = getModule(facts.moduleSlug);
  if (!module) return refuse(410, MESSAGES.moduleGone);
  let session: SessionCore | null = null;
  if (options.readState) {
    const [row] = await db().select(core).from(liveSessions).where(eq(liveSessions.id, facts.id));
    if (!row) return refuse(404, MESSAGES.unknownCode);
    if (row.status !== "open") return refuse(410, MESSAGES.ended);
    if (row.expired) return refuse(410, MESSAGES.expired);
    session = row as SessionCore;
  }
  let target: AnswerPlan;
  try {
    target = plan(module, session);
  } catch (error) {
    if (error instanceof Refused) return refuse(error.status, error.message);
    throw error;
  }
  const revealedCheck = target.closedIfRevealed ? sql`and not (s.revealed @> jsonb_build_array(${target.activityId}::text))` : sql``;
  const roomCheck = target.room
    ? sql`and coalesce((s.scenarios -> ${target.activityId}::text ->> 'run')::int, 1) = ${target.room.run}
          and coalesce(jsonb_array_length(s.scenarios -> ${target.activityId}::text -> 'path'), 0) = ${target.room.turn}`
    : sql``;
  const stored = await db().execute(sql`
    insert into ${liveResponses} (session_id, activity_id, slot, user_id, answer)
    select p.session_id, ${target.activityId}, ${target.slot}, p.user_id, ${JSON.stringify(target.answer)}::jsonb
      from ${liveParticipants} p
      join ${liveSessions} s on s.id = p.session_id
     where p.session_id = ${facts.id} and p.user_id = ${userId}
       and s.status = 'open' and s.step_index = ${target.stepIndex}
       and s.created_at > now() - make_interval(hours => ${SESSION_LIFETIME_HOURS})
       ${revealedCheck} ${roomCheck}
    on conflict (session_id, activity_id, slot, user_id) do update set answer = excluded.answer, answered_at = now()
    returning 1 as stored`);
  if (rowsOf(stored).length === 0) return whyNotStored(facts.id, userId, target);
  announceAnswers(facts.id);
  return { ok: true, value: {} };
}

async function whyNotStored(sessionId: string, userId: string, target: AnswerPlan): Promise<LiveResult<Record<string, never>>> {
  const [s] = await db().select(core).from(liveSessions).where(eq(liveSessions.id, sessionId));
  if (!s) return refuse(404, MESSAGES.unknownCode);
  if (s.status !== "open") return refuse(410, MESSAGES.ended);
  if (s.expired) return refuse(410, MESSAGES.expired);
  if (!(await isParticipant(s.id, userId))) return refuse(403, MESSAGES.notParticipant);
  if (s.stepIndex !== target.stepIndex) return refuse(target.room ? 409 : 400, NOT_ON_STEP);
  if (target.closedIfRevealed && s.revealed.includes(target.activityId)) return refuse(409, "The trainer has revealed the answers, so this quiz is closed.");
  return refuse(409, "The conversation has moved on: vote on the new reply.");
}

/** At most one "answers changed" per session per this many ms from each instance. */
export const ANNOUNCE_MS = 100;
const announcing = new Map<string, { last: number; timer: NodeJS.Timeout | null }>();

/**
 * Bump the version and NOTIFY for answers just stored: at once if the last announcement is
 * ANNOUNCE_MS old, otherwise once at the end of that window (so the last answer always is).
 */
export function announceAnswers(sessionId: string) {
  let entry = announcing.get(sessionId);
  if (!entry) announcing.set(sessionId, (entry = { last: 0, timer: null }));
  if (entry.timer) return;
  const slot = entry;
  const fire = () => {
    slot.timer = null;
    slot.last = Date.now();
    bumpOpenSession(sessionId).catch(() => {
      // The session ended or the database closed meanwhile: nothing to announce.
    });
  };
  const wait = slot.last + ANNOUNCE_MS - Date.now();
  if (wait <= 0) fire();
  else slot.timer = setTimeout(fire, wait);
  if (announcing.size > 1000) {
    for (const [id, e] of announcing) if (!e.timer && Date.now() - e.last > 60_000) announcing.delete(id);
  }
}

async function bumpOpenSession(sessionId: string) {
  await db().transaction(async (tx) => {
    const [row] = await tx
      .update(liveSessions)
      .set({ version: sql`${liveSessions.version} + 1` })
      .where(and(eq(liveSessions.id, sessionId), eq(liveSessions.status, "open")))
      .returning({ version: liveSessions.version });
    if (row) await notify(tx, sessionId, row.version);
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

// ---------------------------------------------------------------- ending: attendance and completion

/**
 * End the session: decide attendance once (docs/live.md: present from the start and at
 * the end, or marked present by the trainer) and record a live completion for everyone
 * who attended. ON CONFLICT DO NOTHING keeps an earlier (self-paced) completion as it is.
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
              and p.last_seen_at >= now() - make_interval(secs => ${END_PRESENCE_SECONDS})
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

function rowsOf(result: unknown): unknown[] {
  // postgres.js returns an array; PGlite returns { rows }.
  if (Array.isArray(result)) return result;
  return (result as { rows?: unknown[] }).rows ?? [];
}

// ---------------------------------------------------------------- presence

/**
 * A participant's screen checked in (event stream connect or heartbeat, or a page load).
 * Returns the ids that were not "connected now" before, so a caller can announce them.
 */
export async function touchPresence(sessionId: string, userIds: string[]): Promise<string[]> {
  if (userIds.length === 0) return [];
  const rows = await db().execute(sql`
    with before as (
      select user_id, last_seen_at from ${liveParticipants}
       where session_id = ${sessionId} and user_id in (${sql.join(userIds.map((id) => sql`${id}`), sql`, `)})
    )
    update ${liveParticipants} p set last_seen_at = now()
      from before b
     where p.session_id = ${sessionId} and p.user_id = b.user_id
    returning p.user_id as "userId", (b.last_seen_at < now() - make_interval(secs => ${CONNECTED_WINDOW_SECONDS})) as "wasAway"`);
  return (rowsOf(rows) as { userId: string; wasAway: boolean }[]).filter((r) => r.wasAway).map((r) => r.userId);
}

/** Tell every instance to re-read this session without changing it (e.g. someone came back). */
export async function announce(sessionId: string): Promise<void> {
  const [row] = await db().select({ version: liveSessions.version }).from(liveSessions).where(eq(liveSessions.id, sessionId));
  if (row) await notify(db(), sessionId, row.version);
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
    .where(actor.role === "admin" ? undefined : eq(liveSessions.trainerId, actor.id))
    .orderBy(desc(liveSessions.createdAt))
    .limit(limit);
  return rows.map((r) => ({ ...r, participants: Number(r.participants), attended: Number(r.attended) }));
}

/** Open sessions someone has joined, so /join can offer "back to your session". */
export async function openSessionsOf(userId: string): Promise<{ code: string; moduleTitle: string }[]> {
  const rows = await db()
    .select({ code: liveSessions.code, moduleSlug: liveSessions.moduleSlug })
    .from(liveParticipants)
    .innerJoin(liveSessions, eq(liveSessions.id, liveParticipants.sessionId))
    .where(
      and(
        eq(liveParticipants.userId, userId),
        eq(liveSessions.status, "open"),
        sql`${liveSessions.createdAt} > now() - make_interval(hours => ${SESSION_LIFETIME_HOURS})`,
      ),
    )
    .orderBy(desc(liveSessions.createdAt))
    .limit(5);
  return rows.map((r) => ({ code: r.code, moduleTitle: getModule(r.moduleSlug)?.frontmatter.title ?? r.moduleSlug }));
}

