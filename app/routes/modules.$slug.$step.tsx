import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import type { ClientLoaderFunctionArgs } from "@remix-run/react";
import { Link, useLoaderData } from "@remix-run/react";
import { SeenTick, StarIcon } from "~/components/icons";
import { ProgressBar } from "~/components/progress-bar";
import { kindsOf, loadActivityViews } from "~/activities/registry";
import { loadModuleCode, moduleCodePath } from "~/mdx/module-code";
import { ModuleContent } from "~/mdx/module-content";
import { primeModuleContent } from "~/mdx/module-content.server";
// The loader and action, in one server-only module (see there why).
import { stepPageAction, stepPageLoader } from "~/progress/step-page.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.step.title} · ${data.module.title} · Doorstep` : "Doorstep" }];

export async function loader(args: LoaderFunctionArgs) {
  const { page, code } = await stepPageLoader(args);
  // The compiled code is not loader data (ADR 006): the server renders from the component
  // primed here; the browser gets the code from its immutable script asset.
  primeModuleContent(code.key, code.code);
  return page;
}

export function action(args: ActionFunctionArgs) {
  return stepPageAction(args);
}

// Client-side navigation: make sure the module's code script has run, and its activities'
// views are loaded (app/activities/registry.tsx), before rendering. Not
// run on the first load (no `hydrate`): the page's own <script src> has loaded it by then.
export async function clientLoader({ serverLoader }: ClientLoaderFunctionArgs) {
  const data = await serverLoader<typeof loader>();
  await Promise.all([loadModuleCode(data.module.slug, data.module.codeKey), loadActivityViews(kindsOf(data.module.activities), "self")]);
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
      {/* Trainers and admins only; made on the server (app/content/notes-html.ts), no code here. */}
      {trainer ? <aside className="trainer-notes" aria-label="Trainer notes" dangerouslySetInnerHTML={{ __html: trainer }} /> : null}
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
