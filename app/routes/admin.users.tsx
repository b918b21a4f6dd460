import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { listUsers } from "~/auth/accounts.server";
import { requireUser } from "~/auth/guard.server";
import { ROLES } from "~/auth/policy";
import { ROLE_LABEL } from "~/components/app-shell";

export const meta: MetaFunction = () => [{ title: "Users · Admin · Doorstep" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser({ request, context }, ROLES.administer);
  const users = await listUsers();
  return { users: users.map((u) => ({ ...u, createdAt: u.createdAt.toISOString() })) };
}

export default function AdminUsers() {
  const { users } = useLoaderData<typeof loader>();
  return (
    <>
      <h2>Users ({users.length})</h2>
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">All users with their role and groups</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Groups</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id}>
                <td className="breakable">{u.name}</td>
                <td className="breakable">{u.email}</td>
                <td>
                  <span className="tag">{ROLE_LABEL[u.role]}</span>
                </td>
                <td className="breakable">{u.groups.length ? u.groups.map((g) => g.name).join(", ") : <span className="muted">none</span>}</td>
                <td>
                  <Link to={`/admin/users/${u.id}`} aria-label={`Edit role and groups of ${u.name}`}>
                    Edit
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
