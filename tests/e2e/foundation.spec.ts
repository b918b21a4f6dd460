import {
  DEMO,
  checkA11y,
  createGroup,
  createInvite,
  expect,
  expectNoHorizontalScroll,
  fillSignUp,
  signIn,
  signOut,
  test,
  uniqueEmail,
  uniqueName,
} from "./fixtures";

const GOOD_PASSWORD = "correct horse battery";

test.describe("invite → sign-up → sign-in", () => {
  test("admin creates a group and an invite; a newcomer joins, signs out and back in", async ({ page, newPage }) => {
    // Anonymous landing page, then the sign-in page from its call to action.
    await page.goto("/");
    await expect(page.getByRole("heading", { level: 1, name: "Conversations that change minds" })).toBeVisible();
    await checkA11y(page, "landing");
    await page.getByRole("main").getByRole("link", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/login$/);
    await checkA11y(page, "login");

    await signIn(page, DEMO.admin.email, DEMO.admin.password, { expectUrl: /\/$/ });
    await expect(page.getByRole("heading", { level: 1, name: "Hello, Ada" })).toBeVisible();
    await checkA11y(page, "home (admin)");

    // Admin → Users (the admin index), → Groups: create a group.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" }).click();
    await expect(page).toHaveURL(/\/admin\/users$/);
    await checkA11y(page, "admin users");
    const adminTabs = page.getByRole("navigation", { name: "Admin sections" });
    await adminTabs.getByRole("link", { name: "Groups" }).click();
    await expect(page).toHaveURL(/\/admin\/groups$/);
    await checkA11y(page, "admin groups");
    const groupName = uniqueName("E2E Branch");
    await createGroup(page, groupName);

    // Admin → Invites: an activist invite for that group.
    await adminTabs.getByRole("link", { name: "Invites" }).click();
    await expect(page).toHaveURL(/\/admin\/invites$/);
    await checkA11y(page, "admin invites");
    const inviteUrl = await createInvite(page, groupName, "activist");
    expect(new URL(inviteUrl).origin).toBe(new URL(page.url()).origin);
    await checkA11y(page, "admin invites (link shown)");

    // The newcomer, in a browser of their own.
    const newcomer = { name: uniqueName("Nia"), email: uniqueEmail("newcomer"), password: GOOD_PASSWORD };
    const guest = await newPage();
    await guest.goto(inviteUrl);
    await expect(guest.getByRole("heading", { level: 1, name: `Join ${groupName} on Doorstep` })).toBeVisible();
    await expect(guest.getByText("You've been invited as an activist")).toBeVisible();
    await checkA11y(guest, "invite sign-up");
    await fillSignUp(guest, newcomer);
    await expect(guest).toHaveURL(/\/\?welcome=1$/);
    await expect(guest.getByRole("status")).toHaveText("Welcome to Doorstep, Nia! Your account is ready.");
    await expect(guest.getByRole("banner")).toContainText(newcomer.name);
    await expect(guest.getByText(`You're part of ${groupName}.`)).toBeVisible();
    await expect(guest.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" })).toHaveCount(0);
    await checkA11y(guest, "home (new activist)");

    // Their account page.
    await guest.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Account" }).click();
    await expect(guest).toHaveURL(/\/account$/);
    await expect(guest.getByRole("definition").filter({ hasText: newcomer.email })).toBeVisible();
    await expect(guest.getByRole("definition").filter({ hasText: groupName })).toBeVisible();
    await expect(guest.getByRole("cell", { name: "This device" })).toBeVisible();
    await checkA11y(guest, "account");

    await signOut(guest);
    await signIn(guest, newcomer.email, newcomer.password, { expectUrl: /\/$/ });
    await expect(guest.getByRole("banner")).toContainText(newcomer.name);
    await expect(guest.getByRole("heading", { level: 1, name: "Hello, Nia" })).toBeVisible();

    // The admin sees them, in that group, as an activist; and can open their edit page.
    // Found by email: the list shows 50 people a page, and the demo movement alone has 60.
    await page.goto(`/admin/users?q=${encodeURIComponent(newcomer.email)}`);
    const row = page.getByRole("row").filter({ hasText: newcomer.email });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText(newcomer.name);
    await expect(row).toContainText(groupName);
    await expect(row).toContainText("Activist");
    await row.getByRole("link", { name: `Edit role and groups of ${newcomer.name}` }).click();
    await expect(page.getByRole("heading", { level: 2, name: new RegExp(newcomer.name) })).toBeVisible();
    await expect(page.getByLabel("Role")).toHaveValue("activist");
    await expect(page.getByRole("checkbox", { name: new RegExp(groupName) })).toBeChecked();
    await checkA11y(page, "admin edit user");
    // Saving the form changes their role and groups.
    await page.getByLabel("Role").selectOption("trainer");
    await page.getByRole("checkbox", { name: /Eastfield/ }).check();
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page).toHaveURL(/\/admin\/users\?saved=/);
    await expect(page.getByRole("status")).toContainText(`Saved ${newcomer.name}: role trainer`);
    await page.goto(`/admin/users?q=${encodeURIComponent(newcomer.email)}`);
    await expect(row).toContainText("Trainer");
    await expect(row).toContainText("Eastfield");
    await expect(row).toContainText(groupName);

    // The invite list shows the link as used, by them.
    await page.goto("/admin/invites");
    await expect(page.getByRole("row").filter({ hasText: groupName })).toContainText(`used by ${newcomer.name}`);
  });

  test("organiser and trainer each get their own home page without admin links", async ({ page }) => {
    for (const role of ["organiser", "trainer"] as const) {
      const account = DEMO[role];
      await signIn(page, account.email, account.password, { expectUrl: /\/$/ });
      await expect(page.getByRole("heading", { level: 1, name: `Hello, ${account.name.split(" ")[0]}` })).toBeVisible();
      await expect(page.getByRole("banner")).toContainText(account.name);
      await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" })).toHaveCount(0);
      await checkA11y(page, `home (${role})`);
      await signOut(page);
    }
  });
});

