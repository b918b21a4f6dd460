import type { Page } from "@playwright/test";
import { checkA11y, DEMO, expect, expectNoHorizontalScroll, signIn, test, uniqueEmail, uniqueName } from "./fixtures";
import { loadModule } from "./module-walker";

// Issue 15, "Projector and remote": the trainer puts /live/<code>/display on a 1920×1080
// projector and drives from /live/<code>/remote on a 390 px phone. The remote moves the
// step (by keyboard), shows a poll's results and starts the timer; the projector and a
// participant's phone follow without reloading.

const MODULE = "conversation-to-action";
const FOLLOW_MS = 5_000; // "within a few seconds", on a busy two-core machine
const PROJECTOR = { width: 1920, height: 1080 };
const PHONE = { width: 390, height: 844 };

async function markNoReload(page: Page) {
  await page.evaluate(() => ((window as unknown as { __live: boolean }).__live = true));
}
async function expectNoReload(page: Page) {
  expect(await page.evaluate(() => (window as unknown as { __live?: boolean }).__live === true)).toBe(true);
}

/** Tab through the page until `name`'s button has the focus (keyboard only). */
async function tabTo(page: Page, name: string) {
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => document.activeElement?.textContent?.trim() ?? "");
    if (focused === name) return;
  }
  throw new Error(`never reached the ${name} button by Tab`);
}

test("a trainer drives the projector from a phone remote; the projector and the room follow", async ({ page: trainer, newPage }) => {
  test.setTimeout(240_000); // four axe runs and three browsers on a busy machine
  const module = await loadModule(MODULE);
  const steps = module.manifest.steps;
  const pollStep = steps.findIndex((s) => s.activityIds.some((id) => module.manifest.activities[id]?.kind === "poll"));
  const poll = module.manifest.activities[steps[pollStep]!.activityIds.find((id) => module.manifest.activities[id]?.kind === "poll")!];
  if (poll?.kind !== "poll" || steps.length < 3) throw new Error("the module needs a poll and three steps");

  // ── The trainer starts a session; the presenter view points to the projector and the remote.
  await signIn(trainer, DEMO.trainer.email, DEMO.trainer.password);
  await trainer.goto(`/live/new?module=${MODULE}`);
  await trainer.getByRole("button", { name: "Start the session" }).click();
  await expect(trainer).toHaveURL(/\/live\/[A-Z]{6}\/present$/);
  const code = /\/live\/([A-Z]{6})\/present$/.exec(trainer.url())![1]!;
  await trainer.getByText("Projector and phone remote").click();
  await expect(trainer.getByRole("link", { name: "Open projector view" })).toHaveAttribute("href", `/live/${code}/display`);
  await expect(trainer.getByRole("link", { name: "Open projector view" })).toHaveAttribute("target", "_blank");
  await expect(trainer.locator(".projector-links")).toContainText(`/live/${code}/remote`);

  // ── The projector: a second tab of the same browser, at 1920×1080.
  const display = await trainer.context().newPage();
  await display.setViewportSize(PROJECTOR);
  await display.goto(`/live/${code}/display`);
  await expect(display.getByTestId("projector-code")).toHaveText(`${code.slice(0, 3)} ${code.slice(3)}`);
  await expect(display.getByTestId("projector-step")).toHaveText(steps[0]!.title);
  const codeSize = await display.getByTestId("projector-code").evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  expect(codeSize).toBeGreaterThanOrEqual(64);
  const titleSize = await display.getByTestId("projector-step").evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  expect(titleSize).toBeGreaterThanOrEqual(48);
  const proseSize = await display.locator(".step-body").first().evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  expect(proseSize).toBeGreaterThanOrEqual(24);
  // The code fits its column: it never runs under the step.
  const codeBox = await display.getByTestId("projector-code").evaluate((el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    return { right: range.getBoundingClientRect().right, column: el.parentElement!.getBoundingClientRect().right };
  });
  expect(codeBox.right).toBeLessThanOrEqual(codeBox.column);
  // No controls and no site chrome on the projector.
  await expect(display.getByRole("button")).toHaveCount(0);
  await expect(display.getByRole("navigation")).toHaveCount(0);
  await expect(display.getByRole("banner").getByRole("link", { name: "Doorstep home" })).toHaveCount(0);
  await expectNoHorizontalScroll(display, "projector at 1920×1080");
  await checkA11y(display, "projector view");
  await markNoReload(display);

  // ── A participant joins from their phone; the projector counts them (no names).
  const ana = await newPage();
  const anaName = uniqueName("Ana");
  await ana.goto(`/join/${code}`);
  await ana.getByLabel("Your name").fill(anaName);
  await ana.getByLabel("Email").fill(uniqueEmail("projector"));
  await ana.getByRole("button", { name: "Join the session" }).click();
  await expect(ana).toHaveURL(new RegExp(`/live/${code}$`));
  await markNoReload(ana);

  // ── The remote on a phone: the same person, a third tab, 390 px wide.
  const remote = await trainer.context().newPage();
  await remote.setViewportSize(PHONE);
  await remote.goto(`/live/${code}/remote`);
  await expect(remote.getByTestId("remote-step")).toHaveText(steps[0]!.title);
  await expectNoHorizontalScroll(remote, "remote at 390 px");
  await checkA11y(remote, "phone remote");
  for (const name of ["← Previous", "Next step →"]) {
    const box = await remote.getByRole("button", { name }).boundingBox();
    expect(box!.height, name).toBeGreaterThanOrEqual(44);
    expect(box!.width, name).toBeGreaterThanOrEqual(44);
  }
  await remote.getByText(/^Who's here:/).click();
  await expect(remote.locator(".remote-people")).toContainText(anaName);

  // Keyboard only: Tab to "Next step →", press Enter. The projector and Ana follow.
  await tabTo(remote, "Next step →");
  await remote.keyboard.press("Enter");
  await expect(remote.getByTestId("remote-step")).toHaveText(steps[1]!.title, { timeout: FOLLOW_MS });
  await expect(display.getByTestId("projector-step")).toHaveText(steps[1]!.title, { timeout: FOLLOW_MS });
  await expect(ana.getByRole("heading", { level: 1 })).toHaveText(steps[1]!.title, { timeout: FOLLOW_MS });
  await expectNoReload(display);
  await expectNoReload(ana);

  // Jump with the step list (keyboard: the select, then Go): to the last step, then to the poll.
  for (const to of [steps.length - 1, pollStep]) {
    await remote.getByLabel("Go to step").selectOption(String(to));
    await remote.getByLabel("Go to step").focus();
    await remote.keyboard.press("Tab");
    await remote.keyboard.press("Enter");
    await expect(display.getByTestId("projector-step")).toHaveText(steps[to]!.title, { timeout: FOLLOW_MS });
    await expect(ana.getByRole("heading", { level: 1 })).toHaveText(steps[to]!.title, { timeout: FOLLOW_MS });
  }

  // Ana answers; the projector shows the results only when the remote says so, with each
  // option's text in the author's order.
  const pick = poll.options[poll.options.length - 1]!;
  const section = ana.locator(`#${poll.id}`);
  await section.getByRole("radio", { name: pick.text }).check();
  await section.getByRole("button", { name: "Answer" }).click();
  await expect(section.getByRole("status")).toContainText(`You answered “${pick.text}”`);
  await expect(display.locator(".bar-chart")).toHaveCount(0);
  await remote.getByRole("button", { name: "Show results" }).click();
  const chart = display.locator(`#${poll.id} .bar-chart`);
  await expect(chart).toBeVisible({ timeout: FOLLOW_MS });
  await expect(chart.locator(".bar-chart__label")).toHaveText(poll.options.map((o) => new RegExp(o.text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))));
  await expect(chart.locator(`.bar-chart__row:nth-child(${poll.options.length}) .bar-chart__value`)).toHaveAttribute("data-count", "1");
  await expect(display.locator("body")).not.toContainText(anaName);

  // The timer from the remote runs on the projector.
  await remote.getByRole("button", { name: "1 min" }).click();
  await expect(display.getByRole("timer")).toBeVisible({ timeout: FOLLOW_MS });
  await expectNoHorizontalScroll(display, "projector with a poll and a timer");
  await checkA11y(display, "projector with results and a timer");
  await remote.getByRole("button", { name: "Stop the timer" }).click();
  await expect(display.getByRole("timer")).toHaveCount(0, { timeout: FOLLOW_MS });
  await expectNoHorizontalScroll(remote, "remote on the poll step");
  await checkA11y(remote, "phone remote on the poll step");
  await expectNoReload(display);
});

