import { readFileSync } from "node:fs";
import { DEMO, checkA11y, expect, expectNoHorizontalScroll, signIn, test } from "./fixtures";

// The reports section's eight sections on a 390 px phone: grouped (Training, Field), all
// visible without scrolling sideways, the current one marked, reachable by keyboard. And
// the in-app import format page an organiser reaches from the import pages, with its
// sample files as downloads.

const SECTIONS = ["Overview", "Activists", "Nudges", "Live sessions", "Impact", "Canvass imports", "Elections", "Evaluations"];

test("on a phone every report section is visible, grouped, the current one marked, and reachable by keyboard", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, DEMO.organiser.email, DEMO.organiser.password, { expectUrl: /\/$/ });
  await page.goto("/reports");
  await expect(page.getByRole("heading", { level: 1, name: "Reports" })).toBeVisible();
  const nav = page.getByRole("navigation", { name: "Report sections" });
  await expect(nav.getByRole("list", { name: "Training" }).getByRole("link")).toHaveText(["Overview", "Activists", "Nudges", "Live sessions"]);
  await expect(nav.getByRole("list", { name: "Field" }).getByRole("link")).toHaveText(["Impact", "Canvass imports", "Elections", "Evaluations"]);
  for (const name of SECTIONS) {
    const link = nav.getByRole("link", { name, exact: true });
    await expect(link).toBeInViewport({ ratio: 1 });
    const box = (await link.boundingBox())!;
    expect(box.x, name).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width, name).toBeLessThanOrEqual(390);
  }
  await expect(nav.getByRole("link", { name: "Overview" })).toHaveAttribute("aria-current", "page");
  await checkA11y(page, "reports navigation on a phone");
  await expectNoHorizontalScroll(page, "reports overview on a phone");

  // Keyboard: tab from the first section to Evaluations, the last, and open it with Enter.
  await nav.getByRole("link", { name: "Overview" }).focus();
  for (let i = 1; i < SECTIONS.length; i++) await page.keyboard.press("Tab");
  await expect(nav.getByRole("link", { name: "Evaluations" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/reports\/evaluations$/);
  await expect(nav.getByRole("link", { name: "Evaluations" })).toHaveAttribute("aria-current", "page");
  await expect(nav.getByRole("link", { name: "Overview" })).not.toHaveAttribute("aria-current", "page");
});

test("from the import pages an organiser opens the file format and downloads a sample file", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, DEMO.organiser.email, DEMO.organiser.password, { expectUrl: /\/$/ });
  await page.goto("/reports/imports/new");
  await expect(page.getByRole("heading", { name: "Import canvass results" })).toBeVisible();
  await page.getByRole("link", { name: "The format, with sample files" }).click();
  await expect(page.getByRole("heading", { level: 2, name: "The canvass results format" })).toBeVisible();
  const columns = page.getByRole("table", { name: /The columns of a canvass results file/ });
  await expect(columns.getByRole("rowheader")).toHaveText(["Contact id", "Canvasser", "Date", "Area", "Contact result", "Support level", "Commitment"]);
  await expect(columns.getByRole("row", { name: /Canvasser/ })).toContainText("volunteer_email");
  await expect(page.getByText(/not home/).first()).toBeVisible();
  await checkA11y(page, "import format page");
  await expectNoHorizontalScroll(page, "import format page on a phone");

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: /Six good lines/ }).click()]);
  expect(download.suggestedFilename()).toBe("canvass-results.csv");
  expect(readFileSync((await download.path())!, "utf8")).toBe(readFileSync("docs/samples/canvass-results.csv", "utf8"));

  // And back to the import from the page itself.
  await page.getByRole("link", { name: "Import a file" }).click();
  await expect(page.getByRole("heading", { name: "Import canvass results" })).toBeVisible();
  await page.goto("/reports/imports");
  await expect(page.getByRole("link", { name: "The file format and samples" })).toBeVisible();
});
