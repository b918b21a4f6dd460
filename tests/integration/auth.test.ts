import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { SIGN_IN_LIMITS, updateUserAccess } from "~/auth/accounts.server";
import { currentSession, endOtherSessions, endSession, listSessions, sessionsChanged, startSession } from "~/auth/session.server";
import { sha256Hex } from "~/lib/crypto.server";
import * as login from "~/routes/login";
import * as logout from "~/routes/logout";
import { sessions } from "../../db/schema";
import { get, makeUser, post, run, TEST_PASSWORD } from "../setup/fixtures";
import { testDbKind, withTestDatabase } from "../setup/database";

const database = withTestDatabase();

describe("sign in", () => {
  it("signs in with the right password and sets an HttpOnly, SameSite=Lax cookie", async () => {
    const user = await makeUser("activist");
    const res = await run(login.action, post("/login", { email: user.email.toUpperCase(), password: TEST_PASSWORD, redirectTo: "/account" }));
    expect(res.status).toBe(302);
    expect(res.location).toBe("/account");
    const cookie = res.headers.get("Set-Cookie")!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const session = await currentSession(get("/", cookie.split(";")[0]));
    expect(session?.user.id).toBe(user.id);
  });

  it("stores only a hash of the session token", async () => {
    const user = await makeUser("activist");
    const token = user.cookie.split("=")[1]!;
    const rows = await database().db.select({ id: sessions.id }).from(sessions).where(sql`${sessions.userId} = ${user.id}`);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.id).not.toBe(token);
    expect(rows[0]!.id).toMatch(/^[0-9a-f]{64}$/);
  });

  it("refuses a wrong password with 401 and never redirects off-site", async () => {
    const user = await makeUser("activist");
    const res = await run(login.action, post("/login", { email: user.email, password: "wrong password!", redirectTo: "https://evil.example" }));
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ errors: { form: "Wrong email or password." } });
    const ok = await run(login.action, post("/login", { email: user.email, password: TEST_PASSWORD, redirectTo: "https://evil.example" }));
    expect(ok.location).toBe("/");
  });

  it("answers a missing or malformed email with 400 and field messages", async () => {
    const res = await run(login.action, post("/login", { email: "not-an-email", password: "" }));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ errors: { email: expect.any(String), password: "Enter your password." } });
  });

  it("rate limits one email at one address with a 429 after repeated failures, even with the right password", async () => {
    const user = await makeUser("activist");
    for (let i = 0; i < SIGN_IN_LIMITS.emailAtAddress; i++) {
      const res = await run(login.action, post("/login", { email: user.email, password: `guess number ${i}` }), {}, "198.51.100.1");
      expect(res.status).toBe(401);
    }
    const blocked = await run(login.action, post("/login", { email: user.email, password: TEST_PASSWORD }), {}, "198.51.100.1");
    expect(blocked.status).toBe(429);
    expect(blocked.body).toMatchObject({ errors: { form: expect.stringMatching(/Too many failed sign-ins/) } });
    expect(blocked.headers.get("Set-Cookie")).toBeNull();
  });

  it("rate limits by IP across many emails", async () => {
    const ip = "192.0.2.200";
    for (let i = 0; i < SIGN_IN_LIMITS.address; i++) {
      await run(login.action, post("/login", { email: `nobody${i}@example.org`, password: "whatever123" }), {}, ip);
    }
    const user = await makeUser("activist");
    const blocked = await run(login.action, post("/login", { email: user.email, password: TEST_PASSWORD }), {}, ip);
    expect(blocked.status).toBe(429);
    const elsewhere = await run(login.action, post("/login", { email: user.email, password: TEST_PASSWORD }), {}, "192.0.2.201");
    expect(elsewhere.status).toBe(302);
  });
});

