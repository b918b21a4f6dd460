import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { optionalUser } from "~/auth/guard.server";
import { Field, FormError } from "~/components/form-field";
import { formFailure, text } from "~/lib/http.server";
import { formatJoinCode, normaliseJoinCode } from "~/live/join-code";
import { checkJoinCode, joinWithCode, openSessionsOf } from "~/live/joining.server";
import { readForm } from "~/lib/request.server";

export const meta: MetaFunction = () => [{ title: "Join a live session · Doorstep" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const current = await optionalUser({ request, context });
  return { signedIn: Boolean(current), openSessions: current ? await openSessionsOf(current.user.id) : [] };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const typed = (text(form, "code") ?? "").slice(0, 20);
  const code = normaliseJoinCode(typed);
  if (!code) return formFailure(400, { code: "A code is six letters, like ABC DEF. Check it on the trainer's screen." }, { code: typed });
  const ip = context?.clientIp ?? "unknown";
  const current = await optionalUser({ request, context });
  if (!current) {
    // No account yet: the code's own page offers "join with your name and email" or "sign in".
    const checked = await checkJoinCode(code, ip);
    if (!checked.ok) return formFailure(checked.status, { code: checked.message }, { code: typed });
    throw redirect(`/join/${code}`);
  }
  const joined = await joinWithCode(code, current.user, ip);
  if (!joined.ok) return formFailure(joined.status, { code: joined.message }, { code: typed });
  throw redirect(joined.value.as === "presenter" ? `/live/${code}/present` : `/live/${code}`);
}

export default function Join() {
  const { openSessions, signedIn } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <div className="page--narrow">
      <h1>Join a live session</h1>
      <p className="lede">Enter the six-letter code on your trainer's screen.</p>
      {openSessions.length ? (
        <div className="alert alert--info">
          You're in {openSessions.length === 1 ? "a session" : "sessions"} now:{" "}
          {openSessions.map((s, i) => (
            <span key={s.code}>
              {i ? ", " : ""}
              <Link to={`/live/${s.code}`}>
                {s.moduleTitle} ({formatJoinCode(s.code)})
              </Link>
            </span>
          ))}
        </div>
      ) : null}
      <Form method="post" className="card" noValidate>
        <FormError message={failure?.errors.form} />
        <Field
          label="Join code"
          name="code"
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          inputMode="text"
          maxLength={20}
          className="join-code-input"
          required
          defaultValue={failure?.values?.code}
          error={failure?.errors.code}
        />
        <button type="submit" className="button" disabled={busy}>
          {busy ? "Joining…" : "Join"}
        </button>
      </Form>
      {signedIn ? null : <p className="muted">No account yet? Enter the code: you can join with your name and email.</p>}
    </div>
  );
}