test.describe("bad input in the browser", () => {
  test("a wrong password says so and keeps the email", async ({ page }) => {
    await page.goto("/login");
    await page.getByLabel("Email").fill(DEMO.trainer.email);
    await page.getByLabel("Password", { exact: true }).fill("not the password");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page.getByRole("alert")).toHaveText("Wrong email or password.");
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByLabel("Email")).toHaveValue(DEMO.trainer.email);
    await expect(page.getByRole("banner").getByRole("link", { name: "Sign in" })).toBeVisible();
    await checkA11y(page, "login (wrong password)");
  });

  test("a short password is refused on sign-up; a used invite link then shows 410", async ({ adminPage, newPage }) => {
    const inviteUrl = await createInvite(adminPage, "Eastfield", "activist");

    const guest = await newPage();
    await guest.goto(inviteUrl);
    const person = { name: uniqueName("Sam"), email: uniqueEmail("short"), password: "short" };
    await fillSignUp(guest, person);
    const password = guest.getByLabel("Choose a password");
    await expect(guest.getByText("Passwords need at least 10 characters.")).toBeVisible();
    await expect(password).toHaveAttribute("aria-invalid", "true");
    await expect(password).toHaveAccessibleDescription(/Passwords need at least 10 characters\./);
    // The other fields keep what was typed.
    await expect(guest.getByLabel("Your name")).toHaveValue(person.name);
    await expect(guest.getByLabel("Email")).toHaveValue(person.email);
    await checkA11y(guest, "invite sign-up (field error)");

    // The failed attempt did not use up the invite: a good password gets in.
    await fillSignUp(guest, { ...person, password: GOOD_PASSWORD });
    await expect(guest).toHaveURL(/\/\?welcome=1$/);

    // Anyone opening the link again gets the "already used" page, with 410.
    const other = await newPage();
    const response = await other.goto(inviteUrl);
    expect(response?.status()).toBe(410);
    await expect(other.getByText("This invite link has already been used.")).toBeVisible();
    await expect(other.getByRole("heading", { level: 1, name: "That link no longer works" })).toBeVisible();
    await expect(other.getByRole("banner")).toBeVisible();
    await checkA11y(other, "invite used (410)");
  });

  test("an unknown path shows the 404 page inside the shell", async ({ page }) => {
    const response = await page.goto("/no-such-page/here");
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
    await expect(page.getByRole("banner").getByRole("link", { name: "Doorstep home" })).toBeVisible();
    await expect(page.getByRole("contentinfo")).toBeVisible();
    await checkA11y(page, "404");
    await page.getByRole("link", { name: "Go to your home page" }).click();
    await expect(page).toHaveURL(/\/$/);
  });
});

