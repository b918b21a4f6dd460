import { and, eq, sql } from "drizzle-orm";
import { liveResponses, type LiveScenarioRoom, type LiveScenarioTurn } from "../../db/schema";
import type { ScenarioActivity } from "../content/manifest";
import { checkMove } from "../activities/scenario/moves";
import { activityOnStep, change, Refused, requireDriver, type LiveActor, type SessionCore } from "./core.server";

// A scenario the room plays together: the trainer takes a reply (usually the most voted)
// and everyone sees the resident react; "play again" starts a new run. Votes themselves
// are answers (answers.server.ts).

export function roomOf(session: SessionCore, scenario: ScenarioActivity): LiveScenarioRoom {
  return session.scenarios[scenario.id] ?? { run: 1, currentNode: scenario.start, path: [], endingId: null };
}

export const voteSlot = (room: LiveScenarioRoom, turn = room.path.length) => `r${room.run}t${turn}`;

/** A finished or abandoned run of the room's scenario, kept when the trainer plays it again. */
export interface LiveScenarioRun {
  run: number;
  path: LiveScenarioTurn[];
  endingId: string | null;
}

/**
 * The room as stored in `live_sessions.scenarios`: the current run, plus the earlier runs'
 * paths (for the session report). Only the current run is ever sent to screens.
 */
export type StoredScenarioRoom = LiveScenarioRoom & { earlierRuns?: LiveScenarioRun[] };

/** Every run of a room, oldest first (the current one last, if it has begun). */
export function runsOf(room: StoredScenarioRoom): LiveScenarioRun[] {
  const current = room.path.length > 0 || !room.earlierRuns?.length ? [{ run: room.run, path: room.path, endingId: room.endingId }] : [];
  return [...(room.earlierRuns ?? []), ...current];
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
    if (!move.ok) throw new Refused(move.status, move.message);
    const tally = await tx
      .select({ choice: sql<string>`${liveResponses.answer}->>'choice'`, n: sql<number>`count(*)::int` })
      .from(liveResponses)
      .where(and(eq(liveResponses.sessionId, s.id), eq(liveResponses.activityId, activityId), eq(liveResponses.slot, voteSlot(room))))
      .groupBy(sql`1`);
    const votes = Object.fromEntries(tally.map((t) => [t.choice, Number(t.n)]));
    const next: StoredScenarioRoom = {
      ...room,
      path: [...room.path, { node: room.currentNode, choice, votes }],
      currentNode: move.value.id,
      endingId: move.value.kind === "ending" ? move.value.id : null,
    };
    return { value: { endingId: next.endingId }, patch: { scenarios: { ...s.scenarios, [activityId]: next } } };
  });
}

/** Play the scenario again from the start (earlier runs' path and votes stay stored). */
export async function restartScenario(code: string, actor: LiveActor, activityId: string) {
  return change(code, async (_tx, s, module) => {
    requireDriver(s, actor);
    const scenario = activityOnStep(s, module, activityId, ["scenario"]);
    const room: StoredScenarioRoom = roomOf(s, scenario);
    // The run being left keeps its path (its votes are in live_responses, slot r<run>t<turn>).
    const earlierRuns = room.path.length ? [...(room.earlierRuns ?? []), { run: room.run, path: room.path, endingId: room.endingId }] : room.earlierRuns;
    const next: StoredScenarioRoom = { run: room.run + 1, currentNode: scenario.start, path: [], endingId: null, ...(earlierRuns ? { earlierRuns } : {}) };
    return { value: {}, patch: { scenarios: { ...s.scenarios, [activityId]: next } } };
  });
}
