import type { Page } from "@playwright/test";
import { checkA11y, expect, signIn, signOut, test } from "./fixtures";
import { loadModule } from "./module-walker";

// Modules that keep working offline (issue 18 part 5, ADR 035): a learner on a phone saves a
// module, loses the signal, keeps going through its steps and answers a quiz; the answer
// waits, then arrives once when the signal is back.

test.use({ viewport: { width: 390, height: 844 } });

/** Saves the module from its overview and waits until the service worker controls the page. */
async function saveModule(page: Page, slug: string, steps: number) {
  await page.goto(`/modules/${slug}`);
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await page.getByRole("button", { name: "Save for offline" }).click();
  await expect(page.getByText(`Saved: all ${steps} steps work on this device with no signal.`)).toBeVisible({ timeout: 20_000 });
}

test("a learner completes a step offline on a phone; the answer is stored once on reconnecting", async ({ page, context, newActivist }) => {
  test.setTimeout(90_000);
  const module = await loadModule("why-conversations");
  const steps = module.manifest.steps;
  const quizStep = steps.findIndex((s) => s.activityIds.some((id) => module.manifest.activities[id]?.kind === "quiz"));
  const quiz = module.manifest.activities[steps[quizStep]!.activityIds.find((id) => module.manifest.activities[id]?.kind === "quiz")!];
  if (quiz?.kind !== "quiz" || quizStep < 1) throw new Error("no quiz after the first step");

  await signIn(page, newActivist.email, newActivist.password);
  await saveModule(page, module.slug, steps.length);
  await page.goto(`/modules/${module.slug}/${steps[quizStep - 1]!.id}`);
  await expect(page.evaluate(() => navigator.serviceWorker.controller !== null)).resolves.toBe(true);

  await context.setOffline(true);
  const notice = page.getByTestId("offline-notice");
  await expect(notice).toContainText("You're offline");
  // Remix's route discovery asks /__manifest for whichever links rendered, so the exact address
  // depends on timing (a CI run asked one nobody had kept, and the step failed to open): offline,
  // the worker answers any such address from what it kept, or with no new routes.
  const discovery = await page.evaluate(async () => {
    const version = (window as unknown as { __remixManifest?: { version?: string } }).__remixManifest?.version ?? "";
    const res = await fetch(`/__manifest?p=${encodeURIComponent("/modules/never-linked-before")}&version=${encodeURIComponent(version)}`);
    return { status: res.status, type: res.headers.get("Content-Type") ?? "" };
  });
  expect(discovery.status).toBe(200);
  expect(discovery.type).toContain("application/json");
  await page.getByRole("link", { name: /^Next:/ }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(steps[quizStep]!.title);

  const section = page.locator(`#${quiz.id}`);
  for (const question of quiz.questions) {
    for (const option of question.options.filter((o) => o.correct)) await section.locator(`input[name="answer.${question.id}"][value="${option.id}"]`).check();
  }
  await section.getByRole("button", { name: "Check answers" }).click();
  await expect(notice).toHaveText("You're offline: 1 answer will be sent when you're back online.");
  await checkA11y(page, "step with an answer waiting offline");
  // Still waiting after a reload from the cache: the queue outlives the page.
  await page.reload();
  await expect(page.getByTestId("offline-notice")).toHaveText("You're offline: 1 answer will be sent when you're back online.");

  await context.setOffline(false);
  await expect(page.getByTestId("offline-notice")).toHaveText("Back online: 1 answer given offline was sent.");
  await expect(section.locator(".score")).toContainText("Passed");

  // Once, not twice: a fresh page (which would send anything still queued) shows a single attempt.
  await page.reload();
  await expect(section.locator(".score")).toContainText("Passed");
  await expect(section).not.toContainText("attempts");
  await expect(page.getByTestId("offline-notice")).toHaveText("");
  expect(await page.evaluate(() => localStorage.getItem("doorstep:offline-answers"))).toBeNull();
});

test("a saved module opens step by step with no signal, and signing out empties the offline cache", async ({ page, context, newActivist }) => {
  test.setTimeout(90_000);
  const module = await loadModule("conversation-shape");
  const steps = module.manifest.steps;

  await signIn(page, newActivist.email, newActivist.password);
  await saveModule(page, module.slug, steps.length);
  await checkA11y(page, "module overview, saved for offline");
  // Saving ahead is not reading: no step counts as seen.
  await page.reload();
  await expect(page.getByRole("link", { name: "Start", exact: true })).toBeVisible();

  await context.setOffline(true);
  await page.getByRole("link", { name: "Start", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(steps[0]!.title);
  for (let index = 1; index < steps.length; index++) {
    await page.getByRole("link", { name: /^Next:/ }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(steps[index]!.title);
  }
  // A full page load of a saved step works too (the service worker answers the navigation).
  await page.goto(`/modules/${module.slug}/${steps[1]!.id}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(steps[1]!.title);

  await context.setOffline(false);
  await page.goto(`/modules/${module.slug}`);
  // On a phone, Sign out is in the header's Menu.
  await page.locator("summary.site-menu__button").click();
  await signOut(page);
  await expect.poll(() => page.evaluate(async () => (await caches.keys()).length)).toBe(0);
});

test("the step a learner started on, before the worker existed, is kept with its scripts and works offline (no Save)", async ({ page, context, newActivist }) => {
  test.setTimeout(90_000);
  const module = await loadModule("conversation-shape");
  const step = module.manifest.steps[1]!;
  const path = `/modules/${module.slug}/${step.id}`;
  await signIn(page, newActivist.email, newActivist.password);
  // Straight to a step: the first module page this fresh browser context opens, so no worker
  // controlled its load (the worker registers from it, then claims it).
  await page.goto(path);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(step.title);
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  // Kept in the background: the page and every script it loaded.
  await expect
    .poll(() =>
      page.evaluate(async (p) => {
        const cache = await caches.open("doorstep-offline-v1");
        const scripts = performance.getEntriesByType("resource").filter((e) => new URL(e.name).pathname.startsWith("/build/"));
        const kept = await Promise.all([p, ...scripts.map((e) => new URL(e.name).pathname)].map((u) => cache.match(u)));
        return kept.every(Boolean);
      }, path),
    )
    .toBe(true);

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(step.title);
  // Hydrated from kept scripts: the offline notice is the page's JavaScript speaking.
  await expect(page.getByTestId("offline-notice")).toContainText("You're offline");
  await context.setOffline(false);
});

test("a learner who comes in from the home page gets the worker on the module's first page, without a full load", async ({ page, context, newActivist }) => {
  test.setTimeout(90_000);
  await signIn(page, newActivist.email, newActivist.password);
  await page.goto("/");
  expect(await page.evaluate(() => navigator.serviceWorker.getRegistrations().then((r) => r.length))).toBe(0);
  // The home page's first link into a module is a client-side navigation (no document load).
  const documents = () => page.evaluate(() => performance.getEntriesByType("navigation").length);
  const loads = await documents();
  const home = (await page.getByRole("heading", { level: 1 }).textContent()) ?? "";
  await page.getByRole("link", { name: /^Start here: / }).click();
  await expect(page).toHaveURL(/\/modules\/[^/]+\/[^/]+$/);
  await expect(page.getByRole("heading", { level: 1 })).not.toHaveText(home);
  const heading = (await page.getByRole("heading", { level: 1 }).textContent()) ?? "";
  expect(await documents()).toBe(loads);
  // (Not serviceWorker.ready: it follows the tab's first address, "/", outside the scope.)
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.getRegistration("/modules/").then((r) => r?.active?.state ?? "none"))).toBe("activated");
  const path = new URL(page.url()).pathname;
  // This page, reached without a page load, is kept like the first page of a full load.
  await expect.poll(() => page.evaluate((p) => caches.open("doorstep-offline-v1").then((c) => c.match(p)).then(Boolean), path)).toBe(true);

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(heading);
  await expect(page.getByTestId("offline-notice")).toContainText("You're offline");
  await context.setOffline(false);
});

test("offline, a practice conversation says it needs a signal and waits; back online it plays", async ({ page, context, newActivist }) => {
  test.setTimeout(90_000);
  const module = await loadModule("why-conversations");
  const steps = module.manifest.steps;
  const scenarioStep = steps.find((s) => s.activityIds.some((id) => module.manifest.activities[id]?.kind === "scenario"));
  if (!scenarioStep) throw new Error("no scenario in why-conversations");
  const scenarioId = scenarioStep.activityIds.find((id) => module.manifest.activities[id]?.kind === "scenario")!;

  await signIn(page, newActivist.email, newActivist.password);
  await saveModule(page, module.slug, steps.length);
  await context.setOffline(true);
  await page.goto(`/modules/${module.slug}/${scenarioStep.id}`);
  const scenario = page.locator(`#${scenarioId}`);
  const knock = scenario.getByRole("button", { name: "Knock on the door" });
  await expect(scenario.getByRole("status")).toContainText("This practice conversation needs a signal");
  await expect(knock).toBeDisabled();
  await checkA11y(page, "scenario offline");
  // Nothing was queued for it: the notice counts no answer waiting.
  await expect(page.getByTestId("offline-notice")).toContainText("You're offline");
  await expect(page.getByTestId("offline-notice")).not.toContainText(/\d+ answers? will be sent/);

  await context.setOffline(false);
  await expect(knock).toBeEnabled();
  await expect(scenario.getByRole("status")).toHaveCount(0);
  await knock.click();
  await expect(scenario.getByText("What do you say?")).toBeVisible();
});
