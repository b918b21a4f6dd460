import { DEMO, checkA11y, expect, expectNoHorizontalScroll, signIn, test } from "./fixtures";

// Issue 18 part 3, done when "an organiser nudges a filtered group and sees the follow-up
// figures": on a phone-sized screen, sending by keyboard. The demo movement (seeded on the
// embedded database's first start) gives the organiser Riverside Branch and its people.

test.use({ viewport: { width: 390, height: 844 } });

test("an organiser filters the matrix, nudges those people, and sees the nudge with its follow-up figures", async ({ page }) => {
  await signIn(page, DEMO.organiser.email, DEMO.organiser.password);
  await page.goto("/reports/activists");
  await page.getByLabel("Group", { exact: true }).selectOption({ label: (await page.getByLabel("Group", { exact: true }).locator("option", { hasText: "Riverside" }).first().textContent())!.trim() });
  const moduleSelect = page.getByLabel("Module", { exact: true });
  const firstModule = (await moduleSelect.locator("option").nth(1).getAttribute("value"))!;
  await moduleSelect.selectOption(firstModule);
  await page.getByLabel("Status", { exact: true }).selectOption("not-started");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/status=not-started/);
  // The address changes before React renders the filtered matrix (a transition), so wait for
  // the page itself to show the filter: the nudge link carries it, rendered with the summary.
  await expect(page.getByRole("link", { name: "Nudge these people by email" })).toHaveAttribute("href", /status=not-started/);
  const summary = (await page.locator(".matrix-summary").textContent()) ?? "";
  const matched = Number(/([\d,]+) (people|person) match/.exec(summary)![1]!.replace(/,/g, ""));
  expect(matched).toBeGreaterThan(0);

  await page.getByRole("link", { name: "Nudge these people by email" }).click();
  await expect(page).toHaveURL(/\/reports\/nudges\/new\?.*status=not-started/);
  const composeUrl = page.url();
  await expect(page.getByRole("heading", { level: 2, name: "Nudge these people" })).toBeVisible();
  await expect(page.getByText(new RegExp(`The filter shows ${matched} (people|person)`))).toBeVisible();
  const countText = (await page.getByTestId("nudge-count").textContent()) ?? "";
  const recipients = Number(/goes to ([\d,]+)/.exec(countText)![1]!.replace(/,/g, ""));
  expect(recipients).toBeGreaterThan(0);
  expect(recipients).toBeLessThanOrEqual(matched);
  await checkA11y(page, "compose a nudge");
  await expectNoHorizontalScroll(page, "compose a nudge");

  // A mistyped placeholder is refused beside the message, and the page stays accessible.
  await page.getByLabel("Message", { exact: true }).fill("Hi {firstname}");
  await page.getByRole("button", { name: /^Send to / }).click();
  await expect(page.locator("#nudge-body-error")).toContainText("{firstname}");
  await expect(page.getByLabel("Message", { exact: true })).toHaveAttribute("aria-invalid", "true");
  await checkA11y(page, "compose a nudge (refused)");

  // Pick a template (a plain link), edit it, preview it for one person.
  await page.getByRole("link", { name: "Before the next canvass" }).click();
  await expect(page.getByLabel("Subject")).toHaveValue("One module before the next canvass, {first name}?");
  await page.getByLabel("Message", { exact: true }).fill("Hi {first name},\n\nCould you try {next module} this week?");
  await page.getByRole("button", { name: "Preview" }).click();
  const preview = page.getByTestId("nudge-preview");
  await expect(preview).toContainText("Could you try");
  await expect(preview).not.toContainText("{first name}");
  await expect(preview).not.toContainText("{next module}");

  // Send by keyboard.
  const send = page.getByRole("button", { name: /^Send to / });
  await send.focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/reports\/nudges\?sent=/);
  await expect(page.getByRole("status")).toContainText(`Nudge sent to ${recipients}`);
  const nudge = page.getByTestId("nudge").first();
  await expect(nudge).toContainText("One module before the next canvass");
  await expect(nudge).toContainText("Riverside");
  const figures = nudge.getByRole("table");
  await expect(figures.getByRole("rowheader", { name: /Started, 7 days/ })).toBeVisible();
  await expect(figures.getByRole("rowheader", { name: /Completed, 14 days/ })).toBeVisible();
  await expect(figures).toContainText(`0 of ${recipients}`);
  await expect(nudge).toContainText("Not randomised");
  await checkA11y(page, "nudges and their follow-up");
  await expectNoHorizontalScroll(page, "nudges and their follow-up");

  // A second nudge to the same people straight away reaches nobody: they were just nudged.
  await page.goto(composeUrl);
  await expect(page.getByTestId("nudge-count")).toContainText("goes to 0 people");
  await expect(page.getByText(/already nudged in the last 3 days/)).toBeVisible();
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the compose form previews, and a mistyped placeholder comes back beside the message with nothing sent", async ({ page }) => {
    await page.goto("/login");
    await signIn(page, DEMO.admin.email, DEMO.admin.password, { expectUrl: /\/$/ });
    await page.goto("/reports/nudges/new?status=in-progress&role=all");
    await expect(page.getByRole("heading", { level: 2, name: "Nudge these people" })).toBeVisible();
    await page.getByLabel("Subject").fill("Hello {first name}");
    await page.getByRole("button", { name: "Preview" }).click();
    await expect(page.getByTestId("nudge-preview")).toContainText(/Subject: Hello \S+/);
    await expect(page.getByTestId("nudge-preview")).not.toContainText("{first name}");
    await expect(page.getByLabel("Subject")).toHaveValue("Hello {first name}");

    await page.getByLabel("Message", { exact: true }).fill("Hi {firstname}, try {next module}.");
    await page.getByRole("button", { name: /^Send to / }).click();
    await expect(page).toHaveURL(/\/reports\/nudges\/new\?/);
    const message = page.getByLabel("Message", { exact: true });
    await expect(message).toHaveAttribute("aria-invalid", "true");
    await expect(page.locator("#nudge-body-error")).toContainText("{firstname}");
    await expect(message).toHaveValue("Hi {firstname}, try {next module}.");
    await page.goto("/reports/nudges");
    await expect(page.getByText("Hello {first name}")).toHaveCount(0);
  });
});
