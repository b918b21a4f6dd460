import { checkA11y, DEMO, expect, signIn, test, uniqueEmail, uniqueName } from "./fixtures";
import { loadModule } from "./module-walker";

// A trainer's report of their own live session: run a short session with one newcomer who
// answers a poll, end it, open the report from the presenter's ended state and from the
// Live list, and download the attendance. Trainers still have no organiser reports.

const MODULE = "conversation-to-action";

test("a trainer opens the report of their own live session", async ({ page: trainer, newPage }) => {
  test.setTimeout(120_000);
  const module = await loadModule(MODULE);
  const steps = module.manifest.steps;
  const pollStep = steps.findIndex((s) => s.activityIds.some((id) => module.manifest.activities[id]?.kind === "poll"));
  const poll = module.manifest.activities[steps[pollStep]!.activityIds.find((id) => module.manifest.activities[id]?.kind === "poll")!];
  if (poll?.kind !== "poll") throw new Error("no poll");

  await signIn(trainer, DEMO.trainer.email, DEMO.trainer.password);
  await trainer.goto(`/live/new?module=${MODULE}`);
  await trainer.getByLabel("Group (optional)").selectOption({ label: "Riverside Branch" });
  await trainer.getByRole("button", { name: "Start the session" }).click();
  await expect(trainer).toHaveURL(/\/live\/[A-Z]{6}\/present$/);
  const code = /\/live\/([A-Z]{6})\/present$/.exec(trainer.url())![1]!;

  const newcomer = await newPage();
  const name = uniqueName("Rae");
  await newcomer.goto(`/join/${code}`);
  await newcomer.getByLabel("Your name").fill(name);
  await newcomer.getByLabel("Email").fill(uniqueEmail("report"));
  await newcomer.getByRole("button", { name: "Join the session" }).click();
  await expect(newcomer).toHaveURL(new RegExp(`/live/${code}$`));

  await trainer.getByLabel("Go to step").selectOption(String(pollStep));
  await trainer.getByRole("button", { name: "Go", exact: true }).click();
  const section = newcomer.locator(`#${poll.id}`);
  await section.getByRole("radio", { name: poll.options[0]!.text }).check();
  await section.getByRole("button", { name: "Answer" }).click();
  await expect(section.getByRole("status")).toContainText("You answered");

  await trainer.getByText("End the session…").click();
  await trainer.getByLabel("Yes, end the session now").check();
  await trainer.getByRole("button", { name: "End session and record attendance" }).click();
  await trainer.getByRole("status").filter({ hasText: "Session ended" }).getByRole("link", { name: "See the session report" }).click();

  await expect(trainer).toHaveURL(/\/reports\/sessions\/[0-9a-f-]{36}$/);
  await expect(trainer.getByRole("heading", { level: 2 })).toContainText(module.frontmatter.title);
  const row = trainer.getByRole("row").filter({ hasText: name });
  await expect(row).toContainText("attended");
  await expect(row).toContainText("Recorded by this session");
  await expect(trainer.getByRole("columnheader", { name: "Email" })).toHaveCount(0); // trainers see names, as in the room
  const chart = trainer.locator("figure.chart").filter({ hasText: poll.question });
  await expect(chart).toContainText("1 answered.");
  // Only the tab a trainer may open.
  const tabs = trainer.getByRole("navigation", { name: "Report sections" });
  await expect(tabs.getByRole("link")).toHaveText(["Live sessions"]);
  await checkA11y(trainer, "session report");

  const download = trainer.waitForEvent("download");
  await trainer.getByRole("link", { name: "Download the attendance (CSV)" }).click();
  const file = await download;
  const csv = await (await file.createReadStream()).toArray();
  const text = Buffer.concat(csv).toString("utf8");
  expect(text).toContain(`${name},`);
  expect(text).toContain("recorded by this session");

  // From the trainer's list of sessions too; organiser pages stay closed.
  await trainer.goto("/live");
  await trainer.getByRole("row").filter({ hasText: module.frontmatter.title }).first().getByRole("link", { name: /^Report of/ }).click();
  await expect(trainer).toHaveURL(/\/reports\/sessions\/[0-9a-f-]{36}$/);
  await trainer.goto("/reports/sessions");
  await expect(trainer.getByRole("table")).toContainText("Riverside Branch");
  await checkA11y(trainer, "session reports list");
  expect((await trainer.goto("/reports"))?.status()).toBe(403);
  expect((await trainer.request.get("/reports/export/matrix")).status()).toBe(403);
});

test.describe("session report on a phone", () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test("the list and a session's report fit the screen (the test above made a session)", async ({ page }) => {
    await signIn(page, DEMO.trainer.email, DEMO.trainer.password);
    await page.goto("/reports/sessions");
    const fits = () => page.evaluate(() => document.scrollingElement!.scrollWidth <= document.scrollingElement!.clientWidth);
    expect(await fits()).toBe(true);
    await checkA11y(page, "session reports (phone)");
    await page.getByRole("table").getByRole("link").first().click();
    await expect(page).toHaveURL(/\/reports\/sessions\/[0-9a-f-]{36}$/);
    expect(await fits()).toBe(true);
    await checkA11y(page, "session report (phone)");
  });
});
