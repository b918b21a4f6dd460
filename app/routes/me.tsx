import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/guard.server";
import { may } from "~/auth/policy";
import { listModules } from "~/content/catalog.server";
import { ownVersions } from "~/content/variants.server";
import { learnerRecord } from "~/progress/read.server";
import { formatDate } from "~/lib/dates";

export const meta: MetaFunction = () => [{ title: "My record · Doorstep" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requireUser({ request, context });
  // Their own version of each module, as the catalogue shows it (ADR 039).
  const modules = await ownVersions(user.id, listModules({ includeDrafts: may.previewDrafts(user.role) }));
  const record = await learnerRecord(user.id, modules);
  const bySlug = new Map(modules.map((m) => [m.slug, m]));
  const titleOf = (slug: string) => bySlug.get(slug)?.frontmatter.title ?? slug;
  const activity = (slug: string, id: string) => bySlug.get(slug)?.manifest.activities[id];
  return {
    complete: modules
      .filter((m) => record.status[m.slug]?.status === "complete")
      .map((m) => ({ slug: m.slug, title: m.frontmatter.title, completedAt: record.status[m.slug]!.completedAt!, how: record.status[m.slug]!.how! })),
    inProgress: modules
      .filter((m) => record.status[m.slug]?.status === "in-progress")
      .map((m) => ({ slug: m.slug, title: m.frontmatter.title, percent: record.status[m.slug]!.percent })),
    quizzes: record.quizzes
      .filter((q) => bySlug.has(q.moduleSlug))
      .map((q) => ({ ...q, moduleTitle: titleOf(q.moduleSlug) })),
    endings: record.endings
      .filter((e) => bySlug.has(e.moduleSlug))
      .map((e) => {
        const scenario = activity(e.moduleSlug, e.scenarioId);
        const node = scenario?.kind === "scenario" ? scenario.nodes[e.endingId] : undefined;
        return {
          ...e,
          moduleTitle: titleOf(e.moduleSlug),
          scenarioTitle: scenario?.kind === "scenario" ? scenario.title : e.scenarioId,
          endingTitle: node?.kind === "ending" ? node.title : e.endingId,
        };
      }),
    reflections: record.reflections
      .filter((r) => bySlug.has(r.moduleSlug))
      .map((r) => {
        const reflect = activity(r.moduleSlug, r.reflectId);
        return { ...r, moduleTitle: titleOf(r.moduleSlug), prompt: reflect?.kind === "reflect" ? reflect.prompt : r.reflectId, stepId: reflect?.stepId };
      }),
  };
}


export default function MyRecord() {
  const { complete, inProgress, quizzes, endings, reflections } = useLoaderData<typeof loader>();
  const nothingYet = complete.length + inProgress.length === 0;
  return (
    <>
      <h1>My record</h1>
      {nothingYet ? (
        <p className="empty">
          Nothing here yet. <Link to="/modules">Start your first module</Link>: it takes about 20 minutes.
        </p>
      ) : null}
      <section aria-labelledby="complete-heading">
        <h2 id="complete-heading">Completed ({complete.length})</h2>
        {complete.length ? (
          <ul className="record-list">
            {complete.map((m) => (
              <li key={m.slug}>
                <Link to={`/modules/${m.slug}`}>{m.title}</Link> <span className="tag tag--good">Complete</span>{" "}
                <span className="muted">
                  {formatDate(m.completedAt)} · {m.how === "live" ? "in a live session" : "self-paced"}
                </span>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">No modules completed yet.</p>
        )}
      </section>
      <section aria-labelledby="progress-heading">
        <h2 id="progress-heading">In progress ({inProgress.length})</h2>
        {inProgress.length ? (
          <ul className="record-list">
            {inProgress.map((m) => (
              <li key={m.slug}>
                <Link to={`/modules/${m.slug}`}>{m.title}</Link> <span className="tag">{m.percent}%</span>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">Nothing in progress.</p>
        )}
      </section>
      {quizzes.length ? (
        <section aria-labelledby="quiz-heading">
          <h2 id="quiz-heading">Quiz scores</h2>
          <div className="table-wrap" tabIndex={0} role="region" aria-label="Your best quiz scores">
            <table>
              <caption className="visually-hidden">Your best quiz scores</caption>
              <thead>
                <tr>
                  <th scope="col">Module</th>
                  <th scope="col">Best score</th>
                  <th scope="col">Attempts</th>
                </tr>
              </thead>
              <tbody>
                {quizzes.map((q) => (
                  <tr key={`${q.moduleSlug}/${q.quizId}`}>
                    <td>{q.moduleTitle}</td>
                    <td>
                      {q.bestScore}% {q.passed ? <span className="tag tag--good">Passed</span> : <span className="tag tag--warn">Not yet</span>}
                    </td>
                    <td>{q.attempts}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
      {endings.length ? (
        <section aria-labelledby="endings-heading">
          <h2 id="endings-heading">Practice conversation endings reached</h2>
          <ul className="record-list">
            {endings.map((e) => (
              <li key={`${e.moduleSlug}/${e.scenarioId}/${e.endingId}`}>
                {e.scenarioTitle}: <strong>{e.endingTitle}</strong>{" "}
                <span className={`tag ${e.outcome === "good" ? "tag--good" : e.outcome === "lost" ? "tag--bad" : "tag--warn"}`}>{e.outcome}</span>
                {e.times > 1 ? <span className="muted"> ×{e.times}</span> : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {reflections.length ? (
        <section aria-labelledby="reflections-heading">
          <h2 id="reflections-heading">My reflections</h2>
          <p className="muted">Only you can see these.</p>
          {reflections.map((r) => (
            <figure key={`${r.moduleSlug}/${r.reflectId}`} className="card">
              <figcaption>
                <strong>{r.prompt}</strong> <span className="muted">({r.moduleTitle})</span>
              </figcaption>
              <blockquote className="reflection">{r.body}</blockquote>
              {r.stepId ? <Link to={`/modules/${r.moduleSlug}/${r.stepId}`}>Edit</Link> : null}
            </figure>
          ))}
        </section>
      ) : null}
    </>
  );
}
