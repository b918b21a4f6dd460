import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/guard.server";
import { ROLES } from "~/auth/policy";
import { Field, FormError } from "~/components/form-field";
import { findGroup, groupInputSchema, listGroups, mergeGroups, planMerge, renameGroup, setGroupArchived } from "~/groups/groups.server";
import { formFailure, notFound, text } from "~/lib/http.server";
import { readForm, readQuery, routeParam } from "~/lib/request.server";

export const meta: MetaFunction = () => [{ title: "Manage group · Admin · Doorstep" }];

const DONE = ["renamed", "archived", "unarchived", "merged"] as const;
type Done = (typeof DONE)[number];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  await requireUser({ request, context }, ROLES.administer);
  const doneParam = readQuery(request).get("done") ?? "";
  const [group, all] = await Promise.all([findGroup(routeParam(params, "id")), listGroups({ includeArchived: true })]);
  if (!group) throw notFound("There is no group with that id. It may have been merged into another.");
  const self = all.find((g) => g.id === group.id);
  return {
    group: { id: group.id, name: group.name, kind: group.kind, archived: Boolean(group.archivedAt), memberCount: self?.memberCount ?? 0 },
    // Merging into an archived group is refused, so only active ones are offered.
    targets: all.filter((g) => g.id !== group.id && !g.archivedAt).map((g) => ({ id: g.id, name: g.name, kind: g.kind })),
    done: (DONE as readonly string[]).includes(doneParam) ? (doneParam as Done) : null,
  };
}

const back = (id: string, done: Done) => redirect(`/admin/groups/${id}?done=${done}`);

export async function action({ request, params, context }: ActionFunctionArgs) {
  await requireUser({ request, context }, ROLES.administer);
  const form = await readForm(request);
  const id = routeParam(params, "id");
  const intent = text(form, "intent");
  if (intent === "rename") {
    const echo = { name: (text(form, "name") ?? "").slice(0, 120) };
    const name = groupInputSchema.shape.name.safeParse(text(form, "name"));
    if (!name.success) return formFailure(400, { name: name.error.issues[0]!.message }, echo);
    const result = await renameGroup(id, name.data);
    if (!result.ok) return result.status === 404 ? notFoundResponse() : formFailure(result.status, { [result.field ?? "form"]: result.message }, echo);
    throw back(id, "renamed");
  }
  if (intent === "archive" || intent === "unarchive") {
    const result = await setGroupArchived(id, intent === "archive");
    if (!result.ok) return notFoundResponse();
    throw back(id, intent === "archive" ? "archived" : "unarchived");
  }
  if (intent === "merge") {
    const into = (text(form, "into") ?? "").slice(0, 64);
    if (!into) return formFailure(400, { into: "Choose the group to merge into." });
    // Destructive, so two steps: the first post shows what would move, the second does it.
    if (text(form, "confirm") !== "yes") {
      const planned = await planMerge(id, into);
      if (!planned.ok) return planned.status === 404 ? notFoundResponse() : formFailure(planned.status, { [planned.field ?? "form"]: planned.message });
      return { ok: true as const, confirm: planned.value };
    }
    const merged = await mergeGroups(id, into);
    if (!merged.ok) return merged.status === 404 ? notFoundResponse() : formFailure(merged.status, { [merged.field ?? "form"]: merged.message });
    throw back(merged.value.into.id, "merged");
  }
  return formFailure(400, { form: "Unknown action. Use the buttons on this page." });
}

const notFoundResponse = () => formFailure(404, { form: "That group no longer exists (it may have been merged). Go back to the groups list." });

const DONE_MESSAGE: Record<Done, (g: { name: string; memberCount: number }) => string> = {
  renamed: (g) => `Renamed to “${g.name}”.`,
  archived: (g) => `Archived “${g.name}”: it is hidden from pickers and invites; its members and report history stay.`,
  unarchived: (g) => `“${g.name}” is active again.`,
  merged: (g) => `Merged: “${g.name}” now has ${g.memberCount} ${g.memberCount === 1 ? "member" : "members"}, and the other group is gone.`,
};

