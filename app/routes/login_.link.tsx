import type { ActionFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link } from "@remix-run/react";
import { requestEmailLink, SIGN_IN_LINK_MINUTES } from "~/auth/email-links.server";
import { emailLinkFormSchema } from "~/auth/validation.server";
import { EmailLinkRequest } from "~/components/email-link-request";
import { publicOrigin } from "~/lib/env.server";
import { formFailure, parseForm, text } from "~/lib/http.server";
import { readForm } from "~/lib/request.server";

export const meta: MetaFunction = () => [{ title: "Email me a sign-in link · Doorstep" }];

// No loader: the page is the same for everyone (asking for a link while signed in is harmless).
export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const email = text(form, "email") ?? "";
  const parsed = parseForm(emailLinkFormSchema, { email }, { email: email.slice(0, 254) });
  if (!parsed.ok) return parsed.response;
  const sent = await requestEmailLink({ purpose: "sign-in", email: parsed.value.email, ip: context?.clientIp ?? "unknown", origin: publicOrigin(request) });
  if (!sent.ok) return formFailure(sent.status, { form: sent.message }, { email: parsed.value.email });
  return { ok: true as const, email: parsed.value.email, minutes: SIGN_IN_LINK_MINUTES };
}

export default function SignInLinkRequest() {
  return (
    <div className="page--narrow">
      <h1>Email me a sign-in link</h1>
      <p className="lede">No password to remember: we email you a link that signs you in on this device.</p>
      <EmailLinkRequest what="a sign-in link" button="Email me a sign-in link" />
      <p className="muted">
        Rather use your password? <Link to="/login">Sign in with a password</Link>.
      </p>
    </div>
  );
}
