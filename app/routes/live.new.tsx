import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useId } from "react";
import { requireUser } from "~/auth/guard.server";
import { ROLES } from "~/auth/policy";
import { FormError, GroupSelectField } from "~/components/form-field";
import { formFailure, parseForm, text } from "~/lib/http.server";
import { createLiveSession, createSessionSchema, newSessionOptions } from "~/live/lifecycle.server";
import { readForm } from "~/lib/request.server";

export const meta: MetaFunction = () => [{ title: "Start a live session · Doorstep" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requireUser({ request, context }, ROLES.runLive);
  return newSessionOptions(user);
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { user } = await requireUser({ request, context }, ROLES.runLive);
  const form = await readForm(request);
  const echo = { moduleSlug: (text(form, "moduleSlug") ?? "").slice(0, 100), groupId: (text(form, "groupId") ?? "").slice(0, 64) };
  const parsed = parseForm(createSessionSchema, { moduleSlug: text(form, "moduleSlug"), groupId: text(form, "groupId") }, echo);
  if (!parsed.ok) return parsed.response;
  const result = await createLiveSession(user, parsed.value);
  if (!result.ok) return formFailure(result.status, { [result.status === 400 ? "groupId" : "moduleSlug"]: result.message }, echo);
  throw redirect(`/live/${result.value.code}/present`);
}

export default function NewLiveSession() {
  const { modules, groups } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  const moduleId = useId();
  const chosen = failure?.values?.moduleSlug ?? params.get("module") ?? "";
  return (
    <div className="page--narrow">
      <p className="muted">
        <Link to="/live">Live sessions</Link> › New
      </p>
      <h1>Start a live session</h1>
      <p className="lede">Everyone joins with a short code and their screen follows yours.</p>
      {modules.length === 0 ? (
        <p className="empty">There are no modules to run yet.</p>
      ) : (
        <Form method="post" className="card" noValidate>
          <FormError message={failure?.errors.form} />
          <div className={`field${failure?.errors.moduleSlug ? " field--invalid" : ""}`}>
            <label htmlFor={moduleId}>Module</label>
            <select id={moduleId} name="moduleSlug" defaultValue={chosen} required aria-describedby={failure?.errors.moduleSlug ? `${moduleId}-error` : undefined}>
              <option value="">Choose a module…</option>
              {modules.map((m) => (
                <option key={m.slug} value={m.slug}>
                  {m.title}
                  {m.draft ? " (draft)" : ""}
                  {m.plannedMinutes > 0 ? ` · ${m.plannedMinutes} min planned` : ""}
                </option>
              ))}
            </select>
            {failure?.errors.moduleSlug ? (
              <p className="field__error" id={`${moduleId}-error`}>
                {failure.errors.moduleSlug}
              </p>
            ) : null}
          </div>
          <GroupSelectField
            label="Group (optional)"
            hint="Newcomers who join with the code become members of this group."
            groups={groups}
            emptyLabel="No group"
            defaultValue={failure?.values?.groupId}
            error={failure?.errors.groupId}
          />
          <button type="submit" className="button" disabled={busy}>
            {busy ? "Starting…" : "Start the session"}
          </button>
        </Form>
      )}
    </div>
  );
}
