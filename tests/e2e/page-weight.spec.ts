import { readdirSync, readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import type { Browser, Page } from "@playwright/test";
import { DEMO, expect, signIn, test } from "./fixtures";
import { loadModule } from "./module-walker";

// Issue 18 part 6: every learner page at most 100 kB of gzipped JavaScript on a 390 px
// phone, with no page error or console error (a hydration mismatch is both). The same
// pages as `npm run bench -- --only=client-js` (bench/client-js.bench.js), which adds the
// throttled first-load times; this spec is the guard that fails when a change adds weight.

const LIMIT = 100 * 1024;
const ACTIVITY_TAGS: Record<string, string> = { Poll: "poll", Quiz: "quiz", Reflect: "reflect", RolePlay: "roleplay", Scenario: "scenario", Record: "record" };

/** One step per activity kind, and one reading-only step, from the shipped modules (as the bench picks them). */
function stepPerKind(): { kind: string; slug: string; step: string }[] {
  const dir = path.resolve("content/modules");
  const found = new Map<string, { kind: string; slug: string; step: string }>();
  for (const slug of readdirSync(dir).sort()) {
    const file = path.join(dir, slug, "index.mdx");
    if (slug === "example" || !existsSync(file)) continue;
    for (const block of readFileSync(file, "utf8").split(/^<Step id="/m).slice(1)) {
      const step = block.slice(0, block.indexOf('"'));
      const kind = [...block.matchAll(/^<([A-Z][A-Za-z]*) id=/gm)].map((m) => ACTIVITY_TAGS[m[1]!]).find(Boolean) ?? "reading";
      if (!found.has(kind)) found.set(kind, { kind, slug, step });
    }
  }
  return [...found.values()].sort((a, b) => a.kind.localeCompare(b.kind));
}

/**
 * A phone-sized page that records every script it loads and every error. Service workers
 * are blocked: the offline worker (ADR 035) re-fetches the page's assets into its cache,
 * which is not what the page itself needs to run.
 */
async function phonePage(browser: Browser, baseURL: string | undefined) {
  const context = await browser.newContext({ baseURL, viewport: { width: 390, height: 844 }, serviceWorkers: "block" });
  const page = await context.newPage();
  // null: the body was gone before it was read (the page navigated away, e.g. a reload after
  // the trainer moved on); a measured load reads its bodies before any navigation, and
  // scriptWeight fails if one is missing there.
  const scripts = new Map<string, Promise<Buffer | null>>();
  const errors: string[] = [];
  page.on("response", (response) => {
    const url = new URL(response.url());
    if (response.request().resourceType() !== "script" && !url.pathname.endsWith(".js")) return;
    if (!scripts.has(url.pathname)) scripts.set(url.pathname, response.body().catch(() => null));
  });
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  return { page, context, scripts, errors };
}

type Phone = Awaited<ReturnType<typeof phonePage>>;

/** Every script loaded since the last call, gzipped one by one (the server may not compress them), in bytes. */
async function scriptWeight(phone: Phone): Promise<{ count: number; gzipped: number; each: [string, number][] }> {
  await phone.page.waitForLoadState("networkidle");
  const bodies = await Promise.all(phone.scripts.values());
  expect(bodies.filter((body) => body === null), "every script's body could be read").toEqual([]);
  const each = [...phone.scripts.keys()].map((url, i) => [url, gzipSync(bodies[i]!).length] as [string, number]);
  const gzipped = each.reduce((sum, [, bytes]) => sum + bytes, 0);
  const count = phone.scripts.size;
  phone.scripts.clear();
  return { count, gzipped, each };
}

async function expectLight(phone: Phone, label: string) {
  // Offline support comes in its own script after hydration on every page but live sessions
  // (ADR 036): waited for, so it is counted; on a live page, checked absent once the network is idle.
  const notice = phone.page.getByTestId("offline-notice");
  const live = label.startsWith("/live/");
  if (!live) await expect(notice).toHaveAttribute("data-support", "loaded");
  const { count, gzipped, each } = await scriptWeight(phone);
  if (live) await expect(notice).not.toHaveAttribute("data-support", "loaded");
  // Printed, so a failure says by how much and a pass shows the headroom.
  console.log(`${label}: ${count} scripts, ${(gzipped / 1024).toFixed(1)} kB gzipped (${gzipped} bytes)`);
  // PAGE_WEIGHT_SCRIPTS=1: each script too, largest first, to see where a page's weight is.
  if (process.env.PAGE_WEIGHT_SCRIPTS) for (const [url, bytes] of each.sort((a, b) => b[1] - a[1])) console.log(`  ${String(bytes).padStart(6)} ${url}`);
  expect.soft(gzipped, `${label}: ${(gzipped / 1024).toFixed(1)} kB of gzipped JavaScript`).toBeLessThanOrEqual(LIMIT);
  expect.soft(phone.errors, `${label}: errors`).toEqual([]);
  phone.errors.length = 0;
}

/** A fresh signed-in phone for each page, so no script is served from an earlier page's cache. */
async function signedInPhone(browser: Browser, baseURL: string | undefined, who: { email: string; password: string }) {
  const phone = await phonePage(browser, baseURL);
  await signIn(phone.page, who.email, who.password);
  return phone;
}

async function cold(browser: Browser, baseURL: string | undefined, url: string, label: string, who?: { email: string; password: string }) {
  const phone = who ? await signedInPhone(browser, baseURL, who) : await phonePage(browser, baseURL);
  // A new context for the measured load itself, with the signed-in cookies: a cold cache.
  const cookies = await phone.context.cookies();
  await phone.context.close();
  const fresh = await phonePage(browser, baseURL);
  await fresh.context.addCookies(cookies);
  const response = await fresh.page.goto(url);
  expect(response?.status(), `${label} answers 200`).toBe(200);
  await expectLight(fresh, label);
  return fresh;
}

async function startLive(trainer: Page, slug: string): Promise<string> {
  await trainer.goto(`/live/new?module=${slug}`);
  await trainer.getByRole("button", { name: "Start the session" }).click();
  await expect(trainer).toHaveURL(/\/live\/[A-Z]{6}\/present$/);
  return /\/live\/([A-Z]{6})\/present$/.exec(trainer.url())![1]!;
}

test("every learner page loads at most 100 kB of gzipped JavaScript at 390 px, without an error", async ({ browser, baseURL }) => {
  test.setTimeout(180_000);
  const steps = stepPerKind();
  expect(steps.map((s) => s.kind)).toEqual(["poll", "quiz", "reading", "record", "reflect", "roleplay", "scenario"]);

  await (await cold(browser, baseURL, "/login", "/login (signed out)")).context.close();
  for (const [url, label] of [
    ["/", "/ (home)"],
    ["/modules", "/modules"],
    [`/modules/${steps[0]!.slug}`, "/modules/<module>"],
    ...steps.map((s) => [`/modules/${s.slug}/${s.step}`, `step with ${s.kind}`]),
    ["/join", "/join"],
  ] as const) {
    await (await cold(browser, baseURL, url, label, DEMO.activist)).context.close();
  }
});

test("the live participant page stays light and error-free: first load, reload, the trainer moving on (a draft module too)", async ({ browser, baseURL, page: trainer }) => {
  test.setTimeout(180_000);
  await signIn(trainer, DEMO.trainer.email, DEMO.trainer.password);
  for (const slug of [stepPerKind().find((s) => s.kind === "poll")!.slug, "example"]) {
    const module = await loadModule(slug);
    const code = await startLive(trainer, slug);
    const phone = await signedInPhone(browser, baseURL, DEMO.activist);
    await phone.page.goto("/join");
    await phone.page.getByLabel("Join code").fill(code);
    await phone.page.getByRole("button", { name: "Join", exact: true }).click();
    await expect(phone.page).toHaveURL(new RegExp(`/live/${code}$`));
    await phone.context.close();

    const participant = await cold(browser, baseURL, `/live/${code}`, `/live/<code> (${slug})`, DEMO.activist);
    await expect(participant.page.locator(".live-bar__connection")).toContainText("Live");
    // A reload of a running session (the lost attempt's hydration error #418 was here, on a draft).
    await participant.page.reload();
    await expect(participant.page.locator(".live-bar__connection")).toContainText("Live");
    await expectLight(participant, `/live/<code> (${slug}) after a reload`);
    // The trainer moves on: the participant loads that step's code without a page load.
    for (const index of [1, 2]) {
      await trainer.getByLabel("Go to step").selectOption(String(index));
      await trainer.getByRole("button", { name: "Go", exact: true }).click();
      await expect(participant.page.getByRole("heading", { level: 1 })).toHaveText(module.manifest.steps[index]!.title);
    }
    await participant.page.reload();
    await expect(participant.page.getByRole("heading", { level: 1 })).toHaveText(module.manifest.steps[2]!.title);
    expect(participant.errors).toEqual([]);
    await participant.context.close();
  }
});

test("client-side navigation between steps raises no error", async ({ browser, baseURL }) => {
  test.setTimeout(90_000);
  const module = await loadModule("after-the-door");
  const phone = await signedInPhone(browser, baseURL, DEMO.activist);
  await phone.page.goto(`/modules/${module.slug}/${module.manifest.steps[0]!.id}`);
  for (const step of module.manifest.steps.slice(1)) {
    await phone.page.getByRole("link", { name: /^Next:/ }).click();
    await expect(phone.page.getByRole("heading", { level: 1 })).toHaveText(step.title);
  }
  expect(phone.errors).toEqual([]);
  await phone.context.close();
});
