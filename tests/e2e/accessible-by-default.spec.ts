import type { Page } from "@playwright/test";
import { checkA11y, DEMO, expect, signIn, test, uniqueEmail, uniqueName } from "./fixtures";
import { loadModule } from "./module-walker";

// Issue 15, part 3 "Accessible by default", on a 390 px phone: touch targets measured from
// bounding boxes, timing accommodations (account → self-paced role-play → live timer and the
// presenter's count), live results a participant can pause, announced politely.

const MODULE = "conversation-to-action";
const PHONE = { width: 390, height: 844 };
const FOLLOW_MS = 2_000;
const MIN_TARGET = 44;

/**
 * Every visible interactive element smaller than 44×44 CSS px. The rule applied (see
 * docs/accessibility.md):
 * - measured: links, buttons, summaries, selects, text fields, and the label of each radio
 *   and checkbox (the label is what a finger taps; the input inside it is drawn smaller);
 * - exempt, as WCAG 2.5.8 allows: a link inside a sentence (its block holds other text, and
 *   the link is `display: inline`), whose size is set by the line of text around it;
 * - not a target: anything not rendered (zero size, `visually-hidden`, closed <details>).
 */
async function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate((min) => {
    const describe = (el: Element) => {
      const text = (el.textContent ?? "").trim().replace(/\s+/g, " ").slice(0, 40);
      const label = el.getAttribute("aria-label") ?? (el as HTMLInputElement).name ?? "";
      return `${el.parentElement?.tagName.toLowerCase()}.${el.parentElement?.className} > ${el.tagName.toLowerCase()}${el.className && typeof el.className === "string" ? `.${el.className.trim().replace(/\s+/g, ".")}` : ""} “${text || label}”`;
    };
    const BLOCK = new Set(["block", "flex", "grid", "list-item", "table-cell", "flow-root"]);
    const inSentence = (a: Element) => {
      if (getComputedStyle(a).display !== "inline") return false;
      let block = a.parentElement;
      while (block && !BLOCK.has(getComputedStyle(block).display)) block = block.parentElement;
      if (!block) return false;
      // Words around the link that are not themselves targets (nor hidden from sight): a
      // sentence, not a list of links with separators or a tick's hidden "seen".
      let words = "";
      const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (node.parentElement?.closest("a, button, .visually-hidden")) continue;
        words += node.textContent ?? "";
      }
      return /[A-Za-z]{2,}/.test(words);
    };
    const small: string[] = [];
    const candidates = document.querySelectorAll<HTMLElement>(
      'a[href], button, summary, select, textarea, input:not([type="hidden"]):not([type="radio"]):not([type="checkbox"]), label:has(input[type="radio"]), label:has(input[type="checkbox"]), [role="button"]',
    );
    for (const el of Array.from(candidates)) {
      const box = el.getBoundingClientRect();
      if (box.width <= 1 || box.height <= 1) continue;
      if (el.closest(".visually-hidden")) continue;
      if (el.tagName === "A" && inSentence(el)) continue;
      // A button or link inside a label that is itself measured, or a label's own input: one target.
      if (el.tagName !== "LABEL" && el.closest("label:has(input)")) continue;
      if (box.width < min - 0.5 || box.height < min - 0.5) small.push(`${describe(el)} is ${Math.round(box.width)}×${Math.round(box.height)}`);
    }
    return small;
  }, MIN_TARGET);
}

async function expectTouchTargets(page: Page, label: string) {
  expect.soft(await smallTargets(page), `touch targets under ${MIN_TARGET}×${MIN_TARGET} px on ${label}`).toEqual([]);
}