export default function ManageGroup() {
  const { group, targets, done } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = result && !result.ok ? result : undefined;
  const plan = result?.ok ? result.confirm : undefined;
  return (
    <>
      <p>
        <Link to="/admin/groups">← All groups</Link>
      </p>
      <h2>
        {group.name} <span className="muted">({group.kind}, {group.memberCount} {group.memberCount === 1 ? "member" : "members"})</span>{" "}
        {group.archived ? <span className="tag tag--muted">Archived</span> : null}
      </h2>
      {done && !plan ? (
        <div className="alert alert--success" role="status">
          {DONE_MESSAGE[done](group)}
        </div>
      ) : null}
      <FormError message={failure?.errors.form} />
      <div className="grid grid--2 admin-grid">
        <section>
          <h3>Rename</h3>
          <Form method="post" className="card" noValidate>
            <Field label="New name" name="name" required maxLength={120} defaultValue={failure?.values?.name ?? group.name} error={failure?.errors.name} />
            <button type="submit" className="button" name="intent" value="rename">
              Rename
            </button>
          </Form>
          <h3>{group.archived ? "Unarchive" : "Archive"}</h3>
          <Form method="post" className="card">
            <p>
              {group.archived
                ? "Offer this group in pickers and invites again."
                : "Hide this group from pickers and invites, and stop its pending invite links from working. Its members and report history stay; you can unarchive it later."}
            </p>
            <button type="submit" className="button button--secondary" name="intent" value={group.archived ? "unarchive" : "archive"}>
              {group.archived ? "Unarchive group" : "Archive group"}
            </button>
          </Form>
        </section>
        <section>
          <h3>Merge into another group</h3>
          {plan ? (
            <Form method="post" className="card merge-confirm">
              <input type="hidden" name="into" value={plan.into.id} />
              <input type="hidden" name="confirm" value="yes" />
              <div className="alert alert--info" role="status">
                <p>
                  Merge “{plan.from.name}” into “{plan.into.name}”? {plan.newMembers} {plan.newMembers === 1 ? "person joins" : "people join"} “{plan.into.name}”
                  {plan.sharedMembers ? ` (${plan.sharedMembers} already in both)` : ""}; {plan.invites} {plan.invites === 1 ? "invite" : "invites"} and {plan.liveSessions}{" "}
                  {plan.liveSessions === 1 ? "live session" : "live sessions"} move with them. Then “{plan.from.name}” is deleted. This cannot be undone.
                </p>
              </div>
              <div className="button-row">
                <button type="submit" className="button button--danger" name="intent" value="merge">
                  Merge for good
                </button>
                <Link to=".">Cancel</Link>
              </div>
            </Form>
          ) : targets.length === 0 ? (
            <p className="muted">There is no other active group to merge into.</p>
          ) : (
            <Form method="post" className="card">
              <p>Everyone in “{group.name}”, its invites and its live sessions move to the group you choose; “{group.name}” is then deleted. You confirm on the next step.</p>
              <div className={`field${failure?.errors.into ? " field--invalid" : ""}`}>
                <label htmlFor="into">Merge into</label>
                <select id="into" name="into" defaultValue="" aria-describedby={failure?.errors.into ? "into-error" : undefined}>
                  <option value="">Choose a group</option>
                  {targets.map((g) => (
                    <option key={g.id} value={g.id}>
                      {g.name} ({g.kind})
                    </option>
                  ))}
                </select>
                {failure?.errors.into ? (
                  <p className="field__error" id="into-error">
                    {failure.errors.into}
                  </p>
                ) : null}
              </div>
              <button type="submit" className="button button--secondary" name="intent" value="merge">
                Review merge…
              </button>
            </Form>
          )}
        </section>
      </div>
    </>
  );
}
