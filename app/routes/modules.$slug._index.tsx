import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/guard.server";
import { may } from "~/auth/policy";
import { SeenTick } from "~/components/icons";
import { ProgressBar } from "~/components/progress-bar";
import { requireLearnerModule } from "~/content/variants.server";
import { moduleProgress } from "~/progress/read.server";
import { plannedTotal } from "~/live/timing";
import { kindsOf } from "~/activities/registry";
import { loadActivityViews } from "~/activities/registry";
import { SaveForOffline } from "~/components/save-offline";
import { formatLongDate } from "~/lib/dates";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.module.title ?? "Module"} · Doorstep` }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { user } = await requireUser({ request, context });
  const module = await requireLearnerModule(user, params.slug ?? "");
  const progress = await moduleProgress(user.id, module);
  const steps = module.manifest.steps.map((s) => ({ id: s.id, title: s.title, seen: progress.seenStepIds.includes(s.id) }));
  const resumeAt = steps.find((s) => !s.seen) ?? steps[0]!;
  return {
    canRunLive: may.runLive(user.role),
    // Trainers only: how long the module runs live, by its steps' planned minutes.
    plannedLiveMinutes: may.runLive(user.role) ? plannedTotal(module.manifest.steps.map((s) => s.liveMinutes ?? null)) : null,
    module: { slug: module.slug, ...module.frontmatter },
    steps,
    // What "Save for offline" loads ahead: every kind of activity the module shows.
    kinds: kindsOf(module.manifest.activities),
    resumeAt: resumeAt.id,
    started: progress.seenStepIds.length > 0,
    percent: progress.percent,
    completion: progress.completion,
  };
}

export default function ModuleOverview() {
  const { module, steps, kinds, resumeAt, started, percent, completion, canRunLive, plannedLiveMinutes } = useLoaderData<typeof loader>();
  return (
    <article className="module-overview">
      <p className="muted">
        <Link to="/modules">Training modules</Link> › {module.title}
      </p>
      <h1>
        {module.title} {module.draft ? <span className="tag tag--warn">Draft preview</span> : null}
      </h1>
      <p className="lede">{module.summary}</p>
      {completion ? (
        <div className="alert alert--success" role="status">
          <strong>Complete</strong> on {formatLongDate(completion.completedAt)}
          {completion.how === "live" ? " in a live session" : ""}. You can go through it again any time.
        </div>
      ) : started ? (
        <ProgressBar percent={percent} label="Your progress" />
      ) : null}
      <p className="muted">
        About {module.minutes} minutes{module.audience ? ` · For: ${module.audience}` : ""}
      </p>
      <h2>What you'll learn</h2>
      <ul>
        {module.objectives.map((o) => (
          <li key={o}>{o}</li>
        ))}
      </ul>
      <p className="button-row">
        <Link className="button" to={`/modules/${module.slug}/${resumeAt}`}>
          {completion ? "Go through it again" : started ? "Resume" : "Start"}
        </Link>
        {canRunLive ? (
          <Link className="button button--secondary" to={`/live/new?module=${encodeURIComponent(module.slug)}`}>
            Run this live
          </Link>
        ) : null}
        {canRunLive ? (
          <Link className="button button--secondary" to={`/modules/${module.slug}/plan`}>
            Session plan
          </Link>
        ) : null}
      </p>
      <SaveForOffline slug={module.slug} stepIds={steps.map((s) => s.id)} loadKinds={() => loadActivityViews(kinds, "self")} />
      {plannedLiveMinutes ? <p className="muted">Run live: {plannedLiveMinutes} minutes planned.</p> : null}
      <h2>Steps</h2>
      <ol className="step-list">
        {steps.map((s) => (
          <li key={s.id}>
            <Link to={`/modules/${module.slug}/${s.id}`}>{s.title}</Link> {s.seen ? <SeenTick /> : null}
          </li>
        ))}
      </ol>
    </article>
  );
}
