import type { Page } from "@playwright/test";
import { quizzesOf, scenariosOf } from "../../app/content/manifest";
import { checkA11y, DEMO, expect, signIn, test } from "./fixtures";
import { loadModule } from "./module-walker";

// Issue 14, item 6, on the demo movement: quizzes named in words (never "…-quiz" ids), a
// live completion that names its session (not "0 of 7 steps"), scenario endings as a
// table with count and share, and chart labels above their bars on a phone.

const fits = (page: Page) => page.evaluate(() => document.scrollingElement!.scrollWidth <= document.scrollingElement!.clientWidth);

for (const width of [390, 1280]) {
  test(`module report and a live attendee's record read plainly at ${width} px`, async ({ page }) => {
    test.setTimeout(120_000);
    await page.setViewportSize({ width, height: 900 });
    const module = await loadModule("conversation-shape");
    const quizzes = quizzesOf(module.manifest);
    const scenario = scenariosOf(module.manifest)[0]!;
    expect(quizzes.length).toBeGreaterThan(0);
    await signIn(page, DEMO.organiser.email, DEMO.organiser.password);

    await page.goto(`/reports/modules/${module.slug}`);
    const main = page.locator("main");
    for (const quiz of quizzes) await expect(main).not.toContainText(quiz.id);
    const quizSection = page.getByRole("region", { name: "Quiz questions" });
    await expect(quizSection.locator(".card > p strong").first()).not.toBeEmpty();

    const endings = page.getByRole("table", { name: `How runs of “${scenario.title}” ended` });
    await expect(endings.getByRole("columnheader")).toHaveText(["Ending", "Self-paced runs", "Share", "Live room runs", "Share"]);
    for (const node of Object.values(scenario.nodes)) {
      if (node.kind !== "ending") continue;
      const row = endings.getByRole("row").filter({ has: page.getByRole("rowheader", { name: new RegExp(node.title.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")) }) });
      await expect(row.getByRole("cell").nth(1)).toHaveText(/^(\d+(\.\d)?%|–)$/);
    }
    await expect(endings.locator("tfoot")).toContainText("All endings");

    if (width === 390) {
      // Each label on its own line above its bar.
      const row = page.locator(".chart-bars li").first();
      const label = (await row.locator(".chart-bars__label").boundingBox())!;
      const track = (await row.locator(".chart-bars__track").boundingBox())!;
      expect(label.y + label.height).toBeLessThanOrEqual(track.y + 1);
      expect(await fits(page)).toBe(true);
    }
    await checkA11y(page, `module report at ${width} px`);

    // Someone whose completion a live session recorded.
    // Other specs run sessions too (one may count a completion it did not record itself,
    // or list no one by name): take the first session whose page shows a recorded one.
    await page.goto("/reports/sessions");
    const rows = page.locator("tbody tr");
    const count = await rows.count();
    const recording: string[] = [];
    for (let i = 0; i < count; i++) {
      if (!(Number((await rows.nth(i).locator("td").last().textContent())?.trim()) > 0)) continue;
      recording.push((await rows.nth(i).getByRole("link").first().getAttribute("href"))!);
    }
    const attendee = page.getByRole("row").filter({ hasText: "Recorded by this session" }).first();
    let opened = false;
    // Full loads, not clicks: after a client-side navigation "load" has long fired, and a
    // count taken before the session's page rendered read 0 (one CI run failed so).
    for (const href of recording) {
      await page.goto(href);
      if ((await attendee.count()) > 0) {
        opened = true;
        break;
      }
    }
    expect(opened, "a session that recorded completions").toBe(true);
    await attendee.getByRole("link").first().click();
    await expect(page).toHaveURL(/\/reports\/activists\//);
    const liveRow = page.getByRole("table", { name: "Status of each published module" }).getByRole("row").filter({ hasText: "Complete, live session" }).first();
    await expect(liveRow).toContainText(/Completed live \(session of .+ with .+\)/);
    await expect(liveRow).not.toContainText(/\d+ of \d+/);
    if (width === 390) expect(await fits(page)).toBe(true);
    await checkA11y(page, `activist record at ${width} px`);
  });
}
