import { DEMO, checkA11y, expect, expectNoHorizontalScroll, signIn, test } from "./fixtures";

// Issue 18 part 4 on a phone: the trainer schedules a session for Riverside Branch (the
// demo trainer and activist are both in it), the activist says they're coming, the
// trainer sees the sign-up. The forms are plain posts (they work without JavaScript too).

test.use({ viewport: { width: 390, height: 844 } });

const ahead = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

test("a trainer schedules a session, a member replies I'm coming, the trainer sees the sign-up", async ({ page, browser, baseURL }) => {
  test.setTimeout(120_000); // three accounts' pages and four axe runs on a shared 2-core machine
  await signIn(page, DEMO.trainer.email, DEMO.trainer.password);
  await page.goto("/live");
  await page.getByRole("link", { name: "Schedule one ahead" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Schedule a live session" })).toBeVisible();
  await checkA11y(page, "schedule form");
  await expectNoHorizontalScroll(page, "schedule form");

  const moduleSelect = page.getByLabel("Module", { exact: true });
  await moduleSelect.selectOption((await moduleSelect.locator("option").nth(1).getAttribute("value"))!);
  const groupSelect = page.getByLabel("Group", { exact: true });
  await groupSelect.selectOption({ label: "Riverside Branch" });
  // In the past: refused beside the date, nothing scheduled.
  await page.getByLabel("Date", { exact: true }).fill("2020-01-01");
  await page.getByLabel("Start time (UK time)").fill("18:30");
  await page.getByLabel("Place", { exact: true }).fill("Room 2, The Library");
  await page.getByRole("button", { name: "Schedule and invite the group" }).click();
  await expect(page.locator(".field--invalid").filter({ hasText: "Choose a time in the future." })).toBeVisible();
  await checkA11y(page, "schedule form (refused)");

  await page.getByLabel("Date", { exact: true }).fill(ahead(21));
  await page.getByRole("button", { name: "Schedule and invite the group" }).click();
  await expect(page).toHaveURL(/\/live\/scheduled\/[0-9a-f-]{36}$/);
  const sessionUrl = new URL(page.url()).pathname;
  await expect(page.getByRole("heading", { level: 2, name: "Replies" })).toBeVisible();
  await expect(page.getByText(/0 coming, 0 can't make it/)).toBeVisible();
  await checkA11y(page, "scheduled session (trainer)");

  // The member, on their own phone.
  const phone = await browser.newContext({
    baseURL,
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  try {
    const member = await phone.newPage();
    await signIn(member, DEMO.activist.email, DEMO.activist.password);
    await member.goto("/");
    await member.locator(`a[href="${sessionUrl}"]`).first().click();
    await expect(member).toHaveURL(new RegExp(`${sessionUrl}$`));
    await expect(member.getByText("You haven't replied yet.")).toBeVisible();
    await expect(member.getByRole("link", { name: /Add to your calendar/ })).toHaveAttribute("href", `${sessionUrl}/ics`);
    await member.getByRole("button", { name: "I'm coming" }).click();
    await expect(member.getByRole("status")).toContainText("you're on the list");
    await expect(member.getByText("You said you're coming.")).toBeVisible();
    await checkA11y(member, "scheduled session (member)");
    await expectNoHorizontalScroll(member, "scheduled session (member)");
  } finally {
    await phone.close();
  }

  await page.goto(sessionUrl);
  await expect(page.getByText(/1 coming, 0 can't make it/)).toBeVisible();
  await expect(page.getByRole("listitem").filter({ hasText: DEMO.activist.name })).toBeVisible();
});

test("a trainer changes a scheduled session's time, then cancels it; the member sees it cancelled and can no longer reply", async ({ page, browser, baseURL }) => {
  test.setTimeout(120_000);
  await signIn(page, DEMO.trainer.email, DEMO.trainer.password);
  await page.goto("/live/scheduled/new");
  await expect(page.getByRole("heading", { level: 1, name: "Schedule a live session" })).toBeVisible();
  const moduleSelect = page.getByLabel("Module", { exact: true });
  await moduleSelect.selectOption((await moduleSelect.locator("option").nth(1).getAttribute("value"))!);
  await page.getByLabel("Group", { exact: true }).selectOption({ label: "Riverside Branch" });
  await page.getByLabel("Date", { exact: true }).fill(ahead(40));
  await page.getByLabel("Start time (UK time)").fill("18:30");
  await page.getByLabel("Place", { exact: true }).fill("Room 5");
  await page.getByRole("button", { name: "Schedule and invite the group" }).click();
  await expect(page).toHaveURL(/\/live\/scheduled\/[0-9a-f-]{36}$/);
  const sessionUrl = new URL(page.url()).pathname;

  await page.getByRole("link", { name: "Change or cancel" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Change or cancel the session" })).toBeVisible();
  await checkA11y(page, "change or cancel");
  await expectNoHorizontalScroll(page, "change or cancel");
  // Both a place and a link: refused beside the field, nothing changed.
  await page.getByLabel("Call link").fill("https://meet.example.org/room");
  await page.getByRole("button", { name: "Save and tell everyone invited" }).click();
  await expect(page.locator(".field--invalid").filter({ hasText: "Give a place or a call link, not both." })).toBeVisible();
  await page.getByLabel("Call link").fill("");
  await page.getByLabel("Start time (UK time)").fill("19:15");
  await page.getByRole("button", { name: "Save and tell everyone invited" }).click();
  await expect(page).toHaveURL(new RegExp(`${sessionUrl}\\?updated=\\d+$`));
  await expect(page.getByRole("status").filter({ hasText: /Saved\. \d+ (person was|people were) sent the new details/ })).toBeVisible();
  await expect(page.locator("time")).toContainText("19:15");

  await page.getByRole("link", { name: "Change or cancel" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Change or cancel the session" })).toBeVisible();
  await page.getByRole("button", { name: "Cancel the session" }).click();
  await expect(page).toHaveURL(new RegExp(`${sessionUrl}\\?cancelled=\\d+$`));
  await expect(page.getByRole("status").filter({ hasText: "Cancelled." })).toBeVisible();
  await expect(page.getByRole("button", { name: "Start now" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Change or cancel" })).toHaveCount(0);
  await checkA11y(page, "cancelled session (trainer)");

  const phone = await browser.newContext({ baseURL, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  try {
    const member = await phone.newPage();
    await signIn(member, DEMO.activist.email, DEMO.activist.password);
    await member.goto(sessionUrl);
    await expect(member.getByRole("heading", { level: 1 })).toBeVisible();
    await expect(member.getByText("This session won't take place: replies and joining are closed.")).toBeVisible();
    await expect(member.getByRole("button", { name: "I'm coming" })).toHaveCount(0);
    await expect(member.getByRole("link", { name: /Remove it from your calendar/ })).toHaveAttribute("href", `${sessionUrl}/ics`);
    await checkA11y(member, "cancelled session (member)");
    await expectNoHorizontalScroll(member, "cancelled session (member)");
  } finally {
    await phone.close();
  }
});
