import type { Browser, Page } from "@playwright/test";
import {
  DEMO,
  type DemoRole,
  checkA11y,
  createGroup,
  createInvite,
  expect,
  expectNoHorizontalScroll,
  expectWordsWhole,
  fillSignUp,
  signIn,
  test,
  uniqueEmail,
  uniqueSuffix,
} from "./fixtures";
import { loadModule } from "./module-walker";

// Phones (issue 14): a compact header whose Menu lists every item of the role, at 320 and
// 390 px and by keyboard, with and without JavaScript; pages that show a 100-character,
// one-word name (the field's maximum) still fit the screen; icons are SVG, not characters
// from an emoji font; the branching scenario is called a practice conversation; a step
// that does not exist points back to its module.

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const SMALL_PHONE = { width: 320, height: 568 };
const MODULE = "conversation-to-action";

/** What each role's menu lists, in order (app/components/app-shell.tsx). */
const MENU: Record<DemoRole, string[]> = {
  activist: ["Home", "Modules", "My record", "Join", "Field", "Account"],
  trainer: ["Home", "Modules", "My record", "Join", "Field", "Live", "Reports", "Account"],
  organiser: ["Home", "Modules", "My record", "Join", "Field", "Reports", "Invite", "Account"],
  admin: ["Home", "Modules", "My record", "Join", "Field", "Live", "Reports", "Admin", "Account"],
};

// Same set as tests/unit/no-emoji-icons.test.ts, for what the pages actually render.
const ICON_CHARACTER = /[\p{Extended_Pictographic}\u{FE0F}\u{2300}-\u{23FF}\u{25A0}-\u{25FF}\u{2600}-\u{27BF}\u{2900}-\u{297F}\u{2B00}-\u{2BFF}]/u;

const menuButton = (page: Page) => page.locator("summary.site-menu__button");
const mainNav = (page: Page) => page.getByRole("navigation", { name: "Main" });

async function headerHeight(page: Page): Promise<number> {
  return (await page.getByRole("banner").boundingBox())!.height;
}

/** Tab from the top of the page until the Menu button has focus (a bounded walk). */
async function tabToMenuButton(page: Page) {
  await page.locator("body").focus();
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press("Tab");
    if (await menuButton(page).evaluate((el) => el === document.activeElement)) return;
  }
  throw new Error("Tab never reached the Menu button");
}

/** The page fits, has no icon drawn with an emoji/symbol character, and passes axe. */
async function expectPhoneReady(page: Page, label: string) {
  await expectNoHorizontalScroll(page, label, { soft: true });
  const text = await page.locator("body").innerText();
  expect.soft(ICON_CHARACTER.exec(text)?.[0], `${label}: an icon drawn with a font character`).toBeUndefined();
  await checkA11y(page, label);
}

