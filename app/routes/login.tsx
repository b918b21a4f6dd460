import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { signIn } from "~/auth/accounts.server";
import { optionalUser } from "~/auth/guard.server";
import { signInSchema } from "~/auth/validation.server";
import { Field, FormError } from "~/components/form-field";
import { formFailure, parseForm, safeRedirect, text } from "~/lib/http.server";
import { readForm, readQuery } from "~/lib/request.server";

export const meta: MetaFunction = () => [{ title: "Sign in · Doorstep" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const redirectTo = safeRedirect(readQuery(request).get("redirectTo"));
  if (await optionalUser({ request, context })) throw redirect(redirectTo);
  // The form carries the checked target, never the raw query value (the action checks it again).
  return { redirectTo };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const email = text(form, "email") ?? "";
  const parsed = parseForm(signInSchema, { email, password: text(form, "password") }, { email: email.slice(0, 254) });
  if (!parsed.ok) return parsed.response;
  const result = await signIn({
    ...parsed.value,
    ip: context?.clientIp ?? "unknown",
    userAgent: request.headers.get("user-agent") ?? "",
  });
  if (!result.ok) return formFailure(result.status, { form: result.message }, { email: parsed.value.email });
  throw redirect(safeRedirect(form.get("redirectTo")), { headers: { "Set-Cookie": result.value.cookie } });
}

export default function Login() {
  const failure = useActionData<typeof action>();
  const { redirectTo } = useLoaderData<typeof loader>();
  const busy = useNavigation().state === "submitting";
  return (
    <div className="page--narrow">
      <h1>Sign in</h1>
      <p className="lede">Welcome back. Pick up your training where you left off.</p>
      <Form method="post" className="card" noValidate>
        <FormError message={failure?.errors.form} />
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <Field label="Email" name="email" type="email" autoComplete="email" required defaultValue={failure?.values?.email} error={failure?.errors.email} />
        <Field label="Password" name="password" type="password" autoComplete="current-password" required error={failure?.errors.password} />
        <button type="submit" className="button" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </Form>
      <p className="button-row">
        <Link to="/login/link" className="button button--secondary">
          Email me a sign-in link
        </Link>
        <Link to="/reset" className="button button--secondary">
          Forgot your password?
        </Link>
      </p>
      <p className="muted">New here? Ask your organiser or trainer for an invite link.</p>
    </div>
  );
}