test.describe("role access", () => {
  test("an activist visiting /admin gets the 403 page", async ({ page, newActivist }) => {
    await signIn(page, newActivist.email, newActivist.password, { expectUrl: /\/$/ });
    await expect(page.getByRole("heading", { level: 1, name: `Hello, ${newActivist.name.split(" ")[0]}` })).toBeVisible();
    await checkA11y(page, "home (activist)");
    const response = await page.goto("/admin");
    expect(response?.status()).toBe(403);
    await expect(page.getByRole("heading", { level: 1, name: "You don't have access to this page" })).toBeVisible();
    await expect(page.getByRole("banner")).toContainText(newActivist.name);
    await checkA11y(page, "403");
    // Every admin page refuses them, not just the index.
    const direct = await page.request.get("/admin/groups");
    expect(direct.status()).toBe(403);
  });

  test("an anonymous visitor to /admin signs in and lands on the admin users page", async ({ page }) => {
    await page.goto("/admin");
    await expect(page).toHaveURL(/\/login\?redirectTo=%2Fadmin$/);
    await signIn(page, DEMO.admin.email, DEMO.admin.password, { expectUrl: /\/admin\/users$/ });
    await expect(page.getByRole("heading", { level: 1, name: "Admin" })).toBeVisible();
  });
});

test.describe("cross-site protection", () => {
  test("a POST without an Origin header is refused with 403 and a message", async ({ request, baseURL }) => {
    const form = { email: DEMO.admin.email, password: DEMO.admin.password };
    const refused = await request.post("/login", { form, maxRedirects: 0 });
    expect(refused.status()).toBe(403);
    expect(refused.headers()["content-type"]).toMatch(/^text\/plain/);
    expect(await refused.text()).toBe("This request did not say which site it came from (no Origin header), so it was refused.");
    expect(refused.headers()["set-cookie"]).toBeUndefined();

    // Plain Node fetch sends no Origin either.
    const viaFetch = await fetch(new URL("/login", baseURL), { method: "POST", body: new URLSearchParams(form), redirect: "manual" });
    expect(viaFetch.status).toBe(403);
    expect(await viaFetch.text()).toContain("no Origin header");

    // A foreign Origin is refused too; our own gets through to the form.
    const foreign = await request.post("/login", { form, maxRedirects: 0, headers: { Origin: "https://evil.example" } });
    expect(foreign.status()).toBe(403);
    expect(await foreign.text()).toBe("This request came from another site, so it was refused.");
    const own = await request.post("/login", { form, maxRedirects: 0, headers: { Origin: new URL(baseURL!).origin } });
    expect(own.status()).toBe(302);
  });
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("signing in and creating a group work as plain form posts", async ({ page }) => {
    await page.goto("/login");
    await signIn(page, DEMO.admin.email, DEMO.admin.password, { expectUrl: /\/$/ });
    await expect(page.getByRole("heading", { level: 1, name: "Hello, Ada" })).toBeVisible();

    await page.goto("/admin/groups");
    const groupName = uniqueName("No-JS Branch");
    await page.getByLabel("Name").fill(groupName);
    await page.getByLabel("Kind").selectOption("constituency");
    await page.getByLabel(/Target seat/).check();
    await page.getByRole("button", { name: "Create group" }).click();
    await expect(page.getByRole("status")).toContainText(`Created “${groupName}”`);
    const row = page.getByRole("row").filter({ hasText: groupName });
    await expect(row).toContainText("constituency");
    await expect(row).toContainText("Target seat");

    // Bad input comes back as a field error, still without JavaScript.
    await page.getByLabel("Name").fill(groupName);
    await page.getByRole("button", { name: "Create group" }).click();
    await expect(page.locator(".field__error")).toBeVisible();

    await signOut(page);
  });
});

