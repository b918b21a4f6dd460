import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { optionalUser, requireUser } from "~/auth/guard.server";
import { Field, FormError } from "~/components/form-field";
import { formFailure, parseForm, text } from "~/lib/http.server";
import { formatJoinCode } from "~/live/join-code";
import { checkJoinCode, joinAsNewcomer, joinWithCode, newcomerSchema } from "~/live/joining.server";
import { readForm, routeParam } from "~/lib/request.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Join ${data.session.moduleTitle} · Doorstep` : "Join a live session · Doorstep" }];

// /join/:code (what the QR code opens). Signed in: one button joins. No account yet:
// join with name and email, which makes an activist account in the session's group.
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const checked = await checkJoinCode(routeParam(params, "code"), context?.clientIp ?? "unknown");
  if (!checked.ok) throw data(checked.message, { status: checked.status });
  const current = await optionalUser({ request, context });
  const session = checked.value;
  return {
    session: { code: session.code, spaced: formatJoinCode(session.code), moduleTitle: session.moduleTitle, trainerName: session.trainerName, groupName: session.groupName },
    signedInAs: current?.user.name ?? null,
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const ip = context?.clientIp ?? "unknown";
  const code = routeParam(params, "code");
  if (text(form, "intent") === "join") {
    const { user } = await requireUser({ request, context });
    const joined = await joinWithCode(code, user, ip);
    if (!joined.ok) return formFailure(joined.status, { form: joined.message });
    throw redirect(joined.value.as === "presenter" ? `/live/${joined.value.code}/present` : `/live/${joined.value.code}`);
  }
  const echo = { name: (text(form, "name") ?? "").slice(0, 100), email: (text(form, "email") ?? "").slice(0, 254) };
  const parsed = parseForm(newcomerSchema, { name: text(form, "name"), email: text(form, "email") }, echo);
  if (!parsed.ok) return parsed.response;
  const result = await joinAsNewcomer(code, parsed.value, ip, request.headers.get("user-agent") ?? "");
  if (!result.ok) return formFailure(result.status, { [result.field ?? "form"]: result.message }, echo);
  throw redirect(`/live/${result.value.code}`, { headers: { "Set-Cookie": result.value.cookie } });
}

export default function JoinWithCode() {
  const { session, signedInAs } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const signInPath = `/login?redirectTo=${encodeURIComponent(`/join/${session.code}`)}`;
  return (
    <div className="page--narrow">
      <h1>Join “{session.moduleTitle}”</h1>
      <p className="lede">
        Live with {session.trainerName}
        {session.groupName ? ` · ${session.groupName}` : ""} · code <span className="join-code-inline">{session.spaced}</span>
      </p>
      <FormError message={failure?.errors.form} />
      {signedInAs ? (
        <Form method="post" className="card">
          <input type="hidden" name="intent" value="join" />
          <p>You're signed in as {signedInAs}.</p>
          <button type="submit" className="button" disabled={busy}>
            {busy ? "Joining…" : "Join now"}
          </button>
        </Form>
      ) : (
        <>
          <Form method="post" className="card" noValidate>
            <input type="hidden" name="intent" value="newcomer" />
            <h2>New here?</h2>
            <p>Join with your name and email. We'll make your Doorstep account so this session counts; you choose a password afterwards.</p>
            <Field label="Your name" name="name" autoComplete="name" required maxLength={100} defaultValue={failure?.values?.name} error={failure?.errors.name} />
            <Field label="Email" name="email" type="email" autoComplete="email" required defaultValue={failure?.values?.email} error={failure?.errors.email} />
            {failure?.errors.email && failure.errors.email.includes("Sign in") ? (
              <p>
                <Link to={signInPath}>Sign in to join</Link>
              </p>
            ) : null}
            <button type="submit" className="button" disabled={busy}>
              {busy ? "Joining…" : "Join the session"}
            </button>
          </Form>
          <p>
            Already have an account? <Link to={signInPath}>Sign in to join</Link>.
          </p>
        </>
      )}
    </div>
  );
}
