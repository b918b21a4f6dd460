import type { LoaderFunctionArgs } from "@remix-run/node";
import { NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/guard.server";
import { may, ROLES } from "~/auth/policy";

// Organisers (their groups) and admins (every group) see every report. Trainers come in
// for reports of their own live sessions only: each organiser page below checks
// ROLES.seeReports itself and still answers a trainer 403 (docs/reports.md, Who sees what).
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requireUser({ request, context }, ROLES.seeSessionReports);
  return {
    organiserReports: may.seeReports(user.role),
    impactReport: may.seeImpact(user.role),
    electionResults: may.runEvaluations(user.role),
    evaluations: may.runEvaluations(user.role),
  };
}

export default function ReportsLayout() {
  const { organiserReports, impactReport, electionResults, evaluations } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Reports</h1>
      <nav aria-label="Report sections" className="tabs">
        {organiserReports ? (
          <>
            <NavLink to="/reports" end>
              Overview
            </NavLink>
            <NavLink to="/reports/activists">Activists</NavLink>
            <NavLink to="/reports/nudges">Nudges</NavLink>
            {impactReport ? <NavLink to="/reports/impact">Impact</NavLink> : null}
            {electionResults ? <NavLink to="/reports/elections">Elections</NavLink> : null}
            {evaluations ? <NavLink to="/reports/evaluations">Evaluations</NavLink> : null}
          </>
        ) : null}
        <NavLink to="/reports/sessions">Live sessions</NavLink>
        {impactReport ? <NavLink to="/reports/imports">Canvass imports</NavLink> : null}
      </nav>
      <Outlet />
    </>
  );
}
