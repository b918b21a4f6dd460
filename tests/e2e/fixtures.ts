import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { type Browser, type BrowserContext, type ConsoleMessage, type Locator, type Page, test as base, expect } from "@playwright/test";

const require = createRequire(import.meta.url);
// Evaluated, not added as a <script> tag: the pages' CSP refuses inline scripts without
// the document's nonce (DevTools evaluation is not subject to it).
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/** Seeded on the first start of the embedded database (app/demo/seed.server.ts). */
export const DEMO_PASSWORD = "doorstep-demo";
export const DEMO = {
  admin: { email: "admin@doorstep.test", name: "Ada Admin", password: DEMO_PASSWORD },
  organiser: { email: "organiser@doorstep.test", name: "Olu Organiser", password: DEMO_PASSWORD },
  trainer: { email: "trainer@doorstep.test", name: "Tess Trainer", password: DEMO_PASSWORD },
  activist: { email: "activist@doorstep.test", name: "Avi Activist", password: DEMO_PASSWORD },
} as const;
export type DemoRole = keyof typeof DEMO;

let counter = 0;
/** A token no other test (or earlier run against the same database) has used. */
export function uniqueSuffix(): string {
  counter += 1;
  return `${Date.now().toString(36)}${process.pid.toString(36)}${counter}`;
}
export const uniqueEmail = (prefix = "e2e") => `${prefix}-${uniqueSuffix()}@example.test`;
export const uniqueName = (prefix: string) => `${prefix} ${uniqueSuffix()}`;

interface AxeNode {
  target: unknown[];
  html: string;
  failureSummary?: string;
}
interface AxeViolation {
  id: string;
  impact?: string | null;
  help: string;
  helpUrl: string;
  nodes: AxeNode[];
}
declare global {
  interface Window {
    axe?: { run: (context: Document, options: object) => Promise<{ violations: AxeViolation[] }> };
  }
}

/**
 * Run axe-core on the page as it is now and fail on serious or critical violations,
 * listing each rule, its help text and the offending nodes.
 */
export async function checkA11y(page: Page, label?: string): Promise<void> {
  await page.waitForLoadState("load");
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const result = await window.axe!.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target, html: n.html, failureSummary: n.failureSummary })),
    }));
  });
  const blocking = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  // E2E_A11Y_ALL=1 also lists the moderate and minor findings (they never fail a test).
  if (process.env.E2E_A11Y_ALL) {
    for (const v of violations.filter((x) => !blocking.includes(x))) {
      console.log(`a11y [${v.impact}] ${label ?? page.url()}: ${v.id}: ${v.help} at ${v.nodes.map((n) => JSON.stringify(n.target)).join(", ")}`);
    }
  }
  const report = blocking
    .map(
      (v) =>
        `[${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n` +
        v.nodes.map((n) => `    at ${JSON.stringify(n.target)}: ${n.html}\n      ${(n.failureSummary ?? "").replace(/\n/g, "\n      ")}`).join("\n"),
    )
    .join("\n");
  expect(blocking, `Accessibility violations on ${label ?? page.url()}:\n${report}`).toEqual([]);
}

/**
 * Fail if the page scrolls sideways, naming the outermost elements that stick out (those
 * not inside a box that scrolls or clips them, such as a table's own .table-wrap). `soft`
 * lets a test that walks many pages report every page that does not fit.
 */
export async function expectNoHorizontalScroll(page: Page, label: string, options: { soft?: boolean } = {}): Promise<void> {
  const { scrollWidth, clientWidth, wide } = await page.evaluate(() => {
    const root = document.scrollingElement!;
    const wide: string[] = [];
    for (const el of Array.from(document.body.querySelectorAll<HTMLElement>("*"))) {
      if (wide.length >= 5) break;
      // Text wider than its box (a long word) sticks out without the box doing so.
      const textOverflows = el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === "visible" && el.getBoundingClientRect().left + el.scrollWidth > root.clientWidth + 0.5;
      if (el.getBoundingClientRect().right <= root.clientWidth + 0.5 && !textOverflows) continue;
      let clipped = false;
      for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
        if (getComputedStyle(up).overflowX !== "visible") clipped = true;
      }
      if (!clipped) wide.push(`${el.tagName.toLowerCase()}${el.className ? `.${String(el.className).replace(/ /g, ".")}` : ""} (right edge ${Math.round(el.getBoundingClientRect().right)}px)`);
    }
    return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, wide };
  });
  (options.soft ? expect.soft : expect)(scrollWidth, `${label}: page is ${scrollWidth}px wide in a ${clientWidth}px viewport; sticking out: ${wide.join(", ") || "?"}`).toBeLessThanOrEqual(clientWidth);
}

