import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, type Page } from "@playwright/test";
import matter from "gray-matter";
import { compileModuleSource } from "../../app/content/compile.server";
import type { CompiledModule, QuizActivity, ScenarioActivity } from "../../app/content/manifest";

/** The module as the server sees it, so the walker knows right answers and endings. */
export async function loadModule(slug: string): Promise<CompiledModule> {
  const source = readFileSync(path.resolve("content/modules", slug, "index.mdx"), "utf8");
  const result = await compileModuleSource(slug, source);
  if (!result.ok) throw new Error(`${slug} does not compile: ${JSON.stringify(result.problems)}`);
  return result.module;
}

/** The six modules of the first edition, which several specs walk by name. */
export const CORE = ["why-conversations", "conversation-shape", "listening-questions", "telling-your-story", "hard-moments", "conversation-to-action"];

/**
 * Every module a learner sees in the catalogue, in catalogue order, read from the content
 * folder (synchronously, so specs can declare one test per module and `-g <slug>` picks one).
 */
export function publishedSlugs(): string[] {
  const root = path.resolve("content/modules");
  return readdirSync(root)
    .filter((slug) => existsSync(path.join(root, slug, "index.mdx")))
    .map((slug) => ({ slug, data: matter(readFileSync(path.join(root, slug, "index.mdx"), "utf8")).data as { order?: number; draft?: boolean; variant?: unknown } }))
    // A variant is not in the catalogue (ADR 039): learners reach it only through an evaluation.
    .filter((m) => m.data.draft !== true && m.data.variant === undefined)
    .sort((a, b) => (a.data.order ?? 0) - (b.data.order ?? 0))
    .map((m) => m.slug);
}

/** Choice indices from the start to the nearest ending with this outcome (breadth first). */
export function pathToEnding(scenario: ScenarioActivity, outcome: "good" | "mixed" | "lost" = "good"): number[] {
  const queue: { node: string; path: number[] }[] = [{ node: scenario.start, path: [] }];
  const seen = new Set([scenario.start]);
  while (queue.length) {
    const { node, path: sofar } = queue.shift()!;
    const current = scenario.nodes[node];
    if (current?.kind === "ending" && current.outcome === outcome) return sofar;
    if (current?.kind !== "resident") continue;
    for (const choice of current.choices) {
      if (seen.has(choice.to)) continue;
      seen.add(choice.to);
      queue.push({ node: choice.to, path: [...sofar, choice.index] });
    }
  }
  throw new Error(`scenario ${scenario.id} has no ${outcome} ending`);
}

export async function answerQuiz(page: Page, quiz: QuizActivity, how: "right" | "wrong") {
  const section = page.locator(`#${quiz.id}`);
  for (const question of quiz.questions) {
    const picks =
      how === "right" ? question.options.filter((o) => o.correct) : [question.options.find((o) => !o.correct) ?? question.options[0]!];
    for (const option of picks) await section.locator(`input[name="answer.${question.id}"][value="${option.id}"]`).check();
  }
  await section.getByRole("button", { name: "Check answers" }).click();
  await expect(section.locator(".score")).toContainText(how === "right" ? "Passed" : "Not yet");
}

export async function playScenario(page: Page, scenario: ScenarioActivity, outcome: "good" | "mixed" | "lost" = "good") {
  const section = page.locator(`#${scenario.id}`);
  const replay = section.getByRole("button", { name: "Play it again" });
  if (await replay.isVisible()) await replay.click();
  else await section.getByRole("button", { name: "Knock on the door" }).click();
  let node = scenario.nodes[scenario.start]!;
  for (const index of pathToEnding(scenario, outcome)) {
    if (node.kind !== "resident") throw new Error("walked past an ending");
    await expect(section.locator(".line--current")).toContainText(node.says.slice(0, 30));
    // By the reply's index in the scenario (the button's value), not its place on screen:
    // each learner sees the replies in their own order.
    await section.locator(`.choice-button[value="${index}"]`).click();
    node = scenario.nodes[node.choices[index]!.to]!;
  }
  await expect(section.locator(`.ending--${outcome}`)).toBeVisible();
  if (node.kind === "ending") await expect(section.locator(".ending h3")).toHaveText(node.title);
}

/**
 * Replay a scenario taking the reply the author wrote first at every point (by its index,
 * wherever the learner's own order shows it). Returns the ending's outcome.
 */
export async function playFirstReplies(page: Page, scenario: ScenarioActivity): Promise<"good" | "mixed" | "lost"> {
  const section = page.locator(`#${scenario.id}`);
  const replay = section.getByRole("button", { name: "Play it again" });
  if (await replay.isVisible()) await replay.click();
  else await section.getByRole("button", { name: "Knock on the door" }).click();
  let node = scenario.nodes[scenario.start]!;
  while (node.kind === "resident") {
    await expect(section.locator(".line--current")).toContainText(node.says.slice(0, 30));
    const first = node.choices[0]!;
    await section.locator(`.choice-button[value="${first.index}"]`).click();
    node = scenario.nodes[first.to]!;
  }
  await expect(section.locator(`.ending--${node.outcome}`)).toBeVisible();
  await expect(section.locator(".ending h3")).toHaveText(node.title);
  return node.outcome;
}

/** Take a module from its overview to "complete": every step, every quiz, every scenario. */
export async function completeModule(
  page: Page,
  module: CompiledModule,
  options: { failQuizFirst?: boolean; onStep?: (stepIndex: number) => Promise<void>; fromFirstStep?: boolean } = {},
) {
  // fromFirstStep: a module already begun, walked again from its start (Resume would skip ahead).
  if (options.fromFirstStep) await page.goto(`/modules/${module.slug}/${module.manifest.steps[0]!.id}`);
  else {
    await page.goto(`/modules/${module.slug}`);
    await page.getByRole("link", { name: /^(Start|Resume|Go through it again)$/ }).click();
  }
  for (const [index, step] of module.manifest.steps.entries()) {
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(step.title);
    for (const id of step.activityIds) {
      const activity = module.manifest.activities[id]!;
      if (activity.kind === "quiz") {
        if (options.failQuizFirst) {
          await answerQuiz(page, activity, "wrong");
          await page.locator(`#${activity.id}`).getByRole("link", { name: "Try again" }).click();
        }
        await answerQuiz(page, activity, "right");
      } else if (activity.kind === "scenario") {
        await playScenario(page, activity, "good");
      }
    }
    await options.onStep?.(index);
    const next = index + 1 < module.manifest.steps.length ? page.getByRole("link", { name: /^Next:/ }) : page.getByRole("link", { name: "Finish" });
    await next.click();
  }
  await expect(page.getByRole("status").filter({ hasText: "Complete" })).toBeVisible();
}
