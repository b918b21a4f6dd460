import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { checkEmailLink, resetPasswordWithLink } from "~/auth/email-links.server";
import { newPasswordFormSchema } from "~/auth/validation.server";
import { FormError, NewPasswordField } from "~/components/form-field";
import type { ErrorPayload } from "~/lib/error-payload";
import { formFailure, parseForm, text } from "~/lib/http.server";
import { readForm, routeParam } from "~/lib/request.server";

export const meta: MetaFunction = () => [{ title: "Choose a new password · Doorstep" }];

const askAgain = { to: "/reset", label: "Email me a new reset link" };

export async function loader({ params }: LoaderFunctionArgs) {
  const link = await checkEmailLink(routeParam(params, "token"), "reset");
  if (!link.ok) throw data<ErrorPayload>({ message: link.message, wayOn: askAgain }, { status: link.status });
  return { email: link.value.email };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const form = await readForm(request);
  const parsed = parseForm(newPasswordFormSchema, { password: text(form, "password") });
  if (!parsed.ok) return parsed.response;
  const reset = await resetPasswordWithLink(routeParam(params, "token"), parsed.value.password, request.headers.get("user-agent") ?? "");
  // The form's own page can say it: the link is what failed, not the password.
  if (!reset.ok) return formFailure(reset.status, { form: reset.message });
  throw redirect("/?password-reset=1", { headers: { "Set-Cookie": reset.value.cookie } });
}

export default function ChooseNewPassword() {
  const { email } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <div className="page--narrow">
      <h1>Choose a new password</h1>
      <p className="lede">
        For <strong>{email}</strong>. Saving it signs you out on every other device.
      </p>
      <Form method="post" className="card" noValidate>
        <FormError message={failure?.errors.form} />
        <NewPasswordField label="New password" error={failure?.errors.password} />
        <button type="submit" className="button" disabled={busy}>
          {busy ? "Saving…" : "Save new password"}
        </button>
      </Form>
    </div>
  );
}
