import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requireUser } from "~/auth/guard.server";
import { ROLES } from "~/auth/policy";
import { Field, FormError, GroupSelectField, ModuleSelectField } from "~/components/form-field";
import { publicOrigin } from "~/lib/env.server";
import { formFailure, parseForm, text } from "~/lib/http.server";
import { readForm } from "~/lib/request.server";
import { createScheduledSession, MINUTES_MAX, MINUTES_MIN, scheduleOptions, scheduleSchema } from "~/live/scheduled.server";

export const meta: MetaFunction = () => [{ title: "Schedule a live session · Doorstep" }];

const FIELDS = ["moduleSlug", "groupId", "date", "time", "minutes", "place", "callUrl"] as const;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requireUser({ request, context }, ROLES.scheduleSessions);
  return scheduleOptions(user);
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { user } = await requireUser({ request, context }, ROLES.scheduleSessions);
  const form = await readForm(request);
  const input = Object.fromEntries(FIELDS.map((f) => [f, text(form, f)]));
  const echo = Object.fromEntries(FIELDS.map((f) => [f, (text(form, f) ?? "").slice(0, 500)]));
  const parsed = parseForm(scheduleSchema, input, echo);
  if (!parsed.ok) return parsed.response;
  const result = await createScheduledSession(user, parsed.value, publicOrigin(request));
  if (!result.ok) return formFailure(result.status, { [result.field ?? "form"]: result.message }, echo);
  throw redirect(`/live/scheduled/${result.value.id}`);
}

export default function ScheduleSession() {
  const { modules, groups } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const values = failure?.values ?? {};
  const errors = failure?.errors ?? {};
  return (
    <div className="page--narrow">
      <p className="muted">
        <Link to="/live">Live sessions</Link> › Schedule
      </p>
      <h1>Schedule a live session</h1>
      <p className="lede">Everyone in the group gets an invitation by email with a calendar file, and a reminder the day before.</p>
      {groups.length === 0 ? (
        <p className="empty">You aren't in any group yet: you can schedule sessions for the groups you belong to. Ask an admin to add you.</p>
      ) : (
        <Form method="post" className="card" noValidate>
          <FormError message={errors.form} />
          <ModuleSelectField modules={modules} emptyLabel="Choose a module…" defaultValue={values.moduleSlug} error={errors.moduleSlug} />
          <GroupSelectField label="Group" hint="Every member is invited." groups={groups} emptyLabel="Choose a group…" defaultValue={values.groupId} error={errors.groupId} />
          <Field label="Date" name="date" type="date" defaultValue={values.date} error={errors.date} />
          <Field label="Start time (UK time)" name="time" type="time" defaultValue={values.time} error={errors.time} />
          <Field
            label="Length in minutes"
            name="minutes"
            type="number"
            inputMode="numeric"
            min={MINUTES_MIN}
            max={MINUTES_MAX}
            defaultValue={values.minutes ?? "90"}
            error={errors.minutes}
          />
          <Field label="Place" name="place" hint="Where to meet. Leave empty for a call." maxLength={200} defaultValue={values.place} error={errors.place} />
          <Field label="Call link" name="callUrl" type="url" hint="An https:// link, for a session held on a call." maxLength={500} defaultValue={values.callUrl} error={errors.callUrl} />
          <button type="submit" className="button" disabled={busy}>
            {busy ? "Scheduling…" : "Schedule and invite the group"}
          </button>
        </Form>
      )}
    </div>
  );
}
