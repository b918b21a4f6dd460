import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/guard.server";
import { ROLES } from "~/auth/policy";
import { objectionLabel } from "~/content/objections";
import { formatDay, KIND_LABEL } from "~/field/debrief-fields";
import { shiftReport } from "~/field/shifts.server";
import { notFound } from "~/lib/http.server";
import { routeParam } from "~/lib/request.server";

export const meta: MetaFunction = () => [{ title: "Shift report · Field · Doorstep" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { user } = await requireUser({ request, context }, ROLES.planShifts);
  const report = await shiftReport(user, routeParam(params, "id"));
  if (!report.ok) throw notFound(report.message, { to: "/field", label: "Your field page" });
  return report.value;
}

export default function ShiftReportPage() {
  const { shift, loggers, totals, objections } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>
        Shift: {formatDay(shift.day)}, {shift.groupName}
      </h1>
      <p className="lede">
        {KIND_LABEL[shift.kind]}. Meet: {shift.meetingPoint || "not set"}.
      </p>
      <p>
        Share this with your group: they log it from their <Link to="/field">field page</Link>.
      </p>
      <section aria-labelledby="totals-heading">
        <h2 id="totals-heading">Totals</h2>
        <div className="stat-cards">
          <p className="stat-card">
            <strong>{totals.debriefs}</strong> debriefs
          </p>
          <p className="stat-card">
            <strong>{totals.attempts}</strong> {shift.kind === "phones" ? "calls" : "doors"}
          </p>
          <p className="stat-card">
            <strong>{totals.conversations}</strong> conversations
          </p>
          <p className="stat-card">
            <strong>{totals.commitments}</strong> commitments
          </p>
        </div>
      </section>
      <section aria-labelledby="who-heading">
        <h2 id="who-heading">Who logged</h2>
        {loggers.length === 0 ? (
          <p className="empty">Nobody has logged this shift yet.</p>
        ) : (
          <div className="table-wrap" tabIndex={0} role="region" aria-label="Who logged">
            <table>
              <caption className="visually-hidden">Who logged this shift</caption>
              <thead>
                <tr>
                  <th scope="col">Activist</th>
                  <th scope="col">{shift.kind === "phones" ? "Calls" : "Doors"}</th>
                  <th scope="col">Answered</th>
                  <th scope="col">Conversations</th>
                  <th scope="col">Commitments</th>
                  <th scope="col">Hardest objection</th>
                </tr>
              </thead>
              <tbody>
                {loggers.map((l, i) => (
                  <tr key={i}>
                    <td className="breakable">{l.name}</td>
                    <td>{l.attempts}</td>
                    <td>{l.contacts}</td>
                    <td>{l.conversations}</td>
                    <td>{l.commitments}</td>
                    <td className="breakable">{l.hardestObjection ? objectionLabel(l.hardestObjection) : "none"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {objections.length ? (
        <section aria-labelledby="objections-heading">
          <h2 id="objections-heading">Objections met</h2>
          <ul>
            {objections.map((o) => (
              <li key={o.code}>
                {o.label}: {o.count}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}
