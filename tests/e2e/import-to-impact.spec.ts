import type { Page } from "@playwright/test";
import { DEMO, checkA11y, expect, signIn, test, uniqueSuffix } from "./fixtures";

// Issue 17, "Done when": an organiser imports a CSV with bad lines, fixes the mapping,
// imports, and reads the report. One journey: the impact report for one area and one day
// has no doors before the import and exactly the imported ones after it.
//
// The day is drawn from the run's unique tag in 2010–2019, years the demo field data never
// reaches, so another spec's import cannot land on it and the "before" is empty.

const stat = (page: Page, label: string) => page.locator(".stat-card", { hasText: label }).locator("dd");

async function openImpactFor(page: Page, day: string) {
  await page.getByRole("navigation", { name: "Report sections" }).getByRole("link", { name: "Impact" }).click();
  await expect(page.getByRole("heading", { level: 2, name: "Impact at the door" })).toBeVisible();
  await page.getByLabel("Area (group)").selectOption({ label: "Riverside Branch (branch)" });
  await page.getByLabel("From").fill(day);
  await page.getByLabel("To", { exact: true }).fill(day);
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(new RegExp(`[?&]from=${day}(&|$)`));
  await expect(page).toHaveURL(new RegExp(`[?&]to=${day}(&|$)`));
}

test("organiser imports a CSV with bad lines, fixes the mapping, imports, and reads the imported doors in the impact report", async ({ page }) => {
  const tag = uniqueSuffix();
  let hash = 0;
  for (const ch of tag) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  const day = new Date(Date.UTC(2010, 0, 1) + (hash % 3650) * 86_400_000).toISOString().slice(0, 10);
  const [y, m, d] = day.split("-");
  // Eight doors by two demo canvassers (one line in the tool's day-first spelling), and a
  // volunteer we have no account for. Under the guessed mapping (the tool's volunteer id
  // as the canvasser) every line is a problem.
  const csv = [
    "contact_id,volunteer_id,canvasser_email,date,area,result,support,commitment",
    `${tag}-1,V-17,${DEMO.activist.email},${day},Riverside Branch,conversation,2,yes`,
    `${tag}-2,V-17,${DEMO.activist.email},${day},Riverside Branch,conversation,1,yes`,
    `${tag}-3,V-17,${DEMO.activist.email},${day},Riverside Branch,conversation,4,no`,
    `${tag}-4,V-17,${DEMO.activist.email},${day},Riverside Branch,contact,,`,
    `${tag}-5,V-17,${DEMO.activist.email},${day},Riverside Branch,no-answer,,`,
    `${tag}-6,V-22,${DEMO.trainer.email},${d}/${m}/${y},Riverside Branch,conversation,3,no`,
    `${tag}-7,V-22,${DEMO.trainer.email},${day},Riverside Branch,no-answer,,`,
    `${tag}-8,V-22,${DEMO.trainer.email},${day},Riverside Branch,no-answer,,`,
    `${tag}-9,V-99,stranger-${tag}@example.test,${day},Riverside Branch,conversation,1,yes`,
  ].join("\n");

  await signIn(page, DEMO.organiser.email, DEMO.organiser.password, { expectUrl: /\/$/ });
  await page.goto("/reports");
  await expect(page.getByRole("heading", { level: 1, name: "Reports" })).toBeVisible();

  // Before: nothing on that day in Riverside Branch.
  await openImpactFor(page, day);
  await expect(page.getByText(/No doors or calls are recorded for Riverside Branch/)).toBeVisible();

  // Upload; the guessed mapping makes every line a problem, named by line.
  await page.getByRole("navigation", { name: "Report sections" }).getByRole("link", { name: "Canvass imports" }).click();
  await expect(page.getByRole("heading", { name: "Canvass imports" })).toBeVisible();
  await page.getByRole("link", { name: "Import a file" }).click();
  await expect(page.getByLabel("Source")).toBeVisible();
  await page.getByLabel("Source").fill("MiniVAN");
  await page.getByLabel("CSV file").setInputFiles({ name: "minivan-week.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByRole("button", { name: "Upload and map columns" }).click();
  await expect(page.getByRole("heading", { name: /Import of minivan-week\.csv/ })).toBeVisible();
  await expect(page.getByText("9 lines of results")).toBeVisible();
  await page.getByRole("button", { name: "Check and preview" }).click();
  const problems = page.locator("#check-problems");
  await expect(problems).toContainText("Line 2: we know no canvasser “V-17” in your groups");
  await expect(problems).toContainText("Line 10: we know no canvasser “V-99”");
  await expect(page.getByRole("status").filter({ hasText: "lines need fixing" })).toContainText("9 lines need fixing");

  // Fix the mapping: canvassers by email; skip the one we have no account for.
  await page.getByLabel("Canvasser", { exact: true }).selectOption({ label: "canvasser_email" });
  await page.getByLabel("Email address").check();
  await page.getByLabel(/Skip lines whose canvasser we don't know/).check();
  await page.getByRole("button", { name: "Check and preview" }).click();
  await expect(page.getByRole("status").filter({ hasText: "lines checked" })).toContainText("8 new contacts");
  await expect(page.getByRole("status").filter({ hasText: "lines checked" })).toContainText("no problems");

  await page.getByRole("button", { name: "Import", exact: true }).click();
  const summary = page.getByTestId("import-summary");
  await expect(summary).toBeVisible({ timeout: 30_000 });
  await expect(summary.locator("dt:has-text('Contacts added') + dd")).toHaveText("8");
  await expect(summary.locator("dt:has-text('Skipped: canvasser unknown') + dd")).toHaveText("1");

  // After: the impact report for that day shows exactly what was imported.
  await openImpactFor(page, day);
  await expect(stat(page, "Active canvassers")).toHaveText("2");
  await expect(stat(page, "Doors and calls")).toHaveText("8");
  await expect(stat(page, "Commitments")).toHaveText("2");
  await checkA11y(page, "impact report after an import");
});
