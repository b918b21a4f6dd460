import type { Page } from "@playwright/test";
import { checkA11y, createGroup, DEMO, expect, signIn, test, uniqueEmail, uniqueName } from "./fixtures";

// The admin's pages as an organiser onboarding a branch uses them: finding people among
// the demo movement's 60+, saving someone's role, renaming, archiving and merging groups,
// invite links with a copy button, and a bulk invite that refuses a bad list whole.

async function expectNoHorizontalScroll(page: Page, label: string) {
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({ scrollWidth: document.scrollingElement!.scrollWidth, clientWidth: document.scrollingElement!.clientWidth }));
  expect(scrollWidth, `${label} scrolls sideways`).toBeLessThanOrEqual(clientWidth);
}

const showing = (page: Page) => page.getByTestId("users-count");

test.describe("admin pages (1280 px)", () => {
  test.use({ viewport: { width: 1280, height: 900 } });
  // Several round trips each, on a shared two-core machine.
  test.describe.configure({ timeout: 90_000 });

  test("saving a person says what was stored", async ({ adminPage: page, newActivist }) => {
    await page.goto(`/admin/users?q=${encodeURIComponent(newActivist.email)}`);
    await expect(showing(page)).toHaveText("Showing 1–1 of 1");
    await page.getByRole("link", { name: `Edit role and groups of ${newActivist.name}` }).click();
    await expect(page.getByRole("heading", { level: 2, name: new RegExp(newActivist.name) })).toBeVisible();
    await page.getByLabel("Role", { exact: true }).selectOption("trainer");
    await page.getByRole("checkbox", { name: /Eastfield/ }).check();
    await checkA11y(page, "edit user");
    await page.getByRole("button", { name: "Save changes" }).click();
    const status = page.getByRole("status");
    await expect(status).toContainText(`Saved ${newActivist.name}: role trainer, groups`);
    await expect(status).toContainText("Eastfield");
    await expect(status).toContainText(newActivist.groupName);
  });

  test("search, filters and paging through the movement", async ({ adminPage: page }) => {
    await page.goto("/admin/users");
    await expect(showing(page)).toHaveText(/^Showing 1–50 of \d+$/);
    const total = Number((await showing(page).textContent())!.match(/of ([\d,]+)/)![1]!.replace(/,/g, ""));
    expect(total).toBeGreaterThan(50);
    await checkA11y(page, "users list");
    await page.getByRole("navigation", { name: "Pages of users" }).getByRole("link", { name: "Next" }).click();
    await expect(page).toHaveURL(/[?&]page=2\b/);
    await expect(showing(page)).toHaveText(new RegExp(`^Showing 51–${Math.min(100, total)} of `));
    await page.getByRole("navigation", { name: "Pages of users" }).getByRole("link", { name: "Previous" }).click();
    await expect(showing(page)).toHaveText(/^Showing 1–50 of /);

    // A filter stays in the paging links.
    await page.getByLabel("Role", { exact: true }).selectOption("activist");
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page).toHaveURL(/role=activist/);
    const next = page.getByRole("navigation", { name: "Pages of users" }).getByRole("link", { name: "Next" });
    await expect(next).toHaveAttribute("href", /role=activist.*page=2|page=2.*role=activist/);

    // By name or email, case-insensitively; % is a character, not a wildcard.
    await page.getByLabel("Name or email").fill("olu ORG");
    await page.getByLabel("Role", { exact: true }).selectOption("");
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page.getByRole("row").filter({ hasText: DEMO.organiser.email })).toHaveCount(1);
    await expect(showing(page)).toHaveText("Showing 1–1 of 1");
    await page.getByLabel("Name or email").fill("%");
    await page.getByRole("button", { name: "Search" }).click();
    await expect(showing(page)).toContainText("Nobody matches");
    await page.getByRole("link", { name: "Clear" }).click();
    await expect(showing(page)).toHaveText(/^Showing 1–50 of /);

    // A hand-edited page number is clamped, not an error.
    const res = await page.goto("/admin/users?page=99999");
    expect(res?.status()).toBe(200);
    await expect(showing(page)).toHaveText(new RegExp(`of ${total.toLocaleString("en-GB")}$`));
  });

  test("groups: rename, archive and bring back, then merge after a confirmation", async ({ adminPage: page }) => {
    const [from, into] = [uniqueName("Merge From"), uniqueName("Merge Into")];
    await createGroup(page, from);
    await createGroup(page, into);
    await checkA11y(page, "groups list");

    await page.getByRole("link", { name: `Manage ${from}`, exact: true }).click();
    await checkA11y(page, "manage group");
    const renamed = `${from} Renamed`;
    await page.getByLabel("New name").fill(renamed);
    await page.getByRole("button", { name: "Rename" }).click();
    await expect(page.getByRole("status")).toHaveText(`Renamed to “${renamed}”.`);
    await expect(page.getByRole("heading", { level: 2, name: new RegExp(renamed) })).toBeVisible();

    await page.getByRole("button", { name: "Archive group" }).click();
    await expect(page.getByRole("status")).toContainText(`Archived “${renamed}”`);
    await page.goto("/admin/invites");
    await expect(page.getByLabel("Group").locator("option", { hasText: renamed })).toHaveCount(0);
    await page.goto("/admin/groups");
    await expect(page.getByRole("table", { name: "Archived groups" })).toContainText(renamed);
    await page.getByRole("link", { name: `Manage ${renamed}`, exact: true }).click();
    await page.getByRole("button", { name: "Unarchive group" }).click();
    await expect(page.getByRole("status")).toContainText("is active again");

    await page.getByLabel("Merge into").selectOption({ label: `${into} (branch)` });
    await page.getByRole("button", { name: "Review merge…" }).click();
    await expect(page.getByRole("status")).toContainText(`Merge “${renamed}” into “${into}”?`);
    await checkA11y(page, "merge confirmation");
    await page.getByRole("button", { name: "Merge for good" }).click();
    await expect(page.getByRole("status")).toContainText(`Merged: “${into}” now has 0 members`);
    await page.goto("/admin/groups");
    await expect(page.getByRole("cell", { name: renamed, exact: true })).toHaveCount(0);
  });

  test("an invite link needs a chosen group, and copies with one click", async ({ adminPage: page, baseURL }) => {
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseURL! });
    const group = uniqueName("Copy Branch");
    await createGroup(page, group);
    await page.goto("/admin/invites");
    await expect(page.getByLabel("Group")).toHaveValue("");
    await page.getByRole("button", { name: "Create invite link" }).click();
    await expect(page.getByText("Choose a group.")).toBeVisible();
    await checkA11y(page, "invites with an error");

    await page.getByLabel("Group").selectOption({ label: group });
    await page.getByRole("button", { name: "Create invite link" }).click();
    const url = await page.getByTestId("invite-url").inputValue();
    expect(url).toMatch(/\/invite\/[\w-]+$/);
    await page.getByRole("button", { name: "Copy invite link" }).click();
    await expect(page.getByText("Copied", { exact: true })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);
    await checkA11y(page, "invites with a link");
  });

  test("bulk invite: one bad line stops the batch; fixed, every link is ready and pre-fills sign-up", async ({ adminPage: page, newPage }) => {
    const group = uniqueName("Bulk Branch");
    await createGroup(page, group);
    await page.goto("/admin/invites");
    await page.getByRole("link", { name: "Invite many people at once" }).click();
    await checkA11y(page, "bulk invite");
    const people = [0, 1, 2].map((i) => ({ name: uniqueName(`Bulk ${i}`), email: uniqueEmail(`bulk${i}`) }));
    const lines = [`${people[0]!.name}, ${people[0]!.email}`, `${people[1]!.name}, not-an-email`, `"${people[2]!.name}" <${people[2]!.email}>`];
    await page.getByLabel("Names and emails").fill(lines.join("\n"));
    await page.getByLabel("Group").selectOption({ label: group });
    await page.getByRole("button", { name: "Check and create invites" }).click();
    const problems = page.getByRole("alert");
    await expect(problems).toContainText("1 line needs fixing. Nobody was invited.");
    await expect(problems).toContainText("Line 2:");
    await expect(page.getByLabel("Names and emails")).toHaveValue(lines.join("\n"));
    await checkA11y(page, "bulk invite with line errors");

    lines[1] = `${people[1]!.name}, ${people[1]!.email}`;
    await page.getByLabel("Names and emails").fill(lines.join("\n"));
    await expect(page.getByLabel("Group")).toHaveValue(/.+/);
    await page.getByRole("button", { name: "Check and create invites" }).click();
    await expect(page.getByRole("status").first()).toContainText(`3 invites for new activists in ${group}`);
    const csv = await page.getByTestId("invite-csv").inputValue();
    expect(csv.split("\n")[0]!.trim()).toBe("name,email,link");
    await checkA11y(page, "bulk invite done");

    const link = await page.getByLabel(`Invite link for ${people[2]!.name} (${people[2]!.email})`, { exact: true }).inputValue();
    expect(csv).toContain(link);
    const guest = await newPage();
    await guest.goto(link);
    await expect(guest.getByLabel("Your name")).toHaveValue(people[2]!.name);
    await expect(guest.getByLabel("Email")).toHaveValue(people[2]!.email);
  });
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("saving confirms, searching pages, and invite links are selectable text", async ({ page }) => {
    await signIn(page, DEMO.admin.email, DEMO.admin.password);
    await page.goto(`/admin/users?q=${encodeURIComponent(DEMO.trainer.email)}`);
    await page.getByRole("link", { name: `Edit role and groups of ${DEMO.trainer.name}` }).click();
    await expect(page.getByRole("heading", { level: 2, name: new RegExp(DEMO.trainer.name) })).toBeVisible();
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByRole("status")).toContainText(`Saved ${DEMO.trainer.name}: role trainer`);

    await page.goto("/admin/invites");
    const group = await page.getByLabel("Group").locator("option").nth(1).textContent();
    await page.getByLabel("Group").selectOption({ label: group! });
    await page.getByRole("button", { name: "Create invite link" }).click();
    await expect(page.getByTestId("invite-url")).toHaveValue(/\/invite\//);
    await expect(page.getByRole("button", { name: /^Copy/ })).toHaveCount(0);
  });
});