test.describe("the phone menu", () => {
  test.use(PHONE);

  for (const role of Object.keys(MENU) as DemoRole[]) {
    test(`a ${role} reaches every item of the menu by keyboard, at 320 and 390 px`, async ({ page }) => {
      await signIn(page, DEMO[role].email, DEMO[role].password);
      for (const size of [SMALL_PHONE, PHONE.viewport]) {
        await page.setViewportSize(size);
        await page.goto("/account");
        const at = `${role} at ${size.width} px`;
        expect(await headerHeight(page), `${at}: header height`).toBeLessThanOrEqual(64);
        await expect(mainNav(page)).toBeHidden();
        await expectPhoneReady(page, `${at}, menu closed`);

        await tabToMenuButton(page);
        await page.keyboard.press("Enter");
        const links = mainNav(page).getByRole("link");
        await expect(links).toHaveText(MENU[role]);
        for (const link of await links.all()) await expect(link, `${at}: ${await link.textContent()}`).toBeInViewport({ ratio: 1 });
        await expect(mainNav(page).getByRole("link", { name: "Account" })).toHaveAttribute("aria-current", "page");
        await expect(page.getByRole("banner").getByRole("button", { name: "Sign out" })).toBeInViewport({ ratio: 1 });
        await expectPhoneReady(page, `${at}, menu open`);
        // Tab walks the items in order, then reaches Sign out.
        for (const name of MENU[role]) {
          await page.keyboard.press("Tab");
          await expect(mainNav(page).getByRole("link", { name, exact: true }).and(page.locator(":focus"))).toHaveCount(1);
        }
        await page.keyboard.press("Tab");
        await expect(page.getByRole("banner").getByRole("button", { name: "Sign out", exact: true })).toBeFocused();
        // Escape closes it and gives focus back to the button; Space opens it again.
        await page.keyboard.press("Escape");
        await expect(mainNav(page)).toBeHidden();
        await expect(menuButton(page)).toBeFocused();
        await page.keyboard.press("Space");
        await expect(mainNav(page)).toBeVisible();
        // Following an item lands there with the menu closed.
        await mainNav(page).getByRole("link", { name: "Modules" }).click();
        await expect(page).toHaveURL(/\/modules$/);
        await expect(mainNav(page)).toBeHidden();
      }
      // A wide screen keeps the nav inline and has no Menu button.
      await page.setViewportSize({ width: 1280, height: 800 });
      await expect(menuButton(page)).toBeHidden();
      await expect(mainNav(page).getByRole("link")).toHaveText(MENU[role]);
      await expect(mainNav(page).getByRole("link", { name: "Modules" })).toHaveAttribute("aria-current", "page");
    });
  }

  test.describe("without JavaScript", () => {
    test.use({ javaScriptEnabled: false });

    test("the menu opens from the keyboard and its links work", async ({ page }) => {
      await signIn(page, DEMO.admin.email, DEMO.admin.password);
      await page.goto("/");
      expect(await headerHeight(page)).toBeLessThanOrEqual(64);
      await tabToMenuButton(page);
      await page.keyboard.press("Enter");
      await expect(mainNav(page).getByRole("link")).toHaveText(MENU.admin);
      await expect(mainNav(page).getByRole("link", { name: "Home" })).toHaveAttribute("aria-current", "page");
      await mainNav(page).getByRole("link", { name: "Reports" }).click();
      await expect(page).toHaveURL(/\/reports$/);
      await expect(mainNav(page)).toBeHidden(); // a new page starts with the menu closed
      await menuButton(page).click();
      await expect(mainNav(page).getByRole("link", { name: "Reports" })).toHaveAttribute("aria-current", "page");
    });
  });
});

// ───────────────────────────────────────────────────────────── 100-character names

/** One word, `length` characters, unique to this run (so lists can be searched for it). */
function longWord(prefix: string, length: number): string {
  const word = `${prefix}${uniqueSuffix()}`.replace(/[^A-Za-z0-9]/g, "");
  return (word + "x".repeat(length)).slice(0, length);
}

/** No word of any table on the page is split over two lines: on a phone a table scrolls sideways in its region instead. */
async function expectTablesWordsWhole(page: Page, label: string) {
  for (const [index, table] of (await page.locator("table").all()).entries()) await expectWordsWhole(table, `${label}, table ${index + 1}`);
}

async function phonePage(browser: Browser, baseURL: string | undefined): Promise<Page> {
  const context = await browser.newContext({ baseURL, ...PHONE });
  return context.newPage();
}