test.describe("keyboard", () => {
  test("Tab goes email → password → submit on the sign-in page, and Enter submits", async ({ page }) => {
    await page.goto("/login");
    const email = page.getByLabel("Email");
    const password = page.getByLabel("Password", { exact: true });
    const submit = page.getByRole("button", { name: "Sign in", exact: true });

    // Skip link, brand, header sign-in link come first; the email field within a few stops.
    let reached = false;
    for (let i = 0; i < 6 && !reached; i++) {
      await page.keyboard.press("Tab");
      reached = await email.evaluate((el) => el === document.activeElement);
    }
    expect(reached, "Tab never reached the email field").toBe(true);
    await page.keyboard.type(DEMO.admin.email);
    await page.keyboard.press("Tab");
    await expect(password).toBeFocused();
    await page.keyboard.type(DEMO.admin.password);
    await page.keyboard.press("Tab");
    await expect(submit).toBeFocused();
    await page.keyboard.press("Shift+Tab");
    await expect(password).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByRole("heading", { level: 1, name: "Hello, Ada" })).toBeVisible();
  });

  test("the skip link is the first stop and moves focus to the main content", async ({ page }) => {
    await page.goto("/login");
    await page.keyboard.press("Tab");
    const skip = page.getByRole("link", { name: "Skip to content" });
    await expect(skip).toBeFocused();
    await expect(skip).toBeInViewport();
    await page.keyboard.press("Enter");
    await expect(page.locator("#main")).toBeFocused();
  });
});

test.describe("small screens", () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test("home pages fit a 390 px wide phone without horizontal scrolling", async ({ page }) => {
    await page.goto("/");
    await expectNoHorizontalScroll(page, "landing");
    await checkA11y(page, "landing (mobile)");

    await signIn(page, DEMO.admin.email, DEMO.admin.password, { expectUrl: /\/$/ });
    await expect(page.getByRole("heading", { level: 1, name: "Hello, Ada" })).toBeVisible();
    await expectNoHorizontalScroll(page, "home (admin)");
    await checkA11y(page, "home (admin, mobile)");

    for (const path of ["/admin/users", "/admin/groups", "/admin/invites", "/account"]) {
      await page.goto(path);
      await expectNoHorizontalScroll(page, path);
    }
  });
});

test("pages ship no server libraries to the browser (zod, Drizzle)", async ({ page }) => {
  // Form schemas and the database schema are server-only; one stray import from a page
  // added ~100 kB (gzipped) of JavaScript to the sign-in page a phone loads first.
  const offenders: string[] = [];
  page.on("response", async (response) => {
    if (!response.url().endsWith(".js")) return;
    const body = await response.text().catch(() => "");
    for (const marker of ["drizzle:entityKind", "ZodError", "ZodType"]) {
      if (body.includes(marker)) offenders.push(`${new URL(response.url()).pathname} contains ${marker}`);
    }
  });
  const visit = async (path: string) => {
    await page.goto(path);
    await page.waitForLoadState("networkidle");
  };
  await visit("/login");
  await visit("/join");
  await signIn(page, DEMO.admin.email, DEMO.admin.password);
  for (const path of ["/admin/invites", "/admin/groups", "/admin/users", "/reports", "/reports/activists", "/live/new"]) await visit(path);
  const someone = await page.goto("/admin/users").then(() => page.locator('a[href^="/admin/users/"]').first().getAttribute("href"));
  await visit(someone!);
  expect(page.url()).toContain("/admin/users/");
  expect(offenders).toEqual([]);
});