/**
 * No word in `scope`'s text is split over two lines (a group name shown as "Eastfie|ld"):
 * each word's own box is one line. The table may scroll sideways in its region instead.
 */
export async function expectWordsWhole(scope: Locator, label: string) {
  const split = await scope.evaluate((root) => {
    const found: string[] = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node && found.length < 5; node = walker.nextNode()) {
      for (const match of (node.textContent ?? "").matchAll(/[A-Za-z]{4,}/g)) {
        const range = document.createRange();
        range.setStart(node, match.index!);
        range.setEnd(node, match.index! + match[0].length);
        const lines = new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top)));
        if (lines.size > 1) found.push(match[0]);
      }
    }
    return found;
  });
  expect.soft(split, `${label}: words split over two lines`).toEqual([]);
}

/** Whether the page is showing `path` now (query string ignored). */
export function onPath(page: Page, path: string): boolean {
  return new URL(page.url(), "http://x").pathname === path;
}

/** Sign in through the form; waits until the browser has left /login. */
export async function signIn(page: Page, email: string, password: string, options: { expectUrl?: RegExp | string } = {}): Promise<void> {
  if (!onPath(page, "/login")) await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(options.expectUrl ?? ((url) => !url.pathname.startsWith("/login")));
}

/** Sign out with the header button; lands on /login. */
export async function signOut(page: Page): Promise<void> {
  const routeScriptErrors: string[] = [];
  const onConsole = (message: ConsoleMessage) => {
    if (message.text().includes("Error loading route module")) routeScriptErrors.push(message.text());
  };
  page.on("console", onConsole);
  await page.getByRole("banner").getByRole("button", { name: "Sign out" }).click();
  // Plain /login: signing out is a full page load. When it was a client-side submission, its
  // route script sometimes failed to load from a module page (the offline worker's cache was
  // being emptied), and Remix reloaded the module page: /login?redirectTo=<module>, or signed in.
  await expect(page).toHaveURL(/\/login$/);
  page.off("console", onConsole);
  expect(routeScriptErrors, "route scripts that failed to load while signing out").toEqual([]);
  await expect(page.getByRole("banner").getByRole("link", { name: "Sign in" })).toBeVisible();
}

/** Admin → Groups: create a group through the form and wait for the confirmation. */
export async function createGroup(page: Page, name: string, kind = "branch"): Promise<void> {
  if (!onPath(page, "/admin/groups")) await page.goto("/admin/groups");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Kind").selectOption(kind);
  await page.getByRole("button", { name: "Create group" }).click();
  await expect(page.getByRole("status")).toContainText(`Created “${name}”`);
  await expect(page.getByRole("cell", { name, exact: true })).toBeVisible();
}

/** Admin → Invites: create an invite link and return its URL. */
export async function createInvite(page: Page, groupName: string, role = "activist"): Promise<string> {
  if (!onPath(page, "/admin/invites")) await page.goto("/admin/invites");
  await page.getByLabel("Group").selectOption({ label: groupName });
  await page.getByLabel("Role").selectOption(role);
  await page.getByRole("button", { name: "Create invite link" }).click();
  const url = (await page.getByTestId("invite-url").inputValue()).trim();
  expect(url).toMatch(/\/invite\/[^/\s]+$/);
  return url;
}

