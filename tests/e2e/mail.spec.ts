import type { Page } from "@playwright/test";
import { checkA11y, expect, expectNoHorizontalScroll, signIn, test } from "./fixtures";

// Email without a mail server (issue 18): the e2e server has no SMTP_URL, so mail goes to
// the outbox. A volunteer on a phone asks for a sign-in link and for a password reset; an
// admin, in a second browser, reads each link from /admin/outbox; the volunteer follows it.

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

/** The admin opens the newest mail to `email` with this subject and returns the link in it. */
async function linkFromOutbox(admin: Page, email: string, subject: string, path: string): Promise<string> {
  await admin.goto("/admin/outbox");
  const row = admin.getByRole("row").filter({ hasText: email }).filter({ hasText: subject }).first();
  await expect(row).toBeVisible();
  await checkA11y(admin, "/admin/outbox");
  await row.getByRole("link", { name: subject }).click();
  await expect(admin.getByRole("heading", { name: subject })).toBeVisible();
  const link = admin.getByRole("link", { name: new RegExp(`${path}/`) }).first();
  await expect(link).toBeVisible();
  await checkA11y(admin, "/admin/outbox/:id");
  const url = (await link.getAttribute("href"))!;
  expect(url).toMatch(new RegExp(`${path}/[A-Za-z0-9_-]{20,}$`));
  return url;
}

test("a volunteer on a phone signs in by an emailed link and resets their password; an admin reads both from the outbox", async ({
  browser,
  baseURL,
  adminPage,
  newActivist,
}) => {
  const context = await browser.newContext({ baseURL, ...PHONE });
  const phone = await context.newPage();

  // Ask for a sign-in link: the answer is the same whether or not the address has an account.
  await phone.goto("/login");
  await phone.getByRole("link", { name: "Email me a sign-in link" }).click();
  await expect(phone).toHaveURL(/\/login\/link$/);
  await phone.getByLabel("Email").fill("not an email");
  await phone.getByRole("button", { name: "Email me a sign-in link" }).click();
  await expect(phone.getByText("That doesn't look like an email address")).toBeVisible();
  await phone.getByLabel("Email").fill(newActivist.email);
  await phone.getByRole("button", { name: "Email me a sign-in link" }).click();
  await expect(phone.getByRole("status")).toContainText(`If ${newActivist.email} has a Doorstep account, we've sent it a sign-in link`);
  await checkA11y(phone, "/login/link (sent)");
  await expectNoHorizontalScroll(phone, "/login/link");

  const signInUrl = await linkFromOutbox(adminPage, newActivist.email, "Your Doorstep sign-in link", "/login/link");
  // Opening the link spends nothing: only the button does.
  await phone.goto(signInUrl);
  await expect(phone.getByText(`Sign in to Doorstep as ${newActivist.email}`)).toBeVisible();
  await checkA11y(phone, "/login/link/:token");
  await expectNoHorizontalScroll(phone, "/login/link/:token");
  await phone.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(phone).toHaveURL((url) => url.pathname === "/");
  // Used once: the same link now says so.
  await phone.goto(signInUrl);
  await expect(phone.getByText(/already been used/)).toBeVisible();
  await expect(phone.getByRole("link", { name: "Email me a new sign-in link" })).toBeVisible();

  // Reset the password by email.
  await phone.context().clearCookies();
  await phone.goto("/login");
  await phone.getByRole("link", { name: "Forgot your password?" }).click();
  // /login has an Email field too: fill only once the reset page has replaced it (a CI run
  // filled the sign-in form's field just before the navigation finished).
  await expect(phone.getByRole("heading", { level: 1 })).toHaveText("Reset your password");
  await phone.getByLabel("Email").fill(newActivist.email);
  await phone.getByRole("button", { name: "Email me a reset link" }).click();
  await expect(phone.getByRole("status")).toContainText("a password reset link");

  const resetUrl = await linkFromOutbox(adminPage, newActivist.email, "Reset your Doorstep password", "/reset");
  await phone.goto(resetUrl);
  await expect(phone.getByRole("heading", { name: "Choose a new password" })).toBeVisible();
  await phone.getByLabel("New password").fill("short");
  await phone.getByRole("button", { name: "Save new password" }).click();
  await expect(phone.getByText("Passwords need at least 10 characters.")).toBeVisible();
  await checkA11y(phone, "/reset/:token (error)");
  await expectNoHorizontalScroll(phone, "/reset/:token");
  const newPassword = "my new doorstep passphrase";
  await phone.getByLabel("New password").fill(newPassword);
  await phone.getByRole("button", { name: "Save new password" }).click();
  await expect(phone).toHaveURL(/\/\?password-reset=1$/);
  await expect(phone.getByRole("status").filter({ hasText: "Your new password is saved" })).toBeVisible();

  // The new password works, the old one no longer does.
  // (On a phone, Sign out sits in the menu; a fresh start is enough here.)
  await phone.context().clearCookies();
  await phone.goto("/login");
  await phone.getByLabel("Email").fill(newActivist.email);
  await phone.getByLabel("Password", { exact: true }).fill(newActivist.password);
  await phone.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(phone.getByText("Wrong email or password.")).toBeVisible();
  await signIn(phone, newActivist.email, newPassword);

  // Nudges can be turned off (and sign-in mail still arrives).
  await phone.goto("/account");
  const nudges = phone.getByRole("checkbox", { name: /Send me nudges and reminders/ });
  await expect(nudges).toBeChecked();
  await nudges.uncheck();
  await phone.getByRole("button", { name: "Save email setting" }).click();
  await expect(phone.getByText("Saved: no more nudges or reminders.")).toBeVisible();
  await phone.reload();
  await expect(phone.getByRole("checkbox", { name: /Send me nudges and reminders/ })).not.toBeChecked();
  await checkA11y(phone, "/account (nudges off)");
  await expectNoHorizontalScroll(phone, "/account");
  await context.close();
});
