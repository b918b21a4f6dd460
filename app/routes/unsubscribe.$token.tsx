import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { checkUnsubscribe, unsubscribe } from "~/auth/email-links.server";
import { readForm, routeParam } from "~/lib/request.server";

export const meta: MetaFunction = () => [{ title: "Stop nudge emails · Doorstep" }];

// No sign-in needed: the link is the proof. The GET changes nothing (mail scanners open
// links); one press of the button does it.
export async function loader({ params }: LoaderFunctionArgs) {
  const owner = await checkUnsubscribe(routeParam(params, "token"));
  if (!owner.ok) throw data(owner.message, { status: owner.status });
  return owner.value;
}

export async function action({ request, params }: ActionFunctionArgs) {
  await readForm(request);
  const done = await unsubscribe(routeParam(params, "token"));
  if (!done.ok) throw data(done.message, { status: done.status });
  return { email: done.value.email };
}

export default function Unsubscribe() {
  const { email, nudgeEmails } = useLoaderData<typeof loader>();
  const done = useActionData<typeof action>();
  return (
    <div className="page--narrow">
      <h1>Stop nudge emails</h1>
      {done || !nudgeEmails ? (
        <div className="alert alert--success" role="status">
          Done: {done?.email ?? email} gets no more nudges or reminders. Sign-in and password emails you ask for still arrive. You can turn nudges back on
          from <Link to="/account">your account page</Link>.
        </div>
      ) : (
        <Form method="post" className="card">
          <p>
            Stop nudges and reminders to <strong>{email}</strong>? Sign-in and password emails you ask for still arrive.
          </p>
          <button type="submit" className="button">
            Stop nudge emails
          </button>
        </Form>
      )}
    </div>
  );
}
