import { randomBytes } from "node:crypto";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/guard.server";
import { ROLES } from "~/auth/policy";
import { FormError } from "~/components/form-field";
import { fieldErrors, formFailure, text } from "~/lib/http.server";
import { readForm, readQuery } from "~/lib/request.server";
import { GROUPS_MAX, NAME_MAX, OUTCOME_LABEL } from "~/reports/evaluation-labels";
import { evaluationChoices, evaluationDraftSchema, previewEvaluation, registerEvaluation, todayUtc } from "~/reports/evaluations.server";
import { peoplePerArm } from "~/stats/sample-size";

export const meta: MetaFunction = () => [{ title: "New evaluation · Reports · Doorstep" }];

/** The sample-size helper reads whole percentages from the query: 1–99 and ±1–98 points. */
function sampleSize(query: URLSearchParams) {
  const baselineText = query.get("baseline") ?? "30";
  const effectText = query.get("effect") ?? "10";
  const baseline = /^\d{1,2}$/.test(baselineText) ? Number(baselineText) : NaN;
  const effect = /^-?\d{1,2}$/.test(effectText) ? Number(effectText) : NaN;
  const perArm = Number.isNaN(baseline) || Number.isNaN(effect) ? null : peoplePerArm(baseline / 100, effect / 100);
  return {
    baseline: baselineText.slice(0, 3),
    effect: effectText.slice(0, 3),
    perArm,
    error: perArm === null ? "Give a baseline between 1 and 99% and an effect in whole points that keeps the rate between 1 and 99%." : undefined,
  };
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requireUser({ request, context }, ROLES.runEvaluations);
  const choices = await evaluationChoices(user);
  return { ...choices, today: todayUtc(), sampleSize: sampleSize(readQuery(request)), formKey: randomBytes(18).toString("base64url") };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { user } = await requireUser({ request, context }, ROLES.runEvaluations);
  const form = await readForm(request);
  const groups = form.getAll("groups").map((g) => (typeof g === "string" ? g : "")).slice(0, GROUPS_MAX + 1);
  const values = {
    name: (text(form, "name") ?? "").slice(0, NAME_MAX + 20),
    design: (text(form, "design") ?? "timing").slice(0, 20),
    variant: (text(form, "variant") ?? "").slice(0, 200),
    outcome: (text(form, "outcome") ?? "").slice(0, 20),
    module: (text(form, "module") ?? "").slice(0, 200),
    from: (text(form, "from") ?? "").slice(0, 20),
    to: (text(form, "to") ?? "").slice(0, 20),
    groups: groups.join(",").slice(0, 40 * (GROUPS_MAX + 1)),
    formKey: (text(form, "formKey") ?? "").slice(0, 64),
  };
  const intent = text(form, "intent");
  if (intent !== "preview" && intent !== "register") return formFailure(400, { form: "Choose Preview or Register." }, values);
  const parsed = evaluationDraftSchema.safeParse({
    name: text(form, "name") ?? "",
    groups,
    design: text(form, "design") ?? "timing",
    variant: values.design === "variant" ? text(form, "variant") || undefined : undefined,
    outcome: text(form, "outcome"),
    module: values.outcome === "module" ? text(form, "module") || undefined : undefined,
    from: text(form, "from") ?? "",
    to: text(form, "to") ?? "",
  });
  if (!parsed.success) return formFailure(400, fieldErrors(parsed.error), values);
  if (intent === "preview") {
    const preview = await previewEvaluation(user, parsed.data);
    if (!preview.ok) return formFailure(preview.status, { [preview.field ?? "form"]: preview.message }, values);
    return { ok: true as const, values, preview: preview.value };
  }
  const registered = await registerEvaluation(user, parsed.data, values.formKey);
  if (!registered.ok) return formFailure(registered.status, { [registered.field ?? "form"]: registered.message }, values);
  return redirect(`/reports/evaluations/${registered.value.id}?registered=1`);
}

function FieldErrorText({ id, message }: { id: string; message: string | undefined }) {
  return message ? (
    <p className="field__error" id={id}>
      {message}
    </p>
  ) : null;
}

