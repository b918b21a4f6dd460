import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requireUser } from "~/auth/guard.server";
import { INVITE_BATCH_MAX, parseInviteList, type LineError } from "~/auth/invite-list.server";
import { createInviteBatch, inviteScope, outsideInviteScope } from "~/auth/invites.server";
import { ROLES } from "~/auth/policy";
import { inviteFormSchema } from "~/auth/validation.server";
import { ROLE_LABEL } from "~/components/role-label";
import { CopyField } from "~/components/copy-field";
import { FormError, GroupSelectField } from "~/components/form-field";
import { findActiveGroup } from "~/groups/groups.server";
import { fieldErrors, text, type FieldErrors } from "~/lib/http.server";
import { hasControlCharacter, readForm } from "~/lib/request.server";
import { csvField } from "~/reports/filters";
import { formatDate } from "~/lib/dates";

export const meta: MetaFunction = () => [{ title: "Invite many people · Admin · Doorstep" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requireUser({ request, context }, ROLES.invite);
  const scope = await inviteScope(user);
  return { groups: scope.groups, roles: scope.roles, max: INVITE_BATCH_MAX };
}

interface BatchFailure {
  ok: false;
  errors: FieldErrors;
  lineErrors: LineError[];
  values: { list: string; groupId: string; role: string; days: string };
}

const refuse = (values: BatchFailure["values"], errors: FieldErrors, lineErrors: LineError[] = []) =>
  data<BatchFailure>({ ok: false, errors, lineErrors, values }, { status: 400 });

/** The list from the box, or from the uploaded file (whose text comes back in the box if it needs fixing). */
async function listOf(form: FormData): Promise<{ ok: true; list: string } | { ok: false; list: string; message: string }> {
  const pasted = text(form, "list") ?? "";
  const file = form.get("file");
  const uploaded = file instanceof File && file.size > 0 ? await file.text() : "";
  if (uploaded && hasControlCharacter(uploaded, "text")) return { ok: false, list: pasted, message: "That file is not a plain-text CSV (it holds control characters). Export it from your spreadsheet as CSV." };
  if (uploaded && pasted.trim()) return { ok: false, list: pasted, message: "Paste a list or choose a file, not both." };
  return { ok: true, list: uploaded || pasted };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { user } = await requireUser({ request, context }, ROLES.invite);
  const form = await readForm(request);
  const read = await listOf(form);
  const values = { list: read.list, groupId: (text(form, "groupId") ?? "").slice(0, 64), role: (text(form, "role") ?? "").slice(0, 20), days: (text(form, "days") ?? "").slice(0, 10) };
  if (!read.ok) return refuse(values, { list: read.message });
  const settings = inviteFormSchema.safeParse({ groupId: text(form, "groupId"), role: text(form, "role"), days: text(form, "days") ?? "14" });
  const parsed = parseInviteList(read.list);
  // Every problem at once: the batch settings and each line, so one round of fixes is enough.
  const errors: FieldErrors = settings.success ? {} : fieldErrors(settings.error);
  if (parsed.listError) errors.list = parsed.listError;
  else if (parsed.errors.length) errors.list = `${parsed.errors.length} ${parsed.errors.length === 1 ? "line needs" : "lines need"} fixing. Nobody was invited.`;
  if (!settings.success || parsed.listError || parsed.errors.length) return refuse(values, errors, parsed.errors);

  const group = await findActiveGroup(settings.data.groupId);
  if (!group) return refuse(values, { groupId: "That group doesn't exist any more or is archived. Choose another." });
  const outside = outsideInviteScope(await inviteScope(user), group.id, settings.data.role);
  if (outside) return refuse(values, { [outside.field]: outside.message });
  const batch = await createInviteBatch({ ...settings.data, createdBy: user.id, invitees: parsed.invitees });
  if (!batch.ok) {
    return refuse(values, { list: `${batch.errors.length} ${batch.errors.length === 1 ? "line needs" : "lines need"} fixing. Nobody was invited.` }, batch.errors);
  }
  const invites = batch.invites.map((i) => ({ name: i.name, email: i.email, url: new URL(`/invite/${i.token}`, request.url).toString() }));
  const csv = ["name,email,link", ...invites.map((i) => [i.name, i.email, i.url].map(csvField).join(","))].join("\r\n");
  return { ok: true as const, groupName: group.name, role: settings.data.role, expiresAt: batch.expiresAt.toISOString(), invites, csv };
}

export default function BulkInvites() {
  const { groups, roles, max } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = result && !result.ok ? result : undefined;
  const busy = useNavigation().state === "submitting";
  if (result?.ok) {
    return (
      <section>
        <h2>Invites ready</h2>
        <div className="alert alert--success" role="status">
          {result.invites.length} {result.invites.length === 1 ? "invite" : "invites"} for new {ROLE_LABEL[result.role].toLowerCase()}s in {result.groupName}, valid until{" "}
          {formatDate(result.expiresAt)}. Copy them now: for safety the links are shown only once.
        </div>
        <p>
          <a className="button" href={`data:text/csv;charset=utf-8,${encodeURIComponent(result.csv)}`} download={`invites-${result.groupName.replace(/[^\w-]+/g, "-")}.csv`}>
            Download as CSV
          </a>
        </p>
        <CopyField label="All links as CSV (name, email, link)" value={result.csv} multiline testId="invite-csv" />
        <ul className="invite-links">
          {result.invites.map((i) => (
            <li key={i.email}>
              <CopyField label={`Invite link for ${i.name} (${i.email})`} value={i.url} />
            </li>
          ))}
        </ul>
        <p>
          <Link to="/admin/invites/bulk">Invite another list</Link> · <Link to="/admin/invites">All invites</Link>
        </p>
      </section>
    );
  }
  return (
    <section>
      <h2>Invite many people</h2>
      <p>
        One person a line: <code>Name, email</code> or <code>Name &lt;email&gt;</code>, or a CSV with a header row <code>name,email</code> (quote a name
        with a comma: <code>"Bloggs, Jo",jo@example.org</code>). Up to {max} people. Everything is checked first: if any line has a problem, nobody is
        invited until it is fixed.
      </p>
      <Form method="post" encType="multipart/form-data" className="card" noValidate>
        <FormError message={failure?.errors.form} />
        <div className={`field${failure?.errors.list ? " field--invalid" : ""}`}>
          <label htmlFor="list">Names and emails</label>
          <textarea
            id="list"
            name="list"
            rows={10}
            defaultValue={failure?.values.list}
            aria-invalid={failure?.errors.list ? true : undefined}
            aria-describedby={failure?.errors.list ? "list-error" : undefined}
          />
          {failure?.errors.list ? (
            <div className="field__error" id="list-error" role="alert">
              <p>{failure.errors.list}</p>
              {failure.lineErrors.length ? (
                <ul className="line-errors">
                  {failure.lineErrors.map((e) => (
                    <li key={e.line}>
                      Line {e.line}: {e.message}
                    </li>
                  ))}
                </ul>
              ) : null}
            </div>
          ) : null}
        </div>
        <div className="field">
          <label htmlFor="file">Or a CSV file</label>
          <input id="file" name="file" type="file" accept=".csv,.txt,text/csv,text/plain" />
        </div>
        <GroupSelectField label="Group" groups={groups} emptyLabel="Choose a group" defaultValue={failure?.values.groupId} error={failure?.errors.groupId} />
        <div className={`field${failure?.errors.role ? " field--invalid" : ""}`}>
          <label htmlFor="role">Role</label>
          <select id="role" name="role" defaultValue={failure?.values.role || "activist"}>
            {roles.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABEL[r]}
              </option>
            ))}
          </select>
          {failure?.errors.role ? <p className="field__error">{failure.errors.role}</p> : null}
        </div>
        <div className={`field${failure?.errors.days ? " field--invalid" : ""}`}>
          <label htmlFor="days">Valid for (days)</label>
          <input id="days" name="days" type="number" min={1} max={90} defaultValue={failure?.values.days || 14} />
          {failure?.errors.days ? <p className="field__error">{failure.errors.days}</p> : null}
        </div>
        <div className="button-row">
          <button type="submit" className="button" disabled={busy}>
            Check and create invites
          </button>
          <Link to="/admin/invites">Cancel</Link>
        </div>
      </Form>
    </section>
  );
}