test.describe("long names on a phone", () => {
  test.use(PHONE);

  test("pages that show a 100-character one-word name fit 390 px (and the presenter 1280 px)", async ({ browser, baseURL, adminPage }) => {
    test.setTimeout(300_000);
    const module = await loadModule(MODULE);
    const steps = module.manifest.steps;
    const kindOf = (id: string) => module.manifest.activities[id]?.kind;
    const scenarioStep = steps.findIndex((s) => s.activityIds.some((id) => kindOf(id) === "scenario"));
    const rolePlayStep = steps.findIndex((s) => s.activityIds.some((id) => kindOf(id) === "roleplay"));
    const rolePlayId = steps[rolePlayStep]!.activityIds.find((id) => kindOf(id) === "roleplay")!;
    const scenario = module.manifest.activities[steps[scenarioStep]!.activityIds.find((id) => kindOf(id) === "scenario")!];
    if (scenario?.kind !== "scenario") throw new Error("no scenario");

    // ── A group with a 120-character name (its maximum), a trainer and an activist in it.
    const groupName = longWord("Group", 120);
    await createGroup(adminPage, groupName);
    const password = "a long enough password";
    const trainerPerson = { name: longWord("Trainer", 100), email: uniqueEmail("long-trainer"), password };
    const activistPerson = { name: longWord("Activist", 100), email: uniqueEmail("long-activist"), password };
    const signUp = async (role: "trainer" | "activist", person: typeof trainerPerson) => {
      // A fresh invites page: on the same one, createInvite would read the last invite's URL.
      await adminPage.goto("/admin/groups");
      const url = await createInvite(adminPage, groupName, role);
      const page = await phonePage(browser, baseURL);
      await page.goto(url);
      await expectPhoneReady(page, `invite page (${role})`);
      await fillSignUp(page, person);
      await expect(page).toHaveURL(/\/\?welcome=1$/);
      return page;
    };
    const trainer = await signUp("trainer", trainerPerson);
    const activist = await signUp("activist", activistPerson);
    await expectPhoneReady(activist, "home, welcome");

    // ── The long-named trainer runs a session for the long group.
    await trainer.goto(`/live/new?module=${MODULE}`);
    await expectPhoneReady(trainer, "start a live session");
    await trainer.getByLabel("Group (optional)").selectOption({ label: groupName });
    await trainer.getByRole("button", { name: "Start the session" }).click();
    await expect(trainer).toHaveURL(/\/live\/[A-Z]{6}\/present$/);
    const code = /\/live\/([A-Z]{6})\/present$/.exec(trainer.url())![1]!;

    await activist.goto(`/join/${code}`);
    await expect(activist.getByText(trainerPerson.name)).toBeVisible();
    await expectPhoneReady(activist, "join with a code, signed in");
    await activist.getByRole("button", { name: "Join now" }).click();
    await expect(activist).toHaveURL(new RegExp(`/live/${code}$`));

    const newcomer = await phonePage(browser, baseURL);
    const newcomerName = longWord("Newcomer", 100);
    await newcomer.goto(`/join/${code}`);
    await expectPhoneReady(newcomer, "join with a code, newcomer");
    await newcomer.getByLabel("Your name").fill(newcomerName);
    await newcomer.getByLabel("Email").fill(uniqueEmail("long-newcomer"));
    await newcomer.getByRole("button", { name: "Join the session" }).click();
    await expect(newcomer).toHaveURL(new RegExp(`/live/${code}$`));
    await expectPhoneReady(newcomer, "participant view (newcomer)");

    // ── The practice conversation, played together: labelled as such on every screen.
    await trainer.getByLabel("Go to step").selectOption(String(scenarioStep));
    await trainer.getByRole("button", { name: "Go", exact: true }).click();
    for (const page of [trainer, activist]) {
      await expect(page.getByRole("heading", { level: 2, name: `Practice conversation, played together: ${scenario.title}` })).toBeVisible({ timeout: 5_000 });
      await expect(page.getByText("Role-play:")).toHaveCount(0);
    }

    // ── Pairs: both long names on the presenter's screen and on each participant's card.
    await trainer.getByLabel("Go to step").selectOption(String(rolePlayStep));
    await trainer.getByRole("button", { name: "Go", exact: true }).click();
    await trainer.locator(`#${rolePlayId}`).getByRole("button", { name: "Pair participants" }).click();
    await expect(trainer.locator(`#${rolePlayId} .pairs li`)).toHaveCount(1);
    const room = trainer.getByRole("complementary", { name: "Room" });
    for (const name of [activistPerson.name, newcomerName]) await expect(room).toContainText(name);
    await expect(activist.locator(".my-role")).toContainText(newcomerName);
    await expectPhoneReady(activist, "participant view with a partner");
    await expectPhoneReady(trainer, "presenter view with pairs (390 px)");
    await trainer.setViewportSize({ width: 1280, height: 800 });
    await expectNoHorizontalScroll(trainer, "presenter view with pairs (1280 px)", { soft: true });
    await trainer.setViewportSize(PHONE.viewport);

    await trainer.getByText("End the session…").click();
    await trainer.getByLabel("Yes, end the session now").check();
    await trainer.getByRole("button", { name: "End session and record attendance" }).click();
    await expect(trainer.getByRole("status").filter({ hasText: "Session ended" })).toBeVisible();
    await expectPhoneReady(trainer, "presenter view, ended");
    await expect(activist.getByRole("heading", { level: 1 })).toHaveText("The session has ended", { timeout: 5_000 });
    await expectPhoneReady(activist, "participant view, ended");

    // ── The activist's own pages.
    for (const path of ["/", "/account", "/me", "/modules", `/modules/${MODULE}`, `/modules/${MODULE}/${steps[scenarioStep]!.id}`, "/join"]) {
      await activist.goto(path);
      await expectPhoneReady(activist, `${path} (activist)`);
    }
    await menuButton(activist).click();
    await expect(activist.locator(".site-menu__user").getByTitle(activistPerson.name)).toBeVisible(); // the whole name, truncated or not
    await expectPhoneReady(activist, "menu open with a long name");
    await newcomer.goto("/join/password");
    await expectPhoneReady(newcomer, "choose a password (newcomer)");

    // ── The trainer's lists and the session's report.
    for (const path of ["/live", "/reports/sessions"]) {
      await trainer.goto(path);
      await expectPhoneReady(trainer, `${path} (trainer)`);
      if (path === "/live") await expectWordsWhole(trainer.getByRole("table"), "/live sessions table (trainer)");
    }
    await trainer.getByRole("table").getByRole("link").first().click();
    await expect(trainer).toHaveURL(/\/reports\/sessions\/[0-9a-f-]{36}$/);
    const sessionReport = new URL(trainer.url()).pathname;
    await expect(trainer.getByRole("main")).toContainText(newcomerName);
    await expectPhoneReady(trainer, "session report (trainer)");

    // ── An admin's pages: users, groups, invites and every report that names people.
    const admin = await phonePage(browser, baseURL);
    await signIn(admin, DEMO.admin.email, DEMO.admin.password);
    await admin.goto("/admin/users");
    await expect(admin.getByRole("cell", { name: activistPerson.name, exact: true })).toBeVisible();
    await expectPhoneReady(admin, "/admin/users");
    await expectTablesWordsWhole(admin, "/admin/users");
    await admin.getByRole("link", { name: `Edit role and groups of ${activistPerson.name}` }).click();
    await expect(admin).toHaveURL(/\/admin\/users\/[^/]+$/);
    await expectPhoneReady(admin, "/admin/users/:id");
    for (const path of ["/admin/groups", "/admin/invites", "/reports", "/live", sessionReport, "/reports/sessions", `/reports/modules/${MODULE}`, "/reports/impact"]) {
      await admin.goto(path);
      await expectPhoneReady(admin, `${path} (admin)`);
      await expectTablesWordsWhole(admin, `${path} (admin)`);
    }
    await admin.goto("/live");
    await expectWordsWhole(admin.getByRole("table"), "/live sessions table (admin)");
    await admin.goto(`/reports/activists?q=${encodeURIComponent(activistPerson.email)}&role=all`);
    await expectPhoneReady(admin, "/reports/activists (admin)");
    await admin.getByRole("link", { name: activistPerson.name }).click();
    await expect(admin).toHaveURL(/\/reports\/activists\/[^/?]+$/);
    await expectPhoneReady(admin, "/reports/activists/:id (admin)");
    for (const page of [trainer, activist, newcomer, admin]) await page.context().close();
  });
});