/** Fill and send the invite sign-up form (does not check where it lands). */
export async function fillSignUp(page: Page, person: { name: string; email: string; password: string }): Promise<void> {
  await page.getByLabel("Your name").fill(person.name);
  await page.getByLabel("Email").fill(person.email);
  await page.getByLabel("Choose a password").fill(person.password);
  await page.getByRole("button", { name: "Create account" }).click();
}

export interface NewUser {
  name: string;
  email: string;
  password: string;
  groupName: string;
}

/** A page in its own, fresh browser context, closed when the test ends. */
type NewPage = () => Promise<Page>;

/**
 * Records every Content-Security-Policy violation in a browser context: Chromium's console
 * message ("Refused to load/execute/apply…") and the page's `securitypolicyviolation` event
 * (which also catches what the console words differently). Reported through a binding, so
 * a violation in a page that navigates away or closes is still counted.
 */
async function watchCsp(context: BrowserContext, violations: string[]): Promise<void> {
  context.on("console", (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(`console: ${message.text()} (${message.location().url})`);
  });
  await context.exposeBinding("__e2eCspViolation", ({ page }, line: string) => {
    violations.push(`securitypolicyviolation: ${line} (${page?.url() ?? "?"})`);
  });
  await context.addInitScript(() => {
    const report = (window as unknown as { __e2eCspViolation: (line: string) => void }).__e2eCspViolation;
    window.addEventListener(
      "securitypolicyviolation",
      (e) => void report(`${e.effectiveDirective} refused ${e.blockedURI || "(inline)"} at ${e.sourceFile}:${e.lineNumber} ${e.sample ? `"${e.sample}"` : ""}`),
      true,
    );
  });
}

interface Fixtures {
  /** Fails the test on any CSP violation in any of its pages (automatic). */
  cspGuard: void;
  /** A page already signed in as the demo admin. */
  adminPage: Page;
  /** Opens a page in a new, cookie-less context (a second person). */
  newPage: NewPage;
  /** A brand-new activist made through the admin's invite flow, signed out. */
  newActivist: NewUser;
}

async function freshContextPage(browser: Browser, baseURL: string | undefined) {
  const context = await browser.newContext({ baseURL });
  return { context, page: await context.newPage() };
}

// The fixture callback is named `provide`, not `use`: eslint's React hooks rule takes
// any call to `use(...)` for the React hook.
export const test = base.extend<Fixtures>({
  cspGuard: [
    async ({ context, browser }, provide) => {
      const violations: string[] = [];
      await watchCsp(context, violations);
      // Contexts a test or a fixture opens itself (a second person, a no-JavaScript phone).
      const newContext = browser.newContext;
      browser.newContext = async (options) => {
        const opened = await newContext.call(browser, options);
        await watchCsp(opened, violations);
        return opened;
      };
      try {
        await provide();
      } finally {
        browser.newContext = newContext;
      }
      expect(violations, `Content-Security-Policy violations:\n${violations.join("\n")}`).toEqual([]);
    },
    { auto: true },
  ],
  adminPage: async ({ browser, baseURL }, provide) => {
    const { context, page } = await freshContextPage(browser, baseURL);
    await signIn(page, DEMO.admin.email, DEMO.admin.password);
    await provide(page);
    await context.close();
  },
  newPage: async ({ browser, baseURL }, provide) => {
    const contexts: { close: () => Promise<void> }[] = [];
    await provide(async () => {
      const { context, page } = await freshContextPage(browser, baseURL);
      contexts.push(context);
      return page;
    });
    for (const c of contexts) await c.close();
  },
  newActivist: async ({ adminPage, newPage }, provide) => {
    const groupName = uniqueName("E2E Group");
    await createGroup(adminPage, groupName);
    const inviteUrl = await createInvite(adminPage, groupName, "activist");
    const person = { name: uniqueName("Nia"), email: uniqueEmail("activist"), password: "a long enough password", groupName };
    const page = await newPage();
    await page.goto(inviteUrl);
    await fillSignUp(page, person);
    await expect(page).toHaveURL(/\/\?welcome=1$/);
    await page.context().clearCookies();
    await provide(person);
  },
});

export { expect };
