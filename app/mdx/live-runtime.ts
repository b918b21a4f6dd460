import type { LiveView } from "~/live/state";
import type { LiveRuntime, ModuleRuntime } from "~/activities/runtime/context";
import type { ShuffleSeeds } from "~/activities/order/shuffle";

/** The <ModuleContent> runtime for a live screen, from the current live state. */
export function liveModuleRuntime(
  view: LiveView,
  manifest: ModuleRuntime["manifest"],
  options: { role: LiveRuntime["role"]; actionPath: string; reflections?: Record<string, string>; shuffleSeeds?: Record<string, ShuffleSeeds> },
): ModuleRuntime {
  const { shared, me, presenter } = view;
  const step = shared.steps[shared.stepIndex] ?? shared.steps[0];
  return {
    mode: "live",
    currentStepId: step?.id ?? "",
    manifest,
    progress: { seenStepIds: [], quizzes: {}, scenarios: {}, polls: {}, reflections: options.reflections ?? {} },
    formKeys: {},
    // Participants only: the presenter's screen keeps the author's order for the whole room.
    ...(options.shuffleSeeds ? { shuffleSeeds: options.shuffleSeeds } : {}),
    actionPath: options.actionPath,
    retryQuizId: null,
    ...(me ? { timing: me.timing } : {}),
    live: {
      role: options.role,
      open: shared.status === "open",
      revealed: shared.revealed,
      tallies: shared.tallies,
      answered: shared.answered,
      scenarios: shared.scenarios,
      pairing: shared.pairing,
      connectedCount: shared.connectedCount,
      responses: me?.responses ?? {},
      votes: me?.votes ?? {},
      roleCard: me?.role ?? null,
      rubric: me?.rubric ?? null,
      groups: presenter?.groups ?? null,
      rubricSummary: presenter?.rubric ?? [],
    },
  };
}
