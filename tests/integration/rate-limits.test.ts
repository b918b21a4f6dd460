import { like, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { SIGN_IN_LIMITS } from "~/auth/accounts.server";
import { stopLive } from "~/live/hub.server";
import { JOIN_LIMITS } from "~/live/joining.server";
import { createLiveSession } from "~/live/lifecycle.server";
import * as joinCode from "~/routes/join.$code";
import * as joinIndex from "~/routes/join._index";
import * as login from "~/routes/login";
import { rateLimits } from "../../db/schema";
import { LIVE_MODULE, withLiveCatalog } from "../fixtures/live-modules/setup";
import { makeUser, post, run, TEST_PASSWORD, type RouteOutcome } from "../setup/fixtures";
import { withTestDatabase } from "../setup/database";

// Rate limits that hold under concurrency, don't lock out the wrong people, and don't
// keep rows forever. Statuses tell how many attempts reached the password or code check:
// 401 / 404 were checked, 429 were refused before.

const database = withTestDatabase();
withLiveCatalog();
afterAll(() => stopLive());

const statuses = (outcomes: RouteOutcome[]) => {
  const tally: Record<number, number> = {};
  for (const o of outcomes) tally[o.status] = (tally[o.status] ?? 0) + 1;
  return tally;
};

const signIn = (email: string, password: string, ip: string) => run(login.action, post("/login", { email, password }), {}, ip);

async function liveCode() {
  const trainer = await makeUser("trainer");
  const created = await createLiveSession(trainer, { moduleSlug: LIVE_MODULE });
  if (!created.ok) throw new Error(created.message);
  return created.value;
}

describe("sign-in limits under concurrency", () => {
  it("lets at most the per-email-and-address limit of 100 parallel wrong passwords reach the password check", async () => {
    const user = await makeUser("activist");
    const outcomes = await Promise.all(Array.from({ length: 100 }, (_, i) => signIn(user.email, `wrong guess ${i}`, "198.51.100.10")));
    const tally = statuses(outcomes);
    expect(tally[401]).toBe(SIGN_IN_LIMITS.emailAtAddress);
    expect(tally[429]).toBe(100 - SIGN_IN_LIMITS.emailAtAddress);
  });

  it("lets at most the per-address limit of 120 parallel wrong sign-ins from one address through", async () => {
    const outcomes = await Promise.all(Array.from({ length: 120 }, (_, i) => signIn(`parallel-${i}@example.org`, "whatever123", "198.51.100.11")));
    const tally = statuses(outcomes);
    expect(tally[401]).toBe(SIGN_IN_LIMITS.address);
    expect(tally[429]).toBe(120 - SIGN_IN_LIMITS.address);
  });

  it("holds the per-email ceiling for guesses spread over many addresses", async () => {
    const user = await makeUser("activist");
    // As if the email had already met ceiling − 5 wrong passwords this window, from elsewhere.
    await database()
      .db.insert(rateLimits)
      .values({ key: `sign-in:email:${user.email}`, count: SIGN_IN_LIMITS.email - 5, windowEndsAt: new Date(Date.now() + 60_000) });
    const outcomes = await Promise.all(Array.from({ length: 30 }, (_, i) => signIn(user.email, `wrong guess ${i}`, `203.0.113.${100 + i}`)));
    expect(statuses(outcomes)).toEqual({ 401: 5, 429: 25 });
  });
});

describe("sign-in lockout", () => {
  it("a stranger's wrong passwords from one address do not lock the volunteer out at their own", async () => {
    const volunteer = await makeUser("activist");
    const tries = await Promise.all(Array.from({ length: 12 }, (_, i) => signIn(volunteer.email, `stranger guess ${i}`, "192.0.2.66")));
    expect(statuses(tries)).toEqual({ 401: SIGN_IN_LIMITS.emailAtAddress, 429: 12 - SIGN_IN_LIMITS.emailAtAddress });
    const own = await signIn(volunteer.email, TEST_PASSWORD, "198.51.100.200");
    expect(own).toMatchObject({ status: 302 });
    expect(own.headers.get("Set-Cookie")).toMatch(/^doorstep_session=/);
    // The stranger's address stays refused for that email, right password or not.
    expect(await signIn(volunteer.email, TEST_PASSWORD, "192.0.2.66")).toMatchObject({ status: 429 });
  });
});

describe("join-code limits", () => {
  it("lets at most 20 of 60 parallel wrong codes from one address be checked", async () => {
    const outcomes = await Promise.all(Array.from({ length: 60 }, () => run(joinIndex.action, post("/join", { code: "ZZZ ZZZ" }), {}, "198.51.100.20")));
    expect(statuses(outcomes)).toEqual({ 404: JOIN_LIMITS.wrongCodes, 429: 60 - JOIN_LIMITS.wrongCodes });
  });

  it("refuses an address past the guess ceiling before looking the code up, so a right code gets the same 429", async () => {
    const { code } = await liveCode();
    const ip = "198.51.100.21";
    await database()
      .db.insert(rateLimits)
      .values({ key: `join:wrong-code:${ip}`, count: JOIN_LIMITS.guessCeiling, windowEndsAt: new Date(Date.now() + 60_000) });
    const right = await run(joinIndex.action, post("/join", { code }), {}, ip);
    const wrong = await run(joinIndex.action, post("/join", { code: "ZZZ ZZZ" }), {}, ip);
    expect(right).toMatchObject({ status: 429, body: { errors: { code: expect.stringMatching(/Too many wrong codes/) } } });
    expect(wrong).toMatchObject({ status: 429, body: { errors: (right.body as { errors: unknown }).errors } });
  });
});

describe("newcomers with an email that already has an account", () => {
  it("are counted per address and refused with a 429 past the limit, while a real newcomer still joins", async () => {
    const { code } = await liveCode();
    const existing = await makeUser("activist");
    const ip = "198.51.100.30";
    const tryEmail = (email: string, from = ip) => run(joinCode.action, post(`/join/${code}`, { intent: "newcomer", name: "Someone", email }), { code }, from);
    for (let i = 0; i < JOIN_LIMITS.takenEmailsPerAddress; i++) {
      expect(await tryEmail(existing.email)).toMatchObject({ status: 409, body: { errors: { email: expect.stringMatching(/already exists/) } } });
    }
    const refused = await tryEmail(existing.email);
    expect(refused).toMatchObject({ status: 429, body: { errors: { email: expect.stringMatching(/Sign in to join/) } } });
    expect(await tryEmail("brand.new.person@example.org")).toMatchObject({ status: 302, location: `/live/${code}` });
  });

  it("are counted per session across addresses", async () => {
    const { code } = await liveCode();
    const existing = await makeUser("activist");
    const outcomes: RouteOutcome[] = [];
    for (let i = 0; i < JOIN_LIMITS.takenEmailsPerSession + 3; i++) {
      // A few tries from each of many addresses, staying under the per-address limit.
      const ip = `203.0.113.${Math.floor(i / 3)}`;
      outcomes.push(await run(joinCode.action, post(`/join/${code}`, { intent: "newcomer", name: "Someone", email: existing.email }), { code }, ip));
    }
    expect(statuses(outcomes)).toEqual({ 409: JOIN_LIMITS.takenEmailsPerSession, 429: 3 });
  });
});

describe("old rows", () => {
  it("are deleted once their window has ended, at the next hit", async () => {
    const user = await makeUser("activist");
    expect(await signIn(user.email, "not the password", "198.51.100.40")).toMatchObject({ status: 401 });
    const mine = like(rateLimits.key, `%${user.email}%`);
    expect(await database().db.select().from(rateLimits).where(mine)).toHaveLength(2);
    await database()
      .db.update(rateLimits)
      .set({ windowEndsAt: sql`now() - interval '1 second'` })
      .where(mine);
    expect(await signIn("someone-else@example.org", "not the password", "198.51.100.41")).toMatchObject({ status: 401 });
    expect(await database().db.select().from(rateLimits).where(mine)).toEqual([]);
    expect(await database().db.select().from(rateLimits).where(like(rateLimits.key, "%someone-else@example.org%"))).toHaveLength(2);
  });

  it("an ended window starts afresh: a locked-out pair signs in once it has passed", async () => {
    const user = await makeUser("activist");
    const ip = "198.51.100.42";
    for (let i = 0; i < SIGN_IN_LIMITS.emailAtAddress; i++) await signIn(user.email, "not the password", ip);
    expect(await signIn(user.email, TEST_PASSWORD, ip)).toMatchObject({ status: 429 });
    await database()
      .db.update(rateLimits)
      .set({ windowEndsAt: sql`now() - interval '1 second'` })
      .where(like(rateLimits.key, `%${user.email}%`));
    expect(await signIn(user.email, TEST_PASSWORD, ip)).toMatchObject({ status: 302 });
  });
});
