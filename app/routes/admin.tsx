import type { LoaderFunctionArgs } from "@remix-run/node";
import { NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/guard.server";
import { may, ROLES } from "~/auth/policy";

// Admins get every admin page; organisers only the invites (each child route checks its
// own role too, so this layout is not the guard of its pages).
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requireUser({ request, context }, ROLES.invite);
  return { administer: may.administer(user.role) };
}

export default function AdminLayout() {
  const { administer } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>{administer ? "Admin" : "Invite people"}</h1>
      {administer ? (
        <nav aria-label="Admin sections" className="tabs">
          <NavLink to="/admin/users">Users</NavLink>
          <NavLink to="/admin/groups">Groups</NavLink>
          <NavLink to="/admin/invites">Invites</NavLink>
          {/* The outbox is admins' (ROLES.readOutbox); its route checks that itself. */}
          <NavLink to="/admin/outbox">Outbox</NavLink>
          <NavLink to="/admin/privacy">Privacy</NavLink>
        </nav>
      ) : null}
      <Outlet />
    </>
  );
}
