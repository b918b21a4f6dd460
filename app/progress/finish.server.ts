import { listModules } from "../content/catalog.server";
import { quizzesOf, scenariosOf, type CompiledModule } from "../content/manifest";
import { completeIfDone } from "./completion.server";
import { moduleProgress } from "./read.server";

// What "Finish" on a module's last step shows (/modules/<slug>/complete): complete or not
// by the one completion rule (completion.server.ts), what is still missing (with the step
// to go back to), what was done, and the module that comes next in the catalogue.

export interface FinishStepRef {
  stepId: string;
  stepTitle: string;
}

export interface ModuleFinish {
  completion: { how: "self" | "live"; completedAt: Date } | null;
  steps: { seen: number; total: number };
  quizzes: (FinishStepRef & { id: string; bestScore: number | null; passMark: number; passed: boolean; questions: number })[];
  scenarios: (FinishStepRef & { id: string; title: string; endingsReached: number; endings: number })[];
  /** Empty when complete. Each names the step to go back to. */
  missing: (FinishStepRef & { what: string })[];
  next: { slug: string; title: string; summary: string; minutes: number } | null;
}

export async function moduleFinish(userId: string, module: CompiledModule): Promise<ModuleFinish> {
  // The last step's view normally records the completion; this covers a learner who met
  // the last requirement some other way (e.g. a step removed since). Written once, ever.
  await completeIfDone(userId, module);
  const progress = await moduleProgress(userId, module);
  const steps = module.manifest.steps;
  const stepOf = (stepId: string): FinishStepRef => ({ stepId, stepTitle: steps.find((s) => s.id === stepId)?.title ?? stepId });
  const quizzes = quizzesOf(module.manifest).map((q) => {
    const mine = progress.quizzes[q.id];
    return { ...stepOf(q.stepId), id: q.id, bestScore: mine ? mine.bestScore : null, passMark: q.passMark, passed: Boolean(mine?.passed), questions: q.questions.length };
  });
  const scenarios = scenariosOf(module.manifest).map((s) => ({
    ...stepOf(s.stepId),
    id: s.id,
    title: s.title,
    endingsReached: progress.scenarios[s.id]?.endingsReached.length ?? 0,
    endings: Object.values(s.nodes).filter((n) => n.kind === "ending").length,
  }));
  const missing: ModuleFinish["missing"] = progress.completion
    ? []
    : [
        ...steps.filter((s) => !progress.seenStepIds.includes(s.id)).map((s) => ({ ...stepOf(s.id), what: "Read this step" })),
        ...quizzes
          .filter((q) => !q.passed)
          .map((q) => ({ ...stepOf(q.stepId), what: q.bestScore === null ? "Take the quiz" : `Pass the quiz (best so far ${q.bestScore}%, pass mark ${q.passMark}%)` })),
        ...scenarios.filter((s) => s.endingsReached === 0).map((s) => ({ ...stepOf(s.stepId), what: `Play the role-play “${s.title}” to an ending` })),
      ];
  return {
    completion: progress.completion ? { how: progress.completion.how, completedAt: progress.completion.completedAt } : null,
    steps: { seen: progress.seenStepIds.length, total: steps.length },
    quizzes,
    scenarios,
    missing,
    next: nextModule(module),
  };
}

/**
 * The published module after this one in the catalogue's order. A draft being previewed
 * has no place in that order, so it offers none.
 */
export function nextModule(module: CompiledModule): ModuleFinish["next"] {
  const list = listModules({ includeDrafts: false });
  // A variant stands in the original's place in the order (ADR 039).
  const place = module.frontmatter.variant?.of ?? module.slug;
  const at = list.findIndex((m) => m.slug === place);
  const next = at < 0 ? undefined : list[at + 1];
  return next ? { slug: next.slug, title: next.frontmatter.title, summary: next.frontmatter.summary, minutes: next.frontmatter.minutes } : null;
}
