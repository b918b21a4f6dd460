import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { groupKinds } from "../../db/enums";
import { requireUser } from "~/auth/guard.server";
import { ROLES } from "~/auth/policy";
import { Field, FormError } from "~/components/form-field";
import { createGroup, groupInputSchema, listGroups } from "~/groups/groups.server";
import { formFailure, parseForm, text } from "~/lib/http.server";
import { readForm } from "~/lib/request.server";

export const meta: MetaFunction = () => [{ title: "Groups · Admin · Doorstep" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser({ request, context }, ROLES.administer);
  const groups = await listGroups({ includeArchived: true });
  return {
    groups: groups.map((g) => ({ id: g.id, name: g.name, kind: g.kind, isTargetSeat: g.isTargetSeat, memberCount: g.memberCount, archived: Boolean(g.archivedAt) })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  await requireUser({ request, context }, ROLES.administer);
  const form = await readForm(request);
  const echo = { name: (text(form, "name") ?? "").slice(0, 120), kind: text(form, "kind") ?? "" };
  const parsed = parseForm(groupInputSchema, { name: text(form, "name"), kind: text(form, "kind"), isTargetSeat: form.get("isTargetSeat") === "on" }, echo);
  if (!parsed.ok) return parsed.response;
  const result = await createGroup(parsed.value);
  if (!result.ok) return formFailure(result.status, { [result.field ?? "name"]: result.message }, echo);
  return { ok: true as const, created: result.value.name };
}

export default function AdminGroups() {
  const { groups: all } = useLoaderData<typeof loader>();
  const groups = all.filter((g) => !g.archived);
  const archived = all.filter((g) => g.archived);
  const result = useActionData<typeof action>();
  const failure = result && !result.ok ? result : undefined;
  const formRef = useRef<HTMLFormElement>(null);
  const submitting = useNavigation().state === "submitting";
  useEffect(() => {
    if (result?.ok) formRef.current?.reset();
  }, [result]);
  return (
    <div className="grid grid--2 admin-grid">
      <section>
        <h2>Groups ({groups.length})</h2>
        {groups.length === 0 ? (
          <p className="empty">No groups yet. Create your first branch or constituency with the form.</p>
        ) : (
          <GroupsTable groups={groups} caption="Groups" />
        )}
        {archived.length ? (
          <>
            <h3>Archived ({archived.length})</h3>
            <p className="muted">Offered in no picker and taking no invites; their members and report history stay.</p>
            <GroupsTable groups={archived} caption="Archived groups" />
          </>
        ) : null}
      </section>
      <section>
        <h2>New group</h2>
        <Form method="post" className="card" ref={formRef} noValidate>
          {result?.ok ? (
            <div className="alert alert--success" role="status">
              Created “{result.created}”.
            </div>
          ) : null}
          <FormError message={failure?.errors.form} />
          <Field label="Name" name="name" required maxLength={120} defaultValue={failure?.values?.name} error={failure?.errors.name} />
          <div className={`field${failure?.errors.kind ? " field--invalid" : ""}`}>
            <label htmlFor="kind">Kind</label>
            <select id="kind" name="kind" defaultValue={failure?.values?.kind || "branch"}>
              {groupKinds.map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </select>
            {failure?.errors.kind ? <p className="field__error">{failure.errors.kind}</p> : null}
          </div>
          <label className="checkbox">
            <input type="checkbox" name="isTargetSeat" />
            <span>Target seat (reports flag it when training lags)</span>
          </label>
          <button type="submit" className="button" disabled={submitting}>
            Create group
          </button>
        </Form>
      </section>
    </div>
  );
}

type GroupListed = { id: string; name: string; kind: string; isTargetSeat: boolean; memberCount: number };

function GroupsTable({ groups, caption }: { groups: GroupListed[]; caption: string }) {
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={caption}>
      <table>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Kind</th>
            <th scope="col">Members</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {groups.map((g) => (
            <GroupRow key={g.id} group={g} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function GroupRow({ group: g }: { group: GroupListed }) {
  return (
    <tr>
      <td className="breakable">
        {g.name} {g.isTargetSeat ? <span className="tag tag--warn">Target seat</span> : null}
      </td>
      <td>{g.kind}</td>
      <td>{g.memberCount}</td>
      <td>
        {/* Named in text, not aria-label: "Manage Eastfield" for screen readers, and no label that "Name" matches. */}
        <Link to={`/admin/groups/${g.id}`}>
          Manage<span className="visually-hidden"> {g.name}</span>
        </Link>
      </td>
    </tr>
  );
}
