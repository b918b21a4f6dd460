import type { Page } from "@playwright/test";
import type { PollActivity } from "../../app/content/manifest";
import { checkA11y, DEMO, expect, signIn, test } from "./fixtures";
import { answerQuiz, loadModule } from "./module-walker";

// A module's compiled code reaches the browser as a script asset, not as loader data
// (ADR 006). These walk into module content by client-side navigation from pages that had
// not loaded it, on the step pages and on both live pages, and fail on any console error.

/** Every console error and uncaught exception of the page, from now on. */
function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  return errors;
}

/** Marks the document, so a later check can tell it was never reloaded. */
async function markDocument(page: Page) {
  await page.evaluate(() => ((window as unknown as { __marker?: number }).__marker = 1));
}
async function expectSameDocument(page: Page) {
  expect(await page.evaluate(() => (window as unknown as { __marker?: number }).__marker)).toBe(1);
}

/** The content hashes whose code this tab has loaded. */
const loadedCode = (page: Page) => page.evaluate(() => Object.keys((window as unknown as { __doorstepMdx?: object }).__doorstepMdx ?? {}));

const pollOf = (module: Awaited<ReturnType<typeof loadModule>>, stepIndex: number): PollActivity => {
  const id = module.manifest.steps[stepIndex]!.activityIds.find((a) => module.manifest.activities[a]?.kind === "poll");
  const poll = id ? module.manifest.activities[id] : undefined;
  if (poll?.kind !== "poll") throw new Error(`${module.slug}: no poll on step ${stepIndex}`);
  return poll;
};

