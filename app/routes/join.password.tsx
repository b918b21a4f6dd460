import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requireUser } from "~/auth/guard.server";
import { newPasswordFormSchema } from "~/auth/validation.server";
import { FormError, NewPasswordField } from "~/components/form-field";
import { formFailure, parseForm, text } from "~/lib/http.server";
import { needsPassword, setNewcomerPassword } from "~/live/joining.server";
import { readForm } from "~/lib/request.server";

export const meta: MetaFunction = () => [{ title: "Choose a password · Doorstep" }];

// People who joined a live session with just their name and email choose their password
// here, signed in on the device they joined with.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requireUser({ request, context });
  return { needed: await needsPassword(user.id), email: user.email };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { user } = await requireUser({ request, context });
  const form = await readForm(request);
  const parsed = parseForm(newPasswordFormSchema, { password: text(form, "password") });
  if (!parsed.ok) return parsed.response;
  const result = await setNewcomerPassword(user.id, parsed.value.password);
  if (!result.ok) return formFailure(result.status, { form: result.message });
  return { ok: true as const };
}

export default function ChoosePassword() {
  const { needed, email } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  if (result && "ok" in result && result.ok) {
    return (
      <div className="page--narrow">
        <h1>Password saved</h1>
        <p className="alert alert--success" role="status">
          Your password is set. Next time, sign in with {email} and this password.
        </p>
        <p>
          <Link to="/me" className="button">
            See your record
          </Link>
        </p>
      </div>
    );
  }
  const failure = result && "errors" in result ? result : undefined;
  return (
    <div className="page--narrow">
      <h1>Choose a password</h1>
      {needed ? (
        <Form method="post" className="card" noValidate>
          <p>You joined a live session with your email ({email}). Choose a password to sign in again later.</p>
          <FormError message={failure?.errors.form} />
          <input type="email" name="username" autoComplete="username" defaultValue={email} hidden readOnly />
          <NewPasswordField label="New password" error={failure?.errors.password} />
          <button type="submit" className="button" disabled={busy}>
            {busy ? "Saving…" : "Save my password"}
          </button>
        </Form>
      ) : (
        <p className="alert alert--info">Your account already has a password. Sign in with it next time.</p>
      )}
    </div>
  );
}