test.describe("admin pages on a phone (390 px)", () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  test.describe.configure({ timeout: 90_000 });

  test("every admin page fits and passes axe", async ({ adminPage: page }) => {
    const group = uniqueName("Phone Branch");
    await createGroup(page, group);
    for (const path of ["/admin/users", "/admin/users?q=a&page=2", "/admin/groups", "/admin/invites", "/admin/invites/bulk"]) {
      await page.goto(path);
      await expectNoHorizontalScroll(page, path);
      await checkA11y(page, `${path} (phone)`);
    }
    // Every section's tab on screen (none scrolled off to the right) and at least 44 px tall.
    const tabs = page.getByRole("navigation", { name: "Admin sections" }).getByRole("link");
    await expect(tabs).toHaveCount(5);
    for (const tab of await tabs.all()) {
      const box = (await tab.boundingBox())!;
      expect(box.x + box.width, `${await tab.textContent()} tab inside 390 px`).toBeLessThanOrEqual(390);
      expect(box.height, `${await tab.textContent()} tab height`).toBeGreaterThanOrEqual(44);
    }
    await page.goto("/admin/groups");
    await page.getByRole("link", { name: `Manage ${group}`, exact: true }).click();
    await expectNoHorizontalScroll(page, "manage group");
    await checkA11y(page, "manage group (phone)");

    await page.goto("/admin/invites/bulk");
    await page.getByLabel("Names and emails").fill(`Phone Person, ${uniqueEmail("phone")}`);
    await page.getByLabel("Group").selectOption({ label: group });
    await page.getByRole("button", { name: "Check and create invites" }).click();
    await expect(page.getByRole("status").first()).toContainText("1 invite for new activists");
    await expectNoHorizontalScroll(page, "bulk invite done");
    await checkA11y(page, "bulk invite done (phone)");
  });
});

