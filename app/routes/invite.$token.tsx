import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { optionalUser } from "~/auth/guard.server";
import { acceptInvite, inviteProblem, inviteState } from "~/auth/invites.server";
import { signUpSchema } from "~/auth/validation.server";
import { ROLE_LABEL } from "~/components/role-label";
import { Field, FormError, NewPasswordField } from "~/components/form-field";
import { formFailure, parseForm, text } from "~/lib/http.server";
import { readForm, routeParam } from "~/lib/request.server";

export const meta: MetaFunction = () => [{ title: "Join Doorstep" }];

async function validInvite(token: string) {
  const state = await inviteState(token);
  if (state.status !== "valid") {
    const problem = inviteProblem[state.status];
    throw data(problem.message, { status: problem.status });
  }
  return state;
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const invite = await validInvite(routeParam(params, "token"));
  const current = await optionalUser({ request, context });
  return { role: invite.role, groupName: invite.groupName, inviteeName: invite.inviteeName, inviteeEmail: invite.inviteeEmail, signedInAs: current?.user.name ?? null };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const form = await readForm(request);
  const echo = { name: (text(form, "name") ?? "").slice(0, 100), email: (text(form, "email") ?? "").slice(0, 254) };
  const parsed = parseForm(signUpSchema, { name: text(form, "name"), email: text(form, "email"), password: text(form, "password") }, echo);
  if (!parsed.ok) return parsed.response;
  const result = await acceptInvite(routeParam(params, "token"), parsed.value, request.headers.get("user-agent") ?? "");
  if (!result.ok) return formFailure(result.status, { [result.field ?? "form"]: result.message }, echo);
  throw redirect("/?welcome=1", { headers: { "Set-Cookie": result.value.cookie } });
}

export default function AcceptInvite() {
  const invite = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <div className="page--narrow">
      <h1>Join {invite.groupName} on Doorstep</h1>
      <p className="lede">
        You've been invited as {/^[aeiou]/i.test(invite.role) ? "an" : "a"} <strong>{ROLE_LABEL[invite.role].toLowerCase()}</strong>. Create your account to start
        training.
      </p>
      {invite.signedInAs ? (
        <div className="alert alert--info">
          You're signed in as {invite.signedInAs}. Creating a new account here will sign you in as the new person instead.
        </div>
      ) : null}
      <Form method="post" className="card" noValidate>
        <FormError message={failure?.errors.form} />
        <Field label="Your name" name="name" autoComplete="name" required maxLength={100} defaultValue={failure?.values?.name ?? invite.inviteeName ?? undefined} error={failure?.errors.name} />
        <Field label="Email" name="email" type="email" autoComplete="email" required defaultValue={failure?.values?.email ?? invite.inviteeEmail ?? undefined} error={failure?.errors.email} />
        <NewPasswordField label="Choose a password" error={failure?.errors.password} />
        <button type="submit" className="button" disabled={busy}>
          {busy ? "Creating your account…" : "Create account"}
        </button>
      </Form>
    </div>
  );
}
