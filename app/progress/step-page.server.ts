// The module step page's loader (all but priming the step's code) and action
// (app/routes/modules.$slug.$step.tsx), server-only. They live here, not in the route file, so the
// route has few `.server` imports: the classic Remix compiler turns each one into an empty
// CommonJS module that esbuild keeps, and one shared by several routes becomes a script of
// its own, so the page downloaded six empty scripts for nothing (ADR 036). The route keeps
// module-content.server, whose empty module sits in the content chunk the page loads anyway.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { stepShuffleSeeds } from "~/activities/order/shuffle.server";
import { timingOf } from "~/auth/accommodations.server";
import { requireUser } from "~/auth/guard.server";
import { may } from "~/auth/policy";
import { trainerNotesAsideHtml } from "~/content/notes-html";
import { requireLearnerModule } from "~/content/variants.server";
import { stepModuleCode } from "~/content/step-code.server";
import { randomToken } from "~/lib/crypto.server";
import { activityFailure, notFound } from "~/lib/http.server";
import { OFFLINE_SAVE_HEADER } from "~/lib/offline";
import { readForm, readQuery } from "~/lib/request.server";
import { handleActivitySubmission } from "~/progress/submissions.server";
import { peekStep, stepActivities, viewStep } from "~/progress/read.server";

export async function stepPageLoader({ request, params, context }: LoaderFunctionArgs) {
  const { user } = await requireUser({ request, context });
  const module = await requireLearnerModule(user, params.slug ?? "");
  const index = module.manifest.steps.findIndex((s) => s.id === params.step);
  if (index < 0) {
    const message = `“${module.frontmatter.title}” has no step called “${params.step}”. It may have been renamed: start from the module page.`;
    throw notFound(message, { to: `/modules/${module.slug}`, label: "Go to the module page" });
  }
  const step = module.manifest.steps[index]!;
  // Only a step with a timer asks for the learner's timing accommodation.
  const timed = step.activityIds.some((id) => module.manifest.activities[id]?.kind === "roleplay");
  // "Save for offline" fetches every step ahead of time (ADR 035): reading them must not
  // count as having seen them, nor complete a module of reading-only steps.
  const saving = request.headers.get(OFFLINE_SAVE_HEADER) === "1";
  const [progress, timing] = await Promise.all([saving ? peekStep(user.id, module) : viewStep(user.id, module, step), timed ? timingOf(user.id) : undefined]);
  // Fresh one-time keys each render: a resubmitted form reuses its key and is recognised.
  const formKeys = Object.fromEntries(step.activityIds.map((id) => [id, randomToken()]));
  const retry = readQuery(request).get("retry");
  // Only this step's code (step-code.server.ts), where the module can be cut into steps;
  // the route primes it (not loader data, ADR 006).
  const stepCode = await stepModuleCode(module, step.id);
  // Only this step's activities (a scenario: only its learner's part of the graph): the MDX
  // renders no other step's, and every byte of loader data is encoded into the HTML (and
  // again on each client-side step change and after each answer).
  const activities = stepActivities(module, step, progress);
  const page = {
    module: { slug: module.slug, title: module.frontmatter.title, hash: module.hash, codeKey: stepCode.key, activities, draft: module.frontmatter.draft },
    step: { id: step.id, title: step.title, index },
    steps: module.manifest.steps.map((s) => ({ id: s.id, title: s.title, seen: progress.seenStepIds.includes(s.id) })),
    progress,
    formKeys,
    shuffleSeeds: stepShuffleSeeds(user.id, activities, progress),
    retryQuizId: retry && step.activityIds.includes(retry) ? retry : null,
    timing: timing ?? null,
    // Trainers and admins preparing a session; never anyone else's loader data (ADR 023).
    // Trainers only: the notes aside's HTML, so the page has no component for it (ADR 036).
    trainer: may.runLive(user.role) ? trainerNotesAsideHtml(step.trainerNotesHtml, step.liveMinutes ?? null) : null,
  };
  return { page, code: stepCode };
}

export async function stepPageAction({ request, params, context }: ActionFunctionArgs) {
  const { user } = await requireUser({ request, context });
  const module = await requireLearnerModule(user, params.slug ?? "");
  if (!module.manifest.steps.some((s) => s.id === params.step)) {
    throw notFound(`“${module.frontmatter.title}” has no step called “${params.step}”.`, { to: `/modules/${module.slug}`, label: "Go to the module page" });
  }
  const result = await handleActivitySubmission(user.id, module, await readForm(request));
  if (!result.ok) return activityFailure(result);
  return { ok: true as const, completed: result.value.completed };
}
