import { DEMO, checkA11y, expect, signIn, test, uniqueSuffix } from "./fixtures";
import { writeFileSync } from "node:fs";
import type { Page } from "@playwright/test";

// Issue 17, part 2: an organiser imports canvass results from another tool's CSV export.
// The first mapping the page guesses is wrong (the tool's own volunteer id taken for the
// canvasser), so the check names every line; the organiser fixes the mapping, chooses to
// skip the one canvasser we don't know, imports, and reads the summary.

test("organiser uploads a CSV, sees line-numbered problems, fixes the mapping, imports and reads the summary", async ({ page }) => {
  const tag = uniqueSuffix();
  const csv = [
    "contact_id,volunteer_id,canvasser_email,date,area,result,support,commitment",
    `${tag}-1,V-17,${DEMO.activist.email},2026-05-02,Riverside Branch,conversation,2,yes`,
    `${tag}-2,V-17,${DEMO.activist.email},2026-05-02,Riverside Branch,no-answer,,`,
    `${tag}-3,V-22,${DEMO.trainer.email},02/05/2026,Riverside Branch,contact,,`,
    `${tag}-4,V-99,stranger-${tag}@example.test,2026-05-02,Riverside Branch,contact,,`,
  ].join("\n");

  await signIn(page, DEMO.organiser.email, DEMO.organiser.password, { expectUrl: /\/$/ });
  await page.goto("/reports");
  await page.getByRole("navigation", { name: "Report sections" }).getByRole("link", { name: "Canvass imports" }).click();
  await expect(page.getByRole("heading", { name: "Canvass imports" })).toBeVisible();
  await page.getByRole("link", { name: "Import a file" }).click();
  await checkA11y(page, "upload");

  await page.getByLabel("Source").fill("MiniVAN");
  await page.getByLabel("CSV file").setInputFiles({ name: "minivan-export.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByRole("button", { name: "Upload and map columns" }).click();
  await expect(page.getByRole("heading", { name: /Import of minivan-export\.csv/ })).toBeVisible();
  await expect(page.getByText("4 lines of results")).toBeVisible();
  // The guess: the tool's volunteer id column, as a Doorstep person id.
  await expect(page.getByLabel("Canvasser", { exact: true })).toHaveValue("1");
  await checkA11y(page, "mapping");

  await page.getByRole("button", { name: "Check and preview" }).click();
  const problems = page.locator("#check-problems");
  await expect(problems).toContainText("Line 2: we know no canvasser “V-17” in your groups");
  await expect(problems).toContainText("Line 5: we know no canvasser “V-99”");
  await expect(page.getByRole("status").filter({ hasText: "lines need fixing" })).toContainText("4 lines need fixing");

  // Fix the mapping: the email column, by email; skip the canvasser we don't know.
  await page.getByLabel("Canvasser", { exact: true }).selectOption({ label: "canvasser_email" });
  await page.getByLabel("Email address").check();
  await page.getByLabel(/Skip lines whose canvasser we don't know/).check();
  await page.getByRole("button", { name: "Check and preview" }).click();
  await expect(page.getByRole("status").filter({ hasText: "lines checked" })).toContainText("3 new contacts");
  await expect(page.getByRole("status").filter({ hasText: "lines checked" })).toContainText("no problems");
  await expect(page.getByRole("region", { name: "What the first lines will become" })).toContainText("Avi Activist, Riverside Branch, 2026-05-02: conversation, support 2, committed");
  await expect(page.getByRole("region", { name: "What the first lines will become" })).toContainText("this line will be skipped");
  await checkA11y(page, "preview");

  await page.getByRole("button", { name: "Import", exact: true }).click();
  const summary = page.getByTestId("import-summary");
  await expect(summary).toBeVisible({ timeout: 30_000 });
  await expect(summary.locator("dt:has-text('Contacts added') + dd")).toHaveText("3");
  await expect(summary.locator("dt:has-text('Skipped: canvasser unknown') + dd")).toHaveText("1");
  await checkA11y(page, "summary");

  await page.getByRole("link", { name: "All imports" }).click();
  await expect(page.getByRole("row", { name: /minivan-export\.csv/ })).toContainText("Imported");
});

// A file the upload refuses (here Latin-1, as a spreadsheet saves "CSV" on Windows, and one
// over the 50 MB cap) comes back to the form with what to do, with and without JavaScript.
// The refusal used to destroy the request, and with it the connection: the browser showed
// its own error page, or with JavaScript "Error 500".
async function uploadRefused(page: Page, file: string | { name: string; mimeType: string; buffer: Buffer }, message: RegExp, status: number) {
  await page.goto("/reports/imports/new");
  await page.getByLabel("Source").fill("Reach");
  await page.getByLabel("CSV file").setInputFiles(file);
  const answered = page.waitForResponse((response) => response.request().method() === "POST" && new URL(response.url()).pathname.startsWith("/reports/imports/new"));
  await page.getByRole("button", { name: "Upload and map columns" }).click();
  expect((await answered).status()).toBe(status);
  await expect(page.getByRole("heading", { name: "Import canvass results" })).toBeVisible();
  await expect(page.getByText(message)).toBeVisible();
  await expect(page.getByLabel("Source")).toHaveValue("Reach");
  await expect(page).toHaveURL(/\/reports\/imports\/new$/);
}

const latin1 = () => ({
  name: "reach-export.csv",
  mimeType: "text/csv",
  buffer: Buffer.from(`contact_id,canvasser_email,date,area,result\nr1,${DEMO.activist.email},2026-05-02,Caf\u00e9 Branch,contact\n`, "latin1"),
});
const NOT_UTF8 = /This file is not UTF-8 text \(line 2 holds a character in another encoding.*save it as “CSV UTF-8”/;

test("a Latin-1 file, and one over 50 MB, come back to the upload form with what to do (with JavaScript)", async ({ page }, testInfo) => {
  test.slow(); // 51 MB sent, then read to its end by the server before it answers
  await signIn(page, DEMO.organiser.email, DEMO.organiser.password, { expectUrl: /\/$/ });
  await uploadRefused(page, latin1(), NOT_UTF8, 400);
  await checkA11y(page, "upload refused");
  const line = `r1,${DEMO.activist.email},2026-05-02,Riverside Branch,contact\n`;
  const huge = Buffer.concat([Buffer.from("contact_id,canvasser_email,date,area,result\n"), Buffer.alloc(51 * 1024 * 1024, line)]);
  // Playwright hands over a buffer of at most 50 MB; a file it reads itself may be larger.
  const hugeFile = testInfo.outputPath("everything.csv");
  writeFileSync(hugeFile, huge);
  await uploadRefused(page, hugeFile, /This file is larger than the 50 MB we accept/, 413);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("a Latin-1 file comes back to the upload form with what to do", async ({ page }) => {
    await signIn(page, DEMO.organiser.email, DEMO.organiser.password, { expectUrl: /\/$/ });
    // (axe needs script to run: the same page is checked with JavaScript above.)
    await uploadRefused(page, latin1(), NOT_UTF8, 400);
  });
});
