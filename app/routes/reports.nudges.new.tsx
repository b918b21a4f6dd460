import { randomBytes } from "node:crypto";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/guard.server";
import { ROLES } from "~/auth/policy";
import { FormError } from "~/components/form-field";
import { env } from "~/lib/env.server";
import { fieldErrors, formFailure, text } from "~/lib/http.server";
import { readForm, readQuery } from "~/lib/request.server";
import { BODY_MAX, LEFT_OUT_LABEL, MAX_RECIPIENTS, NUDGE_TEMPLATES, NUDGE_TEMPLATE_KEYS, PLACEHOLDERS, SUBJECT_MAX, fillPlaceholders, isTemplateKey, type LeftOutReason } from "~/reports/nudge-text";
import { nudgeAudience, nudgeMessageSchema, nudgeTarget, sendNudge } from "~/reports/nudges.server";

export const meta: MetaFunction = () => [{ title: "Nudge these people · Reports · Doorstep" }];

const newFormKey = () => randomBytes(18).toString("base64url");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requireUser({ request, context }, ROLES.sendNudges);
  const query = readQuery(request);
  const chosen = query.get("template") ?? "next-module";
  const found = await nudgeTarget(user, query);
  if (!found.ok) return data({ ok: false as const, errors: found.errors }, { status: 400 });
  if (!isTemplateKey(chosen)) return data({ ok: false as const, errors: { template: "There is no such template. Pick one from the list." } }, { status: 400 });
  const audience = await nudgeAudience(found.target.context);
  return {
    ok: true as const,
    label: found.target.label,
    query: found.target.query,
    audience,
    template: chosen,
    formKey: newFormKey(),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { user } = await requireUser({ request, context }, ROLES.sendNudges);
  const form = await readForm(request);
  const found = await nudgeTarget(user, readQuery(request));
  const values = {
    template: (text(form, "template") ?? "").slice(0, 40),
    subject: (text(form, "subject") ?? "").slice(0, SUBJECT_MAX + 50),
    body: (text(form, "body") ?? "").slice(0, BODY_MAX + 100),
    formKey: (text(form, "formKey") ?? "").slice(0, 64),
  };
  if (!found.ok) return formFailure(400, { form: `This filter cannot be used: ${Object.values(found.errors).join(" ")}` }, values);
  const intent = text(form, "intent");
  if (intent !== "preview" && intent !== "send") return formFailure(400, { form: "Choose Preview or Send." }, values);
  const parsed = nudgeMessageSchema.safeParse({ template: text(form, "template"), subject: text(form, "subject"), body: text(form, "body"), formKey: text(form, "formKey") });
  if (!parsed.success) return formFailure(400, fieldErrors(parsed.error), values);
  if (intent === "preview") {
    const { sample } = await nudgeAudience(found.target.context);
    return {
      ok: true as const,
      values,
      preview: sample ? { subject: fillPlaceholders(parsed.data.subject, sample), body: fillPlaceholders(parsed.data.body, sample), name: sample.name } : null,
    };
  }
  const origin = env().APP_ORIGIN ?? new URL(request.url).origin;
  const sent = await sendNudge(user, found.target, parsed.data, origin);
  if (!sent.ok) return formFailure(sent.status, { form: sent.message }, values);
  return redirect(`/reports/nudges?sent=${sent.value.nudgeId}${sent.value.repeated ? "&repeated=1" : ""}`);
}

const plural = (n: number, one: string, many: string) => `${n.toLocaleString("en-GB")} ${n === 1 ? one : many}`;

