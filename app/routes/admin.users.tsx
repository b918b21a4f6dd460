import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { userRoles } from "../../db/enums";
import { findUser, searchUsers, USER_SEARCH_MAX } from "~/auth/accounts.server";
import { requireUser } from "~/auth/guard.server";
import { ROLES } from "~/auth/policy";
import { ROLE_LABEL } from "~/components/role-label";
import { listGroups } from "~/groups/groups.server";
import { readQuery } from "~/lib/request.server";

export const meta: MetaFunction = () => [{ title: "Users · Admin · Doorstep" }];

const isRole = (value: string): value is (typeof userRoles)[number] => (userRoles as readonly string[]).includes(value);

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser({ request, context }, ROLES.administer);
  const query = readQuery(request);
  // Malformed filters are dropped, not refused: a hand-edited or stale link still lists people.
  const q = (query.get("q") ?? "").trim().slice(0, USER_SEARCH_MAX);
  const roleParam = query.get("role") ?? "";
  const role = isRole(roleParam) ? roleParam : undefined;
  const pageParam = query.get("page") ?? "";
  const page = /^\d{1,9}$/.test(pageParam) ? Number(pageParam) : 1;
  const savedId = query.get("saved");
  const groups = await listGroups({ includeArchived: true });
  const groupParam = query.get("group") ?? "";
  const groupId = groups.some((g) => g.id === groupParam) ? groupParam : undefined;
  const [result, saved] = await Promise.all([searchUsers({ q, role, groupId, page }), savedId ? findUser(savedId.slice(0, 64)) : undefined]);
  return {
    filters: { q, role: role ?? "", group: groupId ?? "" },
    ...result,
    users: result.users.map((u) => ({ ...u, createdAt: u.createdAt.toISOString() })),
    groups: groups.map((g) => ({ id: g.id, name: g.name, archived: Boolean(g.archivedAt) })),
    saved: saved ? { name: saved.name, role: saved.role, groups: saved.groups.map((g) => g.name) } : null,
  };
}

const number = (n: number) => n.toLocaleString("en-GB");

export default function AdminUsers() {
  const { users, total, page, pageCount, perPage, filters, groups, saved } = useLoaderData<typeof loader>();
  const filtered = Boolean(filters.q || filters.role || filters.group);
  const pageLink = (to: number) => {
    const params = new URLSearchParams();
    if (filters.q) params.set("q", filters.q);
    if (filters.role) params.set("role", filters.role);
    if (filters.group) params.set("group", filters.group);
    if (to > 1) params.set("page", String(to));
    const search = params.toString();
    return search ? `?${search}` : ".";
  };
  const first = total === 0 ? 0 : (page - 1) * perPage + 1;
  const last = Math.min(total, page * perPage);
  return (
    <>
      {saved ? (
        <div className="alert alert--success" role="status">
          Saved {saved.name}: role {ROLE_LABEL[saved.role].toLowerCase()}, {saved.groups.length ? `groups ${saved.groups.join(", ")}` : "no groups"}.
        </div>
      ) : null}
      <h2>Users</h2>
      <Form method="get" className="card user-search" role="search" aria-label="Find people">
        <div className="field">
          <label htmlFor="q">Name or email</label>
          <input id="q" name="q" type="search" defaultValue={filters.q} maxLength={USER_SEARCH_MAX} />
        </div>
        <div className="field">
          <label htmlFor="role">Role</label>
          <select id="role" name="role" defaultValue={filters.role}>
            <option value="">Any role</option>
            {userRoles.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABEL[r]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="group">Group</label>
          <select id="group" name="group" defaultValue={filters.group}>
            <option value="">Any group</option>
            {groups.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
                {g.archived ? " (archived)" : ""}
              </option>
            ))}
          </select>
        </div>
        <div className="button-row">
          <button type="submit" className="button">
            Search
          </button>
          {filtered ? <Link to=".">Clear</Link> : null}
        </div>
      </Form>
      <p className="muted" data-testid="users-count">
        {total === 0
          ? filtered
            ? "Nobody matches. Try part of a name or email, or clear the filters."
            : "No users yet."
          : `Showing ${number(first)}–${number(last)} of ${number(total)}`}
      </p>
      {users.length ? (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="People with their role and groups">
          <table>
            <caption className="visually-hidden">People with their role and groups</caption>
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
                  <td className="user-email breakable">{u.email}</td>
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
      ) : null}
      {pageCount > 1 ? (
        <nav className="pagination" aria-label="Pages of users">
          {page > 1 ? (
            <Link to={pageLink(page - 1)} rel="prev">
              Previous
            </Link>
          ) : (
            <span aria-hidden="true" />
          )}
          <span className="pagination__status">
            Page {number(page)} of {number(pageCount)}
          </span>
          {page < pageCount ? (
            <Link to={pageLink(page + 1)} rel="next">
              Next
            </Link>
          ) : (
            <span aria-hidden="true" />
          )}
        </nav>
      ) : null}
    </>
  );
}
