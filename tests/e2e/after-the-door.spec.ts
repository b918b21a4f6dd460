import type { Page } from "@playwright/test";
import { checkA11y, expect, expectNoHorizontalScroll, signIn, test } from "./fixtures";
import { loadModule, playScenario } from "./module-walker";
import type { RecordActivity, ScenarioActivity } from "../../app/content/manifest";

// "After the door" on a phone: play the conversation, then record it as a canvassing app
// asks, and see each field beside what the resident said in the ending reached.

const SLUG = "after-the-door";

async function recordConversation(page: Page, record: RecordActivity, picks: { support: string; issues: string[]; commitment: string; followUp: string }) {
  const section = page.locator(`#${record.id}`);
  await section.locator(`input[name="support"][value="${picks.support}"]`).check();
  for (const issue of picks.issues) await section.locator(`input[name="issue"][value="${issue}"]`).check();
  await section.locator(`input[name="commitment"][value="${picks.commitment}"]`).check();
  await section.locator(`input[name="follow-up"][value="${picks.followUp}"]`).check();
  await section.getByLabel("Note (optional)").fill("Rota out Wednesday, ring after six");
  await section.getByRole("button", { name: /Save the record/ }).click();
  return section;
}

test.describe("after the door, at 390 px", () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  // A new activist (the admin's invite flow), a whole conversation and two saves.
  test.slow();

  test("a volunteer plays the scenario, records it, and sees the record compared with what the resident said", async ({ newActivist, page }) => {
    await signIn(page, newActivist.email, newActivist.password);
    const module = await loadModule(SLUG);
    const scenario = module.manifest.activities["bus-route-door"] as ScenarioActivity;
    const record = module.manifest.activities["bus-route-record"] as RecordActivity;

    await page.goto(`/modules/${SLUG}/${scenario.stepId}`);
    await playScenario(page, scenario, "good");

    await page.goto(`/modules/${SLUG}/${record.stepId}`);
    await expectNoHorizontalScroll(page, "record form");
    await checkA11y(page, "record form");
    // A maybe recorded as a yes: the commitment is the one field that does not match.
    const section = await recordConversation(page, record, { support: "1", issues: ["buses", "rent"], commitment: "meeting", followUp: "callback" });
    await expect(section.locator(".record__comparison [role=status]")).toContainText("3 of 4");
    const commitment = section.locator(".question-results li", { hasText: "Commitment made" }).first();
    await expect(commitment).toContainText("Not quite");
    await expect(commitment).toContainText("She signed the letter to the bus company");
    await expect(section.locator(".question-results li", { hasText: "Support level" }).first()).toContainText("Right");
    await expectNoHorizontalScroll(page, "record feedback");
    await checkA11y(page, "record feedback");

    // Saving again replaces the record: now all four match the good ending.
    await section.locator(`input[name="commitment"][value="petition"]`).check();
    await section.getByRole("button", { name: "Save the record again" }).click();
    await expect(section.locator(".record__comparison [role=status]")).toContainText("4 of 4");
  });
});

test.describe("after the door without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the record form posts as a plain form; a bad post is refused with a message", async ({ newActivist, page }) => {
    await signIn(page, newActivist.email, newActivist.password);
    const module = await loadModule(SLUG);
    const record = module.manifest.activities["bus-route-record"] as RecordActivity;
    await page.goto(`/modules/${SLUG}/${record.stepId}`);
    // No conversation finished: compared with what holds however it went.
    const section = await recordConversation(page, record, { support: "1", issues: ["buses", "rent"], commitment: "none", followUp: "callback" });
    await expect(page.locator(`#${record.id} .record__comparison [role=status]`)).toContainText("4 of 4");
    await expect(section.locator(".record__comparison")).toContainText("I'll have a think");

    // Skip the browser's own "required" check to reach the server's.
    await page.goto(`/modules/${SLUG}/${record.stepId}`);
    const form = page.locator(`#${record.id} form`);
    await form.evaluate((f) => {
      f.setAttribute("novalidate", "");
      f.querySelectorAll<HTMLInputElement>('input[name="support"]').forEach((i) => (i.checked = false));
    });
    await page.locator(`#${record.id}`).getByRole("button", { name: /Save the record/ }).click();
    await expect(page.locator(`#${record.id} [role=alert]`)).toContainText("Choose a support level");
  });
});
