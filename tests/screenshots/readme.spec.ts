import { mkdirSync } from "node:fs";
import path from "node:path";
import { DEMO, type DemoRole, expect, signIn, test } from "../e2e/fixtures";

// The README's screenshots: each demo role's home on a 390 px phone, saved to
// docs/screenshots/home-<role>.png. Not a test, so it lives outside tests/e2e and runs
// only when asked, with its own config:
//
//   npx remix build && node scripts/e2e.js --config playwright.screenshots.config.ts
//
// It changes the demo activist's progress (two steps of the first module, so the picture
// shows "Continue"), which is why it stays out of the normal run.

const OUT = path.resolve("docs/screenshots");

test.describe("README screenshots", () => {
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
