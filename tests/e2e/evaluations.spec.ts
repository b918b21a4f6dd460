import { DEMO, checkA11y, expect, expectNoHorizontalScroll, expectWordsWhole, signIn, test, uniqueName } from "./fixtures";

// Issue 17 part 4: an organiser sets up a randomised "train now / train later" evaluation
// on a phone, previews the split (with how many already trained are not drawn), is refused
// a period that overlaps the demo's own evaluation of Riverside, registers one after it and
// sees the timestamp and the arms. The demo movement gives the organiser Riverside Branch
// and its activists.

test.use({ viewport: { width: 390, height: 844 } });

const addDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

test("an organiser sets up an evaluation, registers it and sees the timestamp and the arms", async ({ page }, testInfo) => {
  await signIn(page, DEMO.organiser.email, DEMO.organiser.password);
  await page.goto("/reports/evaluations");
  await expect(page.getByRole("heading", { level: 2, name: "Randomised evaluations" })).toBeVisible();
  await checkA11y(page, "evaluations list");
  await page.getByRole("link", { name: "New evaluation" }).click();
  await expect(page).toHaveURL(/\/reports\/evaluations\/new$/);
  await expect(page.getByTestId("sample-size")).toContainText("people in each arm");

  const name = uniqueName("Spring doors");
  await page.getByLabel("Name").fill(name);
  await page.getByRole("checkbox", { name: /Riverside/ }).first().check();
  await page.getByRole("radio", { name: "Conversation rate" }).check();
  await page.getByLabel("Period starts").fill(addDays(1));
  await page.getByLabel("Period ends").fill(addDays(42));
  // The demo's own evaluation already splits Riverside for most of these weeks: the preview
  // refuses, naming it and saying what to do.
  await page.getByRole("button", { name: "Preview the split" }).click();
  await expect(page.getByText(/This overlaps “.+” \(\d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}\).*Choose other groups, or a period starting after/)).toBeVisible();
  await checkA11y(page, "overlapping evaluation refused");
  // A period after it (a retry of this test takes a later one still, after its own first try).
  const start = 70 + 40 * testInfo.retry;
  await page.getByLabel("Period starts").fill(addDays(start));
  await page.getByLabel("Period ends").fill(addDays(start + 30));
  await page.getByRole("button", { name: "Preview the split" }).click();
  const preview = page.getByTestId("evaluation-preview");
  await expect(preview).toContainText("Riverside");
  // The demo's history has trained some of Riverside already: they are not drawn, and the
  // preview says how many and why.
  const notDrawnCell = preview.getByRole("row", { name: /Riverside/ }).getByRole("cell").nth(3);
  await expect(notDrawnCell).toHaveText(/^[1-9]\d*$/);
  const notDrawn = Number(await notDrawnCell.textContent());
  await expect(page.getByTestId("preview-not-drawn-note")).toContainText("already trained");
  await expect(page.getByTestId("preview-not-drawn-note")).toContainText(`${notDrawn} activist${notDrawn === 1 ? " is" : "s are"} left out`);
  await checkA11y(page, "new evaluation with preview");
  await expectNoHorizontalScroll(page, "new evaluation with preview");

  // Register by keyboard.
  const register = page.getByRole("button", { name: "Register" });
  await register.focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/reports\/evaluations\/[0-9a-f-]{36}\?registered=1/);
  await expect(page.getByRole("status")).toContainText("Registered at");
  await expect(page.getByTestId("registered-at")).toHaveText(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/);
  const arms = page.getByTestId("evaluation-arms");
  await expect(arms.getByRole("rowheader", { name: /Riverside/ }).first()).toBeVisible();
  await expect(arms.getByRole("row", { name: /Riverside/ }).getByRole("cell").nth(2)).toHaveText(String(notDrawn));
  await expectWordsWhole(arms, "arms table");
  await expect(page.getByTestId("evaluation-note")).toContainText("Randomised:");
  await expect(page.getByText("intention to treat")).toBeVisible();
  await expect(page.getByRole("link", { name: /train now.*CSV/i })).toBeVisible();
  await checkA11y(page, "registered evaluation");
  await expectNoHorizontalScroll(page, "registered evaluation");

  await page.goto("/reports/evaluations");
  await expect(page.getByRole("link", { name })).toBeVisible();
});
