import { and, eq, sql } from "drizzle-orm";
import { db } from "../../db/client.server";
import { liveSessions, type LiveAnswer } from "../../db/schema";
import { getModule } from "../content/catalog.server";
import type { CompiledModule } from "../content/manifest";
import { scoreQuiz } from "../activities/quiz/scoring";
import { checkMove } from "../activities/scenario/moves";
import type { RecordEntry } from "../activities/record/manifest";
import { checkRecord } from "../activities/record/scoring";
import {
  activityOnStep,
  core,
  isParticipant,
  MESSAGES,
  NOT_ON_STEP,
  notify,
  Refused,
  type LiveResult,
  type SessionCore,
} from "./core.server";
import { refuse } from "../lib/result";
import { normaliseJoinCode } from "./join-code";
import { roomOf, voteSlot } from "./scenario.server";
import { storeAnswer } from "./answer-batch.server";

// Participants answer: quizzes, polls and scenario votes. A burst path of its own (no
// lock, no NOTIFY per answer; docs/decisions/004).

/** A participant's vote on the canvasser's next reply; a new vote replaces their earlier one. */
export async function vote(code: string, userId: string, activityId: string, turn: number, choice: number) {
  return answer(code, userId, { readState: true }, (module, s) => {
    const scenario = activityOnStep(s!, module, activityId, ["scenario"]);
    const room = roomOf(s!, scenario);
    if (room.endingId) throw new Refused(409, "This conversation has reached its ending.");
    if (turn !== room.path.length) throw new Refused(409, "The conversation has moved on: vote on the new reply.");
    const move = checkMove(scenario, room.currentNode, choice);
    if (!move.ok) throw new Refused(move.status, move.message);
    return { activityId, slot: voteSlot(room), answer: { kind: "vote", choice }, stepIndex: s!.stepIndex, room: { run: room.run, turn } };
  });
}

/**
 * A participant's record of the conversation the room just played: compared with what the
 * resident said as the room's run of that scenario ended (none yet: what holds however it
 * went). A new record replaces their earlier one.
 */
export async function recordConversation(code: string, userId: string, activityId: string, entry: RecordEntry) {
  return answer(code, userId, { readState: true }, (module, s) => {
    const record = activityOnStep(s!, module, activityId, ["record"]);
    const check = checkRecord(record, entry, s!.scenarios[record.scenarioId]?.endingId ?? null);
    if (!check.ok) throw new Refused(check.status, check.message);
    const { results, endingId } = check.value;
    return { activityId, slot: "", answer: { kind: "record", entry, results, endingId }, stepIndex: s!.stepIndex };
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
    if (!check.ok) throw new Refused(check.status, check.message);
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


/**
 * Answers (quiz, poll, scenario votes) come in bursts: a whole room within seconds. So,
 * unlike the trainer's commands, they take no lock on the session row and send no NOTIFY
 * in their own transaction (PostgreSQL serialises the commits of notifying
 * transactions, fsync included). The answer joins the next group commit
 * (answer-batch.server.ts, docs/decisions/025): one INSERT … SELECT for every answer
 * waiting, storing each only if, at that moment, the person is a participant and the
 * session is open, unexpired and on the planned step (a quiz: not yet revealed; a vote:
 * still the same run and turn). Only
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
  const stored = await storeAnswer({
    sessionId: facts.id,
    userId,
    activityId: target.activityId,
    slot: target.slot,
    answer: target.answer,
    stepIndex: target.stepIndex,
    closedIfRevealed: Boolean(target.closedIfRevealed),
    room: target.room ?? null,
  });
  if (!stored) return whyNotStored(facts.id, userId, target);
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
    if (row) await notify(tx, sessionId, row.version, "answers");
  });
}
