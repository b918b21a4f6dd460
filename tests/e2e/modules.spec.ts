import { checkA11y, DEMO, expect, signIn, test } from "./fixtures";
import { CORE, completeModule, loadModule, pathToEnding, playFirstReplies, playScenario, publishedSlugs } from "./module-walker";
import { scenariosOf } from "../../app/content/manifest";

/** Modules added after the first six (issue 16 onwards): each has its own test below. */
const ADDED = publishedSlugs().filter((slug) => !CORE.includes(slug));

test.describe("self-paced modules with JavaScript", () => {
  test("an activist takes a module from start to completion: a quiz failed then passed, a scenario to an ending", async ({ newActivist, page }) => {
    // Compiles every published module (no longer six) to compare the catalogue with them.
    test.setTimeout(60_000);
    await signIn(page, newActivist.email, newActivist.password);
    await page.goto("/modules");
    await checkA11y(page, "catalogue");
    const titles = await page.locator(".module-card h2 a").allTextContents();
    const modules = await Promise.all(publishedSlugs().map(loadModule));
    expect(modules.map((m) => m.slug).slice(0, CORE.length)).toEqual(CORE);
    expect(titles).toEqual(modules.map((m) => m.frontmatter.title));
    await expect(page.locator(".module-card", { hasText: modules[0]!.frontmatter.title })).toContainText("Not started");

    const module = modules[0]!;
    let checked = false;
    await completeModule(page, module, {
      failQuizFirst: true,
      onStep: async () => {
        if (checked) return;
        checked = true;
        await checkA11y(page, "step page");
      },
    });
    await checkA11y(page, "module overview, complete");
    await page.goto("/modules");
    await expect(page.locator(".module-card", { hasText: module.frontmatter.title })).toContainText("Complete");
    await page.goto("/me");
    await checkA11y(page, "my record");
    await expect(page.locator("#complete-heading + ul")).toContainText(module.frontmatter.title);
    await expect(page.getByRole("table")).toContainText(module.frontmatter.title);
  });

  test("a quiz with unanswered questions is refused with a message and nothing recorded", async ({ newActivist, page }) => {
    await signIn(page, newActivist.email, newActivist.password);
    const module = await loadModule(CORE[1]!);
    const quizStep = module.manifest.steps.find((s) => s.activityIds.some((id) => module.manifest.activities[id]?.kind === "quiz"))!;
    const quizId = quizStep.activityIds.find((id) => module.manifest.activities[id]?.kind === "quiz")!;
    await page.goto(`/modules/${module.slug}/${quizStep.id}`);
    // Skip the browser's own "required" check to reach the server's.
    await page.locator(`#${quizId} form`).evaluate((form) => form.setAttribute("novalidate", ""));
    await page.locator(`#${quizId}`).getByRole("button", { name: "Check answers" }).click();
    await expect(page.locator(`#${quizId} [role=alert]`)).toContainText("Answer every question");
    await expect(page.locator(`#${quizId} .score`)).toHaveCount(0);
  });

  test("every core module's first scenario can be walked to a good ending", async ({ newActivist, page }) => {
    // Seven modules' conversations, a round trip per reply: longer than one page's 30 s.
    test.setTimeout(170_000);
    await signIn(page, newActivist.email, newActivist.password);
    for (const slug of CORE) {
      const module = await loadModule(slug);
      const scenario = scenariosOf(module.manifest)[0]!;
      expect(pathToEnding(scenario, "good").length).toBeGreaterThan(0);
      await page.goto(`/modules/${slug}/${scenario.stepId}`);
      await playScenario(page, scenario, "good");
    }
    await checkA11y(page, "scenario ending");
  });

  // One test per added module, so `-g <slug>` runs one. Every scenario is walked to a good
  // ending; then a learner who takes the reply written first at every point (the
  // recommended one, in the six modules before issue 15) must not reach a good ending.
  for (const slug of ADDED) {
    test(`${slug}: every scenario reaches a good ending, and taking the first reply every time does not`, async ({ newActivist, page }) => {
      test.setTimeout(90_000);
      await signIn(page, newActivist.email, newActivist.password);
      const module = await loadModule(slug);
      const scenarios = scenariosOf(module.manifest);
      expect(scenarios.length).toBeGreaterThan(0);
      for (const scenario of scenarios) {
        await page.goto(`/modules/${slug}/${scenario.stepId}`);
        await playScenario(page, scenario, "good");
        expect(await playFirstReplies(page, scenario)).not.toBe("good");
      }
      await checkA11y(page, `${slug} scenario ending`);
    });
  }

  test("a trainer previews the draft example module, which uses every component", async ({ page }) => {
    await signIn(page, DEMO.trainer.email, DEMO.trainer.password);
    const module = await loadModule("example");
    await completeModule(page, module, {
      onStep: async (index) => {
        if (index !== module.manifest.steps.length - 1) return;
        await page.locator("#example-poll").getByLabel("Nervous").check();
        await page.locator("#example-poll").getByRole("button", { name: "Answer" }).click();
        await expect(page.locator("#example-poll .poll__tally")).toContainText("Nervous (you)");
        await page.getByLabel("What is one thing you want to try at your next door?").fill("Ask one more follow-up question.");
        await page.locator("#example-reflect").getByRole("button", { name: "Save" }).click();
        await expect(page.locator("#example-reflect")).toContainText("Saved.");
        await expect(page.locator(".role-card")).toHaveCount(2);
        await checkA11y(page, "poll, role-play and reflection");
      },
    });
    await page.goto("/me");
    await expect(page.locator(".reflection")).toContainText("Ask one more follow-up question.");
  });

  test("drafts are hidden from activists", async ({ page }) => {
    await signIn(page, DEMO.activist.email, DEMO.activist.password);
    await page.goto("/modules");
    await expect(page.locator(".module-card", { hasText: "Example module" })).toHaveCount(0);
    const response = await page.goto("/modules/example");
    expect(response?.status()).toBe(404);
  });
});

test.describe("self-paced modules without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the same journey works with plain form posts and links", async ({ newActivist, page }) => {
    await signIn(page, newActivist.email, newActivist.password);
    const module = await loadModule(CORE[2]!);
    await completeModule(page, module, { failQuizFirst: true });
    await page.goto("/me");
    await expect(page.locator("#complete-heading + ul")).toContainText(module.frontmatter.title);
  });
});
