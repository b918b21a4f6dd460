import type { LoaderFunctionArgs } from "@remix-run/node";
import { NavLink, Outlet } from "@remix-run/react";
import { requireUser } from "~/auth/guard.server";
import { ROLES } from "~/auth/policy";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser({ request, context }, ROLES.administer);
  return null;
}

export default function AdminLayout() {
  return (
    <>
      <h1>Admin</h1>
      <nav aria-label="Admin sections" className="tabs">
        <NavLink to="/admin/users">Users</NavLink>
        <NavLink to="/admin/groups">Groups</NavLink>
        <NavLink to="/admin/invites">Invites</NavLink>
      </nav>
      <Outlet />
    </>
  );
}