export default function NewEvaluation() {
  const page = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors: Partial<Record<string, string>> = result && !result.ok ? result.errors : {};
  const values = result?.values;
  const chosen = new Set((values?.groups ?? "").split(",").filter(Boolean));
  const preview = result && result.ok ? result.preview : undefined;
  const size = page.sampleSize;
  const notDrawnTotal = preview?.reduce((n, s) => n + s.alreadyBegan, 0) ?? 0;
  return (
    <>
      <h2>New randomised evaluation</h2>
      <p className="lede">
        The activists of the groups you choose are split at random, group by group, into <strong>train now</strong> and <strong>train later</strong>.
        You fix the outcome and the period before it starts; registering records them with a timestamp and they cannot be changed afterwards.{" "}
        <Link to="/reports/evaluations">All evaluations</Link>
      </p>

      <Form method="post" className="card" aria-labelledby="design-heading">
        <h3 id="design-heading">The design</h3>
        <FormError message={errors.form} />
        <input type="hidden" name="formKey" value={values?.formKey || page.formKey} />
        <div className={`field${errors.name ? " field--invalid" : ""}`}>
          <label htmlFor="evaluation-name">Name</label>
          <input
            id="evaluation-name"
            name="name"
            defaultValue={values?.name}
            maxLength={NAME_MAX}
            required
            aria-invalid={errors.name ? true : undefined}
            aria-describedby={errors.name ? "evaluation-name-error" : undefined}
          />
          <FieldErrorText id="evaluation-name-error" message={errors.name} />
        </div>

        <fieldset className={errors.groups ? "field--invalid" : undefined} aria-describedby={errors.groups ? "evaluation-groups-error" : undefined}>
          <legend>Groups (yours)</legend>
          {page.groups.groups.length === 0 ? <p className="empty">You organise no groups yet, so there is nobody to split.</p> : null}
          {page.groups.groups.map((g) => (
            <label key={g.id} className="option">
              <input type="checkbox" name="groups" value={g.id} defaultChecked={chosen.has(g.id)} />
              <span className="breakable">{g.name}</span>
            </label>
          ))}
          <FieldErrorText id="evaluation-groups-error" message={errors.groups} />
        </fieldset>

        <fieldset aria-describedby={errors.design ? "evaluation-design-error" : undefined}>
          <legend>What to compare</legend>
          <label className="option">
            <input type="radio" name="design" value="timing" defaultChecked={(values?.design ?? "timing") !== "variant"} />
            <span>Train now against train later</span>
          </label>
          <label className="option">
            <input type="radio" name="design" value="variant" defaultChecked={values?.design === "variant"} />
            <span>Version A against version B of a module</span>
          </label>
          <FieldErrorText id="evaluation-design-error" message={errors.design} />
        </fieldset>

        <div className={`field${errors.variant ? " field--invalid" : ""}`}>
          <label htmlFor="evaluation-variant">Version B (when comparing two versions of a module)</label>
          <select
            id="evaluation-variant"
            name="variant"
            defaultValue={values?.variant ?? ""}
            aria-invalid={errors.variant ? true : undefined}
            aria-describedby={errors.variant ? "evaluation-variant-error" : "evaluation-variant-hint"}
          >
            <option value="">No version</option>
            {page.variants.map((v) => (
              <option key={v.slug} value={v.slug}>
                {v.title} (a version of “{v.originalTitle}”)
              </option>
            ))}
          </select>
          <p className="field__hint" id="evaluation-variant-hint">
            Half of each group sees the original (version A), half this version (B), whenever they open the module during the period. With the
            outcome “Completion of a module”, completing either version counts.
          </p>
          <FieldErrorText id="evaluation-variant-error" message={errors.variant} />
        </div>

        <fieldset aria-describedby={errors.outcome ? "evaluation-outcome-error" : undefined}>
          <legend>Outcome</legend>
          {(["contact", "conversation", "commitment", "module"] as const).map((o) => (
            <label key={o} className="option">
              <input type="radio" name="outcome" value={o} defaultChecked={(values?.outcome ?? "conversation") === o} />
              <span>{OUTCOME_LABEL[o]}</span>
            </label>
          ))}
          <FieldErrorText id="evaluation-outcome-error" message={errors.outcome} />
        </fieldset>

        <div className={`field${errors.module ? " field--invalid" : ""}`}>
          <label htmlFor="evaluation-module">Module (when the outcome is completing one)</label>
          <select
            id="evaluation-module"
            name="module"
            defaultValue={values?.module ?? ""}
            aria-invalid={errors.module ? true : undefined}
            aria-describedby={errors.module ? "evaluation-module-error" : undefined}
          >
            <option value="">No module</option>
            {page.modules.map((m) => (
              <option key={m.slug} value={m.slug}>
                {m.title}
              </option>
            ))}
          </select>
          <FieldErrorText id="evaluation-module-error" message={errors.module} />
        </div>

        <div className={`field${errors.from ? " field--invalid" : ""}`}>
          <label htmlFor="evaluation-from">Period starts</label>
          <input
            id="evaluation-from"
            name="from"
            type="date"
            min={page.today}
            defaultValue={values?.from ?? page.today}
            required
            aria-invalid={errors.from ? true : undefined}
            aria-describedby={errors.from ? "evaluation-from-error" : undefined}
          />
          <FieldErrorText id="evaluation-from-error" message={errors.from} />
        </div>
        <div className={`field${errors.to ? " field--invalid" : ""}`}>
          <label htmlFor="evaluation-to">Period ends</label>
          <input
            id="evaluation-to"
            name="to"
            type="date"
            min={page.today}
            defaultValue={values?.to}
            required
            aria-invalid={errors.to ? true : undefined}
            aria-describedby={errors.to ? "evaluation-to-error" : undefined}
          />
          <FieldErrorText id="evaluation-to-error" message={errors.to} />
        </div>

        {preview ? (
          <div className="table-wrap" tabIndex={0} role="region" aria-label="How many people in each arm" data-testid="evaluation-preview">
            <table className="report-table">
              <caption>If you register now</caption>
              <thead>
                <tr>
                  <th scope="col">Group</th>
                  <th scope="col">Activists</th>
                  <th scope="col">{values?.design === "variant" ? "Version A" : "Train now"}</th>
                  <th scope="col">{values?.design === "variant" ? "Version B" : "Train later"}</th>
                  {/* A short heading keeps the column narrow on a phone; the note under the table says who they are. */}
                  <th scope="col" aria-describedby="preview-not-drawn-note">
                    Not drawn<span aria-hidden="true">*</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {preview.map((s) => (
                  <tr key={s.groupId}>
                    <th scope="row">{s.groupName}</th>
                    <td>{s.people}</td>
                    <td>{s.now}</td>
                    <td>
                      {s.later}
                      {s.people % 2 === 1 ? " (+1 to an arm drawn at random)" : ""}
                    </td>
                    <td>{s.alreadyBegan}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {values?.design === "variant" ? (
              <p id="preview-not-drawn-note">
                <span aria-hidden="true">* </span>Activists who have already opened or completed either version are not drawn: put in version B, they would find the module
                “not started” after doing it, and their head start would blur the comparison.
              </p>
            ) : (
              <p id="preview-not-drawn-note" data-testid="preview-not-drawn-note">
                <span aria-hidden="true">* </span>Activists who have already trained (completed every published module) are not drawn: asking them to train later
                cannot hold them back, so counted in either half they would only make the difference look smaller.{" "}
                {notDrawnTotal === 1 ? "1 activist is" : `${notDrawnTotal.toLocaleString("en-GB")} activists are`} left out for that.
              </p>
            )}
          </div>
        ) : null}
        <div className="button-row">
          <button type="submit" name="intent" value="preview" className="button button--secondary">
            Preview the split
          </button>
          <button type="submit" name="intent" value="register" className="button">
            Register
          </button>
        </div>
      </Form>

      <section className="card" aria-labelledby="size-heading">
        <h3 id="size-heading">How many people do you need?</h3>
        <Form method="get" className="stack">
          <div className={`field${size.error ? " field--invalid" : ""}`}>
            <label htmlFor="size-baseline">Rate without training, in %</label>
            <input id="size-baseline" name="baseline" inputMode="numeric" defaultValue={size.baseline} aria-describedby={size.error ? "size-error" : undefined} />
          </div>
          <div className="field">
            <label htmlFor="size-effect">Effect you want to see, in points</label>
            <input id="size-effect" name="effect" inputMode="numeric" defaultValue={size.effect} aria-describedby={size.error ? "size-error" : undefined} />
          </div>
          <button type="submit" className="button button--secondary">
            Work it out
          </button>
        </Form>
        {size.perArm !== null ? (
          <p data-testid="sample-size" aria-live="polite">
            To see a change from {size.baseline}% to {Number(size.baseline) + Number(size.effect)}% you need about <strong>{size.perArm.toLocaleString("en-GB")} people in each arm</strong> (
            {(size.perArm * 2).toLocaleString("en-GB")} in all), for an 80% chance of a clear result at the usual 5% level. For a door rate, read it as
            people only if each knocks on about the same number of doors; the method note (docs/evaluation.md) explains.
          </p>
        ) : (
          <p className="field__error" id="size-error">
            {size.error}
          </p>
        )}
      </section>
    </>
  );
}
