import { sql } from "drizzle-orm";
import { db, rowsOf } from "../../db/client.server";
import { liveParticipants, liveResponses, liveSessions, type LiveAnswer } from "../../db/schema";
import { SESSION_LIFETIME_HOURS } from "./state";

// Group commit for participants' answers (docs/decisions/025). A room of thousands answers
// a poll within seconds; one INSERT and one commit (an fsync) per answer made PostgreSQL's
// commits the queue everyone waited in. Here at most one statement is in flight per
// process: the first answer after a quiet spell goes out alone at once (no added delay in
// a small room), and every answer that arrives while a statement commits rides in the
// next one, a multi-row INSERT … SELECT … ON CONFLICT. Each request resolves when its own
// batch has committed, with whether its row was stored: the same per-row conditions as a
// lone answer (a participant, the session open, unexpired, on the planned step, a quiz
// not revealed, a vote's turn current), the same primary key making a resubmit replace.

export interface AnswerRow {
  sessionId: string;
  userId: string;
  activityId: string;
  slot: string;
  answer: LiveAnswer;
  stepIndex: number;
  closedIfRevealed: boolean;
  room: { run: number; turn: number } | null;
}

interface Pending {
  row: AnswerRow;
  key: string;
  resolve(stored: boolean): void;
  reject(error: unknown): void;
}

/** Rows per statement: bounds one statement's time, so the batch after it does not wait long. */
export const MAX_BATCH = 500;

let queue: Pending[] = [];
let draining = false;
/** For tests and diagnosis: statements run and rows they carried. */
export const answerBatchStats = { statements: 0, rows: 0, largest: 0 };

const keyOf = (r: { sessionId: string; activityId: string; slot: string; userId: string }) => `${r.sessionId}\u0001${r.activityId}\u0001${r.slot}\u0001${r.userId}`;

/** Store one answer with whichever batch takes it; true once committed, false if its conditions failed. */
export function storeAnswer(row: AnswerRow): Promise<boolean> {
  return new Promise((resolve, reject) => {
    queue.push({ row, key: keyOf(row), resolve, reject });
    if (!draining) void drain();
  });
}

async function drain() {
  draining = true;
  try {
    while (queue.length) {
      // One row per key per statement: ON CONFLICT DO UPDATE may not touch a row twice in
      // one command, and a person's second answer must land after their first (it wins),
      // so a repeat waits for the next statement.
      const batch: Pending[] = [];
      const keys = new Set<string>();
      const later: Pending[] = [];
      for (const pending of queue) {
        if (batch.length < MAX_BATCH && !keys.has(pending.key)) {
          keys.add(pending.key);
          batch.push(pending);
        } else later.push(pending);
      }
      queue = later;
      await commit(batch);
    }
  } finally {
    draining = false;
  }
}

async function commit(batch: Pending[]) {
  let stored: Set<string>;
  try {
    stored = await insertRows(batch.map((p) => p.row));
  } catch (error) {
    // One row the database refuses must not fail its neighbours: retry each alone, so
    // every request gets its own outcome (and a database outage still fails them all).
    if (batch.length === 1) batch[0]!.reject(error);
    else for (const pending of batch) await commit([pending]);
    return;
  }
  for (const pending of batch) pending.resolve(stored.has(pending.key));
}

async function insertRows(rows: AnswerRow[]): Promise<Set<string>> {
  answerBatchStats.statements++;
  answerBatchStats.rows += rows.length;
  answerBatchStats.largest = Math.max(answerBatchStats.largest, rows.length);
  const input = JSON.stringify(
    rows.map((r) => ({
      session_id: r.sessionId,
      user_id: r.userId,
      activity_id: r.activityId,
      slot: r.slot,
      answer: r.answer,
      step_index: r.stepIndex,
      closed_if_revealed: r.closedIfRevealed,
      room_run: r.room?.run ?? null,
      room_turn: r.room?.turn ?? null,
    })),
  );
  // Ordered by key so that two instances' batches take the rows' locks in one order.
  const result = await db().execute(sql`
    insert into ${liveResponses} (session_id, activity_id, slot, user_id, answer)
    select v.session_id, v.activity_id, v.slot, v.user_id, v.answer
      from jsonb_to_recordset(${input}::jsonb) as v(session_id uuid, user_id text, activity_id text, slot text, answer jsonb,
             step_index int, closed_if_revealed boolean, room_run int, room_turn int)
      join ${liveParticipants} p on p.session_id = v.session_id and p.user_id = v.user_id
      join ${liveSessions} s on s.id = v.session_id
     where s.status = 'open' and s.step_index = v.step_index
       and s.created_at > now() - make_interval(hours => ${SESSION_LIFETIME_HOURS})
       and (not v.closed_if_revealed or not (s.revealed @> jsonb_build_array(v.activity_id)))
       and (v.room_run is null
            or (coalesce((s.scenarios -> v.activity_id ->> 'run')::int, 1) = v.room_run
                and coalesce(jsonb_array_length(s.scenarios -> v.activity_id -> 'path'), 0) = v.room_turn))
     order by v.session_id, v.activity_id, v.slot, v.user_id
    on conflict (session_id, activity_id, slot, user_id) do update set answer = excluded.answer, answered_at = now()
    returning session_id, activity_id, slot, user_id`);
  return new Set(
    rowsOf<{ session_id: string; activity_id: string; slot: string; user_id: string }>(result).map((r) =>
      keyOf({ sessionId: r.session_id, activityId: r.activity_id, slot: r.slot, userId: r.user_id }),
    ),
  );
}