describe("sessions", () => {
  it("signing out ends the session in the database", async () => {
    const user = await makeUser("trainer");
    const res = await run(logout.action, post("/logout", {}, user.cookie));
    expect(res.status).toBe(302);
    expect(res.headers.get("Set-Cookie")).toMatch(/Max-Age=0/);
    expect(await currentSession(get("/", user.cookie))).toBeNull();
  });

  it("lists sessions on other devices and signs them out, keeping this one", async () => {
    const user = await makeUser("activist");
    const other = (await startSession(user.id, "Mozilla/5.0 (Android) Chrome/120")).split(";")[0]!;
    const here = await currentSession(get("/", user.cookie));
    const listed = await listSessions(user.id, here!.sessionId);
    expect(listed).toHaveLength(2);
    expect(listed.filter((s) => s.current)).toHaveLength(1);
    expect(await endOtherSessions(user.id, here!.sessionId)).toBe(1);
    expect(await currentSession(get("/", other))).toBeNull();
    expect(await currentSession(get("/", user.cookie))).not.toBeNull();
  });

  it("slides: a session past half its 30 days is extended; an expired one is refused and deleted", async () => {
    const user = await makeUser("activist");
    const id = sha256Hex(user.cookie.split("=")[1]!);
    const day = 86_400_000;
    // Written here behind the session code's back, so it is told, as every writer of
    // sessions in the app process must tell it (on PGlite it remembers validations).
    await database().db.update(sessions).set({ expiresAt: new Date(Date.now() + 10 * day) }).where(eq(sessions.id, id));
    sessionsChanged();
    expect((await currentSession(get("/", user.cookie)))?.user.id).toBe(user.id);
    const [extended] = await database().db.select({ expiresAt: sessions.expiresAt }).from(sessions).where(eq(sessions.id, id));
    expect(extended!.expiresAt.getTime()).toBeGreaterThan(Date.now() + 29 * day);

    await database().db.update(sessions).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(sessions.id, id));
    sessionsChanged();
    expect(await currentSession(get("/", user.cookie))).toBeNull();
    expect(await database().db.select().from(sessions).where(eq(sessions.id, id))).toHaveLength(0);
  });

  it("validates once per request: loaders sharing a load context share the answer, until a sign-out in this process", async () => {
    const user = await makeUser("activist");
    const context = { clientIp: "192.0.2.1" };
    expect((await currentSession(get("/", user.cookie), context))?.user.id).toBe(user.id);
    // Deleted behind the app's back (as another instance would): the same request keeps its
    // answer, a new one does not.
    await database().db.delete(sessions).where(eq(sessions.userId, user.id));
    expect((await currentSession(get("/", user.cookie), context))?.user.id).toBe(user.id);
    if (testDbKind() === "pglite") sessionsChanged(); // there is no other instance: see the next test
    expect(await currentSession(get("/", user.cookie), { clientIp: "192.0.2.1" })).toBeNull();

    // A sign-out through the app (e.g. an action before the loaders of the same request) is seen at once.
    const again = await makeUser("activist");
    const scope = { clientIp: "192.0.2.2" };
    const current = await currentSession(get("/", again.cookie), scope);
    await endSession(current!.sessionId);
    expect(await currentSession(get("/", again.cookie), scope)).toBeNull();
  });

  it("remembers validated sessions on the embedded database only, and forgets them on any session or role change", async () => {
    const user = await makeUser("activist");
    const fresh = () => currentSession(get("/", user.cookie), {});
    expect((await fresh())?.user.role).toBe("activist");
    await database().db.delete(sessions).where(eq(sessions.userId, user.id)); // behind the app's back
    if (testDbKind() === "pglite") {
      // One process owns PGlite, so nothing else writes it: the validation is remembered...
      expect((await fresh())?.user.id).toBe(user.id);
      sessionsChanged(); // ...until this process changes a session or a role
    }
    expect(await fresh()).toBeNull();

    // A role change through the app is seen by the very next request, on both databases.
    const other = await makeUser("activist");
    const again = () => currentSession(get("/", other.cookie), {});
    expect((await again())?.user.role).toBe("activist");
    expect((await again())?.user.role).toBe("activist");
    expect(await updateUserAccess(other.id, "trainer", [])).toMatchObject({ ok: true });
    expect((await again())?.user.role).toBe("trainer");
    // And a sign-out.
    await endSession((await again())!.sessionId);
    expect(await again()).toBeNull();
  });

  it("ignores a forged or garbage cookie", async () => {
    expect(await currentSession(get("/", "doorstep_session=AAAAAAAAAAAAAAAAAAAAAAAAAA"))).toBeNull();
    expect(await currentSession(get("/", "doorstep_session=<script>"))).toBeNull();
  });
});
