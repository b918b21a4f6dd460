import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { userRoles } from "../../db/enums";
import { findUser, updateUserAccess } from "~/auth/accounts.server";
import { requireUser } from "~/auth/guard.server";
import { may, ROLES } from "~/auth/policy";
import { userAccessFormSchema } from "~/auth/validation.server";
import { ROLE_LABEL } from "~/components/role-label";
import { FormError } from "~/components/form-field";
import { archivedGroupIds, existingGroupIds, listGroups } from "~/groups/groups.server";
import { formFailure, notFound, parseForm } from "~/lib/http.server";
import { readForm, routeParam } from "~/lib/request.server";

export const meta: MetaFunction = () => [{ title: "Edit user · Admin · Doorstep" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  await requireUser({ request, context }, ROLES.administer);
  const [user, groups] = await Promise.all([findUser(routeParam(params, "id")), listGroups({ includeArchived: true })]);
  if (!user) throw notFound("There is no user with that id.");
  // Archived groups are offered only to their members, so saving never drops them silently.
  const memberOf = new Set(user.groups.map((g) => g.id));
  return {
    user: { ...user, createdAt: user.createdAt.toISOString() },
    groups: groups.filter((g) => !g.archivedAt || memberOf.has(g.id)).map((g) => ({ id: g.id, name: g.name, kind: g.kind, archived: Boolean(g.archivedAt) })),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user: admin } = await requireUser({ request, context }, ROLES.administer);
  const form = await readForm(request);
  const parsed = parseForm(userAccessFormSchema, { role: form.get("role"), groupIds: form.getAll("groupIds") });
  if (!parsed.ok) return parsed.response;
  const target = await findUser(routeParam(params, "id"));
  if (!target) throw notFound("There is no user with that id.");
  const { role, groupIds } = parsed.value;
  const unique = [...new Set(groupIds)];
  const known = await existingGroupIds(unique);
  if (known.size !== unique.length) return formFailure(400, { groupIds: "One of the chosen groups no longer exists. Reload the page and try again." });
  const current = new Set(target.groups.map((g) => g.id));
  const joiningArchived = [...(await archivedGroupIds(unique))].filter((id) => !current.has(id));
  if (joiningArchived.length) return formFailure(400, { groupIds: "One of the chosen groups is archived and takes no new members. Unarchive it first." });
  // The last-admin rule lives in updateUserAccess, inside its transaction (a 409 on "role").
  const result = await updateUserAccess(target.id, role, unique);
  if (!result.ok) return formFailure(result.status, { [result.field ?? "form"]: result.message });
  // The list shows what was stored (role="status"), read back from the database by id.
  throw redirect(target.id === admin.id && !may.administer(role) ? "/" : `/admin/users?saved=${encodeURIComponent(target.id)}`);
}

export default function EditUser() {
  const { user, groups } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const memberOf = new Set(user.groups.map((g) => g.id));
  return (
    <>
      <h2>
        {user.name} <span className="muted">({user.email})</span>
      </h2>
      <Form method="post" className="card">
        <FormError message={failure?.errors.form} />
        <div className={`field${failure?.errors.role ? " field--invalid" : ""}`}>
          <label htmlFor="role">Role</label>
          <select id="role" name="role" defaultValue={user.role} aria-describedby={failure?.errors.role ? "role-error" : undefined}>
            {userRoles.map((role) => (
              <option key={role} value={role}>
                {ROLE_LABEL[role]}
              </option>
            ))}
          </select>
          {failure?.errors.role ? (
            <p className="field__error" id="role-error">
              {failure.errors.role}
            </p>
          ) : null}
        </div>
        <fieldset>
          <legend>Groups</legend>
          {failure?.errors.groupIds ? <p className="field__error">{failure.errors.groupIds}</p> : null}
          {groups.length === 0 ? <p className="muted">No groups yet. <Link to="/admin/groups">Create one</Link>.</p> : null}
          {groups.map((g) => (
            <label key={g.id} className="checkbox">
              <input type="checkbox" name="groupIds" value={g.id} defaultChecked={memberOf.has(g.id)} />
              <span>
                {g.name} <span className="muted">({g.kind}{g.archived ? ", archived" : ""})</span>
              </span>
            </label>
          ))}
        </fieldset>
        <div className="button-row">
          <button type="submit" className="button">
            Save changes
          </button>
          <Link to="/admin/users">Cancel</Link>
        </div>
      </Form>
    </>
  );
}
