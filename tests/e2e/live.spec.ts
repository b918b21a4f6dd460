import type { Page } from "@playwright/test";
import { checkA11y, DEMO, expect, signIn, test, uniqueEmail, uniqueName } from "./fixtures";
import { loadModule } from "./module-walker";

// A live session with one trainer and three participants, each in their own browser:
// join by code (one signed-in activist, two newcomers with just name and email), follow
// the trainer's steps without reloading, answer a poll while the presenter's tally
// updates, pair up for a role-play (three people: a trio with an observer), end the
// session, and find the completion on each participant's record.

const MODULE = "conversation-to-action";
const FOLLOW_MS = 1_500; // "within a second", plus a little for a busy two-core machine

/** Marks the page so we can tell it never reloaded. */
async function markNoReload(page: Page) {
  await page.evaluate(() => ((window as unknown as { __live: boolean }).__live = true));
}
async function expectNoReload(page: Page) {
  expect(await page.evaluate(() => (window as unknown as { __live?: boolean }).__live === true)).toBe(true);
}

async function joinAsNewcomer(page: Page, code: string, name: string) {
  await page.goto("/join");
  await page.getByLabel("Join code").fill(code.toLowerCase());
  await page.getByRole("button", { name: "Join", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/join/${code}$`));
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("Email").fill(uniqueEmail("newcomer"));
  await page.getByRole("button", { name: "Join the session" }).click();
  await expect(page).toHaveURL(new RegExp(`/live/${code}$`));
}

test("a trainer runs a live session for three participants, start to finish", async ({ page: trainer, newPage, newActivist }) => {
  test.setTimeout(180_000);
  const module = await loadModule(MODULE);
  const steps = module.manifest.steps;
  const kindOf = (id: string) => module.manifest.activities[id]?.kind;
  const pollStep = steps.findIndex((s) => s.activityIds.some((id) => kindOf(id) === "poll"));
  const rolePlayStep = steps.findIndex((s) => s.activityIds.some((id) => kindOf(id) === "roleplay"));
  const quizStep = steps.findIndex((s) => s.activityIds.some((id) => kindOf(id) === "quiz"));
  const quizId = steps[quizStep]!.activityIds.find((id) => kindOf(id) === "quiz")!;
  const poll = module.manifest.activities[steps[pollStep]!.activityIds.find((id) => kindOf(id) === "poll")!];
  const rolePlayId = steps[rolePlayStep]!.activityIds.find((id) => kindOf(id) === "roleplay")!;
  if (poll?.kind !== "poll") throw new Error("no poll");

  // ── The trainer starts a session from the module's page.
  await signIn(trainer, DEMO.trainer.email, DEMO.trainer.password);
  await trainer.goto(`/modules/${MODULE}`);
  await trainer.getByRole("link", { name: "Run this live" }).click();
  await expect(trainer).toHaveURL(new RegExp(`/live/new\\?module=${MODULE}$`));
  await checkA11y(trainer, "start a live session");
  await trainer.getByLabel("Group (optional)").selectOption({ label: "Riverside Branch" });
  await trainer.getByRole("button", { name: "Start the session" }).click();
  await expect(trainer).toHaveURL(/\/live\/[A-Z]{6}\/present$/);
  const code = /\/live\/([A-Z]{6})\/present$/.exec(trainer.url())![1]!;
  await expect(trainer.locator(".join-code")).toHaveText(`${code.slice(0, 3)} ${code.slice(3)}`);
  await expect(trainer.getByTestId("join-url")).toHaveText(new RegExp(`/join/${code}$`));
  await expect(trainer.getByRole("img", { name: "QR code that opens the join link" }).locator("svg")).toBeVisible();
  await expect(trainer.getByRole("heading", { level: 1 })).toHaveText(steps[0]!.title);
  await checkA11y(trainer, "presenter view");

  // ── Three participants join.
  const ana = await newPage();
  await signIn(ana, newActivist.email, newActivist.password);
  await ana.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Join" }).click();
  await checkA11y(ana, "join page");
  await ana.getByLabel("Join code").fill(`${code.slice(0, 3)} ${code.slice(3)}`);
  await ana.getByRole("button", { name: "Join", exact: true }).click();
  await expect(ana).toHaveURL(new RegExp(`/live/${code}$`));
  await expect(ana.getByRole("heading", { level: 1 })).toHaveText(steps[0]!.title);
  await checkA11y(ana, "participant view");

  const ben = await newPage();
  const benName = uniqueName("Ben");
  await ben.goto(`/join/${code}`);
  await checkA11y(ben, "join with a code, as a newcomer");
  await joinAsNewcomer(ben, code, benName);
  await expect(ben.getByRole("link", { name: "Choose a password" })).toBeVisible();

  const cleo = await newPage();
  const cleoName = uniqueName("Cleo");
  await joinAsNewcomer(cleo, code, cleoName);

  const participants = [ana, ben, cleo];
  for (const p of participants) {
    await expect(p.locator(".live-bar__connection")).toContainText("Live");
    await markNoReload(p);
  }
  const room = trainer.getByRole("complementary", { name: "Room" });
  await expect(room.getByRole("heading", { name: /Participants/ })).toContainText("(3 connected of 3)");
  for (const name of [newActivist.name, benName, cleoName]) await expect(room).toContainText(name);

  // ── Everyone's screen follows the trainer's steps, without a reload.
  await trainer.getByRole("button", { name: "Next step →" }).click();
  for (const p of participants) await expect(p.getByRole("heading", { level: 1 })).toHaveText(steps[1]!.title, { timeout: FOLLOW_MS });
  await trainer.getByLabel("Go to step").selectOption(String(pollStep));
  await trainer.getByRole("button", { name: "Go", exact: true }).click();
  for (const p of participants) await expect(p.getByRole("heading", { level: 1 })).toHaveText(steps[pollStep]!.title, { timeout: FOLLOW_MS });

  // ── A poll: the presenter's bar chart updates as answers arrive.
  const tally = trainer.locator(`#${poll.id}`);
  await expect(tally.locator(".live-count")).toHaveText("0 answers · 3 connected");
  const picks = [poll.options[0]!, poll.options[1]!, poll.options[0]!];
  for (const [i, p] of participants.entries()) {
    const section = p.locator(`#${poll.id}`);
    await section.getByRole("radio", { name: picks[i]!.text }).check();
    // With JavaScript the answer goes to the lean endpoint answered before Remix (ADR 043).
    const answered = p.waitForResponse((r) => new URL(r.url()).pathname.endsWith("/answer") && r.request().method() === "POST");
    await section.getByRole("button", { name: "Answer" }).click();
    expect(await (await answered).json()).toEqual({ ok: true });
    await expect(section.getByRole("status")).toContainText(`You answered “${picks[i]!.text}”`);
    await expect(tally.locator(".live-count")).toHaveText(`${i + 1} ${i === 0 ? "answer" : "answers"} · 3 connected`, { timeout: FOLLOW_MS });
  }
  await expect(tally.locator(`.bar-chart__row:has-text("${picks[0]!.text}") .bar-chart__value`)).toHaveAttribute("data-count", "2");
  await expect(tally.locator(`.bar-chart__row:has-text("${poll.options[1]!.text}") .bar-chart__value`)).toHaveAttribute("data-count", "1");
  await checkA11y(trainer, "presenter view with a poll tally");
  await checkA11y(ana, "participant view after answering a poll");
  // Showing the results puts the chart on every screen.
  await tally.getByRole("button", { name: "Show results to participants" }).click();
  await expect(ben.locator(`#${poll.id} .bar-chart`)).toBeVisible({ timeout: FOLLOW_MS });

  // ── A timer on every screen.
  await trainer.getByRole("button", { name: "1 min", exact: true }).click();
  for (const p of participants) await expect(p.getByRole("timer")).toBeVisible({ timeout: FOLLOW_MS });

  // ── A quiz: with JavaScript the answers go to the lean endpoint too (ADR 047).
  await trainer.getByLabel("Go to step").selectOption(String(quizStep));
  await trainer.getByRole("button", { name: "Go", exact: true }).click();
  for (const p of participants) await expect(p.getByRole("heading", { level: 1 })).toHaveText(steps[quizStep]!.title, { timeout: FOLLOW_MS });
  const anaQuiz = ana.locator(`#${quizId}`);
  const questions = anaQuiz.locator("fieldset.question");
  await expect(questions.first()).toBeVisible({ timeout: FOLLOW_MS }); // the step's code may still be on its way
  for (let q = 0; q < (await questions.count()); q++) await questions.nth(q).locator("input").first().check();
  const quizAnswered = ana.waitForResponse((r) => new URL(r.url()).pathname === `/live/${code}/answer` && r.request().method() === "POST");
  await anaQuiz.getByRole("button", { name: "Send my answers" }).click();
  const quizPost = await quizAnswered;
  expect(quizPost.request().postData()).toContain(`activityId=${quizId}`);
  expect(await quizPost.json()).toEqual({ ok: true });
  await expect(anaQuiz.getByRole("status")).toContainText("Answers sent");
  await expect(trainer.locator(`#${quizId} .live-count`)).toHaveText("1 answer · 3 connected", { timeout: FOLLOW_MS });

  // ── Pairing for the role-play: three people make one trio with an observer.
  await trainer.getByLabel("Go to step").selectOption(String(rolePlayStep));
  await trainer.getByRole("button", { name: "Go", exact: true }).click();
  for (const p of participants) {
    await expect(p.getByRole("heading", { level: 1 })).toHaveText(steps[rolePlayStep]!.title, { timeout: FOLLOW_MS });
    await expect(p.locator(".role-card")).toHaveCount(0); // no cards before pairing
  }
  await trainer.locator(`#${rolePlayId}`).getByRole("button", { name: "Pair participants" }).click();
  const pairs = trainer.locator(`#${rolePlayId} .pairs li`);
  await expect(pairs).toHaveCount(1);
  const roleOf = async (name: string) => (await pairs.locator("span", { hasText: name }).locator(".role-tag").first().textContent())?.trim();
  const names = [newActivist.name, benName, cleoName];
  const roles = await Promise.all(names.map(roleOf));
  expect([...roles].sort()).toEqual(["canvasser", "observer", "resident"]);
  for (const [i, p] of participants.entries()) {
    const role = roles[i]!;
    await expect(p.locator(".my-role")).toContainText(`You are the ${role}`, { timeout: FOLLOW_MS });
    if (role === "observer") {
      await expect(p.locator(".role-card")).toHaveCount(0);
      await expect(p.getByRole("group", { name: /Did they/ })).toBeVisible();
      await checkA11y(p, "observer checklist");
      await p.getByRole("checkbox", { name: "Asked an open question" }).check();
    } else {
      await expect(p.locator(`.role-card--${role}`)).toBeVisible();
      await expect(p.locator(".role-card")).toHaveCount(1);
      if (role === "canvasser") await checkA11y(p, "canvasser's role card");
    }
  }
  const canvasserName = names[roles.indexOf("canvasser")]!;
  await expect(trainer.getByRole("table", { name: "What the observers saw" })).toContainText(canvasserName, { timeout: FOLLOW_MS });
  await checkA11y(trainer, "presenter view with pairs");

  // ── Ending the session records attendance; completions appear on each /me.
  await trainer.getByText("End the session…").click();
  await trainer.getByLabel("Yes, end the session now").check();
  await trainer.getByRole("button", { name: "End session and record attendance" }).click();
  await expect(trainer.getByRole("status").filter({ hasText: "Session ended" })).toContainText("3 of 3 attended");
  await checkA11y(trainer, "presenter view, ended");
  for (const p of participants) {
    await expect(p.getByRole("heading", { level: 1 })).toHaveText("The session has ended", { timeout: FOLLOW_MS });
    await expect(p.getByRole("status").filter({ hasText: "attendance is recorded" })).toBeVisible();
    await expectNoReload(p);
  }
  await checkA11y(ana, "participant view, ended");
  for (const p of participants) {
    await p.goto("/me");
    const completed = p.locator("#complete-heading + ul li", { hasText: module.frontmatter.title });
    await expect(completed).toContainText("in a live session");
  }
  await checkA11y(ben, "my record after a live session");

  // A newcomer chooses their password afterwards.
  await ben.goto("/join/password");
  await checkA11y(ben, "choose a password");
  await ben.getByLabel("New password").fill("a long enough password");
  await ben.getByRole("button", { name: "Save my password" }).click();
  await expect(ben.getByRole("status")).toContainText("Your password is set");

  // The trainer's list of sessions.
  await trainer.goto("/live");
  await expect(trainer.getByRole("row").filter({ hasText: module.frontmatter.title }).first()).toContainText("3 of 3 attended");
  await expect(trainer.getByRole("row").filter({ hasText: module.frontmatter.title }).first()).toContainText("Riverside Branch");
  await checkA11y(trainer, "live sessions list");
});

test("a wrong code gets a clear message, and a participant who reloads is back where the session is", async ({ page, newPage, newActivist }) => {
  test.setTimeout(90_000);
  await signIn(page, newActivist.email, newActivist.password);
  await page.goto("/join");
  await page.getByLabel("Join code").fill("QQQQQQ");
  await page.getByRole("button", { name: "Join", exact: true }).click();
  await expect(page.getByText("No live session has that code")).toBeVisible();
  await checkA11y(page, "join page with an error");

  const trainer = await newPage();
  await signIn(trainer, DEMO.trainer.email, DEMO.trainer.password);
  await trainer.goto(`/live/new?module=${MODULE}`);
  await trainer.getByRole("button", { name: "Start the session" }).click();
  await expect(trainer).toHaveURL(/\/live\/[A-Z]{6}\/present$/);
  const code = /\/live\/([A-Z]{6})\/present$/.exec(trainer.url())![1]!;

  await page.getByLabel("Join code").fill(code);
  await page.getByRole("button", { name: "Join", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/live/${code}$`));
  const module = await loadModule(MODULE);
  // The trainer moves on while the participant's tab is closed; reopening shows the current step.
  await page.goto("/me");
  await trainer.getByRole("button", { name: "Next step →" }).click();
  await trainer.getByRole("button", { name: "Next step →" }).click();
  await expect(trainer.locator(".step-controls__where")).toHaveText(`Step 3 of ${module.manifest.steps.length}`);
  await page.goto(`/live/${code}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(module.manifest.steps[2]!.title);
  // The stream reconnects by itself after the network drops.
  await page.context().setOffline(true);
  await trainer.getByRole("button", { name: "Next step →" }).click();
  await page.context().setOffline(false);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(module.manifest.steps[3]!.title, { timeout: 10_000 });
});

test("without JavaScript, on a phone: a newcomer joins, the page follows the trainer by itself, and a poll answer counts", async ({ browser, baseURL, page: trainer }) => {
  test.setTimeout(90_000);
  const module = await loadModule(MODULE);
  const steps = module.manifest.steps;
  const pollStep = steps.findIndex((s) => s.activityIds.some((id) => module.manifest.activities[id]?.kind === "poll"));
  const poll = module.manifest.activities[steps[pollStep]!.activityIds.find((id) => module.manifest.activities[id]?.kind === "poll")!];
  if (poll?.kind !== "poll") throw new Error("no poll");

  await signIn(trainer, DEMO.trainer.email, DEMO.trainer.password);
  await trainer.goto(`/live/new?module=${MODULE}`);
  await trainer.getByRole("button", { name: "Start the session" }).click();
  await expect(trainer).toHaveURL(/\/live\/[A-Z]{6}\/present$/);
  const code = /\/live\/([A-Z]{6})\/present$/.exec(trainer.url())![1]!;

  const context = await browser.newContext({ baseURL, javaScriptEnabled: false, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  try {
    const phone = await context.newPage();
    await phone.goto("/join");
    await phone.getByLabel("Join code").fill(code);
    await phone.getByRole("button", { name: "Join", exact: true }).click();
    await expect(phone).toHaveURL(new RegExp(`/join/${code}$`));
    await phone.getByLabel("Your name").fill(uniqueName("Noor"));
    await phone.getByLabel("Email").fill(uniqueEmail("nojs"));
    await phone.getByRole("button", { name: "Join the session" }).click();
    await expect(phone).toHaveURL(new RegExp(`/live/${code}$`));
    await expect(phone.getByRole("heading", { level: 1 })).toHaveText(steps[0]!.title);
    const fits = async () => phone.evaluate(() => document.scrollingElement!.scrollWidth <= document.scrollingElement!.clientWidth);
    expect(await fits()).toBe(true); // (axe needs JavaScript: the participant view is checked with it in the first test)

    // The page refreshes itself every 10 seconds, so it reaches the trainer's step alone.
    await trainer.getByLabel("Go to step").selectOption(String(pollStep));
    await trainer.getByRole("button", { name: "Go", exact: true }).click();
    await expect(phone.getByRole("heading", { level: 1 })).toHaveText(steps[pollStep]!.title, { timeout: 15_000 });
    expect(await fits()).toBe(true);

    // A plain form post answers the poll; the presenter's tally counts it.
    const section = phone.locator(`#${poll.id}`);
    await section.getByRole("radio", { name: poll.options[0]!.text }).check();
    await section.getByRole("button", { name: "Answer" }).click();
    await expect(phone.locator(`#${poll.id}`).getByRole("status")).toContainText(`You answered “${poll.options[0]!.text}”`);
    await expect(trainer.locator(`#${poll.id} .live-count`)).toHaveText(/^1 answer · /, { timeout: FOLLOW_MS });
  } finally {
    await context.close();
  }
});
