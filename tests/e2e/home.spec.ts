import type { Page } from "@playwright/test";
import { checkA11y, DEMO, type DemoRole, expect, signIn, test } from "./fixtures";

// The signed-in home page is where each role starts: its own part first, with a link
// that leads somewhere real, on a phone and on a desktop.

async function expectNoHorizontalScroll(page: Page, label: string) {
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  expect(scrollWidth, `${label}: ${scrollWidth}px of content in a ${clientWidth}px viewport`).toBeLessThanOrEqual(clientWidth);
}

async function signInHome(page: Page, role: DemoRole) {
  await signIn(page, DEMO[role].email, DEMO[role].password, { expectUrl: /\/$/ });
  await expect(page.getByRole("heading", { level: 1, name: `Hello, ${DEMO[role].name.split(" ")[0]}` })).toBeVisible();
}

/** Follow a link by its href (a real <a>), and check where it lands. */
async function follow(page: Page, link: ReturnType<Page["getByRole"]>, path: RegExp) {
  await expect(link).toHaveAttribute("href", path);
  await link.click();
  await expect(page).toHaveURL(path);
}

/** The role's own part comes before the learner's own training. */
async function expectBefore(page: Page, first: string, second: string) {
  const [a, b] = await Promise.all([page.getByRole("heading", { name: first }).boundingBox(), page.getByRole("heading", { name: second }).boundingBox()]);
  expect(a && b && a.y < b.y, `"${first}" comes before "${second}"`).toBe(true);
}

for (const width of [390, 1280]) {
  test.describe(`home at ${width} px`, () => {
    test.use({ viewport: { width, height: width === 390 ? 844 : 900 } });

    const fits = async (page: Page, label: string) => {
      if (width === 390) await expectNoHorizontalScroll(page, label);
      await checkA11y(page, `${label} at ${width} px`);
    };

    test("an activist sees what to do next, what is done, and the way into a module", async ({ page }) => {
      await signInHome(page, "activist");
      const next = page.getByRole("region", { name: /Start here|Pick up where you left off|Your next module|completed every module/ });
      await expect(next).toBeVisible();
      await expect(page.getByRole("heading", { name: /^Completed: \d+ of \d+ modules$/ })).toBeVisible();
      await expect(page.getByText("An admin can add you")).toHaveCount(0); // the demo activist is in two groups
      await fits(page, "home (activist)");
      const go = next.getByRole("link", { name: /^(Continue: .+, step \d+ of \d+|Start here: .+|Start: .+)$/ });
      await follow(page, go, /\/modules\/[a-z0-9-]+\/[a-z0-9-]+$/);
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    });

    test("a trainer sees their sessions first and can run a module live", async ({ page }) => {
      await signInHome(page, "trainer");
      await expect(page.getByRole("heading", { name: "Your live sessions" })).toBeVisible();
      await expectBefore(page, "Your live sessions", "Your own training");
      await fits(page, "home (trainer)");
      await follow(page, page.getByRole("link", { name: "Run a module live" }), /\/live\/new$/);
      await expect(page.getByRole("heading", { level: 1, name: "Start a live session" })).toBeVisible();
    });

    test("an organiser sees the headline of their groups, with who it counts, and opens the reports", async ({ page }) => {
      await signInHome(page, "organiser");
      const groups = page.getByRole("region", { name: "Your groups" });
      await expect(groups).toBeVisible();
      await expect(groups.getByText(/^Counting the \d+ activists? in (Northgate, Riverside Branch|Riverside Branch, Northgate)\.$/)).toBeVisible();
      await expect(groups.getByText("Completions this week")).toBeVisible();
      await expect(groups.getByText(/Target seats below \d+%/)).toBeVisible();
      await expectBefore(page, "Your groups", "Your own training");
      await fits(page, "home (organiser)");
      await follow(page, groups.getByRole("link", { name: "Open reports" }), /\/reports$/);
      await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
    });

    test("an admin sees the setup gaps, is never told to ask an admin, and each gap leads to an admin page", async ({ page }) => {
      await signInHome(page, "admin");
      const setup = page.getByRole("region", { name: "Setting up" });
      await expect(setup).toBeVisible();
      await expect(page.getByText(/ask an admin|An admin can add you/i)).toHaveCount(0);
      // The demo organiser is in two of the five demo groups: the others lack one.
      await expect(setup.getByText(/\d+ groups? without an organiser/)).toBeVisible();
      await expectBefore(page, "Setting up", "Your own training");
      await fits(page, "home (admin)");
      await follow(page, setup.getByRole("link", { name: "Invite an organiser" }), /\/admin\/invites$/);
      await expect(page.getByRole("button", { name: "Create invite link" })).toBeVisible();
      await page.goto("/");
      await follow(page, setup.getByRole("link", { name: "Users", exact: true }), /\/admin\/users$/);
      await expect(page.getByRole("heading", { level: 2, name: "Users", exact: true })).toBeVisible();
    });
  });
}

