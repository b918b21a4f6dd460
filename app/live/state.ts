// Client-safe shape of what a live screen needs. The server builds it (state.server.ts),
// the loader sends it for the first paint and the event stream sends it on every change.
import type { LiveAnswer, LiveRole, LiveScenarioTurn } from "../../db/schema";
import type { TimingAccommodation } from "../auth/timing";

export type { LiveAnswer, LiveRole, LiveScenarioTurn };

/** A code stops admitting people this long after the session was started. */
export const SESSION_LIFETIME_HOURS = 12;
/** "From the start": joined before the trainer first left step 1, or within this many minutes. */
export const LATE_JOIN_GRACE_MINUTES = 10;
export const TIMER_MAX_SECONDS = 3600;

export type LiveTally =
  | { kind: "poll"; total: number; counts: Record<string, number> }
  | { kind: "quiz"; total: number; questions: Record<string, Record<string, number>> }
  /** Records of a conversation: per field, how many chose each code; compared against the room's ending. */
  | { kind: "record"; total: number; fields: Record<string, Record<string, number>>; endingId: string | null };

export interface LiveScenarioView {
  run: number;
  currentNode: string;
  path: LiveScenarioTurn[];
  endingId: string | null;
  /** The turn now being voted on (= path length). */
  turn: number;
  /** People who have voted on this turn. */
  voters: number;
  /** Votes per choice index on this turn: presenter only. */
  votes: Record<string, number> | null;
}

/** The same for everyone on one side of the room. */
export interface LiveShared {
  sessionId: string;
  code: string;
  version: number;
  status: "open" | "ended";
  module: { slug: string; title: string };
  steps: { id: string; title: string }[];
  stepIndex: number;
  revealed: string[];
  timer: { endsAt: string; seconds: number } | null;
  /** Server clock when this was built, so screens can correct their own for the timer. */
  serverNow: string;
  /** Quiz and poll tallies of the current step (participants: revealed ones only). */
  tallies: Record<string, LiveTally>;
  /** How many have answered each quiz and poll of the current step (everyone sees these). */
  answered: Record<string, number>;
  scenarios: Record<string, LiveScenarioView>;
  pairing: { activityId: string; round: number; trios: boolean } | null;
  trainerName: string;
  groupName: string | null;
  participantCount: number;
  connectedCount: number;
  endedAt: string | null;
}

/** One participant's own part: never anyone else's card or checklist. */
export interface LiveMe {
  userId: string;
  name: string;
  responses: Record<string, LiveAnswer>;
  /** Scenario activity id → the choice I voted for on the current turn. */
  votes: Record<string, number>;
  role: {
    activityId: string;
    round: number;
    role: LiveRole;
    partners: { name: string; role: LiveRole }[];
  } | null;
  /** Set when I am the observer this round. */
  rubric: { activityId: string; round: number; canvasserName: string; items: string[] } | null;
  attended: boolean | null;
  /** Joined at the door with the code and has not chosen a password yet. */
  needsPassword: boolean;
  /** My timing accommodation: my screen's countdown runs ×2, ×3 or not at all. */
  timing: TimingAccommodation;
}

export interface LivePresenterParticipant {
  userId: string;
  name: string;
  connected: boolean;
  joinedAt: string;
  mark: "present" | "absent" | null;
  attended: boolean | null;
  newcomer: boolean;
}

export interface LivePresenter {
  participants: LivePresenterParticipant[];
  groups: { userId: string; name: string; role: LiveRole; connected: boolean }[][] | null;
  /** Observer checklists of the current pairing round, one per canvasser observed. */
  rubric: { canvasserName: string; observerName: string; items: string[] }[];
  /** Decided when the session ends (0 before). */
  attendedCount: number;
  /** Participants whose timers run longer or not at all (how many, never who). */
  accommodationCount: number;
  /** Ended: live completions this session recorded; null while open. */
  completionsRecorded: number | null;
  /** When the session and its current step started (and ended): elapsed against planned (issue 15). */
  timing: { startedAt: string; stepStartedAt: string; endedAt: string | null };
}

export interface LiveView {
  shared: LiveShared;
  me: LiveMe | null;
  presenter: LivePresenter | null;
}

/**
 * One `state` event's data. A participant's event leaves `me` out when their own part has
 * not changed (a tally moved, someone else answered): the page keeps the `me` it has. An
 * event that carries a participant's `me` starts with OWN_PART_PREFIX, so that a tab can
 * tell it apart without parsing it (shared-stream.ts).
 */
export type LiveEventData = Omit<LiveView, "me"> & { me?: LiveMe | null };
export const OWN_PART_PREFIX = '{"me":';

/** The view after an event: its own `me` if it has one, otherwise the one held. */
export function withEvent(current: LiveView, event: LiveEventData): LiveView {
  return { shared: event.shared, presenter: event.presenter, me: event.me === undefined ? current.me : event.me };
}

/**
 * Who a view is cut for. The projector ("display") gets what the room may see: the
 * participants' shared state plus the room's scenario votes, and nobody's name (issue 15).
 */
export type LiveViewer = { kind: "presenter" } | { kind: "display" } | { kind: "participant"; userId: string };

/** The SSE event carrying a LiveView; its `id:` is the version. */
export const LIVE_STATE_EVENT = "state";
/**
 * The SSE event a participant's screen answers with a check-in (POST LIVE_CHECK_IN_PATH,
 * intent=here) after a random wait of up to `data` milliseconds. Presence is proven by
 * these answers, never by a stream merely being open (docs/live.md, "Presence").
 */
export const LIVE_PING_EVENT = "ping";
export const liveCheckInPath = (code: string) => `/live/${code}/here`;
/** Where a participant page's script posts a poll answer (JSON back; the form without JavaScript posts to the page). */
export const liveAnswerPath = (code: string) => `/live/${code}/answer`;
