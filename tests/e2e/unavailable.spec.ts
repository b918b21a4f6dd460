import { checkA11y, expect, test } from "./fixtures";

// The page a form sent with JavaScript lands on when the database could not take it
// (the same self-contained 503 page a document request gets during an outage, which
// tests/integration/database-unavailable.test.ts drives against a real PostgreSQL).
test("the database-unavailable page is a readable, accessible 503 that says what was not saved", async ({ page }) => {
  const response = await page.goto("/unavailable?back=%2Fmodules");
  expect(response?.status()).toBe(503);
  expect(response?.headers()["retry-after"]).toBe("10");
  await expect(page).toHaveTitle(/try again in a moment/i);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Doorstep can't reach its database just now");
  await expect(page.getByText("What you just sent was not saved. Please send it again in a moment.")).toBeVisible();
  await expect(page.getByText("Everything you saved before is safe: nothing has been lost.")).toBeVisible();
  await expect(page.getByRole("link", { name: "Go back" })).toHaveAttribute("href", "/modules");
  await checkA11y(page, "database unavailable page");
});
