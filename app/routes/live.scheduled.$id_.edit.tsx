import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requireUser } from "~/auth/guard.server";
import { ROLES } from "~/auth/policy";
import { Field, FormError, ModuleSelectField } from "~/components/form-field";
import { formFailure, parseForm, text } from "~/lib/http.server";
import { readForm, routeParam } from "~/lib/request.server";
import { cancelScheduledSession, editSchema, editScheduledSession, MINUTES_MAX, MINUTES_MIN, scheduledEditForm } from "~/live/scheduled.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Change or cancel · ${data?.moduleTitle ?? "Scheduled session"} · Doorstep` }];

const FIELDS = ["moduleSlug", "date", "time", "minutes", "place", "callUrl"] as const;

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { user } = await requireUser({ request, context }, ROLES.scheduleSessions);
  const form = await scheduledEditForm(user, routeParam(params, "id"));
  if (!form.ok) throw data(form.message, { status: form.status });
  return form.value;
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user } = await requireUser({ request, context }, ROLES.scheduleSessions);
  const id = routeParam(params, "id");
  const form = await readForm(request);
  const intent = text(form, "intent");
  if (intent === "cancel") {
    const result = await cancelScheduledSession(user, id);
    if (!result.ok) return formFailure(result.status, { form: result.message });
    throw redirect(`/live/scheduled/${id}?cancelled=${result.value.notified}`);
  }
  if (intent !== "save") return formFailure(400, { form: "That form could not be read: choose one of the buttons." });
  const input = Object.fromEntries(FIELDS.map((f) => [f, text(form, f)]));
  const echo = Object.fromEntries(FIELDS.map((f) => [f, (text(form, f) ?? "").slice(0, 500)]));
  const parsed = parseForm(editSchema, input, echo);
  if (!parsed.ok) return parsed.response;
  const result = await editScheduledSession(user, id, parsed.value);
  if (!result.ok) return formFailure(result.status, { [result.field ?? "form"]: result.message }, echo);
  throw redirect(`/live/scheduled/${id}?updated=${result.value.notified}`);
}

export default function EditScheduledSession() {
  const s = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const values = { ...s.values, ...(failure?.values ?? {}) };
  const errors = failure?.errors ?? {};
  return (
    <div className="page--narrow">
      <p className="muted">
        <Link to="/live">Live sessions</Link> › <Link to={`/live/scheduled/${s.id}`}>{s.moduleTitle}</Link> › Change or cancel
      </p>
      <h1>Change or cancel the session</h1>
      <p className="lede">For {s.groupName}. Everyone invited is emailed about a change or a cancellation, with a calendar file that updates their calendar.</p>
      {s.closed ? (
        <p className="alert alert--info">{s.closed}</p>
      ) : (
        <>
          <Form method="post" className="card" noValidate aria-labelledby="change-heading">
            <h2 id="change-heading">Change it</h2>
            <FormError message={errors.form} />
            <ModuleSelectField modules={s.modules} defaultValue={values.moduleSlug} error={errors.moduleSlug} />
            <Field label="Date" name="date" type="date" defaultValue={values.date} error={errors.date} />
            <Field label="Start time (UK time)" name="time" type="time" defaultValue={values.time} error={errors.time} />
            <Field label="Length in minutes" name="minutes" type="number" inputMode="numeric" min={MINUTES_MIN} max={MINUTES_MAX} defaultValue={values.minutes} error={errors.minutes} />
            <Field label="Place" name="place" hint="Where to meet. Leave empty for a call." maxLength={200} defaultValue={values.place} error={errors.place} />
            <Field label="Call link" name="callUrl" type="url" hint="An https:// link, for a session held on a call." maxLength={500} defaultValue={values.callUrl} error={errors.callUrl} />
            <button type="submit" name="intent" value="save" className="button" disabled={busy}>
              Save and tell everyone invited
            </button>
          </Form>
          <Form method="post" className="card" aria-labelledby="cancel-heading">
            <h2 id="cancel-heading">Cancel it</h2>
            <p>Everyone invited, and everyone who said they're coming, gets a cancellation that removes it from their calendar. No reminder is sent. This can't be undone.</p>
            <button type="submit" name="intent" value="cancel" className="button button--danger" disabled={busy}>
              Cancel the session
            </button>
          </Form>
        </>
      )}
    </div>
  );
}
