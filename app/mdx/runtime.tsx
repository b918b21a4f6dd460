import { createContext, useContext } from "react";
import type { Activity, ModuleManifest } from "../content/manifest";

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
}

export interface ModuleRuntime {
  mode: "self" | "preview";
  currentStepId: string;
  manifest: ModuleManifest;
  progress: RuntimeProgress;
  /** One-time keys for forms that create rows (quiz attempts, scenario runs). */
  formKeys: Record<string, string>;
  /** Where activity forms post. */
  actionPath: string;
  /** Quiz whose last attempt the learner chose to retry (no-JS: ?retry=<id>). */
  retryQuizId: string | null;
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
