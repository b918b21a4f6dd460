import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/guard.server";
import { ROLES } from "~/auth/policy";
import { ExportLink } from "~/components/chart-controls";
import { ProgressBar } from "~/components/progress-bar";
import { activistRecord } from "~/reports/activist.server";
import { formatDay } from "~/reports/filters";
import { notFound } from "~/lib/http.server";
import { routeParam } from "~/lib/request.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.person.name ?? "Activist"} · Reports · Doorstep` }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { user } = await requireUser({ request, context }, ROLES.seeReports);
  const record = await activistRecord(user, routeParam(params, "id"));
  // Unknown, or in a group this organiser does not organise: the same 404 either way.
  if (!record) throw notFound("There is no one with that id among the people you can see.");
  return record;
}

const STATUS: Record<string, { text: string; tag: string }> = {
  self: { text: "Complete, self-paced", tag: "tag--good" },
  live: { text: "Complete, live session", tag: "tag--good" },
  "in-progress": { text: "In progress", tag: "tag--warn" },
  "not-started": { text: "Not started", tag: "tag--muted" },
};

export default function ActivistRecordPage() {
  const record = useLoaderData<typeof loader>();
  const { person, groups, modules, quizzes, endings, liveSessions } = record;
  const done = modules.filter((m) => m.status === "self" || m.status === "live").length;
  return (
    <article className="activist-record">
      <nav aria-label="Breadcrumb" className="muted">
        <Link to="/reports/activists">Activists</Link> › {person.name}
      </nav>
      <h2>{person.name}</h2>
      <dl className="facts">
        <div>
          <dt>Email</dt>
          <dd>{person.email}</dd>
        </div>
        <div>
          <dt>Role</dt>
          <dd>{person.role}</dd>
        </div>
        <div>
          <dt>Joined</dt>
          <dd>{formatDay(person.joined)}</dd>
        </div>
        <div>
          <dt>Groups</dt>
          <dd>
            {groups.length
              ? groups.map((g, i) => (
                  <span key={g.id}>
                    {i > 0 ? ", " : null}
                    <Link to={`/reports/activists?group=${g.id}`}>{g.name}</Link>
                    {g.isTargetSeat ? " (target seat)" : ""}
                  </span>
                ))
              : "none"}
          </dd>
        </div>
        <div>
          <dt>Modules complete</dt>
          <dd>
            {done} of {modules.length}
          </dd>
        </div>
      </dl>

      <section aria-labelledby="modules-heading">
        <h3 id="modules-heading">Modules</h3>
        {modules.length === 0 ? (
          <p className="muted">No modules are published yet.</p>
        ) : (
          <div className="table-wrap" tabIndex={0} role="region" aria-label="Status of each published module">
            <table className="report-table">
              <caption className="visually-hidden">Status of each published module</caption>
              <thead>
                <tr>
                  <th scope="col">Module</th>
                  <th scope="col">Status</th>
                  <th scope="col">Date</th>
                  <th scope="col">Steps</th>
                </tr>
              </thead>
              <tbody>
                {modules.map((m) => (
                  <tr key={m.slug}>
                    <th scope="row">
                      <Link to={`/reports/modules/${m.slug}`}>{m.title}</Link>
                    </th>
                    <td>
                      <span className={`tag ${STATUS[m.status]?.tag ?? ""}`}>{STATUS[m.status]?.text ?? m.status}</span>
                    </td>
                    <td>{m.date ? `${m.status === "in-progress" ? "started " : ""}${formatDay(m.date)}` : <span className="muted">–</span>}</td>
                    <td>
                      {m.status === "live" ? (
                        // The steps were followed on the trainer's screen, not opened one by one: "0 of 7" would be untrue.
                        m.liveSession ? (
                          <>
                            Completed live (
                            <Link to={`/reports/sessions/${m.liveSession.id}`}>
                              session of {formatDay(m.liveSession.date)} with {m.liveSession.trainerName}
                              {m.liveSession.groupName ? `, ${m.liveSession.groupName}` : ""}
                            </Link>
                            )
                          </>
                        ) : (
                          "Completed live"
                        )
                      ) : (
                        <>
                          {m.stepsSeen} of {m.stepCount}
                          {m.version ? <span className="breakable"> of version B, “{m.version.title}”</span> : null}
                          <ProgressBar percent={m.stepCount ? (m.stepsSeen / m.stepCount) * 100 : 0} label={`Steps of ${m.title} seen`} />
                        </>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <ExportLink href={`/reports/export/activist-modules?id=${encodeURIComponent(person.id)}`} label="Download this table (CSV)" />
      </section>

      <section aria-labelledby="quizzes-heading">
        <h3 id="quizzes-heading">Quiz best scores</h3>
        {quizzes.length === 0 ? (
          <p className="muted">No quiz attempts yet.</p>
        ) : (
          // Focusable: on a phone the table scrolls sideways, and it holds no link to tab to.
          <div className="table-wrap" role="region" aria-labelledby="quizzes-caption" tabIndex={0}>
            <table className="report-table">
              <caption id="quizzes-caption" className="visually-hidden">
                Best score, attempts and last attempt per quiz
              </caption>
              <thead>
                <tr>
                  <th scope="col">Module</th>
                  <th scope="col">Quiz</th>
                  <th scope="col" className="num">
                    Best score
                  </th>
                  <th scope="col" className="num">
                    Attempts
                  </th>
                  <th scope="col">Last attempt</th>
                </tr>
              </thead>
              <tbody>
                {quizzes.map((q) => (
                  <tr key={`${q.moduleSlug}/${q.quizId}`}>
                    <th scope="row">{q.moduleTitle}</th>
                    <td>{q.quizLabel}</td>
                    <td className="num">
                      {q.bestScore}% {q.passed ? <span className="tag tag--good">Passed</span> : <span className="tag tag--warn">Not yet</span>}
                    </td>
                    <td className="num">{q.attempts}</td>
                    <td>{formatDay(q.lastAttempt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="endings-heading">
        <h3 id="endings-heading">Practice conversation endings reached</h3>
        {endings.length === 0 ? (
          <p className="muted">No practice conversation finished yet.</p>
        ) : (
          <ul className="record-list">
            {endings.map((e) => (
              <li key={`${e.moduleSlug}/${e.scenarioId}/${e.endingId}`}>
                {e.moduleTitle} · {e.scenarioTitle}: <strong>{e.endingTitle}</strong>{" "}
                <span className={`tag ${e.outcome === "good" ? "tag--good" : e.outcome === "lost" ? "tag--bad" : "tag--warn"}`}>{e.outcome}</span>
                <span className="muted">
                  {" "}
                  {e.times > 1 ? `${e.times} times, last` : ""} {formatDay(e.lastReached)}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="live-heading">
        <h3 id="live-heading">Live sessions attended</h3>
        {liveSessions.length === 0 ? (
          <p className="muted">No live sessions recorded.</p>
        ) : (
          <ul className="record-list">
            {liveSessions.map((l) => (
              <li key={`${l.moduleSlug}/${l.date}`}>
                {l.sessionId ? <Link to={`/reports/sessions/${l.sessionId}`}>{l.moduleTitle}</Link> : l.moduleTitle} <span className="muted">· {formatDay(l.date)}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <p className="muted">Reflections are private to the learner and never shown in reports.</p>
    </article>
  );
}
