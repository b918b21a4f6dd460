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

interface Section {
  to: string;
  label: string;
  end?: boolean;
}

// Eight sections did not fit a phone's row of tabs (the last ones were cut off), so they
// come in two labelled groups of links that wrap: every section and the current one stay
// visible at 390 px, with no scrolling and no script (ADR 040).
export default function ReportsLayout() {
  const { organiserReports, impactReport, electionResults, evaluations } = useLoaderData<typeof loader>();
  const training: Section[] = [
    ...(organiserReports
      ? [
          { to: "/reports", label: "Overview", end: true },
          { to: "/reports/activists", label: "Activists" },
          { to: "/reports/nudges", label: "Nudges" },
        ]
      : []),
    { to: "/reports/sessions", label: "Live sessions" },
  ];
  const field: Section[] = [
    ...(organiserReports && impactReport ? [{ to: "/reports/impact", label: "Impact" }] : []),
    ...(impactReport ? [{ to: "/reports/imports", label: "Canvass imports" }] : []),
    ...(organiserReports && electionResults ? [{ to: "/reports/elections", label: "Elections" }] : []),
    ...(organiserReports && evaluations ? [{ to: "/reports/evaluations", label: "Evaluations" }] : []),
  ];
  return (
    <>
      <h1>Reports</h1>
      <nav aria-label="Report sections" className="section-nav">
        <SectionGroup id="reports-nav-training" label="Training" sections={training} />
        <SectionGroup id="reports-nav-field" label="Field" sections={field} />
      </nav>
      <Outlet />
    </>
  );
}

function SectionGroup({ id, label, sections }: { id: string; label: string; sections: Section[] }) {
  if (sections.length === 0) return null;
  return (
    <div className="section-nav__group">
      <span className="section-nav__label" id={id}>
        {label}
      </span>
      <ul aria-labelledby={id}>
        {sections.map((s) => (
          <li key={s.to}>
            <NavLink to={s.to} end={s.end}>
              {s.label}
            </NavLink>
          </li>
        ))}
      </ul>
    </div>
  );
}