export default function NewNudge() {
  const page = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  if (!page.ok) {
    return (
      <>
        <h2>Nudge these people</h2>
        <div className="alert alert--error" role="alert">
          <p>This filter cannot be used for a nudge:</p>
          <ul>
            {Object.entries(page.errors).map(([field, message]) => (
              <li key={field}>{message}</li>
            ))}
          </ul>
        </div>
        <p>
          <Link to="/reports/activists">Back to the activists report</Link> and choose the filter again.
        </p>
      </>
    );
  }
  const failure = result && !result.ok ? result : undefined;
  const preview = result && result.ok ? result.preview : undefined;
  const posted = failure?.values ?? (result && result.ok ? result.values : undefined);
  const template = NUDGE_TEMPLATES[page.template];
  const subject = posted?.subject ?? template.subject;
  const body = posted?.body ?? template.body;
  const { audience } = page;
  const sample = audience.sample;
  const shown = preview ?? (sample ? { subject: fillPlaceholders(subject, sample), body: fillPlaceholders(body, sample), name: sample.name } : null);
  const leftOut = (Object.entries(audience.leftOut) as [LeftOutReason, number][]).filter(([, n]) => n > 0);
  const errors = failure?.errors ?? {};
  const matrixHref = `/reports/activists${page.query}`;
  return (
    <>
      <h2>Nudge these people</h2>
      <p className="lede">
        Filter: <strong>{page.label}</strong>. <Link to={matrixHref}>Back to these people</Link>
      </p>
      <section className="card" aria-labelledby="audience-heading">
        <h3 id="audience-heading" data-testid="nudge-count">
          This nudge goes to {plural(audience.recipients, "person", "people")}
        </h3>
        <p>
          The filter shows {plural(audience.matched, "person", "people")}.{" "}
          {leftOut.length === 0 ? "Nobody is left out." : `Left out: ${leftOut.map(([reason, n]) => `${n.toLocaleString("en-GB")} ${LEFT_OUT_LABEL[reason]}`).join("; ")}.`}
        </p>
        {audience.recipients > MAX_RECIPIENTS ? (
          <p className="alert alert--error">
            A nudge goes to at most {MAX_RECIPIENTS.toLocaleString("en-GB")} people. <Link to={matrixHref}>Narrow the filter</Link> to a group or a module
            first.
          </p>
        ) : null}
      </section>

      <h3>Start from a template</h3>
      <ul className="button-row nudge-templates" aria-label="Templates">
        {NUDGE_TEMPLATE_KEYS.map((key) => (
          <li key={key}>
            <Link className="button button--secondary" to={`/reports/nudges/new${page.query ? `${page.query}&` : "?"}template=${key}`} aria-current={key === page.template && !posted ? "true" : undefined}>
              {NUDGE_TEMPLATES[key].label}
            </Link>
          </li>
        ))}
      </ul>

      {/* Keyed by template: picking another one is a navigation, and the fields must take its text. */}
      <Form key={page.template} method="post" action={`/reports/nudges/new${page.query}`} className="card" aria-labelledby="compose-heading">
        <h3 id="compose-heading">Your message</h3>
        <FormError message={errors.form} />
        <input type="hidden" name="formKey" value={posted?.formKey || page.formKey} />
        <input type="hidden" name="template" value={posted?.template || page.template} />
        <p className="field__hint" id="placeholder-hint">
          {PLACEHOLDERS.firstName} and {PLACEHOLDERS.nextModule} are filled in for each person. Each email ends with a link to their next module and
          a link to stop these emails.
        </p>
        <div className={`field${errors.subject ? " field--invalid" : ""}`}>
          <label htmlFor="nudge-subject">Subject</label>
          <input
            id="nudge-subject"
            name="subject"
            defaultValue={subject}
            maxLength={SUBJECT_MAX}
            required
            aria-invalid={errors.subject ? true : undefined}
            aria-describedby={errors.subject ? "placeholder-hint nudge-subject-error" : "placeholder-hint"}
          />
          {errors.subject ? (
            <p className="field__error" id="nudge-subject-error">
              {errors.subject}
            </p>
          ) : null}
        </div>
        <div className={`field${errors.body ? " field--invalid" : ""}`}>
          <label htmlFor="nudge-body">Message</label>
          <textarea
            id="nudge-body"
            name="body"
            rows={8}
            defaultValue={body}
            maxLength={BODY_MAX}
            required
            aria-invalid={errors.body ? true : undefined}
            aria-describedby={errors.body ? "placeholder-hint nudge-body-error" : "placeholder-hint"}
          />
          {errors.body ? (
            <p className="field__error" id="nudge-body-error">
              {errors.body}
            </p>
          ) : null}
        </div>
        {errors.template ? <p className="field__error">{errors.template}</p> : null}
        {errors.formKey ? <p className="field__error">{errors.formKey}</p> : null}
        <div className="button-row">
          <button type="submit" name="intent" value="preview" className="button button--secondary">
            Preview
          </button>
          <button type="submit" name="intent" value="send" className="button" disabled={audience.recipients === 0 || audience.recipients > MAX_RECIPIENTS}>
            Send to {plural(audience.recipients, "person", "people")}
          </button>
        </div>
      </Form>

      <section aria-labelledby="preview-heading" className="card">
        <h3 id="preview-heading">Preview{shown ? ` for ${shown.name}` : ""}</h3>
        {shown ? (
          <div data-testid="nudge-preview" aria-live="polite">
            <p>
              <strong>Subject:</strong> <span className="breakable">{shown.subject}</span>
            </p>
            <div className="breakable nudge-preview__body">
              {shown.body}
            </div>
          </div>
        ) : (
          <p className="empty">Nobody this filter shows can be nudged now, so there is nobody to preview.</p>
        )}
      </section>
    </>
  );
}
