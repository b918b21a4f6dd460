import { checkA11y, DEMO, expect, signIn, test } from "./fixtures";
import { loadModule } from "./module-walker";

// Issue 15, "run a module from Doorstep alone": the printable session plan (role cards one
// per printed page), and the presenter's trainer notes with elapsed against planned. The
// authors' example module carries notes, liveMinutes and materials; it is a draft, which
// trainers may preview and run.

const MODULE = "example";

// Two sign-ins, an invite and a live session each: more than the default 30 s, fixtures included.
test.describe.configure({ timeout: 150_000 });
const NOTE = "who has knocked on a door before";

test("a trainer prints the session plan: timings, notes, materials, and one role card per page", async ({ page }) => {
  await signIn(page, DEMO.trainer.email, DEMO.trainer.password);
  await page.goto(`/modules/${MODULE}`);
  await expect(page.getByText("Run live: 30 minutes planned.")).toBeVisible();
  await page.getByRole("link", { name: "Session plan" }).click();
  await expect(page).toHaveURL(new RegExp(`/modules/${MODULE}/plan$`));
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Session plan");
  await expect(page.getByTestId("plan-clock")).toHaveText(["0:00", "0:03", "0:07", "0:15"]);
  await expect(page.getByText(NOTE)).toBeVisible();
  await expect(page.getByText("Projector or a large screen for the presenter view")).toBeVisible();
  await expect(page.getByText(/“Pair participants” makes random pairs/)).toBeVisible();
  await expect(page.getByRole("button", { name: "Print this plan" })).toBeVisible();
  await checkA11y(page, "session plan");

  await page.emulateMedia({ media: "print" });
  const cards = page.locator(".role-card-print");
  await expect(cards).toHaveCount(2);
  for (const card of await cards.all()) expect(await card.evaluate((el) => getComputedStyle(el).breakBefore)).toBe("page");
  await expect(page.getByRole("button", { name: "Print this plan" })).toBeHidden();
  await expect(page.locator(".site-header")).toBeHidden();
  await page.emulateMedia({ media: "screen" });
});

test("the presenter shows the current step's notes and elapsed against planned; a participant's page and data carry no notes", async ({ page: trainer, newPage, newActivist }) => {
  await signIn(trainer, DEMO.trainer.email, DEMO.trainer.password);
  await trainer.goto(`/live/new?module=${MODULE}`);
  await trainer.getByRole("button", { name: "Start the session" }).click();
  await expect(trainer).toHaveURL(/\/live\/[A-Z]{6}\/present$/);
  const code = /\/live\/([A-Z]{6})\/present$/.exec(trainer.url())![1]!;

  const notes = trainer.getByRole("region", { name: "Trainer notes for this step" });
  await expect(notes).toContainText(NOTE);
  await expect(notes.locator("strong")).toHaveText(NOTE);
  await expect(trainer.getByTestId("timing-step")).toContainText("of 3 min planned");
  await expect(trainer.getByTestId("timing-session")).toContainText("of 30 min planned");
  // The clock ticks in the browser.
  const before = await trainer.getByTestId("timing-step").locator(".timing__elapsed").textContent();
  await expect(trainer.getByTestId("timing-step").locator(".timing__elapsed")).not.toHaveText(before!, { timeout: 4000 });
  await expect(trainer.getByRole("link", { name: /Printable session plan/ })).toHaveAttribute("href", `/modules/${MODULE}/plan`);
  await checkA11y(trainer, "presenter with notes and timings");

  // A participant: neither the page nor its loader data carries the notes.
  const participant = await newPage();
  await signIn(participant, newActivist.email, newActivist.password);
  await participant.goto(`/join/${code}`);
  await participant.getByRole("button", { name: /Join/ }).first().click();
  await expect(participant).toHaveURL(new RegExp(`/live/${code}$`));
  expect(await participant.content()).not.toContain(NOTE);
  const data = await participant.request.get(`/live/${code}.data`);
  expect(data.status()).toBe(200);
  const body = await data.text();
  expect(body).toContain("Steps, text and tips");
  expect(body).not.toContain(NOTE);
  expect(body).not.toContain("trainerNotes");

  // The next step: its own notes and planned minutes.
  await trainer.getByRole("button", { name: "Next step →" }).click();
  await expect(trainer.getByTestId("timing-step")).toContainText("of 4 min planned");
  await expect(notes).toContainText("No notes for this step.");
});

test("a trainer previewing a step sees its notes beside it, on a full load and after client-side navigation, without an error", async ({ page }) => {
  // The aside is HTML from the server, with no component in the browser (ADR 036): the
  // page must hydrate around it and render it again from loader data.
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  const module = await loadModule(MODULE);
  const [first, second] = module.manifest.steps;
  await signIn(page, DEMO.trainer.email, DEMO.trainer.password);
  await page.goto(`/modules/${MODULE}/${first!.id}`);
  const aside = page.getByRole("complementary", { name: "Trainer notes" });
  await expect(aside.locator("strong")).toHaveText(NOTE);
  await expect(aside).toContainText("Planned live: 3 min");
  await page.getByRole("link", { name: /^Next:/ }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(second!.title);
  await page.getByRole("link", { name: "← Previous" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(first!.title);
  await expect(aside.locator("strong")).toHaveText(NOTE);
  expect(errors).toEqual([]);
});

