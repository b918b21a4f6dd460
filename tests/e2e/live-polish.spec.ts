import type { Locator, Page } from "@playwright/test";
import { checkA11y, DEMO, expect, signIn, test, uniqueEmail, uniqueName } from "./fixtures";
import { loadModule } from "./module-walker";

// Issue 14, item 5, with the trainer on a laptop (1280 px) and participants on phones
// (390 px): a clean address after joining (with and without JavaScript), a timer that
// does not outlive its step, numbered scenario replies that match "Take reply N", bar
// labels above their bars, and an end-of-session message that says what was recorded.

const MODULE = "conversation-to-action";
const FOLLOW_MS = 1_500;
const PHONE = { width: 390, height: 844 };

/** The label sits on its own line above the bar (not squeezed beside it). */
async function expectLabelAboveBar(row: Locator) {
  const label = (await row.locator(".bar-chart__label").boundingBox())!;
  const track = (await row.locator(".bar-chart__track").boundingBox())!;
  expect(label.y + label.height).toBeLessThanOrEqual(track.y + 1);
}

const fits = (page: Page) => page.evaluate(() => document.scrollingElement!.scrollWidth <= document.scrollingElement!.clientWidth);

test("live polish: clean join address, timer cleared on a step change, numbered replies, honest end message", async ({ page: trainer, newPage, newActivist, browser, baseURL }) => {
  test.setTimeout(180_000);
  const module = await loadModule(MODULE);
  const steps = module.manifest.steps;
  const kindOf = (id: string) => module.manifest.activities[id]?.kind;
  const pollStep = steps.findIndex((s) => s.activityIds.some((id) => kindOf(id) === "poll"));
  const scenarioStep = steps.findIndex((s) => s.activityIds.some((id) => kindOf(id) === "scenario"));
  const poll = module.manifest.activities[steps[pollStep]!.activityIds.find((id) => kindOf(id) === "poll")!];
  const scenario = module.manifest.activities[steps[scenarioStep]!.activityIds.find((id) => kindOf(id) === "scenario")!];
  if (poll?.kind !== "poll" || scenario?.kind !== "scenario") throw new Error("module lacks a poll or a scenario");
  const first = scenario.nodes[scenario.start];
  if (first?.kind !== "resident") throw new Error("scenario starts on an ending");

  await trainer.setViewportSize({ width: 1280, height: 900 });
  await signIn(trainer, DEMO.trainer.email, DEMO.trainer.password);
  await trainer.goto(`/live/new?module=${MODULE}`);
  await trainer.getByRole("button", { name: "Start the session" }).click();
  await expect(trainer).toHaveURL(/\/live\/[A-Z]{6}\/present$/);
  const code = /\/live\/([A-Z]{6})\/present$/.exec(trainer.url())![1]!;
  const clean = (page: Page) => expect.poll(() => { const u = new URL(page.url()); return u.pathname + u.search; }).toBe(`/live/${code}`);

  // ── Joining from /join lands on /live/<code>, nothing after it, with and without JavaScript.
  const ana = await newPage();
  await ana.setViewportSize(PHONE);
  await signIn(ana, newActivist.email, newActivist.password);
  await ana.goto("/join");
  await ana.getByLabel("Join code").fill(code);
  await ana.getByRole("button", { name: "Join", exact: true }).click();
  await clean(ana);

  const ben = await newPage();
  await ben.setViewportSize(PHONE);
  await ben.goto(`/join/${code}`);
  const benName = uniqueName("Ben");
  await ben.getByLabel("Your name").fill(benName);
  await ben.getByLabel("Email").fill(uniqueEmail("polish"));
  await ben.getByRole("button", { name: "Join the session" }).click();
  await clean(ben);

  const noJs = await browser.newContext({ baseURL, javaScriptEnabled: false, viewport: PHONE, isMobile: true, hasTouch: true });
  try {
    const avi = await noJs.newPage();
    await signIn(avi, DEMO.activist.email, DEMO.activist.password);
    await avi.goto("/join");
    await avi.getByLabel("Join code").fill(code);
    await avi.getByRole("button", { name: "Join", exact: true }).click();
    await clean(avi);
  } finally {
    await noJs.close();
  }
  const participants = [ana, ben];
  for (const p of participants) await expect(p.locator(".live-bar__connection")).toContainText("Live");

  // ── A timer belongs to its step: moving on clears it on every screen.
  await trainer.getByRole("button", { name: "1 min", exact: true }).click();
  for (const p of participants) await expect(p.getByRole("timer")).toBeVisible({ timeout: FOLLOW_MS });
  await trainer.getByRole("button", { name: "Next step →" }).click();
  for (const p of participants) {
    await expect(p.getByRole("heading", { level: 1 })).toHaveText(steps[1]!.title, { timeout: FOLLOW_MS });
    await expect(p.getByRole("timer")).toHaveCount(0);
    await expect(p.locator(".live-timer")).toHaveCount(0);
  }
  await expect(trainer.getByRole("button", { name: "Stop the timer" })).toHaveCount(0);
  await trainer.getByLabel("Go to step").selectOption(String(pollStep));
  await trainer.getByRole("button", { name: "Go", exact: true }).click();
  for (const p of participants) await expect(p.getByRole("heading", { level: 1 })).toHaveText(steps[pollStep]!.title, { timeout: FOLLOW_MS });

  // ── Poll results on a phone: each label above its bar.
  await ana.locator(`#${poll.id}`).getByRole("radio", { name: poll.options[0]!.text }).check();
  await ana.locator(`#${poll.id}`).getByRole("button", { name: "Answer" }).click();
  await trainer.locator(`#${poll.id}`).getByRole("button", { name: "Show results to participants" }).click();
  const phoneRow = ben.locator(`#${poll.id} .bar-chart__row`).first();
  await expect(phoneRow).toBeVisible({ timeout: FOLLOW_MS });
  await expectLabelAboveBar(phoneRow);
  expect(await fits(ben)).toBe(true);
  await checkA11y(ben, "participant poll results at 390 px");

  // ── The scenario: replies numbered on both screens; "Take reply 2" takes reply 2.
  await trainer.getByLabel("Go to step").selectOption(String(scenarioStep));
  await trainer.getByRole("button", { name: "Go", exact: true }).click();
  const room = trainer.locator(`#${scenario.id}`);
  const second = first.choices[1]!;
  for (const p of participants) {
    const buttons = p.locator(`#${scenario.id} .choice-button`);
    await expect(buttons).toHaveCount(first.choices.length, { timeout: FOLLOW_MS });
    // Each device shows the replies in its own order (issue 15), but every reply keeps the
    // number the trainer's screen gives it.
    for (const [i, c] of first.choices.entries()) await expect(buttons.filter({ hasText: c.text })).toHaveText(`${i + 1}. ${c.text}`);
  }
  // With JavaScript the vote goes to the lean endpoint (ADR 047), carrying the pressed reply.
  const voted = ana.waitForResponse((r) => new URL(r.url()).pathname.endsWith("/answer") && r.request().method() === "POST");
  await ana.locator(`#${scenario.id}`).getByRole("button", { name: `2. ${second.text}` }).click();
  const vote = await voted;
  expect(new URLSearchParams(vote.request().postData() ?? "").get("choice")).toBe("1");
  expect(await vote.json()).toEqual({ ok: true });
  const bars = room.locator(".bar-chart__row");
  // The label may end with a shape-and-word marker ("most votes", "(you)"): issue 15's cues beside colour.
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  for (const [i, c] of first.choices.entries()) await expect(bars.nth(i).locator(".bar-chart__label")).toHaveText(new RegExp(`^\\s*${escape(`${i + 1}. ${c.text}`)}(\\s+(most votes|\\(you\\)))*\\s*$`));
  await expect(bars.nth(1).locator(".bar-chart__value")).toHaveAttribute("data-count", "1", { timeout: FOLLOW_MS });
  await expectLabelAboveBar(bars.nth(1));
  await checkA11y(trainer, "presenter scenario vote at 1280 px");
  await checkA11y(ana, "participant scenario vote at 390 px");
  const take = room.getByRole("button", { name: /^Take reply 2\b/ });
  // (The reply's text is visually hidden: a screen reader hears which reply it takes.)
  await expect(take).toHaveAccessibleName(new RegExp(`^Take reply 2 \\(most votes\\)\\s*: ${second.text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`));
  await take.click();
  await expect(room.locator(".transcript .line--you").first()).toContainText(second.text);
  await expect(ana.locator(`#${scenario.id} .transcript .line--you`).first()).toContainText(second.text, { timeout: FOLLOW_MS });

  // ── The end: who attended and whose completion was recorded, said plainly.
  await trainer.getByRole("form", { name: `Attendance of ${DEMO.activist.name}` }).getByRole("button", { name: "Absent" }).click();
  await expect(trainer.getByRole("form", { name: `Attendance of ${DEMO.activist.name}` }).getByRole("button", { name: "Absent" })).toHaveAttribute("aria-pressed", "true");
  await trainer.getByText("End the session…").click();
  await trainer.getByLabel("Yes, end the session now").check();
  await trainer.getByRole("button", { name: "End session and record attendance" }).click();
  const ended = trainer.getByRole("status").filter({ hasText: "Session ended" });
  await expect(ended).toContainText("2 of 3 attended. Completion of the module recorded for 2 people.");
  await expect(ended).not.toContainText("their completions are recorded");
  await checkA11y(trainer, "presenter view, ended");
});

