import { Form, Link, useActionData, useNavigation } from "@remix-run/react";
import { Field, FormError } from "~/components/form-field";

/** What /login/link and /reset answer: the same words whether or not the address has an account. */
export type EmailLinkAnswer = { ok: true; email: string; minutes: number } | { ok: false; errors: Partial<Record<string, string>>; values?: Record<string, string> };

/** The form that asks for a sign-in or reset link, and the page after it was sent. */
export function EmailLinkRequest({ what, button }: { what: string; button: string }) {
  const answer = useActionData<EmailLinkAnswer>();
  const busy = useNavigation().state === "submitting";
  if (answer?.ok) {
    return (
      <div className="card" role="status">
        <h2>Check your email</h2>
        <p>
          If <strong>{answer.email}</strong> has a Doorstep account, we've sent it {what}. It works once, for {answer.minutes} minutes. If there's no account
          with that address, the email says so.
        </p>
        <p className="muted">Nothing after a few minutes? Check your spam folder, or ask again.</p>
        <p>
          <Link to="/login">Back to sign in</Link>
        </p>
      </div>
    );
  }
  return (
    <Form method="post" className="card" noValidate>
      <FormError message={answer?.errors.form} />
      <Field label="Email" name="email" type="email" autoComplete="email" required defaultValue={answer?.values?.email} error={answer?.errors.email} />
      <button type="submit" className="button" disabled={busy}>
        {busy ? "Sending…" : button}
      </button>
    </Form>
  );
}
