import type { Page } from "@playwright/test";
import { checkA11y, DEMO, expect, signIn, test } from "./fixtures";
import { completeModule, loadModule } from "./module-walker";

// Issue 14, item 4: "Finish" on a module's last step celebrates (only when the completion
// rule says complete), or says what is missing with links; it says what was done and
// offers the next module, and a live session of it for the learner's group. On a phone.

const MODULE = "why-conversations";
const NEXT = "conversation-shape";

test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

const fits = (page: Page) => page.evaluate(() => document.scrollingElement!.scrollWidth <= document.scrollingElement!.clientWidth);

test("finishing a module: what is missing first, then the celebration and the next module, live if a session is open", async ({ page, newActivist, newPage }) => {
  test.setTimeout(150_000);
  const module = await loadModule(MODULE);
  const next = await loadModule(NEXT);
  const steps = module.manifest.steps;
  const last = steps[steps.length - 1]!;
  await signIn(page, newActivist.email, newActivist.password);

  // Straight to the last step: its closing "Next: …" line is a link to the next module.
  await page.goto(`/modules/${MODULE}/${last.id}`);
  await expect(page.locator(".step-body").getByRole("link", { name: next.frontmatter.title })).toHaveAttribute("href", `/modules/${NEXT}`);
  await page.getByRole("link", { name: "Finish" }).click();
  await expect(page).toHaveURL(new RegExp(`/modules/${MODULE}/complete$`));
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Almost there");
  const missing = page.getByRole("region", { name: "Still to do" });
  await expect(missing.getByRole("link", { name: steps[0]!.title }).first()).toBeVisible();
  await expect(page.getByText("You've completed")).toHaveCount(0);
  expect(await fits(page)).toBe(true);
  await checkA11y(page, "module finish, not complete");
  // (Followed below: the module page's Resume starts at the first step not read yet.)
  await expect(missing.getByRole("link", { name: steps[0]!.title }).first()).toHaveAttribute("href", `/modules/${MODULE}/${steps[0]!.id}`);

  // A trainer opens a live session of the next module for this activist's group.
  const trainer = await newPage();
  await signIn(trainer, DEMO.trainer.email, DEMO.trainer.password);
  await trainer.goto(`/live/new?module=${NEXT}`);
  await trainer.getByLabel("Group (optional)").selectOption({ label: newActivist.groupName });
  await trainer.getByRole("button", { name: "Start the session" }).click();
  await expect(trainer).toHaveURL(/\/live\/[A-Z]{6}\/present$/);
  const code = /\/live\/([A-Z]{6})\/present$/.exec(trainer.url())![1]!;

  // The whole module, ending with Finish on the last step.
  await completeModule(page, module);
  await expect(page).toHaveURL(new RegExp(`/modules/${MODULE}/complete$`));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`You've completed “${module.frontmatter.title}”`);
  const done = page.getByRole("region", { name: "What you did" });
  await expect(done).toContainText(`Steps read: ${steps.length} of ${steps.length}`);
  await expect(done).toContainText(/best score \d+%, passed/);
  const offer = page.getByRole("region", { name: "What's next" });
  await expect(offer.getByRole("link", { name: `Next module: ${next.frontmatter.title}` })).toHaveAttribute("href", `/modules/${NEXT}`);
  const live = offer.getByRole("link", { name: /Join it live/ });
  await expect(live).toContainText(newActivist.groupName);
  expect(await fits(page)).toBe(true);
  await checkA11y(page, "module finish, complete");
  await live.click();
  await expect(page).toHaveURL(new RegExp(`/join/${code}$`));
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("Finish and the completion page are plain links and pages", async ({ page, newActivist }) => {
    test.setTimeout(90_000);
    const module = await loadModule(MODULE);
    await signIn(page, newActivist.email, newActivist.password);
    const last = module.manifest.steps[module.manifest.steps.length - 1]!;
    await page.goto(`/modules/${MODULE}/${last.id}`);
    await page.getByRole("link", { name: "Finish" }).click();
    await expect(page).toHaveURL(new RegExp(`/modules/${MODULE}/complete$`));
    await expect(page.getByRole("heading", { level: 1 })).toContainText("Almost there");
    expect(await fits(page)).toBe(true);
  });
});