// Without JavaScript there is no event stream, so "Connecting…" never came true: the page
// reloads itself every 10 seconds (a noscript meta refresh) and now says so. With JavaScript
// the strip still says "Live" (the test above).
test("without JavaScript a participant's page says it refreshes itself, not that it is connecting", async ({ page: trainer, browser, baseURL }) => {
  test.setTimeout(90_000);
  await signIn(trainer, DEMO.trainer.email, DEMO.trainer.password);
  await trainer.goto(`/live/new?module=${MODULE}`);
  await trainer.getByRole("button", { name: "Start the session" }).click();
  await expect(trainer).toHaveURL(/\/live\/[A-Z]{6}\/present$/);
  const code = /\/live\/([A-Z]{6})\/present$/.exec(trainer.url())![1]!;
  const noJs = await browser.newContext({ baseURL, javaScriptEnabled: false, viewport: PHONE, isMobile: true, hasTouch: true });
  try {
    const cai = await noJs.newPage();
    await cai.goto(`/join/${code}`);
    await cai.getByLabel("Your name").fill(uniqueName("Cai"));
    await cai.getByLabel("Email").fill(uniqueEmail("nojs"));
    await cai.getByRole("button", { name: "Join the session" }).click();
    await expect(cai).toHaveURL(new RegExp(`/live/${code}$`));
    const status = cai.locator(".live-bar__connection");
    await expect(status).toHaveText("This page refreshes every 10 seconds");
    await expect(cai.locator("body")).not.toContainText("Connecting");
    await expect(cai.locator('meta[http-equiv="refresh"]')).toHaveAttribute("content", "10");
  } finally {
    await noJs.close();
  }
});
