import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/guard.server";
import { may, ROLES } from "~/auth/policy";
import { formatJoinCode } from "~/live/join-code";
import { listTrainerSessions } from "~/live/lifecycle.server";
import { listUpcoming } from "~/live/scheduled.server";
import { UpcomingSessions } from "~/components/upcoming-sessions";
import { formatWhen } from "~/lib/dates";

export const meta: MetaFunction = () => [{ title: "Live sessions · Doorstep" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requireUser({ request, context }, ROLES.runLive);
  const [sessions, upcoming] = await Promise.all([listTrainerSessions(user), listUpcoming(user, "reach")]);
  return { sessions, upcoming, isAdmin: may.runAnyLiveSession(user.role) };
}


export default function LiveSessions() {
  const { sessions, upcoming, isAdmin } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Live sessions</h1>
      <p className="lede">Run a module with a room: everyone joins with a code and follows your screen.</p>
      <p className="button-row">
        <Link className="button" to="/live/new">
          Start a live session
        </Link>
        <Link className="button button--secondary" to="/live/scheduled/new">
          Schedule one ahead
        </Link>
      </p>
      {upcoming.length ? <UpcomingSessions sessions={upcoming} headingLevel="h2" /> : null}
      <h2>{isAdmin ? "All sessions" : "Your sessions"}</h2>
      {sessions.length ? (
        <p>
          Each session's report has its attendance, answers, scenario votes and observer checklists: <Link to="/reports/sessions">all session reports</Link>.
        </p>
      ) : null}
      {sessions.length === 0 ? (
        <p className="empty">No sessions yet. Start one from here or from a module's page.</p>
      ) : (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Live sessions, newest first">
          <table>
            <caption className="visually-hidden">Live sessions, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Module</th>
                <th scope="col">Group</th>
                {isAdmin ? <th scope="col">Trainer</th> : null}
                <th scope="col">Attendance</th>
                <th scope="col">Status</th>
                <th scope="col">Report</th>
              </tr>
            </thead>
            <tbody>
              {sessions.map((s) => (
                <tr key={s.id}>
                  <td>{formatWhen(s.createdAt)}</td>
                  <td>{s.moduleTitle}</td>
                  {/* Whole words: the table scrolls sideways in its region on a phone rather than split "Eastfield" mid-word. */}
                  <td>{s.groupName ?? <span className="muted">No group</span>}</td>
                  {isAdmin ? <td>{s.trainerName}</td> : null}
                  <td>
                    {s.status === "ended" ? `${s.attended} of ${s.participants} attended` : `${s.participants} joined`}
                  </td>
                  <td>
                    {s.status === "open" ? (
                      <Link to={`/live/${s.code}/present`}>
                        Open · <span className="join-code-inline">{formatJoinCode(s.code)}</span>
                      </Link>
                    ) : (
                      <Link to={`/live/${s.code}/present`}>Ended {s.endedAt ? formatWhen(s.endedAt) : ""}</Link>
                    )}
                  </td>
                  <td>
                    <Link to={`/reports/sessions/${s.id}`} aria-label={`Report of ${s.moduleTitle}, ${formatWhen(s.createdAt)}`}>
                      Report
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
