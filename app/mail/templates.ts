// Every mail Doorstep writes, as plain text and HTML built from the same parts. The HTML
// is deliberately plain (one column, no images, no remote content): it reads on any phone
// and in any client, and every value in it is escaped, names included.

export interface MailAction {
  label: string;
  url: string;
}

export interface MailParts {
  subject: string;
  /** "Hello Priya," */
  greeting: string;
  paragraphs: string[];
  action?: MailAction;
  /** Said after the button: how long the link works, what to do if it wasn't you. */
  after?: string[];
  /** Only nudges and reminders carry one; sign-in and reset mail never does. */
  unsubscribeUrl?: string;
}

export interface ComposedMail {
  subject: string;
  text: string;
  html: string;
}

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
export const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);

/** Names come from sign-up forms: no line breaks in a header or a greeting. */
const oneLine = (value: string) => value.replace(/[\r\n\t]+/g, " ").trim();

export function composeMail(parts: MailParts): ComposedMail {
  const subject = oneLine(parts.subject);
  const after = parts.after ?? [];
  const text = [
    oneLine(parts.greeting),
    "",
    ...parts.paragraphs.flatMap((p) => [p, ""]),
    ...(parts.action ? [`${parts.action.label}:`, parts.action.url, ""] : []),
    ...after.flatMap((p) => [p, ""]),
    "— Doorstep",
    ...(parts.unsubscribeUrl ? ["", `Stop these emails: ${parts.unsubscribeUrl}`] : []),
  ].join("\n");
  const para = (p: string) => `<p style="margin:0 0 16px">${escapeHtml(p)}</p>`;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:24px 16px;font-family:system-ui,sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a;background:#ffffff">
<div style="max-width:560px;margin:0 auto">
${para(oneLine(parts.greeting))}
${parts.paragraphs.map(para).join("\n")}
${
  parts.action
    ? `<p style="margin:24px 0"><a href="${escapeHtml(parts.action.url)}" style="display:inline-block;padding:12px 20px;background:#14532d;color:#ffffff;text-decoration:none;border-radius:6px;font-weight:600">${escapeHtml(parts.action.label)}</a></p>
<p style="margin:0 0 16px;font-size:14px;color:#444">Or copy this address into your browser: ${escapeHtml(parts.action.url)}</p>`
    : ""
}
${after.map(para).join("\n")}
<p style="margin:0 0 16px">— Doorstep</p>
${parts.unsubscribeUrl ? `<p style="margin:24px 0 0;font-size:14px;color:#444"><a href="${escapeHtml(parts.unsubscribeUrl)}" style="color:#444">Stop these emails</a></p>` : ""}
</div></body></html>`;
  return { subject, text, html };
}

export function signInLinkMail(input: { name: string; url: string; minutes: number }): ComposedMail {
  return composeMail({
    subject: "Your Doorstep sign-in link",
    greeting: `Hello ${input.name},`,
    paragraphs: ["Someone (we hope you) asked to sign in to Doorstep with this email address."],
    action: { label: "Sign in to Doorstep", url: input.url },
    after: [
      `The link works once, for ${input.minutes} minutes.`,
      "If you didn't ask for it, ignore this email: nobody can sign in without the link, and your password (if you have one) still works.",
    ],
  });
}

export function resetLinkMail(input: { name: string; url: string; minutes: number }): ComposedMail {
  return composeMail({
    subject: "Reset your Doorstep password",
    greeting: `Hello ${input.name},`,
    paragraphs: ["Someone (we hope you) asked to reset the password of your Doorstep account."],
    action: { label: "Choose a new password", url: input.url },
    after: [
      `The link works once, for ${input.minutes} minutes. Choosing a new password signs you out on every other device.`,
      "If you didn't ask for it, ignore this email: your password stays as it is.",
    ],
  });
}

/**
 * The answer to a sign-in or reset request for an address with no account. It goes to that
 * mailbox only, so the page can say the same words either way (no account enumeration).
 */
export function noAccountMail(input: { purpose: "sign-in" | "reset"; loginUrl: string }): ComposedMail {
  return composeMail({
    subject: input.purpose === "sign-in" ? "Signing in to Doorstep" : "Resetting a Doorstep password",
    greeting: "Hello,",
    paragraphs: [
      `Someone asked to ${input.purpose === "sign-in" ? "sign in to" : "reset the password of"} Doorstep with this email address, but no account uses it.`,
      "If it was you, perhaps your account is under another address; try that one. New volunteers join with an invite link from their organiser or trainer.",
    ],
    action: { label: "Go to sign in", url: input.loginUrl },
    after: ["If it wasn't you, ignore this email."],
  });
}
