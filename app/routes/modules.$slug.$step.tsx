import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/guard.server";
import { ProgressBar } from "~/components/progress-bar";
import { visibleModule } from "~/content/catalog.server";
import { notFound } from "~/lib/http.server";
import { randomToken } from "~/lib/crypto.server";
import { ModuleContent } from "~/mdx/module-content";
import { moduleProgress, recordStepView } from "~/progress/progress.server";
import { handleActivitySubmission } from "~/progress/submissions.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.step.title} · ${data.module.title} · Doorstep` : "Doorstep" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user } = await requireUser(request);
  const module = visibleModule(params.slug ?? "", user.role);
  if (!module) throw notFound("There is no training module at this address.");
  const index = module.manifest.steps.findIndex((s) => s.id === params.step);
  if (index < 0) throw notFound(`“${module.frontmatter.title}” has no step called “${params.step}”. It may have been renamed: start from the module page.`);
  const step = module.manifest.steps[index]!;
  await recordStepView(user.id, module, step.id);
  const progress = await moduleProgress(user.id, module);
  // Fresh one-time keys each render: a resubmitted form reuses its key and is recognised.
  const formKeys = Object.fromEntries(step.activityIds.map((id) => [id, randomToken()]));
  const retry = new URL(request.url).searchParams.get("retry");
  return {
    module: { slug: module.slug, title: module.frontmatter.title, hash: module.hash, code: module.code, manifest: module.manifest, draft: module.frontmatter.draft },
    step: { id: step.id, title: step.title, index },
    steps: module.manifest.steps.map((s) => ({ id: s.id, title: s.title, seen: progress.seenStepIds.includes(s.id) })),
    progress,
    formKeys,
    retryQuizId: retry && step.activityIds.includes(retry) ? retry : null,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { user } = await requireUser(request);
  const module = visibleModule(params.slug ?? "", user.role);
  if (!module) throw notFound("There is no training module at this address.");
  if (!module.manifest.steps.some((s) => s.id === params.step)) throw notFound(`“${module.frontmatter.title}” has no step called “${params.step}”.`);
  const result = await handleActivitySubmission(user.id, module, await request.formData());
  if (!result.ok) return data({ ok: false as const, failure: { activityId: result.activityId, message: result.message } }, { status: result.status });
  return { ok: true as const, completed: result.completed };
}

export default function ModuleStep() {
  const { module, step, steps, progress, formKeys, retryQuizId } = useLoaderData<typeof loader>();
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
          You've completed this module. 🎉 <Link to="/me">See your record</Link>
        </div>
      ) : null}
      <h1>{step.title}</h1>
      <ModuleContent
        hash={module.hash}
        code={module.code}
        runtime={{
          mode: module.draft ? "preview" : "self",
          currentStepId: step.id,
          manifest: module.manifest,
          progress,
          formKeys,
          actionPath: `${base}/${step.id}`,
          retryQuizId,
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
          <Link className="button" to={base}>
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
              {s.seen ? <span className="tick" aria-label="seen">✓</span> : null}
            </li>
          ))}
        </ol>
      </details>
    </article>
  );
}
