import { randomUUID } from "node:crypto";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/guard.server";
import { ROLES } from "~/auth/policy";
import { ChoiceField, Field, FormError, GroupSelectField } from "~/components/form-field";
import { OBJECTIONS } from "~/content/objections";
import { debriefOutcomes, DIFFERENTLY_MAX, fieldKinds, formatDay, KIND_LABEL, OUTCOME_LABEL, todayInMovement, COUNT_MAX } from "~/field/debrief-fields";
import { parseDebriefForm } from "~/field/debrief-form.server";
import { loggableGroups, recordDebrief } from "~/field/debriefs.server";
import { loggableShift } from "~/field/shifts.server";
import { formFailure, notFound } from "~/lib/http.server";
import { readForm, readQuery } from "~/lib/request.server";

export const meta: MetaFunction = () => [{ title: "Log a shift · Field · Doorstep" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requireUser({ request, context }, ROLES.logShifts);
  const shiftId = readQuery(request).get("shift");
  let shift = null;
  if (shiftId) {
    const found = await loggableShift(user.id, shiftId);
    if (!found.ok) throw notFound(found.message, { to: "/field", label: "Your field page" });
    shift = found.value;
  }
  // A fresh one-time key per page: a double submit or a resend of this form records once.
  return { areas: await loggableGroups(user.id), shift, today: todayInMovement(), formKey: randomUUID() };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { user } = await requireUser({ request, context }, ROLES.logShifts);
  const form = await readForm(request);
  const parsed = parseDebriefForm(form);
  if (!parsed.ok) return formFailure(400, parsed.errors, parsed.values);
  const saved = await recordDebrief(user.id, parsed.value);
  if (!saved.ok) return formFailure(saved.status, { [saved.field ?? "form"]: saved.message }, parsed.values);
  return redirect(`/field/debriefs/${saved.value.id}?saved=1`);
}

function CountField({ name, label, hint, error, defaultValue, required }: { name: string; label: string; hint?: string; error?: string | undefined; defaultValue?: string | undefined; required?: boolean }) {
  const id = `count-${name}`;
  const described = [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div className={`field${error ? " field--invalid" : ""}`}>
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p className="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      <input
        id={id}
        name={name}
        type="number"
        inputMode="numeric"
        min={0}
        max={COUNT_MAX}
        step={1}
        required={required}
        defaultValue={defaultValue}
        aria-invalid={error ? true : undefined}
        aria-describedby={described}
      />
      {error ? (
        <p className="field__error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

export default function LogShift() {
  const { areas, shift, today, formKey } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = result && !result.ok ? result : undefined;
  const errors = failure?.errors ?? {};
  const values = failure?.values ?? {};
  const chosen = new Set((values.objections ?? "").split(",").filter(Boolean));
  const kind = values.kind || shift?.kind || "doors";
  return (
    <div className="page--narrow">
      <h1>Log a shift</h1>
      {shift ? (
        <p className="lede">
          {KIND_LABEL[shift.kind]} in {shift.groupName}, {formatDay(shift.day)}.
        </p>
      ) : (
        <p className="lede">Counts only: never write down a resident&rsquo;s name, address or anything that identifies them.</p>
      )}
      {areas.length === 0 ? (
        <p className="empty">
          You log shifts in your groups, and you are in none yet. Ask an organiser to add you to your branch or constituency. <Link to="/field">Back to Field</Link>
        </p>
      ) : (
        <Form method="post" className="card" noValidate>
          {/* Without JavaScript the page comes back scrolled to the top: say there is something below to fix. */}
          <FormError message={errors.form ?? (failure ? "Nothing was saved yet. Check the answers marked below, then save again." : undefined)} />
          <input type="hidden" name="formKey" value={formKey} />
          {shift ? <input type="hidden" name="shiftId" value={shift.id} /> : null}
          <GroupSelectField
            label="Area"
            groups={areas}
            emptyLabel="Choose your area"
            defaultValue={values.groupId || shift?.groupId || (areas.length === 1 ? areas[0]!.id : "")}
            error={errors.groupId}
          />
          <Field label="Date" name="day" type="date" max={today} required defaultValue={values.day || shift?.day || today} error={errors.day} />
          <ChoiceField legend="Where were you?" name="kind" choices={fieldKinds} labels={KIND_LABEL} defaultValue={kind} error={errors.kind} />

          <fieldset>
            <legend>What you counted</legend>
            <div className="count-grid">
              <CountField name="attempts" label="Doors knocked or calls made" required defaultValue={values.attempts} error={errors.attempts} />
              <CountField name="contacts" label="Someone answered" defaultValue={values.contacts} error={errors.contacts} />
              <CountField name="conversations" label="Real conversations" defaultValue={values.conversations} error={errors.conversations} />
              <CountField name="commitments" label="Commitments made" hint="Said yes to an ask" defaultValue={values.commitments} error={errors.commitments} />
            </div>
          </fieldset>

          <fieldset aria-describedby={`outcomes-hint${errors.outcomes ? " outcomes-error" : ""}`}>
            <legend>Outcomes of your conversations</legend>
            <p className="field__hint" id="outcomes-hint">
              How many of each. Leave blank for none. Together they can&rsquo;t be more than your conversations.
            </p>
            {errors.outcomes ? (
              <p className="field__error" id="outcomes-error">
                {errors.outcomes}
              </p>
            ) : null}
            <div className="count-grid">
              {debriefOutcomes.map((o) => (
                <CountField key={o} name={`outcome.${o}`} label={OUTCOME_LABEL[o]} defaultValue={values[`outcome.${o}`]} />
              ))}
            </div>
          </fieldset>

          <fieldset className="objection-list" aria-describedby={errors.objections ? "objections-error" : undefined}>
            <legend>Objections you met</legend>
            {OBJECTIONS.map((o) => (
              <label key={o.code} className="option">
                <input type="checkbox" name="objections" value={o.code} defaultChecked={chosen.has(o.code)} />
                <span>{o.label}</span>
              </label>
            ))}
            {errors.objections ? (
              <p className="field__error" id="objections-error">
                {errors.objections}
              </p>
            ) : null}
          </fieldset>

          <div className={`field${errors.hardest ? " field--invalid" : ""}`}>
            <label htmlFor="hardest">The one you found hardest</label>
            <p className="field__hint" id="hardest-hint">
              Doorstep suggests a scenario that practises it.
            </p>
            <select id="hardest" name="hardest" defaultValue={values.hardest ?? ""} aria-describedby={`hardest-hint${errors.hardest ? " hardest-error" : ""}`}>
              <option value="">None of them</option>
              {OBJECTIONS.map((o) => (
                <option key={o.code} value={o.code}>
                  {o.label}
                </option>
              ))}
            </select>
            {errors.hardest ? (
              <p className="field__error" id="hardest-error">
                {errors.hardest}
              </p>
            ) : null}
          </div>

          <div className={`field${errors.differently ? " field--invalid" : ""}`}>
            <label htmlFor="differently">What I&rsquo;d do differently</label>
            <p className="field__hint" id="differently-hint">
              One line about your own practice, at most {DIFFERENTLY_MAX} characters. No names, addresses or details of anyone you spoke to.
            </p>
            <input
              id="differently"
              name="differently"
              type="text"
              maxLength={DIFFERENTLY_MAX}
              defaultValue={values.differently}
              autoComplete="off"
              aria-invalid={errors.differently ? true : undefined}
              aria-describedby={`differently-hint${errors.differently ? " differently-error" : ""}`}
            />
            {errors.differently ? (
              <p className="field__error" id="differently-error">
                {errors.differently}
              </p>
            ) : null}
          </div>
          <button type="submit" className="button">
            Save debrief
          </button>
        </Form>
      )}
    </div>
  );
}
