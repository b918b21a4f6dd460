import type { LoaderFunctionArgs } from "@remix-run/node";
import { NavLink, Outlet } from "@remix-run/react";
import { requireUser } from "~/auth/guard.server";
import { REPORT_ROLES } from "~/reports/scope.server";

// Organisers (their groups) and admins (every group). Trainers get reports of their own
// live sessions once live sessions exist; until then they are refused here, with 403.
export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request, REPORT_ROLES);
  return null;
}

export default function ReportsLayout() {
  return (
    <>
      <h1>Reports</h1>
      <nav aria-label="Report sections" className="tabs">
        <NavLink to="/reports" end>
          Overview
        </NavLink>
        <NavLink to="/reports/activists">Activists</NavLink>
      </nav>
      <Outlet />
    </>
  );
}
