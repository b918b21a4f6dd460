import { readFileSync } from "node:fs";
import type { Page } from "@playwright/test";
import { DEMO, checkA11y, expect, expectNoHorizontalScroll, signIn, test } from "./fixtures";

// The organiser's impact report on the demo movement's field data (app/demo/field.server.ts),
// at phone and desktop widths: read it, filter by a group, drill down to a canvasser and
// download a CSV.

async function openImpact(page: Page) {
  await signIn(page, DEMO.organiser.email, DEMO.organiser.password, { expectUrl: /\/$/ });
  await page.goto("/reports");
  await page.getByRole("navigation", { name: "Report sections" }).getByRole("link", { name: "Impact" }).click();
  await expect(page).toHaveURL(/\/reports\/impact$/);
  await expect(page.getByRole("heading", { level: 2, name: "Impact at the door" })).toBeVisible();
  const active = Number(((await page.locator(".stat-card", { hasText: "Active canvassers" }).locator("dd").textContent()) ?? "0").replace(/,/g, ""));
  expect(active).toBeGreaterThan(5);
  // Every comparison carries its note with the caveat.
  await expect(page.getByText("this shows a difference, not its cause").first()).toBeVisible();
}

for (const [label, viewport] of [
  ["phone (390 px)", { width: 390, height: 844 }],
  ["desktop (1280 px)", { width: 1280, height: 800 }],
] as const) {
  test(`organiser reads the impact report, filters by a group, drills down and downloads a CSV — ${label}`, async ({ page }) => {
    await page.setViewportSize(viewport);
    await openImpact(page);
    await checkA11y(page, `impact report, ${label}`);
    if (viewport.width === 390) await expectNoHorizontalScroll(page, "impact report on a phone");

    // Filter by a group, by keyboard-reachable form controls.
    await page.getByLabel("Area (group)").selectOption({ label: "Northgate (constituency, target seat)" });
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/group=[0-9a-f-]{36}/);
    await expect(page.getByText("Northgate", { exact: true }).first()).toBeVisible();
    await expect(page.getByRole("table", { name: /Rates with 95% confidence intervals/ })).toBeVisible();

    // Drill down to the canvasser with the most doors in Northgate.
    const first = page.getByRole("region", { name: /Canvassers with their doors/ }).getByRole("link").first();
    const name = (await first.textContent())!.trim();
    await first.click();
    await expect(page.getByRole("heading", { level: 2, name: `${name} at the door` })).toBeVisible();
    await expect(page).toHaveURL(/\/reports\/impact\/activists\/[^/?]+\?.*group=/);
    await checkA11y(page, `canvasser drill-down, ${label}`);
    if (viewport.width === 390) await expectNoHorizontalScroll(page, "canvasser drill-down on a phone");

    // Back to the report, and download the trained vs not-yet-trained table.
    await page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: "Impact" }).click();
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download trained vs not yet trained (CSV)" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^doorstep-impact-rates-\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = readFileSync((await download.path())!, "utf8");
    const lines = text.replace(/^\uFEFF/, "").split("\r\n").filter(Boolean);
    expect(lines[0]).toMatch(/^Figure,Trained: people/);
    expect(lines.map((l) => l.split(",")[0])).toEqual(["Figure", "Contact rate", "Conversation rate", "Commitment rate"]);
  });
}
