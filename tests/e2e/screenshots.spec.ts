import { mkdirSync } from "node:fs";
import path from "node:path";
import { DEMO, type DemoRole, expect, signIn, test } from "./fixtures";

// The README's screenshots: each demo role's home on a 390 px phone, saved to
// docs/screenshots/home-<role>.png. Not a test, so it only runs when asked:
//
//   npx remix build && E2E_SCREENSHOTS=1 node scripts/e2e.js tests/e2e/screenshots.spec.ts
//
// It changes the demo activist's progress (two steps of the first module, so the picture
// shows "Continue"), which is why it stays out of the normal run.

const OUT = path.resolve("docs/screenshots");

test.describe("README screenshots", () => {
  test.skip(!process.env.E2E_SCREENSHOTS, "set E2E_SCREENSHOTS=1 to save the README's screenshots");
  test.use({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });

  for (const role of Object.keys(DEMO) as DemoRole[]) {
    test(`home of the ${role}`, async ({ page }) => {
      await signIn(page, DEMO[role].email, DEMO[role].password, { expectUrl: /\/$/ });
      if (role === "activist") {
        const start = page.getByRole("link", { name: /^(Start here|Start|Continue): / });
        await start.click();
        await page.getByRole("link", { name: /^Next/ }).first().click();
        await page.goto("/");
        await expect(page.getByRole("link", { name: /^Continue: / })).toBeVisible();
      }
      await expect(page.getByRole("heading", { level: 1, name: /^Hello, / })).toBeVisible();
      mkdirSync(OUT, { recursive: true });
      await page.screenshot({ path: path.join(OUT, `home-${role}.png`), fullPage: true });
    });
  }
});
