import { checkA11y, expect, test } from "./fixtures";

// The page a form sent with JavaScript lands on when the database could not take it
// (the same self-contained 503 page a document request gets during an outage, which
// tests/integration/database-unavailable.test.ts drives against a real PostgreSQL).
// The database answers here, so the page says the outage is over (200); the 503 version is
// driven against a real outage in the integration test.
test("the not-saved landing page is readable and accessible, and says the database answers again", async ({ page }) => {
  const response = await page.goto("/unavailable?back=%2Fmodules");
  expect(response?.status()).toBe(200);
  expect(response?.headers()["retry-after"]).toBeUndefined();
  await expect(page).toHaveTitle(/try again in a moment/i);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("What you just sent was not saved");
  await expect(page.getByText("It is answering again now: go back and send it again.")).toBeVisible();
  await expect(page.getByText("Everything you saved before is safe: nothing has been lost.")).toBeVisible();
  await expect(page.getByRole("link", { name: "Go back" })).toHaveAttribute("href", "/modules");
  await checkA11y(page, "database unavailable page");
});
