import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/guard.server";
import { reportReach, ROLES } from "~/auth/policy";
import { Pagination } from "~/components/chart-controls";
import { listSessionReports } from "~/reports/sessions.server";
import { readQuery } from "~/lib/request.server";
import { formatWhen } from "~/lib/dates";

export const meta: MetaFunction = () => [{ title: "Live sessions · Reports · Doorstep" }];

// Trainers: the sessions they ran. Organisers: sessions for their groups or that their
// people joined. Admins: every session. (app/reports/sessions.server.ts)
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requireUser({ request, context }, ROLES.seeSessionReports);
  const page = Number(readQuery(request).get("page") ?? "1");
  const list = await listSessionReports(user, Number.isFinite(page) ? page : 1);
  return { ...list, reach: reportReach(user.role) };
}


export default function SessionReports() {
  const { sessions, total, page, pageCount, reach } = useLoaderData<typeof loader>();
  const ownSessions = reach === "own sessions"; // a trainer: no Trainer column
  return (
    <section aria-labelledby="sessions-heading">
      <h2 id="sessions-heading">Live sessions</h2>
      <p className="muted">
        {ownSessions
          ? "The sessions you ran. Open one for its attendance, answers, practice-conversation votes and observer checklists."
          : reach === "own groups"
            ? "Sessions run for your groups, or joined by people in them. People outside your groups are counted, not named."
            : "Every live session. Open one for its attendance, answers, practice-conversation votes and observer checklists."}{" "}
        Times are UTC.
      </p>
      {sessions.length === 0 ? (
        <p className="empty">No live sessions yet.</p>
      ) : (
        <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="sessions-caption">
          <table className="report-table">
            <caption id="sessions-caption" className="visually-hidden">
              Live sessions, newest first
            </caption>
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Module</th>
                <th scope="col">Group</th>
                {ownSessions ? null : <th scope="col">Trainer</th>}
                <th scope="col" className="num">
                  Joined
                </th>
                <th scope="col" className="num">
                  Attended
                </th>
                <th scope="col" className="num">
                  Completions recorded
                </th>
              </tr>
            </thead>
            <tbody>
              {sessions.map((s) => (
                <tr key={s.id}>
                  <th scope="row">
                    <Link to={`/reports/sessions/${s.id}`}>{formatWhen(s.startedAt)}</Link>
                    {s.status === "open" ? (
                      <>
                        {" "}
                        <span className="tag tag--warn">open</span>
                      </>
                    ) : null}
                  </th>
                  <td>{s.moduleTitle}</td>
                  <td className="breakable">{s.groupName ?? <span className="muted">No group</span>}</td>
                  {ownSessions ? null : <td className="breakable">{s.trainerName}</td>}
                  <td className="num">{s.participants}</td>
                  <td className="num">{s.status === "ended" ? s.attended : <span className="muted">at the end</span>}</td>
                  <td className="num">{s.completions}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pagination label="Pages of sessions" page={page} pageCount={pageCount} total={total} noun="sessions" href={(p) => `/reports/sessions?page=${p}`} />
    </section>
  );
}
