import { checkA11y, DEMO, expect, expectNoHorizontalScroll, signIn, test } from "./fixtures";

// Issue 17: an activist back from the doors logs a shift on their phone, with JavaScript
// off (a cheap phone, a bad signal), is pointed at the scenario that practises the
// objection they found hardest, follows it, and can delete what they logged.

const PHONE = { width: 390, height: 844 };

test.describe("field debriefs on a phone without JavaScript", () => {
  test.use({ javaScriptEnabled: false, viewport: PHONE, hasTouch: true });

  test("log a shift, see the suggestion, follow it, then delete the debrief", async ({ newActivist, page }) => {
    await signIn(page, newActivist.email, newActivist.password);
    // The Field entry is in the phone menu (a <details>, so it opens without JavaScript).
    await page.getByText("Menu", { exact: true }).click();
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Field" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Field" })).toBeVisible();
    await expect(page.getByText("Nothing logged yet.")).toBeVisible();

    await page.getByRole("link", { name: "Log a shift" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Log a shift" })).toBeVisible();
    await expectNoHorizontalScroll(page, "/field/log");
    // Their only group is already chosen.
    await expect(page.getByLabel("Area")).toHaveValue(/[0-9a-f-]{36}/);

    // Counts that do not nest come back from the server with the message beside the field,
    // and what was typed is kept.
    await page.getByLabel("Doors knocked or calls made").fill("30");
    await page.getByLabel("Someone answered").fill("45");
    await page.getByLabel("Real conversations").fill("8");
    await page.getByLabel("Commitments made").fill("2");
    await page.getByLabel("Support 1 (strong support)").fill("3");
    await page.getByLabel("Undecided").fill("2");
    await page.getByLabel("“They’re all the same”").check();
    await page.getByLabel("“I haven’t got time”").check();
    await page.getByLabel("The one you found hardest").selectOption({ label: "“They’re all the same”" });
    await page.getByLabel("What I’d do differently").fill("Agree with the true part before saying who I am.");
    await page.getByRole("button", { name: "Save debrief" }).click();
    await expect(page.getByRole("alert").first()).toContainText("Nothing was saved yet");
    await expect(page.getByText("More people answered (45) than doors knocked (30).")).toBeVisible();
    await expect(page.getByLabel("Someone answered")).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByLabel("“I haven’t got time”")).toBeChecked();

    await page.getByLabel("Someone answered").fill("12");
    await page.getByRole("button", { name: "Save debrief" }).click();
    await expect(page).toHaveURL(/\/field\/debriefs\/[0-9a-f-]{36}\?saved=1$/);
    await expect(page.getByRole("status")).toContainText("Saved");
    await expect(page.getByText("You found “They’re all the same” hardest")).toBeVisible();
    await expectNoHorizontalScroll(page, "the debrief's suggestion");

    const practise = page.getByRole("link", { name: /^Practise: / });
    const scenarioTitle = ((await practise.textContent()) ?? "").replace(/^Practise: /, "");
    expect(scenarioTitle).not.toBe("");
    const href = await practise.getAttribute("href");
    expect(href).toMatch(/^\/modules\/[a-z0-9-]+\/[a-z0-9-]+$/);
    await practise.click();
    await expect(page).toHaveURL(new RegExp(`${href}$`));
    await expect(page.getByText(scenarioTitle).first()).toBeVisible();

    await page.goto("/field");
    const debrief = page.locator(".field-list li").filter({ hasText: "Agree with the true part" });
    await expect(debrief).toContainText("doors knocked 30, answered 12, conversations 8, commitments 2");
    // Asked twice: the first tap only opens the question.
    await debrief.locator("summary", { hasText: /^Delete…/ }).click();
    await expect(debrief.getByText("Delete this debrief?")).toBeVisible();
    await debrief.getByRole("button", { name: /^Yes, delete/ }).click();
    await expect(page.getByRole("status")).toContainText("Deleted your debrief");
    await expect(page.getByText("Nothing logged yet.")).toBeVisible();
  });
});

// axe-core needs JavaScript in the page, so the pages' accessibility is checked here, on
// the same phone with JavaScript on (the markup is the same server-rendered HTML).
test.describe("field pages on a phone, checked with axe", () => {
  test.use({ viewport: PHONE, hasTouch: true });

  test("an organiser plans a shift, logs against it, and reads who logged", async ({ page }) => {
    await signIn(page, DEMO.organiser.email, DEMO.organiser.password);
    await page.goto("/field");
    await checkA11y(page, "/field");
    await page.getByRole("link", { name: "Plan a shift" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Plan a shift" })).toBeVisible();
    await checkA11y(page, "/field/shifts/new");
    await expectNoHorizontalScroll(page, "/field/shifts/new");
    await page.getByLabel("Group").selectOption({ index: 1 });
    await page.getByRole("button", { name: "Plan shift" }).click();
    await expect(page.getByText("Say where people meet")).toBeVisible();
    await checkA11y(page, "/field/shifts/new with an error");
    await page.getByLabel("Meeting point").fill("Outside the library, 10:30");
    await page.getByRole("button", { name: "Plan shift" }).click();
    await expect(page).toHaveURL(/\/field\/shifts\/[0-9a-f-]{36}$/);
    const shiftUrl = new URL(page.url()).pathname;
    await expect(page.getByText("Nobody has logged this shift yet.")).toBeVisible();
    await checkA11y(page, "an empty shift report");

    await page.goto("/field");
    const shift = page.locator(".field-list li").filter({ hasText: "Outside the library, 10:30" }).first();
    await shift.getByRole("link", { name: /^Log this shift/ }).click();
    await page.getByLabel("Doors knocked or calls made").fill("20");
    await page.getByLabel("Someone answered").fill("9");
    await page.getByLabel("Real conversations").fill("5");
    await page.getByLabel("The one you found hardest").selectOption({ label: "“Why do you want my details?”" });
    await checkA11y(page, "/field/log?shift=…");
    await page.getByRole("button", { name: "Save debrief" }).click();
    await expect(page).toHaveURL(/\/field\/debriefs\//);
    await expect(page.getByRole("link", { name: /^Practise: / })).toBeVisible();
    await checkA11y(page, "the debrief's suggestion");

    await page.goto(shiftUrl);
    const row = page.getByRole("row").filter({ hasText: DEMO.organiser.name });
    await expect(row).toContainText("20");
    await expect(row).toContainText("“Why do you want my details?”");
    await checkA11y(page, "a shift report");
    await expectNoHorizontalScroll(page, "a shift report");
  });
});
