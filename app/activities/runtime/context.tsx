import { createContext, useContext } from "react";
import type { Activity, ModuleManifest } from "~/content/manifest";
import type { ShuffleSeeds } from "~/activities/order/shuffle";
import type { RecordEntry, RecordField } from "~/activities/record/manifest";
import type { TimingAccommodation } from "~/auth/timing";
import type { LiveAnswer, LiveMe, LivePresenter, LiveScenarioView, LiveShared, LiveTally } from "~/live/state";

// Build shape, not behaviour (issue 18 part 6, ADR 036): every activity view imports this
// module, so with this import every view reaches the React DOM + Remix chunk, which every
// page has loaded before any view. esbuild puts a module in one chunk with those reached by
// the same entries: while three views (reflect's and record's projector views, the
// self-paced role-play) reached React but not Remix, React was a script of its own, and
// every page loaded 0.5 kB more gzipped (measured). Nothing uses the name.
export { useHref as _sameChunkAsRemix } from "@remix-run/react";

/** What a learner has done in this module, as the page loader sends it. */
export interface RuntimeProgress {
  seenStepIds: string[];
  quizzes: Record<
    string,
    { bestScore: number; passed: boolean; attempts: number; last: { answers: Record<string, string[]>; results: Record<string, boolean>; score: number; passed: boolean } }
  >;
  scenarios: Record<string, { latest: { id: string; path: { node: string; choice: number }[]; currentNode: string; endingId: string | null; outcome: string | null; ended: boolean }; endingsReached: string[] }>;
  polls: Record<string, { mine: string; tally: Record<string, number> }>;
  reflections: Record<string, string>;
  /** Saved conversation records (app/activities/record): absent where a page sends none. */
  records?: Record<string, { entry: RecordEntry; results: Partial<Record<RecordField, boolean>>; endingId: string | null }>;
}

/**
 * A live session's state as the MDX components need it (mode "live" only). The presenter
 * sees tallies, vote histograms and pairs; a participant sees their own answers, their
 * own role card and what the trainer revealed.
 */
export interface LiveRuntime {
  /** "display": the projector, read-only, showing what the room may see (issue 15). */
  role: "presenter" | "participant" | "display";
  open: boolean;
  revealed: string[];
  tallies: Record<string, LiveTally>;
  /** How many have answered each quiz and poll: everyone sees it, as on the projector. */
  answered: Record<string, number>;
  scenarios: Record<string, LiveScenarioView>;
  pairing: LiveShared["pairing"];
  connectedCount: number;
  /** Participant: my own answers, votes on the current turn, card and checklist. */
  responses: Record<string, LiveAnswer>;
  votes: Record<string, number>;
  roleCard: LiveMe["role"];
  rubric: LiveMe["rubric"];
  /** Presenter: everyone's pairs and the observers' checklists. */
  groups: LivePresenter["groups"];
  rubricSummary: LivePresenter["rubric"];
}

export interface ModuleRuntime {
  mode: "self" | "preview" | "live";
  currentStepId: string;
  /** At least the current step's activities: the self-paced step page sends no others. */
  manifest: Pick<ModuleManifest, "activities">;
  progress: RuntimeProgress;
  /** One-time keys for forms that create rows (quiz attempts, scenario runs). */
  formKeys: Record<string, string>;
  /** Where activity forms post. */
  actionPath: string;
  /**
   * Per quiz and scenario, the seeds of this learner's option order (app/activities/order/shuffle.ts).
   * None (the presenter's projected screen): the author's order, the same on every device.
   */
  shuffleSeeds?: Record<string, ShuffleSeeds>;
  /** Quiz whose last attempt the learner chose to retry (no-JS: ?retry=<id>). */
  retryQuizId: string | null;
  /** The learner's timing accommodation (absent: timers as usual; the presenter's screen). */
  timing?: TimingAccommodation;
  /** Set in mode "live" only; forms then post to the live page (actionPath). */
  live?: LiveRuntime;
}

const RuntimeContext = createContext<ModuleRuntime | null>(null);
export const RuntimeProvider = RuntimeContext.Provider;

export function useRuntime(): ModuleRuntime {
  const runtime = useContext(RuntimeContext);
  if (!runtime) throw new Error("MDX components render inside <ModuleContent>");
  return runtime;
}

export function useActivity<K extends Activity["kind"]>(id: string, kind: K): Extract<Activity, { kind: K }> | null {
  const activity = useRuntime().manifest.activities[id];
  return activity && activity.kind === kind ? (activity as Extract<Activity, { kind: K }>) : null;
}

/** The failure an activity's last submission got, shown beside it. */
export interface ActivityFailure {
  activityId: string;
  message: string;
}

/** The RolePlay a <Role> sits in, so a live participant sees only their own card. */
export const RolePlayContext = createContext<string | null>(null);

/** Live mode: may this screen show the card for `type` in role-play `rolePlayId`? */
export function liveRoleVisible(live: LiveRuntime, rolePlayId: string | null, type: string): boolean {
  if (live.role === "presenter") return true;
  const card = live.roleCard;
  return Boolean(card && rolePlayId && card.activityId === rolePlayId && card.role === type);
}

/**
 * An activity form's failure, self-paced or live. Here rather than in ./forms.tsx: every page
 * that shows an activity loads this module, and a live page loads none of ./forms.tsx (ADR 036).
 */
export function ActivityError({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <div className="alert alert--error" role="alert">
      {message}
    </div>
  );
}
