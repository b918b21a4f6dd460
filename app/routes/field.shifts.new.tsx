import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/guard.server";
import { ROLES } from "~/auth/policy";
import { ChoiceField, Field, FormError, GroupSelectField } from "~/components/form-field";
import { fieldKinds, KIND_LABEL, MEETING_POINT_MAX, todayInMovement } from "~/field/debrief-fields";
import { createShift, parseShiftForm, plannableGroups } from "~/field/shifts.server";
import { formFailure } from "~/lib/http.server";
import { readForm } from "~/lib/request.server";

export const meta: MetaFunction = () => [{ title: "Plan a shift · Field · Doorstep" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requireUser({ request, context }, ROLES.planShifts);
  return { groups: await plannableGroups(user), today: todayInMovement() };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { user } = await requireUser({ request, context }, ROLES.planShifts);
  const parsed = parseShiftForm(await readForm(request));
  if (!parsed.ok) return formFailure(400, parsed.errors, parsed.values);
  const created = await createShift(user, parsed.value);
  if (!created.ok) return formFailure(created.status, { [created.field ?? "form"]: created.message }, { ...parsed.value });
  return redirect(`/field/shifts/${created.value.id}`);
}

export default function NewShift() {
  const { groups, today } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors = result?.errors ?? {};
  const values = result?.values ?? {};
  const kind = values.kind || "doors";
  return (
    <div className="page--narrow">
      <h1>Plan a shift</h1>
      <p className="lede">Activists in the group see it on their field page and log their debriefs against it.</p>
      {groups.length === 0 ? (
        <p className="empty">
          You plan shifts for your own groups, and you are in none yet. Ask an admin to add you. <Link to="/field">Back to Field</Link>
        </p>
      ) : (
        <Form method="post" className="card" noValidate>
          <FormError message={errors.form} />
          <GroupSelectField label="Group" groups={groups} emptyLabel="Choose a group" defaultValue={values.groupId || (groups.length === 1 ? groups[0]!.id : "")} error={errors.groupId} />
          <Field label="Date" name="day" type="date" min={today} required defaultValue={values.day || today} error={errors.day} />
          <ChoiceField legend="On the doors or the phones?" name="kind" choices={fieldKinds} labels={KIND_LABEL} defaultValue={kind} error={errors.kind} />
          <Field
            label="Meeting point"
            name="meetingPoint"
            maxLength={MEETING_POINT_MAX}
            required
            hint="A public place and time, like “outside the library, 10:30”. Never a resident's address."
            defaultValue={values.meetingPoint}
            error={errors.meetingPoint}
          />
          <button type="submit" className="button">
            Plan shift
          </button>
        </Form>
      )}
    </div>
  );
}
