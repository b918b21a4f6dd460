import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useLoaderData, useNavigation } from "@remix-run/react";
import { checkEmailLink, signInWithLink } from "~/auth/email-links.server";
import type { ErrorPayload } from "~/lib/error-payload";
import { readForm, routeParam } from "~/lib/request.server";

export const meta: MetaFunction = () => [{ title: "Sign in · Doorstep" }];

const askAgain = { to: "/login/link", label: "Email me a new sign-in link" };

// The GET only shows a button: mail scanners that open every link must not spend it.
export async function loader({ params }: LoaderFunctionArgs) {
  const link = await checkEmailLink(routeParam(params, "token"), "sign-in");
  if (!link.ok) throw data<ErrorPayload>({ message: link.message, wayOn: askAgain }, { status: link.status });
  return { email: link.value.email };
}

export async function action({ request, params }: ActionFunctionArgs) {
  await readForm(request);
  const signedIn = await signInWithLink(routeParam(params, "token"), request.headers.get("user-agent") ?? "");
  if (!signedIn.ok) throw data<ErrorPayload>({ message: signedIn.message, wayOn: askAgain }, { status: signedIn.status });
  throw redirect("/", { headers: { "Set-Cookie": signedIn.value.cookie } });
}

export default function SignInByLink() {
  const { email } = useLoaderData<typeof loader>();
  const busy = useNavigation().state === "submitting";
  return (
    <div className="page--narrow">
      <h1>Sign in</h1>
      <Form method="post" className="card">
        <p>
          Sign in to Doorstep as <strong>{email}</strong> on this device.
        </p>
        <button type="submit" className="button" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </Form>
    </div>
  );
}
