import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/guard.server";
import { may, ROLES } from "~/auth/policy";
import { createInvite, inviteScope, listInvites, outsideInviteScope } from "~/auth/invites.server";
import { inviteFormSchema } from "~/auth/validation.server";
import { ROLE_LABEL } from "~/components/role-label";
import { CopyField } from "~/components/copy-field";
import { FormError, GroupSelectField } from "~/components/form-field";
import { findActiveGroup } from "~/groups/groups.server";
import { formFailure, parseForm, text } from "~/lib/http.server";
import { readForm } from "~/lib/request.server";
import { formatDate } from "~/lib/dates";

export const meta: MetaFunction = () => [{ title: "Invites · Admin · Doorstep" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requireUser({ request, context }, ROLES.invite);
  const scope = await inviteScope(user);
  const invites = await listInvites(50, scope.listedGroupIds);
  return {
    administer: may.administer(user.role),
    groups: scope.groups,
    roles: scope.roles,
    invites: invites.map((i) => ({ ...i, createdAt: i.createdAt.toISOString(), expiresAt: i.expiresAt.toISOString() })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { user } = await requireUser({ request, context }, ROLES.invite);
  const form = await readForm(request);
  const echo = { groupId: (text(form, "groupId") ?? "").slice(0, 64), role: (text(form, "role") ?? "").slice(0, 20), days: (text(form, "days") ?? "").slice(0, 10) };
  const parsed = parseForm(inviteFormSchema, { groupId: text(form, "groupId"), role: text(form, "role"), days: text(form, "days") ?? "14" }, echo);
  if (!parsed.ok) return parsed.response;
  const group = await findActiveGroup(parsed.value.groupId);
  if (!group) return formFailure(400, { groupId: "That group doesn't exist any more or is archived. Choose another." }, echo);
  const outside = outsideInviteScope(await inviteScope(user), group.id, parsed.value.role);
  if (outside) return formFailure(403, { [outside.field]: outside.message }, echo);
  const { token, expiresAt } = await createInvite({ groupId: group.id, role: parsed.value.role, createdBy: user.id, days: parsed.value.days });
  const url = new URL(`/invite/${token}`, request.url).toString();
  return { ok: true as const, url, groupName: group.name, role: parsed.value.role, expiresAt: expiresAt.toISOString() };
}

const STATUS_TAG = { valid: "tag--good", used: "", expired: "tag--bad", closed: "tag--muted" } as const;
const STATUS_LABEL = { valid: "valid", used: "used", expired: "expired", closed: "group archived" } as const;

export default function AdminInvites() {
  const { administer, groups, roles, invites } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = result && !result.ok ? result : undefined;
  return (
    <div className="grid grid--2 admin-grid">
      <section>
        <h2>New invite link</h2>
        {groups.length === 0 ? (
          <p className="empty">
            {administer ? (
              <>
                Invites put people in a group. <Link to="/admin/groups">Create a group</Link> first.
              </>
            ) : (
              "Invites put people in one of your groups, and you are in no active group yet. Ask an admin to add you to your branch or constituency."
            )}
          </p>
        ) : (
          <Form method="post" className="card">
            <FormError message={failure?.errors.form} />
            {/* No default: an invite to the wrong branch is worse than one more click. */}
            <GroupSelectField label="Group" groups={groups} emptyLabel="Choose a group" defaultValue={failure?.values?.groupId} error={failure?.errors.groupId} />
            <div className="field">
              <label htmlFor="role">Role</label>
              <select id="role" name="role" defaultValue={failure?.values?.role || "activist"}>
                {roles.map((r) => (
                  <option key={r} value={r}>
                    {ROLE_LABEL[r]}
                  </option>
                ))}
              </select>
              {failure?.errors.role ? <p className="field__error">{failure.errors.role}</p> : null}
            </div>
            <div className="field">
              <label htmlFor="days">Valid for (days)</label>
              <input id="days" name="days" type="number" min={1} max={90} defaultValue={failure?.values?.days || 14} />
              {failure?.errors.days ? <p className="field__error">{failure.errors.days}</p> : null}
            </div>
            <button type="submit" className="button">
              Create invite link
            </button>
          </Form>
        )}
        <p>
          Onboarding a branch? <Link to="/admin/invites/bulk">Invite many people at once</Link> from a list of names and emails.
        </p>
        {result?.ok ? (
          <div className="alert alert--success" role="status">
            <p>
              Invite for a new {ROLE_LABEL[result.role].toLowerCase()} in {result.groupName}. Copy it now: for safety it is shown only once. It
              works for one person until {formatDate(result.expiresAt)}.
            </p>
            <CopyField label="Invite link" value={result.url} testId="invite-url" />
          </div>
        ) : null}
      </section>
      <section>
        <h2>Recent invites</h2>
        {invites.length === 0 ? (
          <p className="empty">No invites yet.</p>
        ) : (
          // Focusable: on a phone the table scrolls sideways, and nothing in it takes focus.
          <div className="table-wrap" tabIndex={0} role="region" aria-label="Recent invites">
            <table>
              <caption className="visually-hidden">Recent invites</caption>
              <thead>
                <tr>
                  <th scope="col">Group</th>
                  <th scope="col">For</th>
                  <th scope="col">Role</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {invites.map((i) => (
                  <tr key={i.id}>
                    <td className="breakable">{i.groupName}</td>
                    <td className="breakable">{i.inviteeName ? `${i.inviteeName} (${i.inviteeEmail})` : <span className="muted">anyone with the link</span>}</td>
                    <td>{ROLE_LABEL[i.role]}</td>
                    <td className="breakable">
                      <span className={`tag ${STATUS_TAG[i.status]}`}>{STATUS_LABEL[i.status]}</span>
                      {i.usedByName ? ` by ${i.usedByName}` : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