// The remote leaves taking a scenario's reply and pairing to the presenter view (ADR 020): on
// those steps it says so and links there, rather than showing nothing to do.
test("on scenario and role-play steps the phone remote says what to do on the presenter view", async ({ page: trainer }) => {
  test.setTimeout(120_000);
  const module = await loadModule(MODULE);
  const steps = module.manifest.steps;
  const stepWith = (kind: string) => steps.findIndex((s) => s.activityIds.some((id) => module.manifest.activities[id]?.kind === kind));
  await signIn(trainer, DEMO.trainer.email, DEMO.trainer.password);
  await trainer.goto(`/live/new?module=${MODULE}`);
  await trainer.getByRole("button", { name: "Start the session" }).click();
  await expect(trainer).toHaveURL(/\/live\/[A-Z]{6}\/present$/);
  const code = /\/live\/([A-Z]{6})\/present$/.exec(trainer.url())![1]!;
  const remote = trainer;
  await remote.setViewportSize(PHONE);
  await remote.goto(`/live/${code}/remote`);
  await expect(remote.getByTestId("remote-hint")).toHaveCount(0);
  for (const [kind, words] of [
    ["scenario", "Take the room's reply on the presenter view"],
    ["roleplay", "Pair people"],
  ] as const) {
    const to = stepWith(kind);
    await remote.getByLabel("Go to step").selectOption(String(to));
    await remote.getByRole("button", { name: "Go", exact: true }).click();
    await expect(remote.getByTestId("remote-step")).toHaveText(steps[to]!.title, { timeout: FOLLOW_MS });
    const hint = remote.getByTestId("remote-hint");
    await expect(hint).toContainText(words);
    await expect(hint.getByRole("link", { name: "Open the presenter view" })).toHaveAttribute("href", `/live/${code}/present`);
    await expectNoHorizontalScroll(remote, `remote on the ${kind} step`);
    await checkA11y(remote, `phone remote on the ${kind} step`);
  }
});