test("a new activist starts the first module, then home offers to continue at the next step", async ({ page, newActivist }) => {
  test.slow(); // the newActivist fixture alone signs in twice and signs up once (argon2 each)
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, newActivist.email, newActivist.password, { expectUrl: /\/$/ });
  const start = page.getByRole("link", { name: /^Start here: / });
  await follow(page, start, /\/modules\/[a-z0-9-]+\/[a-z0-9-]+$/);
  const firstStep = new URL(page.url()).pathname;
  await expect(page.getByText(/^Step 1 of (\d+)$/)).toBeVisible();
  const stepCount = Number((await page.getByText(/^Step 1 of \d+$/).textContent())!.match(/of (\d+)/)![1]);

  await page.goto("/");
  const next = page.getByRole("link", { name: new RegExp(`^Continue: .+, step 2 of ${stepCount}$`) });
  await expect(next).toBeVisible();
  await expectNoHorizontalScroll(page, "home (activist, continuing)");
  await checkA11y(page, "home (activist, continuing)");
  await next.click();
  await expect(page).toHaveURL(new RegExp(`^[^?]*${firstStep.split("/").slice(0, 3).join("/")}/[a-z0-9-]+$`));
  expect(new URL(page.url()).pathname).not.toBe(firstStep);
  // Anchored, as for step 1: a plain string also matches the home page's "…step 2 of N" while
  // the client-side navigation is still under way (one CI run failed so).
  await expect(page.getByText(new RegExp(`^Step 2 of ${stepCount}$`))).toBeVisible();
});

test("a session for the activist's group shows on their home with a Join link that leads to the join page", async ({ page, newActivist, newPage }) => {
  test.slow(); // three people signed in (argon2 each) and a live session started and ended
  // The trainer starts a session for the newcomer's group, through the form.
  const trainer = await newPage();
  await signIn(trainer, DEMO.trainer.email, DEMO.trainer.password);
  await trainer.goto("/live/new");
  await trainer.getByLabel("Module").selectOption({ index: 1 });
  await trainer.getByLabel("Group (optional)").selectOption({ label: newActivist.groupName });
  await trainer.getByRole("button", { name: "Start the session" }).click();
  await expect(trainer).toHaveURL(/\/live\/[A-Z]{6}\/present$/);
  const code = trainer.url().match(/\/live\/([A-Z]{6})\/present$/)![1]!;

  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, newActivist.email, newActivist.password, { expectUrl: /\/$/ });
  const live = page.getByRole("region", { name: "Live now in your groups" });
  await expect(live).toContainText(newActivist.groupName);
  await expectNoHorizontalScroll(page, "home (live now)");
  await checkA11y(page, "home (live now)");
  await follow(page, live.getByRole("link", { name: /^Join / }), new RegExp(`/join/${code}$`));
  await expect(page.getByRole("heading", { level: 1, name: /^Join “.+”$/ })).toBeVisible();

  // The trainer's own home lists it as running, with the way back to the presenter view.
  await trainer.goto("/");
  const present = trainer.getByRole("link", { name: new RegExp(`^Present .+, code ${code.slice(0, 3)} ${code.slice(3)}$`) });
  await follow(trainer, present, new RegExp(`/live/${code}/present$`));
  // Ended, so the demo trainer's open sessions are as other specs expect them.
  await trainer.getByText("End the session…").click();
  await trainer.getByLabel("Yes, end the session now").check();
  await trainer.getByRole("button", { name: "End session and record attendance" }).click();
  await expect(trainer.getByRole("status").filter({ hasText: "Session ended" })).toBeVisible();
});
