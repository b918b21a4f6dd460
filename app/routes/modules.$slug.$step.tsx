import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import type { ClientLoaderFunctionArgs } from "@remix-run/react";
import { Link, useLoaderData } from "@remix-run/react";
import { stepShuffleSeeds } from "~/activities/order/shuffle.server";
import { timingOf } from "~/auth/accommodations.server";
import { requireUser } from "~/auth/guard.server";
import { may } from "~/auth/policy";
import { TrainerNotesAside } from "~/components/trainer-notes";
import { SeenTick, StarIcon } from "~/components/icons";
import { ProgressBar } from "~/components/progress-bar";
import { requireLearnerModule } from "~/content/variants.server";
import { activityFailure, notFound } from "~/lib/http.server";
import { randomToken } from "~/lib/crypto.server";
import { kindsOf, loadActivityViews } from "~/activities/registry";
import { loadModuleCode, moduleCodePath } from "~/mdx/module-code";
import { ModuleContent } from "~/mdx/module-content";
import { primeModuleContent } from "~/mdx/module-content.server";
import { stepModuleCode } from "~/content/step-code.server";
import { peekStep, stepActivities, viewStep } from "~/progress/read.server";
import { OFFLINE_SAVE_HEADER } from "~/lib/offline";
import { handleActivitySubmission } from "~/progress/submissions.server";
import { readForm, readQuery } from "~/lib/request.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.step.title} · ${data.module.title} · Doorstep` : "Doorstep" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
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
  // The compiled code is not loader data (ADR 006): the server renders from the component
  // primed here; the browser gets the code from its immutable script asset.
  // Only this step's code (step-code.server.ts), where the module can be cut into steps.
  const stepCode = await stepModuleCode(module, step.id);
  primeModuleContent(stepCode.key, stepCode.code);
  // Only this step's activities (a scenario: only its learner's part of the graph): the MDX
  // renders no other step's, and every byte of loader data is encoded into the HTML (and
  // again on each client-side step change and after each answer).
  const activities = stepActivities(module, step, progress);
  return {
    module: { slug: module.slug, title: module.frontmatter.title, hash: module.hash, codeKey: stepCode.key, activities, draft: module.frontmatter.draft },
    step: { id: step.id, title: step.title, index },
    steps: module.manifest.steps.map((s) => ({ id: s.id, title: s.title, seen: progress.seenStepIds.includes(s.id) })),
    progress,
    formKeys,
    shuffleSeeds: stepShuffleSeeds(user.id, activities, progress),
    retryQuizId: retry && step.activityIds.includes(retry) ? retry : null,
    timing: timing ?? null,
    // Trainers and admins preparing a session; never anyone else's loader data (ADR 023).
    trainer: may.runLive(user.role) ? { notesHtml: step.trainerNotesHtml, liveMinutes: step.liveMinutes ?? null } : null,
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user } = await requireUser({ request, context });
  const module = await requireLearnerModule(user, params.slug ?? "");
  if (!module.manifest.steps.some((s) => s.id === params.step)) {
    throw notFound(`“${module.frontmatter.title}” has no step called “${params.step}”.`, { to: `/modules/${module.slug}`, label: "Go to the module page" });
  }
  const result = await handleActivitySubmission(user.id, module, await readForm(request));
  if (!result.ok) return activityFailure(result);
  return { ok: true as const, completed: result.value.completed };
}

// Client-side navigation: make sure the module's code script has run, and its activities'
// views are loaded (app/activities/registry.tsx), before rendering. Not
// run on the first load (no `hydrate`): the page's own <script src> has loaded it by then.
export async function clientLoader({ serverLoader }: ClientLoaderFunctionArgs) {
  const data = await serverLoader<typeof loader>();
  await Promise.all([loadModuleCode(data.module.slug, data.module.codeKey), loadActivityViews(kindsOf(data.module.activities))]);
  return data;
}

export default function ModuleStep() {
  const { module, step, steps, progress, formKeys, shuffleSeeds, retryQuizId, timing, trainer } = useLoaderData<typeof loader>();
  const previous = steps[step.index - 1];
  const next = steps[step.index + 1];
  const base = `/modules/${module.slug}`;
  return (
    <article className="module-step">
      <nav aria-label="Breadcrumb" className="muted">
        <Link to="/modules">Modules</Link> › <Link to={base}>{module.title}</Link>
      </nav>
      <div className="step-progress">
        <p className="muted">
          Step {step.index + 1} of {steps.length}
        </p>
        <ProgressBar percent={((step.index + 1) / steps.length) * 100} label="Position in module" />
      </div>
      {progress.completion ? (
        <div className="alert alert--success" role="status">
          You've completed this module. <StarIcon className="celebrate" /> <Link to="/me">See your record</Link>
        </div>
      ) : null}
      <h1>{step.title}</h1>
      {trainer ? <TrainerNotesAside notesHtml={trainer.notesHtml} liveMinutes={trainer.liveMinutes} /> : null}
      {/* Runs before the page's module scripts, so the code is there when React hydrates. */}
      <script src={moduleCodePath(module.slug, module.codeKey)} />
      <ModuleContent
        hash={module.codeKey}
        runtime={{
          mode: module.draft ? "preview" : "self",
          currentStepId: step.id,
          manifest: { activities: module.activities },
          progress,
          formKeys,
          shuffleSeeds,
          actionPath: `${base}/${step.id}`,
          retryQuizId,
          ...(timing ? { timing } : {}),
        }}
      />
      <nav className="step-nav" aria-label="Steps">
        {previous ? (
          <Link className="button button--secondary" to={`${base}/${previous.id}`} rel="prev">
            ← Previous
          </Link>
        ) : (
          <span />
        )}
        {next ? (
          <Link className="button" to={`${base}/${next.id}`} rel="next">
            Next: {next.title} →
          </Link>
        ) : (
          <Link className="button" to={`${base}/complete`}>
            Finish
          </Link>
        )}
      </nav>
      <details className="step-toc">
        <summary>All steps</summary>
        <ol>
          {steps.map((s) => (
            <li key={s.id}>
              {s.id === step.id ? (
                <strong aria-current="step">{s.title}</strong>
              ) : (
                <Link to={`${base}/${s.id}`}>{s.title}</Link>
              )}{" "}
              {s.seen ? <SeenTick /> : null}
            </li>
          ))}
        </ol>
      </details>
    </article>
  );
}