// ───────────────────────────────────────────────────────────── labels, icons, 404

test.describe("labels and errors on a phone", () => {
  test.use(PHONE);

  test("the branching scenario is a practice conversation, and its icons are drawn, not typed", async ({ page }) => {
    const module = await loadModule(MODULE);
    const step = module.manifest.steps.find((s) => s.activityIds.some((id) => module.manifest.activities[id]?.kind === "scenario"))!;
    const scenario = module.manifest.activities[step.activityIds.find((id) => module.manifest.activities[id]?.kind === "scenario")!];
    if (scenario?.kind !== "scenario") throw new Error("no scenario");
    await signIn(page, DEMO.activist.email, DEMO.activist.password);
    await page.goto(`/modules/${MODULE}/${step.id}`);
    await expect(page.getByRole("heading", { level: 2, name: `Practice conversation: ${scenario.title}` })).toBeVisible();
    await expect(page.getByText("Role-play:")).toHaveCount(0);
    await expect(page.getByRole("banner").locator("svg.icon").first()).toBeVisible();
    await expectPhoneReady(page, "a step with a practice conversation");
  });

  test("a step that does not exist links to its module's page", async ({ page }) => {
    const module = await loadModule(MODULE);
    await signIn(page, DEMO.activist.email, DEMO.activist.password);
    const response = await page.goto(`/modules/${MODULE}/no-such-step`);
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
    await expect(page.getByRole("main")).toContainText("start from the module page");
    await expectPhoneReady(page, "unknown step");
    await page.getByRole("link", { name: "Go to the module page" }).click();
    await expect(page).toHaveURL(new RegExp(`/modules/${MODULE}$`));
    await expect(page.getByRole("heading", { level: 1, name: module.frontmatter.title })).toBeVisible();
    // A module that does not exist has no module page to offer: home only.
    await page.goto("/modules/no-such-module/intro");
    await expect(page.getByRole("link", { name: "Go to the module page" })).toHaveCount(0);
    await expect(page.getByRole("main").getByRole("link", { name: "Go to your home page" })).toBeVisible();
  });
});
