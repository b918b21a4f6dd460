import { listModules } from "./catalog.server";
import type { CompiledModule } from "./manifest";

// The loop back from the doorstep into training: an objection an activist met (a debrief's
// code, or the impact report's commonest code in an area) → the scenario steps where a
// resident raises it or a reply answers it, read from the compiled manifests of the
// published catalogue. Authors tag them with `tags="…"` (docs/authoring.md).

export interface PracticeStep {
  slug: string;
  moduleTitle: string;
  stepId: string;
  stepTitle: string;
  scenarioId: string;
  scenarioTitle: string;
  /** The step page a learner opens to practise it. */
  href: string;
}

/** Scenario ids in a module whose resident lines or replies carry this objection code. */
function taggedScenarios(module: CompiledModule, code: string): { scenarioId: string; title: string; stepId: string }[] {
  const found: { scenarioId: string; title: string; stepId: string }[] = [];
  for (const activity of Object.values(module.manifest.activities)) {
    if (activity.kind !== "scenario") continue;
    const tagged = Object.values(activity.nodes).some(
      (node) => node.kind === "resident" && (node.tags?.includes(code) || node.choices.some((choice) => choice.tags?.includes(code))),
    );
    if (tagged) found.push({ scenarioId: activity.id, title: activity.title, stepId: activity.stepId });
  }
  return found;
}

/**
 * The published scenario steps that practise an objection, in catalogue order (the order
 * learners meet modules in); [] for an unknown or untagged code. Drafts are left out: the
 * suggestion goes to activists, who cannot open them.
 */
export function practiceFor(code: string): PracticeStep[] {
  const steps: PracticeStep[] = [];
  for (const module of listModules({ includeDrafts: false })) {
    for (const scenario of taggedScenarios(module, code)) {
      const step = module.manifest.steps.find((s) => s.id === scenario.stepId);
      steps.push({
        slug: module.slug,
        moduleTitle: module.frontmatter.title,
        stepId: scenario.stepId,
        stepTitle: step?.title ?? scenario.title,
        scenarioId: scenario.scenarioId,
        scenarioTitle: scenario.title,
        href: `/modules/${encodeURIComponent(module.slug)}/${encodeURIComponent(scenario.stepId)}`,
      });
    }
  }
  return steps;
}