test("an activist goes from the catalogue into a module and through its steps without a reload; the activities work", async ({ newActivist, page }) => {
  test.setTimeout(90_000);
  const errors = collectErrors(page);
  const module = await loadModule("why-conversations");
  const steps = module.manifest.steps;
  const quizStep = steps.findIndex((s) => s.activityIds.some((id) => module.manifest.activities[id]?.kind === "quiz"));
  const quiz = module.manifest.activities[steps[quizStep]!.activityIds.find((id) => module.manifest.activities[id]?.kind === "quiz")!];
  if (quiz?.kind !== "quiz") throw new Error("no quiz");
  const poll = pollOf(module, 0);

  await signIn(page, newActivist.email, newActivist.password);
  await page.goto("/modules");
  await markDocument(page);
  expect(await loadedCode(page)).toEqual([]);

  await page.locator(".module-card h2 a", { hasText: module.frontmatter.title }).click();
  await expect(page).toHaveURL(new RegExp(`/modules/${module.slug}$`));
  await checkA11y(page, "module overview, not started");
  await page.getByRole("link", { name: "Start", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/modules/${module.slug}/${steps[0]!.id}$`));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(steps[0]!.title);
  // A step page loads its own step's code, not the whole module's (app/content/step-code.server.ts).
  const stepKey = (index: number) => `${module.hash}.${steps[index]!.id}`;
  expect(await loadedCode(page)).toEqual([stepKey(0)]);

  // The step's poll is live React, not just server HTML: answering shows the tally.
  const pollSection = page.locator(`#${poll.id}`);
  await pollSection.getByRole("radio", { name: poll.options[0]!.text }).check();
  await pollSection.getByRole("button", { name: "Answer" }).click();
  await expect(pollSection.locator(".poll__tally")).toContainText(`${poll.options[0]!.text} (you)`);

  for (let index = 1; index <= quizStep; index++) {
    await page.getByRole("link", { name: /^Next:/ }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(steps[index]!.title);
  }
  await answerQuiz(page, quiz, "right");
  await expectSameDocument(page);
  expect((await loadedCode(page)).sort()).toEqual(Array.from({ length: quizStep + 1 }, (_, i) => stepKey(i)).sort());
  expect(errors).toEqual([]);
});

test("a trainer and a participant reach the live pages by client-side navigation, and both work without a console error", async ({ page: trainer, newPage, newActivist }) => {
  test.setTimeout(90_000);
  const module = await loadModule("conversation-to-action");
  const steps = module.manifest.steps;
  const pollStep = steps.findIndex((s) => s.activityIds.some((id) => module.manifest.activities[id]?.kind === "poll"));
  const poll = pollOf(module, pollStep);

  const trainerErrors = collectErrors(trainer);
  await signIn(trainer, DEMO.trainer.email, DEMO.trainer.password);
  await trainer.goto(`/modules/${module.slug}`);
  await markDocument(trainer);
  await trainer.getByRole("link", { name: "Run this live" }).click();
  await trainer.getByRole("button", { name: "Start the session" }).click();
  await expect(trainer).toHaveURL(/\/live\/[A-Z]{6}\/present$/);
  const code = /\/live\/([A-Z]{6})\/present$/.exec(trainer.url())![1]!;
  await expect(trainer.getByRole("heading", { level: 1 })).toHaveText(steps[0]!.title);
  expect(await loadedCode(trainer)).toEqual([module.hash]);

  const participant = await newPage();
  const participantErrors = collectErrors(participant);
  await signIn(participant, newActivist.email, newActivist.password);
  await markDocument(participant);
  await participant.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Join" }).click();
  await participant.getByLabel("Join code").fill(code);
  await participant.getByRole("button", { name: "Join", exact: true }).click();
  await expect(participant).toHaveURL(new RegExp(`/live/${code}$`));
  await expect(participant.getByRole("heading", { level: 1 })).toHaveText(steps[0]!.title);
  await expect(participant.locator(".live-bar__connection")).toContainText("Live");
  // The participant loads the current step's code only (ADR 036), the next when the trainer moves on.
  expect(await loadedCode(participant)).toEqual([`${module.hash}.${steps[0]!.id}`]);

  if (pollStep > 0) {
    await trainer.getByLabel("Go to step").selectOption(String(pollStep));
    await trainer.getByRole("button", { name: "Go", exact: true }).click();
    await expect(participant.getByRole("heading", { level: 1 })).toHaveText(steps[pollStep]!.title);
    await expect.poll(() => loadedCode(participant)).toEqual([`${module.hash}.${steps[0]!.id}`, `${module.hash}.${steps[pollStep]!.id}`]);
  }
  const section = participant.locator(`#${poll.id}`);
  await section.getByRole("radio", { name: poll.options[0]!.text }).check();
  await section.getByRole("button", { name: "Answer" }).click();
  await expect(section.getByRole("status")).toContainText(`You answered “${poll.options[0]!.text}”`);
  await expect(trainer.locator(`#${poll.id} .live-count`)).toHaveText(/^1 answer · /);

  await expectSameDocument(trainer);
  await expectSameDocument(participant);
  expect(trainerErrors).toEqual([]);
  expect(participantErrors).toEqual([]);
});

test("a live session of a draft module works for its participants, who alone (with trainers) may fetch its code", async ({ page: trainer, newPage, newActivist }) => {
  test.setTimeout(90_000);
  const module = await loadModule("example");
  expect(module.frontmatter.draft).toBe(true);
  const steps = module.manifest.steps;
  const pollStep = steps.findIndex((s) => s.activityIds.includes("example-poll"));

  const trainerErrors = collectErrors(trainer);
  await signIn(trainer, DEMO.trainer.email, DEMO.trainer.password);
  await trainer.goto(`/live/new?module=${module.slug}`);
  await trainer.getByRole("button", { name: "Start the session" }).click();
  await expect(trainer).toHaveURL(/\/live\/[A-Z]{6}\/present$/);
  const code = /\/live\/([A-Z]{6})\/present$/.exec(trainer.url())![1]!;
  await expect(trainer.getByRole("heading", { level: 1 })).toHaveText(steps[0]!.title);
  expect(await loadedCode(trainer)).toEqual([module.hash]);
  const codePath = `/modules/${module.slug}/code/${module.hash}.js`;

  const participant = await newPage();
  const participantErrors = collectErrors(participant);
  await signIn(participant, newActivist.email, newActivist.password);
  // Not in the session yet: a draft's code is not for activists.
  expect((await participant.request.get(codePath)).status()).toBe(404);

  await participant.goto("/join");
  await markDocument(participant);
  await participant.getByLabel("Join code").fill(code);
  await participant.getByRole("button", { name: "Join", exact: true }).click();
  await expect(participant).toHaveURL(new RegExp(`/live/${code}$`));
  await expect(participant.getByRole("heading", { level: 1 })).toHaveText(steps[0]!.title);
  await expectSameDocument(participant);
  const response = await participant.request.get(codePath);
  expect(response.status()).toBe(200);
  expect(response.headers()["cache-control"]).toMatch(/^private, /);

  // A full load takes the code from the page's own script tag.
  await participant.reload();
  await expect(participant.locator(".live-bar__connection")).toContainText("Live");
  await trainer.getByLabel("Go to step").selectOption(String(pollStep));
  await trainer.getByRole("button", { name: "Go", exact: true }).click();
  await expect(participant.getByRole("heading", { level: 1 })).toHaveText(steps[pollStep]!.title);
  const section = participant.locator("#example-poll");
  await section.getByLabel("Nervous").check();
  await section.getByRole("button", { name: "Answer" }).click();
  await expect(section.getByRole("status")).toContainText("You answered “Nervous”");
  await expect(trainer.locator("#example-poll .live-count")).toHaveText(/^1 answer · /);
  await checkA11y(participant, "participant view of the draft example module");
  await checkA11y(trainer, "presenter view of the draft example module");

  expect(trainerErrors).toEqual([]);
  expect(participantErrors).toEqual([]);
});