test.describe("an organiser onboarding their branch on a phone (390 px)", () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  test.describe.configure({ timeout: 90_000 });

  test("finds Invite in the menu, invites activists to their own groups only, and sees no other admin page", async ({ page }) => {
    await signIn(page, DEMO.organiser.email, DEMO.organiser.password);
    await page.locator("summary.site-menu__button").click();
    await page.getByRole("link", { name: "Invite", exact: true }).click();
    await expect(page).toHaveURL(/\/admin\/invites$/);
    await expect(page.getByRole("heading", { level: 1, name: "Invite people" })).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Admin sections" })).toHaveCount(0);
    // Only activists, only the organiser's own groups (the demo organiser is in Northgate and Riverside Branch).
    const roles = await page.getByLabel("Role", { exact: true }).locator("option").allTextContents();
    expect(roles).toEqual(["Activist"]);
    const groups = (await page.getByLabel("Group").locator("option").allTextContents()).slice(1);
    expect(groups.length).toBeGreaterThan(0);
    expect(groups).not.toContain("Eastfield");
    await expectNoHorizontalScroll(page, "organiser invites");
    await checkA11y(page, "organiser invites (phone)");

    await page.getByRole("link", { name: "Invite many people at once" }).click();
    await page.getByLabel("Names and emails").fill(`Branch Newcomer, ${uniqueEmail("org-bulk")}`);
    await page.getByLabel("Group").selectOption({ label: groups[0]! });
    await page.getByRole("button", { name: "Check and create invites" }).click();
    await expect(page.getByRole("status").first()).toContainText(`1 invite for new activists in ${groups[0]}`);
    await expectNoHorizontalScroll(page, "organiser bulk invite done");
    await checkA11y(page, "organiser bulk invite done (phone)");

    const users = await page.goto("/admin/users");
    expect(users?.status()).toBe(403);
  });
});
