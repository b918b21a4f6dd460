import type { Page } from "@playwright/test";
import { checkA11y, createGroup, createInvite, expect, expectNoHorizontalScroll, fillSignUp, test, uniqueEmail, uniqueName } from "./fixtures";
import { completeModule, loadModule } from "./module-walker";

// Issue 17 part 4, module variants (ADR 039), from the learner's side on a phone: an
// organiser registers an A/B evaluation of "Telling your story" against its variant "by
// example" for a new branch of two activists, starting today. The one drawn into version B
// sees the variant on the catalogue and the home page (title, link, progress), works
// through it to completion, and the evaluation counts the completion in version B; the one
// drawn into version A sees the original. A third, who began the original before the
// evaluation was registered, is not drawn (ADR 046) and keeps the original and their
// progress in it. The variant's report address points at the evaluation rather than
// counting it as a module of its own.

test.use({ viewport: { width: 390, height: 844 } });

const ORIGINAL = "Telling your story";
const VARIANT = "Telling your story: by example";
const todayUtc = () => new Date().toISOString().slice(0, 10);
const addDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

test("a learner drawn into version B sees, works through and completes the variant, and the evaluation counts it", async ({ adminPage, newPage }) => {
  test.setTimeout(120_000);
  const groupName = uniqueName("E2E Variant Branch");
  await createGroup(adminPage, groupName);
  const join = async (role: "activist" | "organiser", name: string): Promise<Page> => {
    // From another page, so the invite form (and its link field) starts fresh each time.
    await adminPage.goto("/admin/groups");
    const url = await createInvite(adminPage, groupName, role);
    const page = await newPage();
    await page.goto(url);
    await fillSignUp(page, { name: uniqueName(name), email: uniqueEmail(role), password: "a long enough password" });
    await expect(page).toHaveURL(/\/\?welcome=1$/);
    return page;
  };
  const first = await join("activist", "Ife");
  const second = await join("activist", "Jo");
  const early = await join("activist", "Lee");
  const organiser = await join("organiser", "Kit");

  // Lee begins the original before there is any evaluation.
  await early.goto("/modules/telling-your-story");
  await early.getByRole("link", { name: "Start" }).click();
  await expect(early).toHaveURL(/\/modules\/telling-your-story\/[^/]+$/);

  // The organiser registers the comparison, from today, for their branch only.
  await organiser.goto("/reports/evaluations/new");
  const name = uniqueName("Story versions");
  await organiser.getByLabel("Name").fill(name);
  await organiser.getByRole("checkbox", { name: new RegExp(groupName) }).check();
  await organiser.getByRole("radio", { name: "Version A against version B of a module" }).check();
  await organiser.getByLabel(/Version B/).selectOption({ label: `${VARIANT} (a version of “${ORIGINAL}”)` });
  await organiser.getByRole("radio", { name: "Completion of a module" }).check();
  await organiser.getByLabel("Period starts").fill(todayUtc());
  await organiser.getByLabel("Period ends").fill(addDays(30));
  // The preview says who is not drawn, and why: three activists, one already began.
  await organiser.getByRole("button", { name: "Preview the split" }).click();
  const preview = organiser.getByTestId("evaluation-preview");
  await expect(preview.getByRole("row", { name: new RegExp(groupName) }).getByRole("cell")).toHaveText(["2", "1", "1", "1"]);
  await expect(preview).toContainText("already opened or completed either version are not drawn");
  await checkA11y(organiser, "A/B preview with someone not drawn");
  await expectNoHorizontalScroll(organiser, "A/B preview with someone not drawn");
  await organiser.getByRole("button", { name: "Register" }).click();
  await expect(organiser).toHaveURL(/\/reports\/evaluations\/[0-9a-f-]{36}\?registered=1/);
  const evaluationUrl = organiser.url().replace(/\?.*$/, "");
  // The arms by group add up: one in each version, two in all; and the one not drawn is kept.
  const byGroup = organiser.getByTestId("evaluation-arms");
  await expect(byGroup.getByRole("row", { name: new RegExp(groupName) }).getByRole("cell")).toHaveText(["1", "1", "1"]);
  await expect(byGroup.getByRole("row", { name: "All groups" }).getByRole("cell")).toHaveText(["1", "1", "1"]);
  await expect(organiser.getByTestId("evaluation-left-out")).toContainText("nobody is left out");

  // Lee was not drawn: the original stays, with Lee's progress in it.
  await early.goto("/modules");
  const earlyCard = early.locator(".module-card").filter({ has: early.getByRole("link", { name: ORIGINAL, exact: true }) });
  await expect(earlyCard.getByText(/In progress · \d+%/)).toBeVisible();
  await expect(early.getByRole("link", { name: VARIANT, exact: true })).toHaveCount(0);

  // Two activists in one group: the split puts one in each version. Which is which is the
  // draw's to decide, so the catalogue tells us, and each must see exactly one version.
  const sees = async (page: Page) => {
    await page.goto("/modules");
    const variantCard = page.getByRole("link", { name: VARIANT, exact: true });
    const originalCard = page.getByRole("link", { name: ORIGINAL, exact: true });
    await expect(variantCard.or(originalCard)).toBeVisible();
    return (await variantCard.count()) > 0 ? "variant" : "original";
  };
  const [firstSees, secondSees] = [await sees(first), await sees(second)];
  expect([firstSees, secondSees].sort()).toEqual(["original", "variant"]);
  const learner = firstSees === "variant" ? first : second;
  const other = firstSees === "variant" ? second : first;
  await expect(other.getByRole("link", { name: VARIANT, exact: true })).toHaveCount(0);
  await expect(learner.getByRole("link", { name: ORIGINAL, exact: true })).toHaveCount(0);
  await checkA11y(learner, "catalogue with a variant in the original's place");
  await expectNoHorizontalScroll(learner, "catalogue with a variant in the original's place");

  // The card leads to the variant's own module page; its first step starts it.
  const variant = await loadModule("telling-your-story-by-example");
  await learner.getByRole("link", { name: VARIANT, exact: true }).click();
  await expect(learner).toHaveURL(/\/modules\/telling-your-story-by-example$/);
  await expect(learner.getByRole("heading", { level: 1 })).toHaveText(VARIANT);
  await learner.getByRole("link", { name: "Start" }).click();
  await expect(learner.getByRole("heading", { level: 1 })).toHaveText(variant.manifest.steps[0]!.title);

  // Home offers to continue the variant, at its second step, with its own progress.
  await learner.goto("/");
  const steps = variant.manifest.steps.length;
  await expect(learner.getByRole("link", { name: `Continue: ${VARIANT}, step 2 of ${steps}` })).toBeVisible();
  await checkA11y(learner, "home continuing a variant");
  await expectNoHorizontalScroll(learner, "home continuing a variant");

  // The catalogue card shows the variant in progress.
  await learner.goto("/modules");
  const card = learner.locator(".module-card").filter({ has: learner.getByRole("link", { name: VARIANT, exact: true }) });
  await expect(card.getByText(/In progress · \d+%/)).toBeVisible();

  // Through to the end; the card and the home page then show it complete.
  await completeModule(learner, variant, { fromFirstStep: true });
  await learner.goto("/modules");
  await expect(card.getByText("Complete", { exact: true })).toBeVisible();
  await learner.goto("/");
  await expect(learner.getByRole("link", { name: `Continue: ${VARIANT}`, exact: false })).toHaveCount(0);

  // The evaluation counts the completion in version B, and none in version A.
  await organiser.goto(evaluationUrl);
  const result = organiser.getByTestId("evaluation-result");
  await expect(result.getByRole("row", { name: /Version B \(variant\)/ }).getByRole("cell").first()).toHaveText("1");
  await expect(result.getByRole("row", { name: /Version B \(variant\)/ })).toContainText("100%");
  await expect(result.getByRole("row", { name: /Version A \(original\)/ })).toContainText("0%");

  // The variant's report address says what it is and leads to the evaluation.
  await organiser.goto("/reports/modules/telling-your-story-by-example");
  await expect(organiser.getByTestId("variant-pointer")).toContainText(`version B of ${ORIGINAL}`);
  await organiser.getByRole("link", { name }).click();
  await expect(organiser).toHaveURL(evaluationUrl);
  await organiser.goto("/reports/modules/telling-your-story-by-example");
  await checkA11y(organiser, "a variant's report address");
  await expectNoHorizontalScroll(organiser, "a variant's report address");
});
