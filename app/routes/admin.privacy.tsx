import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/guard.server";
import { ROLES } from "~/auth/policy";
import { Field, FormError } from "~/components/form-field";
import { RETENTION_MAX_MONTHS, RETENTION_MIN_MONTHS } from "~/field/retention";
import { fieldRetentionMonths, retentionFormSchema, setFieldRetention } from "~/field/retention.server";
import { parseForm, text } from "~/lib/http.server";
import { readForm } from "~/lib/request.server";

export const meta: MetaFunction = () => [{ title: "Privacy · Admin · Doorstep" }];

// How long field records (debriefs, imported canvass contacts) are kept (docs/privacy.md).
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser({ request, context }, ROLES.administer);
  return { months: await fieldRetentionMonths() };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { user } = await requireUser({ request, context }, ROLES.administer);
  const form = await readForm(request);
  const echo = { months: (text(form, "months") ?? "").slice(0, 20) };
  const confirm = text(form, "confirm");
  const parsed = parseForm(retentionFormSchema, { months: text(form, "months") ?? "", confirm: confirm === undefined || confirm === "" ? undefined : confirm }, echo);
  if (!parsed.ok) return parsed.response;
  const result = await setFieldRetention(parsed.value.months, user.id);
  return { ok: true as const, months: parsed.value.months, ...result };
}

export default function AdminPrivacy() {
  const { months } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = result && !result.ok ? result : undefined;
  return (
    <section className="narrow">
      <h2>Privacy: how long field records are kept</h2>
      <p>
        Debriefs and imported canvass results hold counts and codes about residents, never names or addresses. After the period you choose they are deleted, and the impact
        report stops counting them. Checked when you save, at start-up and once a day.
      </p>
      <Form method="post" className="card" noValidate>
        {result?.ok ? (
          <div className="alert alert--success" role="status">
            {result.months === null
              ? "Saved: field records are kept until you set a period."
              : `Saved: field records are kept for ${result.months} months. Deleted now: ${result.debriefs} debriefs and ${result.contacts} imported contacts from before ${result.cutoff}.`}
          </div>
        ) : null}
        <FormError message={failure?.errors.form} />
        <Field
          label="Keep field records for (months)"
          name="months"
          type="number"
          inputMode="numeric"
          min={RETENTION_MIN_MONTHS}
          max={RETENTION_MAX_MONTHS}
          hint={`From ${RETENTION_MIN_MONTHS} to ${RETENTION_MAX_MONTHS}. Leave empty to keep them until you choose.`}
          defaultValue={failure?.values?.months ?? (months === null ? "" : String(months))}
          error={failure?.errors.months}
        />
        <div className={`field${failure?.errors.confirm ? " field--invalid" : ""}`}>
          <label className="checkbox">
            <input
              type="checkbox"
              name="confirm"
              value="yes"
              aria-invalid={failure?.errors.confirm ? true : undefined}
              aria-describedby={failure?.errors.confirm ? "confirm-error" : undefined}
            />
            <span>I understand that saving a period deletes older debriefs and imported contacts at once, for good.</span>
          </label>
          {failure?.errors.confirm ? (
            <p className="field__error" id="confirm-error">
              {failure.errors.confirm}
            </p>
          ) : null}
        </div>
        <button type="submit" className="button">
          Save
        </button>
      </Form>
    </section>
  );
}
