import { readFileSync } from "node:fs";
import type { Page } from "@playwright/test";
import { DEMO, checkA11y, expect, signIn, test } from "./fixtures";

// The organiser's reports on the demo movement the embedded database seeds on its first
// start (app/demo/movement.server.ts). Module titles come from content/, so the tests
// pick modules from the page rather than naming them.

/** RFC 4180 rows (quoted fields, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else field += c;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

async function peopleMatching(page: Page): Promise<number> {
  const text = (await page.locator(".matrix-summary").textContent()) ?? "";
  const match = /([\d,]+) (people|person) match/.exec(text);
  expect(match, `summary says “${text}”`).not.toBeNull();
  return Number(match![1]!.replace(/,/g, ""));
}

test.describe("organiser reports", () => {
  test("overview → filter the matrix → open an activist → export the filtered matrix as CSV", async ({ page }) => {
    // A long journey (four pages, three axe checks, a reload, a CSV): 31–37 s in a CI run on
    // a loaded machine, past the 30 s default.
    test.setTimeout(90_000);
    await signIn(page, DEMO.organiser.email, DEMO.organiser.password, { expectUrl: /\/$/ });
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Reports" }).click();
    await expect(page).toHaveURL(/\/reports$/);
    await expect(page.getByRole("heading", { level: 1, name: "Reports" })).toBeVisible();
    // The demo movement gives the organiser's two groups real figures.
    const activists = Number(((await page.locator(".stat-card", { hasText: "Activists" }).locator("dd").textContent()) ?? "0").replace(/,/g, ""));
    expect(activists).toBeGreaterThan(20);
    await expect(page.getByRole("rowheader", { name: /Northgate/ })).toContainText("Target seat");
    // Every chart has its table alternative.
    const charts = page.locator("figure.chart");
    expect(await charts.count()).toBeGreaterThanOrEqual(3);
    for (const chart of await charts.all()) await expect(chart.getByText("Show as a table")).toBeVisible();
    await page.locator("figure.chart").first().getByText("Show as a table").click();
    await expect(page.locator("figure.chart").first().getByRole("table")).toBeVisible();
    await checkA11y(page, "reports overview");

    // The matrix, filtered by a module and a status through the GET form.
    await page.getByRole("navigation", { name: "Report sections" }).getByRole("link", { name: "Activists" }).click();
    await expect(page).toHaveURL(/\/reports\/activists$/);
    const everyone = await peopleMatching(page);
    expect(everyone).toBe(activists);
    await checkA11y(page, "activist matrix");
    const moduleSelect = page.getByLabel("Module", { exact: true });
    const firstModule = (await moduleSelect.locator("option").nth(1).getAttribute("value"))!;
    const firstTitle = ((await moduleSelect.locator("option").nth(1).textContent()) ?? "").trim();
    await moduleSelect.selectOption(firstModule);
    await page.getByLabel("Status", { exact: true }).selectOption("complete-self");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect(page).toHaveURL(new RegExp(`module=${firstModule}`));
    await expect(page).toHaveURL(/status=complete-self/);
    const filtered = await peopleMatching(page);
    expect(filtered).toBeGreaterThan(0);
    expect(filtered).toBeLessThan(everyone);
    const rows = page.getByRole("table").locator("tbody tr");
    await expect(rows).toHaveCount(Math.min(filtered, 50));
    // The filter survives a reload: it lives in the URL, so the link can be shared.
    await page.reload();
    await expect(page.getByLabel("Status", { exact: true })).toHaveValue("complete-self");
    expect(await peopleMatching(page)).toBe(filtered);
    await checkA11y(page, "activist matrix (filtered)");

    // Sort by the module's column, then open the first person.
    await page.getByRole("columnheader", { name: new RegExp(escape(firstTitle.slice(0, 20))) }).getByRole("link").click();
    await expect(page).toHaveURL(/sort=m%3A|sort=m:/);
    await expect(page.getByRole("columnheader", { name: new RegExp(escape(firstTitle.slice(0, 20))) })).toHaveAttribute("aria-sort", /ascending|descending/);
    // Read the first person's name and address in one go, then follow that exact link: the
    // sorted rows may still be replacing the unsorted ones, and a second lookup of "the
    // first row" could then land on someone else (the flake seen in CI).
    const { name, href } = await rows
      .first()
      .getByRole("rowheader")
      .getByRole("link")
      .evaluate((a) => ({ name: (a.textContent ?? "").trim(), href: a.getAttribute("href") ?? "" }));
    await page.locator(`tbody a[href="${href}"]`).first().click();
    await expect(page).toHaveURL(/\/reports\/activists\/[^/?]+$/);
    await expect(page.getByRole("heading", { level: 2, name })).toBeVisible();
    const moduleTable = page.getByRole("table", { name: "Status of each published module" });
    await expect(moduleTable.getByRole("row", { name: new RegExp(escape(firstTitle.slice(0, 20))) })).toContainText("Complete, self-paced");
    await checkA11y(page, "activist record");
    await page.goBack();
    await expect(page).toHaveURL(/status=complete-self/);

    // Export what the filters show.
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: /Download these .* rows \(CSV\)/ }).click()]);
    expect(download.suggestedFilename()).toMatch(/^doorstep-activists-\d{4}-\d{2}-\d{2}\.csv$/);
    const bytes = readFileSync((await download.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, ...data] = parseCsv(bytes.subarray(3).toString("utf8"));
    expect(header!.slice(0, 4)).toEqual(["Name", "Email", "Role", "Groups"]);
    expect(header).toContain(`${firstTitle}: status`);
    expect(data).toHaveLength(filtered);
    const statusColumn = header!.indexOf(`${firstTitle}: status`);
    expect(new Set(data.map((r) => r[statusColumn]))).toEqual(new Set(["complete (self-paced)"]));
    expect(data.map((r) => r[0])).toContain(name);
    for (const r of data) expect(r[1]).toMatch(/@/);
  });

  test("a bad filter in the URL gets a message on the page, not an error page", async ({ page }) => {
    await signIn(page, DEMO.organiser.email, DEMO.organiser.password, { expectUrl: /\/$/ });
    const response = await page.goto("/reports/activists?status=finished&from=2025-02-30");
    expect(response?.status()).toBe(400);
    await expect(page.getByRole("alert")).toContainText("Some filters could not be used");
    await expect(page.getByText("“Completed from” is not a real date.").first()).toBeVisible();
    await expect(page.getByLabel("Completed from")).toHaveAttribute("aria-invalid", "true");
    await checkA11y(page, "matrix with filter errors");
  });

  test("a module's detail page shows completion by group, quiz questions and scenario choices", async ({ page }) => {
    await signIn(page, DEMO.organiser.email, DEMO.organiser.password, { expectUrl: /\/$/ });
    await page.goto("/reports");
    await page.locator("figure.chart").first().getByRole("link").first().click();
    await expect(page).toHaveURL(/\/reports\/modules\/[a-z0-9-]+$/);
    await expect(page.getByRole("heading", { level: 3, name: "Completion by group" })).toBeVisible();
    await expect(page.getByRole("rowheader", { name: /Northgate/ })).toBeVisible();
    await expect(page.getByText("Share of people who got each question right on their first attempt").first()).toBeVisible();
    await checkA11y(page, "module report");
  });

  test("trainers (who only get their session reports) and activists are refused; organisers only see their own groups", async ({ page }) => {
    for (const who of [DEMO.trainer, DEMO.activist]) {
      await signIn(page, who.email, who.password, { expectUrl: /\/$/ });
      const reportsLink = page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Reports" });
      if (who === DEMO.trainer) await expect(reportsLink).toHaveAttribute("href", "/reports/sessions");
      else await expect(reportsLink).toHaveCount(0);
      const response = await page.goto("/reports");
      expect(response?.status()).toBe(403);
      expect((await page.request.get("/reports/export/matrix")).status()).toBe(403);
      await page.context().clearCookies();
    }
    await signIn(page, DEMO.organiser.email, DEMO.organiser.password, { expectUrl: /\/$/ });
    await page.goto("/reports/activists?gq=&role=all");
    // Eastfield is not one of the demo organiser's groups.
    await expect(page.getByLabel("Group", { exact: true }).locator("option")).toHaveText(["All my groups", /Riverside Branch/, /Northgate/]);
  });
});

test.describe("reports on a phone", () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test("every report page fits the screen; wide tables scroll inside their own box", async ({ page }) => {
    await signIn(page, DEMO.organiser.email, DEMO.organiser.password, { expectUrl: /\/$/ });
    for (const path of ["/reports", "/reports/activists"]) {
      await page.goto(path);
      const { scrollWidth, clientWidth } = await page.evaluate(() => ({ scrollWidth: document.scrollingElement!.scrollWidth, clientWidth: document.scrollingElement!.clientWidth }));
      expect(scrollWidth, path).toBeLessThanOrEqual(clientWidth);
      await checkA11y(page, `${path} (phone)`);
    }
  });

  test("the matrix's less-used filters are folded away until needed, and open when set", async ({ page }) => {
    await signIn(page, DEMO.organiser.email, DEMO.organiser.password, { expectUrl: /\/$/ });
    await page.goto("/reports/activists");
    const from = page.getByLabel("Completed from");
    await expect(from).toBeHidden();
    await page.getByText("More filters: completion dates, role").focus();
    await page.keyboard.press("Enter");
    await expect(from).toBeVisible();
    await from.fill("2020-01-01");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect(page).toHaveURL(/from=2020-01-01/);
    await expect(page.getByLabel("Completed from")).toBeVisible(); // a filter in use is never hidden
    await expect(page.getByLabel("Completed from")).toHaveValue("2020-01-01");
  });
});

test.describe("reports without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the matrix filters are a plain GET form", async ({ page }) => {
    await page.goto("/login");
    await signIn(page, DEMO.admin.email, DEMO.admin.password, { expectUrl: /\/$/ });
    await page.goto("/reports/activists");
    await page.getByLabel("Name or email").fill("movement.doorstep.test");
    await page.getByLabel("Status", { exact: true }).selectOption("not-started");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect(page).toHaveURL(/q=movement\.doorstep\.test/);
    await expect(page.getByLabel("Status", { exact: true })).toHaveValue("not-started");
    const count = await peopleMatching(page);
    expect(count).toBeGreaterThan(0);
    await expect(page.getByRole("table").locator("tbody tr").first()).toContainText("Not started");
  });
});
