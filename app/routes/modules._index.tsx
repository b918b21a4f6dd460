import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/guard.server";
import { ProgressBar } from "~/components/progress-bar";
import { may } from "~/auth/policy";
import { listModules } from "~/content/catalog.server";
import { ownVersions } from "~/content/variants.server";
import { catalogueStatus } from "~/progress/read.server";
import { formatDate } from "~/lib/dates";

export const meta: MetaFunction = () => [{ title: "Training modules · Doorstep" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requireUser({ request, context });
  // A learner drawn into a module's variant sees that version's card (ADR 039).
  const modules = await ownVersions(user.id, listModules({ includeDrafts: may.previewDrafts(user.role) }));
  const status = await catalogueStatus(user.id, modules);
  return {
    modules: modules.map((m) => ({
      slug: m.slug,
      title: m.frontmatter.title,
      summary: m.frontmatter.summary,
      minutes: m.frontmatter.minutes,
      objectives: m.frontmatter.objectives,
      draft: m.frontmatter.draft,
      status: status[m.slug]!,
    })),
  };
}

export default function Catalogue() {
  const { modules } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Training modules</h1>
      <p className="lede">Short modules you can take on your phone. Your place is saved as you go.</p>
      {modules.length === 0 ? (
        <p className="empty">No modules have been published yet. Check back soon, or ask your trainer.</p>
      ) : (
        <ol className="module-list">
          {modules.map((m) => (
            <li key={m.slug} className="card module-card">
              <h2>
                <Link to={`/modules/${m.slug}`}>{m.title}</Link> {m.draft ? <span className="tag tag--warn">Draft</span> : null}
              </h2>
              <p>{m.summary}</p>
              <p className="muted">About {m.minutes} minutes</p>
              <details>
                <summary>What you'll learn</summary>
                <ul>
                  {m.objectives.map((o) => (
                    <li key={o}>{o}</li>
                  ))}
                </ul>
              </details>
              <ModuleStatus status={m.status} />
            </li>
          ))}
        </ol>
      )}
    </>
  );
}

function ModuleStatus({ status }: { status: { status: string; percent: number; completedAt: Date | null; how: string | null } }) {
  if (status.status === "complete") {
    return (
      <p className="module-card__status">
        <span className="tag tag--good">Complete</span>{" "}
        {status.completedAt ? `on ${formatDate(status.completedAt)}` : null}
        {status.how === "live" ? " (live session)" : null}
      </p>
    );
  }
  if (status.status === "in-progress") {
    return (
      <div className="module-card__status">
        <span className="tag">In progress · {status.percent}%</span>
        <ProgressBar percent={status.percent} label="Progress" />
      </div>
    );
  }
  return (
    <p className="module-card__status">
      <span className="tag tag--muted">Not started</span>
    </p>
  );
}
