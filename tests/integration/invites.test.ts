import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createInvite } from "~/auth/invites.server";
import { currentSession } from "~/auth/session.server";
import * as invitePage from "~/routes/invite.$token";
import { invites, memberships, users } from "../../db/schema";
import { sha256Hex } from "~/lib/crypto.server";
import { get, makeGroup, makeUser, post, run } from "../setup/fixtures";
import { withTestDatabase } from "../setup/database";

const database = withTestDatabase();

async function counts() {
  const [u] = await database().db.select({ n: sql<number>`count(*)::int` }).from(users);
  const [m] = await database().db.select({ n: sql<number>`count(*)::int` }).from(memberships);
  const [used] = await database().db.select({ n: sql<number>`count(*)::int` }).from(invites).where(sql`${invites.usedAt} is not null`);
  return { users: u!.n, memberships: m!.n, usedInvites: used!.n };
}

async function freshInvite(role: "activist" | "trainer" = "activist") {
  const group = await makeGroup("constituency", true);
  const admin = await makeUser("admin");
  const { token } = await createInvite({ groupId: group.id, role, createdBy: admin.id });
  return { group, token };
}

const newcomer = { name: "Priya Shah", email: "priya@example.org", password: "tenants unite 2026" };

describe("sign up through an invite", () => {
  it("creates the account in the invite's group with its role and signs the newcomer in", async () => {
    const { group, token } = await freshInvite("trainer");
    const shown = await run(invitePage.loader, get(`/invite/${token}`), { token });
    expect(shown.body).toMatchObject({ role: "trainer", groupName: group.name });

    const res = await run(invitePage.action, post(`/invite/${token}`, newcomer), { token });
    expect(res.status).toBe(302);
    const session = await currentSession(get("/", res.headers.get("Set-Cookie")!.split(";")[0]));
    expect(session?.user).toMatchObject({ email: newcomer.email, name: newcomer.name, role: "trainer" });
    const [membership] = await database().db.select().from(memberships).where(eq(memberships.userId, session!.user.id));
    expect(membership?.groupId).toBe(group.id);

    const again = await run(invitePage.loader, get(`/invite/${token}`), { token });
    expect(again.status).toBe(410);
    expect(again.body).toMatch(/already been used/);
  });

  it.each([
    ["duplicate email", () => ({ ...newcomer, email: "taken@example.org" }), 409, "email", /already exists/],
    ["short password", () => ({ ...newcomer, email: "short@example.org", password: "short" }), 400, "password", /at least 10/],
    ["oversized name", () => ({ ...newcomer, email: "big@example.org", name: "x".repeat(5000) }), 400, "name", /at most 100/],
    ["oversized password", () => ({ ...newcomer, email: "big2@example.org", password: "p".repeat(10_000) }), 400, "password", /at most 200/],
    ["bad email", () => ({ ...newcomer, email: "priya at home" }), 400, "email", /email address/],
  ])("refuses a %s with a clear message and writes nothing", async (_label, input, status, field, message) => {
    const { token } = await freshInvite();
    const [taken] = await database().db.select().from(users).where(eq(users.email, "taken@example.org"));
    if (!taken) {
      const existing = await makeUser("activist");
      await database().db.update(users).set({ email: "taken@example.org" }).where(eq(users.id, existing.id));
    }
    const before = await counts();
    const res = await run(invitePage.action, post(`/invite/${token}`, input()), { token });
    expect(res.status).toBe(status);
    expect((res.body as { errors: Record<string, string> }).errors[field]).toMatch(message);
    expect(await counts()).toEqual(before);
  });

  it("refuses unknown, used and expired invites (404/410) and writes nothing", async () => {
    const { token: used } = await freshInvite();
    await run(invitePage.action, post(`/invite/${used}`, { ...newcomer, email: "first@example.org" }), { token: used });
    const { token: expired } = await freshInvite();
    await database().db.update(invites).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(invites.tokenHash, sha256Hex(expired)));
    const before = await counts();
    for (const [token, status, message] of [
      ["no-such-token-at-all", 404, /not valid/],
      [used, 410, /already been used/],
      [expired, 410, /expired/],
    ] as const) {
      const page = await run(invitePage.loader, get(`/invite/${token}`), { token });
      expect(page.status).toBe(status);
      const res = await run(invitePage.action, post(`/invite/${token}`, { ...newcomer, email: `x${status}${token.length}@example.org` }), { token });
      expect(res.status).toBe(status);
      expect(JSON.stringify(res.body)).toMatch(message);
    }
    expect(await counts()).toEqual(before);
  });

  it("lets exactly one of two simultaneous sign-ups use an invite", async () => {
    const { token } = await freshInvite();
    const results = await Promise.all(
      ["race1@example.org", "race2@example.org"].map((email) => run(invitePage.action, post(`/invite/${token}`, { ...newcomer, email }), { token })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([302, 410]);
  });
});
