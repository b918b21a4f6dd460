import type { ActionFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link } from "@remix-run/react";
import { RESET_LINK_MINUTES, requestEmailLink } from "~/auth/email-links.server";
import { emailLinkFormSchema } from "~/auth/validation.server";
import { EmailLinkRequest } from "~/components/email-link-request";
import { publicOrigin } from "~/lib/env.server";
import { formFailure, parseForm, text } from "~/lib/http.server";
import { readForm } from "~/lib/request.server";

export const meta: MetaFunction = () => [{ title: "Reset your password · Doorstep" }];

// Open to everyone, signed in or not: someone signed in on one device may have forgotten
// the password they need on another.
export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const email = text(form, "email") ?? "";
  const parsed = parseForm(emailLinkFormSchema, { email }, { email: email.slice(0, 254) });
  if (!parsed.ok) return parsed.response;
  const sent = await requestEmailLink({ purpose: "reset", email: parsed.value.email, ip: context?.clientIp ?? "unknown", origin: publicOrigin(request) });
  if (!sent.ok) return formFailure(sent.status, { form: sent.message }, { email: parsed.value.email });
  return { ok: true as const, email: parsed.value.email, minutes: RESET_LINK_MINUTES };
}

export default function ResetRequest() {
  return (
    <div className="page--narrow">
      <h1>Reset your password</h1>
      <p className="lede">Enter the email address of your account and we'll email you a link to choose a new password.</p>
      <EmailLinkRequest what="a password reset link" button="Email me a reset link" />
      <p className="muted">
        Or skip the password: <Link to="/login/link">email me a sign-in link</Link>.
      </p>
    </div>
  );
}