test("touch targets are at least 44×44 px on the learner's pages at 390 px", async ({ newPage, newActivist }) => {
  test.setTimeout(240_000);
  const module = await loadModule(MODULE);
  const page = await newPage();
  await page.setViewportSize(PHONE);
  await signIn(page, newActivist.email, newActivist.password);
  await expectTouchTargets(page, "home");
  await page.goto(`/modules/${MODULE}`);
  await expectTouchTargets(page, "module page");
  for (const kind of ["quiz", "scenario", "poll", "roleplay", "reflect"] as const) {
    const step = module.manifest.steps.find((s) => s.activityIds.some((id) => module.manifest.activities[id]?.kind === kind));
    if (!step) throw new Error(`${MODULE} has no ${kind}`);
    await page.goto(`/modules/${MODULE}/${step.id}`);
    await expectTouchTargets(page, `a step with a ${kind} (${step.id})`);
  }
  await page.goto("/join");
  await expectTouchTargets(page, "join page");
  await page.goto("/account");
  await expectTouchTargets(page, "account page");
  await checkA11y(page, "account page at 390 px");
});

test("three times as long: the account setting stretches the role-play timer, live and self-paced; the presenter sees a count; live results pause", async ({
  page: trainer,
  newPage,
  newActivist,
}) => {
  test.setTimeout(300_000);
  const module = await loadModule(MODULE);
  const steps = module.manifest.steps;
  const kindOf = (id: string) => module.manifest.activities[id]?.kind;
  const rolePlayStep = steps.find((s) => s.activityIds.some((id) => kindOf(id) === "roleplay"))!;
  const rolePlay = module.manifest.activities[rolePlayStep.activityIds.find((id) => kindOf(id) === "roleplay")!]!;
  const pollIndex = steps.findIndex((s) => s.activityIds.some((id) => kindOf(id) === "poll"));
  const poll = module.manifest.activities[steps[pollIndex]!.activityIds.find((id) => kindOf(id) === "poll")!]!;
  if (rolePlay.kind !== "roleplay" || poll.kind !== "poll") throw new Error("module lacks a role-play or a poll");

  // ── The account: "Three times as long", saved with the form.
  const ana = await newPage();
  await ana.setViewportSize(PHONE);
  await signIn(ana, newActivist.email, newActivist.password);
  await ana.goto("/account");
  await ana.getByRole("radio", { name: /Three times as long/ }).check();
  await ana.getByRole("button", { name: "Save timer setting" }).click();
  await expect(ana.getByRole("status")).toContainText("Saved: three times as long.");
  await ana.reload();
  await expect(ana.getByRole("radio", { name: /Three times as long/ })).toBeChecked();

  // ── Self-paced: the role-play's timer runs three times the module's minutes.
  await ana.goto(`/modules/${MODULE}/${rolePlayStep.id}`);
  const timer = ana.getByTestId("practice-timer");
  await expect(timer).toContainText(`${rolePlay.minutes * 3} minutes`);
  await expect(ana.getByRole("timer")).toHaveText(`${rolePlay.minutes * 3}:00`);
  await ana.getByRole("button", { name: "Start the timer" }).click();
  await expect(ana.getByRole("button", { name: "Pause the timer" })).toHaveAttribute("aria-pressed", "true");
  await expect(ana.getByRole("timer")).not.toHaveText(`${rolePlay.minutes * 3}:00`, { timeout: 3_000 });
  await checkA11y(ana, "self-paced role-play with a stretched timer");

  // ── Live: a trainer's 1-minute timer is 3 minutes on Ana's phone, 1 minute on Ben's.
  await trainer.setViewportSize({ width: 1280, height: 900 });
  await signIn(trainer, DEMO.trainer.email, DEMO.trainer.password);
  await trainer.goto(`/live/new?module=${MODULE}`);
  await trainer.getByRole("button", { name: "Start the session" }).click();
  await expect(trainer).toHaveURL(/\/live\/[A-Z]{6}\/present$/);
  const code = /\/live\/([A-Z]{6})\/present$/.exec(trainer.url())![1]!;
  await ana.goto(`/join/${code}`);
  await ana.getByRole("button", { name: /^Join/ }).click();
  await expect(ana).toHaveURL(new RegExp(`/live/${code}$`));
  const ben = await newPage();
  await ben.setViewportSize(PHONE);
  await ben.goto(`/join/${code}`);
  await ben.getByLabel("Your name").fill(uniqueName("Ben"));
  await ben.getByLabel("Email").fill(uniqueEmail("a11y"));
  await ben.getByRole("button", { name: "Join the session" }).click();
  await expect(ben).toHaveURL(new RegExp(`/live/${code}$`));
  for (const p of [ana, ben]) await expect(p.locator(".live-bar__connection")).toContainText("Live");

  await expect(trainer.getByTestId("accommodation-count")).toHaveText(/1 person has more time or no countdown/, { timeout: FOLLOW_MS });
  await expect(trainer.getByTestId("accommodation-count")).not.toContainText(newActivist.name);
  await trainer.getByRole("button", { name: "1 min", exact: true }).click();
  await expect(ana.getByRole("timer")).toHaveText(/^(3:00|2:5\d)$/, { timeout: FOLLOW_MS });
  await expect(ana.locator(".live-timer__label")).toHaveText("Your time left");
  await expect(ben.getByRole("timer")).toHaveText(/^(1:00|0:5\d)$/, { timeout: FOLLOW_MS });

  // ── Live results: Ana pauses them; Ben's answer moves the trainer's count, not Ana's screen.
  await trainer.getByLabel("Go to step").selectOption(String(pollIndex));
  await trainer.getByRole("button", { name: "Go", exact: true }).click();
  for (const p of [ana, ben]) await expect(p.getByRole("heading", { level: 1 })).toHaveText(steps[pollIndex]!.title, { timeout: FOLLOW_MS });
  await ana.locator(`#${poll.id}`).getByRole("radio", { name: poll.options[0]!.text }).check();
  await ana.locator(`#${poll.id}`).getByRole("button", { name: "Answer" }).click();
  await trainer.locator(`#${poll.id}`).getByRole("button", { name: "Show results to participants" }).click();
  const anaCount = ana.locator(`#${poll.id} .live-count--participant`);
  const anaBars = ana.locator(`#${poll.id} .bar-chart__value`);
  await expect(anaCount).toHaveText(/^1 answer\b/, { timeout: FOLLOW_MS });
  await expect(anaBars.first()).toHaveAttribute("data-count", "1", { timeout: FOLLOW_MS });
  const pause = ana.getByRole("button", { name: "Pause live results" });
  await expect(pause).toHaveAttribute("aria-pressed", "false");
  await expect(ana.getByTestId("tally-announcer")).toHaveAttribute("aria-live", "polite");
  await pause.click();
  await expect(pause).toHaveAttribute("aria-pressed", "true");

  await ben.locator(`#${poll.id}`).getByRole("radio", { name: poll.options[0]!.text }).check();
  await ben.locator(`#${poll.id}`).getByRole("button", { name: "Answer" }).click();
  await expect(trainer.locator(`#${poll.id} .live-count`)).toHaveText(/^2 answers\b/, { timeout: FOLLOW_MS });
  await expect(ben.locator(`#${poll.id} .bar-chart__value`).first()).toHaveAttribute("data-count", "2", { timeout: FOLLOW_MS });
  await expect(ana.getByText("New answers are waiting")).toBeVisible({ timeout: FOLLOW_MS });
  await expect(anaCount).toHaveText(/^1 answer\b/);
  await expect(anaBars.first()).toHaveAttribute("data-count", "1");
  await expectTouchTargets(ana, "live participant page, results paused");
  await checkA11y(ana, "live participant, results paused");

  await pause.click();
  await expect(pause).toHaveAttribute("aria-pressed", "false");
  await expect(anaCount).toHaveText(/^2 answers\b/);
  await expect(anaBars.first()).toHaveAttribute("data-count", "2");
  // Announced politely, once, as a summary (not per answer).
  await expect(ana.getByTestId("tally-announcer")).toContainText("Poll results: 2 answers", { timeout: 10_000 });
});
