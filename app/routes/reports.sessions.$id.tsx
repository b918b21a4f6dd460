import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/guard.server";
import { may, ROLES } from "~/auth/policy";
import { BarChart, type ChartSeries } from "~/components/chart";
import { ExportLink } from "~/components/chart-controls";
import { notFound } from "~/lib/http.server";
import { sessionReport, type SessionAttendee } from "~/reports/sessions.server";
import { routeParam } from "~/lib/request.server";
import { formatTime, formatWhen } from "~/lib/dates";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.report.session.moduleTitle ?? "Live session"} · Reports · Doorstep` }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { user } = await requireUser({ request, context }, ROLES.seeSessionReports);
  const report = await sessionReport(user, routeParam(params, "id"));
  // Unknown, or someone else's session: the same 404 either way.
  if (!report) throw notFound("There is no live session with that id among the sessions you can see.");
  return { report, linkPeople: may.seeReports(user.role) };
}


const ANSWERS: ChartSeries[] = [{ label: "Answers", tone: "neutral" }];
const VOTES: ChartSeries[] = [{ label: "Votes", tone: "live" }];
const TICKS: ChartSeries[] = [{ label: "Checklists ticked", tone: "self" }];

function Attendance({ a, open }: { a: SessionAttendee; open: boolean }) {
  if (open || a.attended === null) return <span className="tag tag--muted">decided at the end</span>;
  return a.attended ? <span className="tag tag--good">attended</span> : <span className="tag tag--warn">not attended</span>;
}

export default function SessionReportPage() {
  const { report, linkPeople } = useLoaderData<typeof loader>();
  const { session, counts, attendees, polls, quizzes, scenarios, rubrics, showEmail } = report;
  const open = session.status === "open";
  return (
    <article className="session-report">
      <nav aria-label="Breadcrumb" className="muted">
        <Link to="/reports/sessions">Live sessions</Link> › {session.moduleTitle}
      </nav>
      <h2>
        {session.moduleTitle}, {formatWhen(session.startedAt)}
      </h2>
      <dl className="facts">
        <div>
          <dt>Module</dt>
          <dd>{linkPeople ? <Link to={`/reports/modules/${session.moduleSlug}`}>{session.moduleTitle}</Link> : session.moduleTitle}</dd>
        </div>
        <div>
          <dt>Group</dt>
          <dd>{session.groupName ?? "none"}</dd>
        </div>
        <div>
          <dt>Trainer</dt>
          <dd>{session.trainerName}</dd>
        </div>
        <div>
          <dt>When (UTC)</dt>
          <dd>
            {formatWhen(session.startedAt)}
            {session.endedAt ? ` to ${formatTime(session.endedAt)}` : " · still open"}
          </dd>
        </div>
        <div>
          <dt>Attendance</dt>
          <dd>
            {open ? `${counts.participants} joined so far` : `${counts.attended} of ${counts.participants} attended`}
            {counts.newcomers ? ` (${counts.newcomers} joined as newcomers)` : ""}
          </dd>
        </div>
        <div>
          <dt>Completions recorded</dt>
          <dd>{counts.completions}</dd>
        </div>
        {report.signUps ? (
          <div>
            <dt>Sign-ups (scheduled ahead)</dt>
            <dd>
              {report.signUps.saidYes} said yes, {report.signUps.saidNo} said no.{" "}
              {open
                ? "Compared with attendance once the session ends."
                : `${report.signUps.yesAndCame} said yes and came, ${report.signUps.yesNotCame} said yes and didn't, ${report.signUps.cameWithoutYes} came without saying yes.`}
            </dd>
          </div>
        ) : null}
      </dl>
      {open ? (
        <p className="alert" role="status">
          This session is still open: attendance and completions are decided when the trainer ends it.
        </p>
      ) : null}

      <section aria-labelledby="attendance-heading">
        <h3 id="attendance-heading">Attendance</h3>
        {counts.hidden ? (
          <p className="muted">
            {counts.hidden} {counts.hidden === 1 ? "participant is" : "participants are"} not in your groups and not listed.
          </p>
        ) : null}
        {attendees.length === 0 ? (
          <p className="empty">Nobody {counts.hidden ? "from your groups " : ""}joined this session.</p>
        ) : (
          // Focusable, so a keyboard can scroll the table sideways on a phone.
          <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="attendance-caption">
            <table className="report-table">
              <caption id="attendance-caption" className="visually-hidden">
                Who joined, whether they attended, and their completion
              </caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  {showEmail ? <th scope="col">Email</th> : null}
                  <th scope="col">Joined</th>
                  <th scope="col">Attendance</th>
                  <th scope="col">Module completion</th>
                </tr>
              </thead>
              <tbody>
                {attendees.map((a) => (
                  <tr key={a.userId}>
                    <th scope="row" className="breakable">
                      {linkPeople ? <Link to={`/reports/activists/${a.userId}`}>{a.name}</Link> : a.name}
                      {a.newcomer ? (
                        <>
                          {" "}
                          <span className="tag">newcomer</span>
                        </>
                      ) : null}
                    </th>
                    {showEmail ? <td className="breakable">{a.email}</td> : null}
                    <td>{formatTime(a.joinedAt)}</td>
                    <td>
                      <Attendance a={a} open={open} />
                      {a.mark ? <span className="muted"> (marked {a.mark} by the trainer)</span> : null}
                    </td>
                    <td>
                      {a.completion === "this-session" ? (
                        "Recorded by this session"
                      ) : a.completion === "earlier" ? (
                        "Already complete"
                      ) : (
                        <span className="muted">–</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {attendees.length ? <ExportLink href={`/reports/export/session-attendance?id=${session.id}`} label="Download the attendance (CSV)" /> : null}
      </section>

      <section aria-labelledby="answers-heading">
        <h3 id="answers-heading">Polls and quizzes</h3>
        {polls.length === 0 && quizzes.length === 0 ? <p className="muted">No poll or quiz answers in this session.</p> : null}
        {polls.map((poll) => (
          <BarChart
            key={poll.id}
            title={`Poll: ${poll.question}`}
            description={`${poll.respondents} answered.`}
            series={ANSWERS}
            max={poll.respondents}
            rows={poll.options.map((o) => ({ label: o.label, values: [o.count] }))}
          />
        ))}
        {quizzes.map((quiz) =>
          quiz.questions.map((q) => (
            <BarChart
              key={`${quiz.id}-${q.id}`}
              title={`Quiz: ${q.prompt}`}
              description={`${q.right} of ${quiz.respondents} answered exactly right.`}
              series={ANSWERS}
              max={quiz.respondents}
              rows={q.options.map((o) => ({ label: o.label, values: [o.count], note: o.note ? `(${o.note})` : undefined }))}
            />
          )),
        )}
      </section>

      <section aria-labelledby="scenarios-heading">
        <h3 id="scenarios-heading">Practice conversations played together</h3>
        {scenarios.length === 0 ? <p className="muted">No practice conversation was played in this session.</p> : null}
        {scenarios.map((scenario) => (
          <div key={scenario.id} className="session-scenario">
            <h4>{scenario.title}</h4>
            {scenario.runs.map((run) => (
              <div key={run.run}>
                {scenario.runs.length > 1 ? <h5>Run {run.run}</h5> : null}
                {run.turns.map((turn) => (
                  <BarChart
                    key={turn.turn}
                    title={`${turn.turn + 1}. ${turn.says ? `Resident: “${turn.says}”` : "Reply"}`}
                    description={`${turn.voters} voted.${turn.choices.some((c) => c.taken) ? "" : " No reply was taken."}`}
                    series={VOTES}
                    max={Math.max(1, turn.voters)}
                    rows={turn.choices.map((c) => ({ label: c.label, values: [c.count], note: c.taken ? "(taken by the room)" : undefined }))}
                  />
                ))}
                <p>
                  {run.ending ? (
                    <>
                      Ending: <strong>{run.ending.title}</strong> ({run.ending.outcome})
                    </>
                  ) : (
                    <span className="muted">No ending reached in this run.</span>
                  )}
                </p>
              </div>
            ))}
          </div>
        ))}
      </section>

      <section aria-labelledby="rubric-heading">
        <h3 id="rubric-heading">Observer checklists</h3>
        {rubrics.length === 0 ? <p className="muted">No observer filled in a checklist in this session.</p> : null}
        {rubrics.map((rubric) => (
          <div key={rubric.id}>
            <BarChart
              title={`Pair role-play: ${rubric.title}`}
              description={`${rubric.checklists} ${rubric.checklists === 1 ? "checklist" : "checklists"} filled in; how many ticked each item.`}
              series={TICKS}
              max={rubric.checklists}
              rows={rubric.items.map((i) => ({ label: i.label, values: [i.count] }))}
            />
            {rubric.observed.length ? (
              <div className="table-wrap" tabIndex={0} role="region" aria-labelledby={`observed-${rubric.id}`}>
                <table className="report-table">
                  <caption id={`observed-${rubric.id}`}>Checklists for {rubric.title}, per canvasser and round</caption>
                  <thead>
                    <tr>
                      <th scope="col">Canvasser</th>
                      <th scope="col">Round</th>
                      <th scope="col">Observer</th>
                      <th scope="col">Ticked</th>
                    </tr>
                  </thead>
                  <tbody>
                    {rubric.observed.map((o) => (
                      <tr key={`${o.round}-${o.canvasserName}-${o.observerName}`}>
                        <th scope="row" className="breakable">{o.canvasserName}</th>
                        <td>{o.round}</td>
                        <td className="breakable">{o.observerName}</td>
                        <td>{o.items.length ? o.items.join("; ") : <span className="muted">nothing</span>}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : null}
          </div>
        ))}
      </section>
    </article>
  );
}
