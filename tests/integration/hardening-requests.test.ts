import { count } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { joinWithCode } from "~/live/joining.server";
import { createLiveSession } from "~/live/lifecycle.server";
import { stopLive } from "~/live/hub.server";
import { FORM_MAX_BYTES } from "~/lib/request.server";
import { REFLECTION_MAX } from "~/progress/record.server";
import * as groupsPage from "~/routes/admin.groups";
import * as invitesPage from "~/routes/admin.invites";
import * as invitePage from "~/routes/invite.$token";
import * as joinCode from "~/routes/join.$code";
import * as joinIndex from "~/routes/join._index";
import * as liveParticipant from "~/routes/live.$code._index";
import * as liveEvents from "~/routes/live.$code.events";
import * as livePresent from "~/routes/live.$code.present";
import * as login from "~/routes/login";
import * as stepPage from "~/routes/modules.$slug.$step";
import * as activistPage from "~/routes/reports.activists.$id";
import * as matrixPage from "~/routes/reports.activists._index";
import * as exportTable from "~/routes/reports.export.$table";
import * as overviewPage from "~/routes/reports._index";
import { groups, liveResponses, pollAnswers, quizAttempts, reflections, scenarioRuns, users } from "../../db/schema";
import { LIVE_MODULE, STEP, withLiveCatalog } from "../fixtures/live-modules/setup";
import { get, makeGroup, makeUser, post, run, TEST_ORIGIN, TEST_PASSWORD, type TestUser } from "../setup/fixtures";
import { withTestDatabase } from "../setup/database";

// Issue 12 (1, 6, 10, 11, 12, 14): every malformed request gets a clear 4xx from the route
// itself — never a 500, never a partial write, never a redirect to another site.

const database = withTestDatabase();
withLiveCatalog();
afterAll(() => stopLive());

type Table = typeof groups | typeof users | typeof reflections | typeof liveResponses | typeof quizAttempts | typeof scenarioRuns | typeof pollAnswers;
const countOf = async (table: Table) => Number((await database().db.select({ n: count() }).from(table))[0]!.n);

/** A POST with any body and Content-Type, as a script (not a browser form) might send. */
function rawPost(path: string, body: BodyInit | null, headers: Record<string, string>, cookie?: string) {
  return new Request(new URL(path, TEST_ORIGIN), {
    method: "POST",
    body,
    headers: { Origin: TEST_ORIGIN, ...headers, ...(cookie ? { Cookie: cookie } : {}) },
    ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
  } as RequestInit);
}

/** A body of `total` bytes of "a", produced only as it is read; `pulled()` says how much was. */
function lazyBody(total: number, chunk = 64 * 1024) {
  let pulled = 0;
  const bytes = new Uint8Array(chunk).fill(0x61);
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (pulled >= total) return controller.close();
        pulled += chunk;
        controller.enqueue(bytes);
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, pulled: () => pulled };
}

async function liveSession() {
  const trainer = await makeUser("trainer");
  const created = await createLiveSession(trainer, { moduleSlug: LIVE_MODULE });
  if (!created.ok) throw new Error(created.message);
  const learner = await makeUser("activist");
  const joined = await joinWithCode(created.value.code, learner, "192.0.2.10");
  if (!joined.ok) throw new Error(joined.message);
  return { trainer, learner, code: created.value.code };
}

const goTo = (code: string, trainer: TestUser, step: number) =>
  run(livePresent.action, post(`/live/${code}/present`, { intent: "step", to: String(step) }, trainer.cookie), { code });

describe("item 10: a body that is not a form is a 415 or 400, not a 500", () => {
  it("refuses JSON with 415 and a message, writing nothing", async () => {
    const admin = await makeUser("admin");
    const before = await countOf(groups);
    const res = await run(groupsPage.action, rawPost("/admin/groups", JSON.stringify({ name: "Json", kind: "branch" }), { "Content-Type": "application/json" }, admin.cookie));
    expect(res).toMatchObject({ status: 415, body: expect.stringMatching(/takes a form/) });
    expect(await countOf(groups)).toBe(before);
    expect(await run(joinIndex.action, rawPost("/join", '{"code":"ABCDEF"}', { "Content-Type": "application/json" }))).toMatchObject({ status: 415 });
    expect(await run(login.action, rawPost("/login", "email=a", { "Content-Type": "text/plain" }))).toMatchObject({ status: 415 });
  });

  it("refuses multipart without a boundary with 400, and still reads a real multipart form", async () => {
    const admin = await makeUser("admin");
    const before = await countOf(groups);
    const broken = await run(groupsPage.action, rawPost("/admin/groups", "--x\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nX\r\n--x--", { "Content-Type": "multipart/form-data" }, admin.cookie));
    expect(broken).toMatchObject({ status: 400, body: expect.stringMatching(/no boundary/) });
    const garbled = await run(groupsPage.action, rawPost("/admin/groups", "not multipart at all", { "Content-Type": "multipart/form-data; boundary=zzz" }, admin.cookie));
    expect(garbled).toMatchObject({ status: 400, body: expect.stringMatching(/could not be read/) });
    expect(await countOf(groups)).toBe(before);

    const form = new FormData();
    form.set("name", "Multipart branch");
    form.set("kind", "branch");
    const created = await run(groupsPage.action, new Request(new URL("/admin/groups", TEST_ORIGIN), { method: "POST", body: form, headers: { Origin: TEST_ORIGIN, Cookie: admin.cookie } }));
    expect(created.body).toMatchObject({ ok: true, created: "Multipart branch" });
  });
});

describe("item 6: a body over the cap is a 413, refused before it is read", () => {
  it("answers a declared 200 MB at once, reading none of it", async () => {
    const body = lazyBody(200 * 1024 * 1024);
    const before = await countOf(users);
    const res = await run(joinIndex.action, rawPost("/join", body.stream, { "Content-Type": "application/x-www-form-urlencoded", "Content-Length": String(200 * 1024 * 1024) }));
    expect(res).toMatchObject({ status: 413, body: expect.stringMatching(/larger than/) });
    expect(body.pulled()).toBe(0);
    expect(await countOf(users)).toBe(before);
  });

  it("stops reading a chunked body (no Content-Length) at the cap", async () => {
    const body = lazyBody(200 * 1024 * 1024);
    const res = await run(joinIndex.action, rawPost("/join", body.stream, { "Content-Type": "application/x-www-form-urlencoded" }));
    expect(res.status).toBe(413);
    expect(body.pulled()).toBeLessThanOrEqual(FORM_MAX_BYTES + 2 * 64 * 1024);

    // The cap leaves room: the longest reflection allowed is read as before.
    const user = await makeUser("activist");
    const long = await run(stepPage.action, post(`/modules/${LIVE_MODULE}/pairs`, { intent: "reflect", activityId: "my-take", body: "x".repeat(REFLECTION_MAX) }, user.cookie), { slug: LIVE_MODULE, step: "pairs" });
    expect(long.status).toBe(200);
  });
});

describe("item 11: NUL and other control characters never reach PostgreSQL", () => {
  it("refuses a group name with a NUL (and a field name with one) with 400, writing nothing", async () => {
    const admin = await makeUser("admin");
    const before = await countOf(groups);
    const forms: Record<string, string>[] = [{ name: "South\u0000moor", kind: "branch" }, { name: "Southmoor\u0007", kind: "branch" }, { name: "Southmoor", kind: "branch", "x\u0000": "1" }];
    for (const fields of forms) {
      const res = await run(groupsPage.action, post("/admin/groups", fields, admin.cookie));
      expect(res, JSON.stringify(fields)).toMatchObject({ status: 400, body: expect.stringMatching(/control characters/) });
    }
    expect(await countOf(groups)).toBe(before);
  });

  it("refuses a self-paced reflection with a NUL, and keeps tabs and line breaks in one", async () => {
    const user = await makeUser("activist");
    const params = { slug: LIVE_MODULE, step: "pairs" };
    const before = await countOf(reflections);
    const bad = await run(stepPage.action, post(`/modules/${LIVE_MODULE}/pairs`, { intent: "reflect", activityId: "my-take", body: "Ask\u0000first" }, user.cookie), params);
    expect(bad.status).toBe(400);
    expect(await countOf(reflections)).toBe(before);
    const good = await run(stepPage.action, post(`/modules/${LIVE_MODULE}/pairs`, { intent: "reflect", activityId: "my-take", body: "Ask first.\r\n\tThen listen." }, user.cookie), params);
    expect(good.status).toBe(200);
    expect(await countOf(reflections)).toBe(before + 1);
  });

  it("refuses a live reflection with a NUL", async () => {
    const { trainer, learner, code } = await liveSession();
    await goTo(code, trainer, STEP.pairs);
    const before = await countOf(reflections);
    const res = await run(liveParticipant.action, post(`/live/${code}`, { intent: "reflect", activityId: "my-take", body: "a\u0000b" }, learner.cookie), { code });
    expect(res.status).toBe(400);
    expect(await countOf(reflections)).toBe(before);
  });

  it("refuses sign-up names with a NUL, by invite and as a newcomer to a live session", async () => {
    const admin = await makeUser("admin");
    const group = await makeGroup();
    const invite = await run(invitesPage.action, post("/admin/invites", { groupId: group.id, role: "activist", days: "7" }, admin.cookie));
    const token = (invite.body as { url: string }).url.split("/").pop()!;
    const { code } = await liveSession();
    const before = await countOf(users);
    const signUp = await run(invitePage.action, post(`/invite/${token}`, { name: "Nul\u0000Name", email: "nul-invite@example.org", password: TEST_PASSWORD }), { token });
    expect(signUp.status).toBe(400);
    const newcomer = await run(joinCode.action, post(`/join/${code}`, { intent: "newcomer", name: "Nul\u0000Name", email: "nul-newcomer@example.org" }), { code });
    expect(newcomer.status).toBe(400);
    expect(await countOf(users)).toBe(before);
  });

  it("refuses a presenter's attendance mark for a user id with a NUL", async () => {
    const { trainer, code } = await liveSession();
    const res = await run(livePresent.action, post(`/live/${code}/present`, { intent: "mark", userId: "a\u0000b", mark: "present" }, trainer.cookie), { code });
    expect(res.status).toBe(400);
  });

  it("answers route params with a NUL with 400: an activist's record, a live code", async () => {
    const organiser = await makeUser("admin");
    expect(await run(activistPage.loader, get("/reports/activists/a%00b", organiser.cookie), { id: "a\u0000b" })).toMatchObject({ status: 400 });
    const { learner } = await liveSession();
    expect(await run(liveParticipant.loader, get("/live/a%00b", learner.cookie), { code: "a\u0000b" })).toMatchObject({ status: 400 });
    const stream = await run(liveEvents.loader, get("/live/a%00b/events", learner.cookie), { code: "a\u0000b" });
    expect(stream.status).toBe(400);
  });

  it("answers report filters with a NUL with 400: matrix search, group search, overview", async () => {
    const admin = await makeUser("admin");
    for (const query of ["q=%00", "gq=%00", "q=a%01b", "%00=1"]) {
      const res = await run(matrixPage.loader, get(`/reports/activists?${query}`, admin.cookie));
      expect(res, query).toMatchObject({ status: 400, body: expect.stringMatching(/control characters/) });
    }
    expect((await run(overviewPage.loader, get("/reports?kind=%00", admin.cookie))).status).toBe(400);
  });
});

describe("item 14: a CSV export checks its filters before the first byte", () => {
  const exportOf = async (path: string, cookie: string) => {
    const url = new URL(path, TEST_ORIGIN);
    const table = url.pathname.split("/").pop()!;
    // A resource route's thrown Response is what Remix sends.
    const res = (await exportTable.loader({ request: get(path, cookie), params: { table }, context: { clientIp: "203.0.113.7" } } as never).catch((thrown: unknown) => thrown)) as Response;
    return { status: res.status, type: res.headers.get("Content-Type"), text: await res.text() };
  };

  it("answers a NUL in the matrix search or an activist id with a plain-text 400, not a 200 that breaks off", async () => {
    const admin = await makeUser("admin");
    for (const path of ["/reports/export/matrix?q=%00", "/reports/export/matrix?gq=%00", "/reports/export/activist-modules?id=%00"]) {
      const res = await exportOf(path, admin.cookie);
      expect(res, path).toMatchObject({ status: 400, type: "text/plain; charset=utf-8", text: expect.stringMatching(/control characters/) });
    }
    // As before: a bad filter value is a 400 with its message, and a good export streams.
    expect(await exportOf("/reports/export/matrix?status=bogus", admin.cookie)).toMatchObject({ status: 400, text: expect.stringMatching(/Status must be/) });
    const good = await exportOf("/reports/export/matrix?q=Test", admin.cookie);
    expect(good.status).toBe(200);
    expect(good.text).toMatch(/^\uFEFF?Name,Email,Role/);
  });
});

describe("item 12: prototype-like keys are unknown names (4xx), never a crash", () => {
  const PROTO = ["__proto__", "constructor", "toString", "hasOwnProperty"];

  it("answer.__proto__ to a live quiz is a 400 (it was a 500); every activity intent, live and self-paced, answers prototype-like keys with a 4xx", async () => {
    const { trainer, learner, code } = await liveSession();
    const before = await countOf(liveResponses);
    await goTo(code, trainer, STEP.quiz);
    for (const name of PROTO) {
      const res = await run(liveParticipant.action, post(`/live/${code}`, { intent: "answer", activityId: "basics", [`answer.${name}`]: "a", "answer.open": "a" }, learner.cookie), { code });
      expect(res, name).toMatchObject({ status: 400, body: { ok: false, failure: { activityId: "basics" } } });
    }
    for (const step of [STEP.poll, STEP.quiz, STEP.scenario, STEP.pairs]) {
      await goTo(code, trainer, step);
      for (const key of PROTO) {
        const participantForms: Record<string, string>[] = [
          { intent: "answer", activityId: key, optionId: key },
          { intent: "answer", activityId: "confidence", optionId: key },
          { intent: "vote", activityId: key, turn: "0", choice: "0" },
          { intent: "rubric", activityId: key, item: key },
          { intent: "reflect", activityId: key, body: "x" },
          { intent: key, activityId: "basics" },
        ];
        for (const fields of participantForms) {
          const res = await run(liveParticipant.action, post(`/live/${code}`, { ...fields, [key]: "1" }, learner.cookie), { code });
          expect(res.status, JSON.stringify(fields)).toBeGreaterThanOrEqual(400);
          expect(res.status, JSON.stringify(fields)).toBeLessThan(500);
        }
        const presenterForms: Record<string, string>[] = [
          { intent: "reveal", activityId: key },
          { intent: "pair", activityId: key },
          { intent: "swap", activityId: key },
          { intent: "advance", activityId: key, turn: "0", choice: "0" },
          { intent: "restart", activityId: key },
          { intent: "mark", userId: key, mark: "present" },
        ];
        for (const fields of presenterForms) {
          const res = await run(livePresent.action, post(`/live/${code}/present`, fields, trainer.cookie), { code });
          expect(res.status, JSON.stringify(fields)).toBeGreaterThanOrEqual(400);
          expect(res.status, JSON.stringify(fields)).toBeLessThan(500);
        }
      }
    }
    expect(await countOf(liveResponses)).toBe(before);

    // The self-paced parser already used a Map; the same keys through every intent there.
    const user = await makeUser("activist");
    const tables = [quizAttempts, scenarioRuns, pollAnswers, reflections] as const;
    const beforeSelf = await Promise.all(tables.map(countOf));
    const key = () => `k${Math.random().toString(36).slice(2, 12)}`;
    for (const name of PROTO) {
      const forms: Record<string, string>[] = [
        { intent: "quiz", activityId: name, attemptKey: key(), "answer.open": "a" },
        { intent: "quiz", activityId: "basics", attemptKey: key(), [`answer.${name}`]: "a", "answer.open": "a", "answer.listen": "reflect" },
        { intent: "scenario-start", activityId: name, runKey: key() },
        { intent: "scenario-choose", activityId: "door-play", runId: "00000000-0000-0000-0000-000000000000", fromNode: name, step: "0", choice: "0" },
        { intent: "poll", activityId: name, optionId: "very" },
        { intent: "poll", activityId: "confidence", optionId: name },
        { intent: "reflect", activityId: name, body: "x" },
        { intent: name, activityId: "basics" },
      ];
      for (const fields of forms) {
        const res = await run(stepPage.action, post(`/modules/${LIVE_MODULE}/check`, fields, user.cookie), { slug: LIVE_MODULE, step: "check" });
        expect(res.status, JSON.stringify(fields)).toBeGreaterThanOrEqual(400);
        expect(res.status, JSON.stringify(fields)).toBeLessThan(500);
      }
    }
    expect(await Promise.all(tables.map(countOf))).toEqual(beforeSelf);
  });
});

describe("item 1: after sign-in, only a path on this site", () => {
  const EVIL = ["/%09/evil.example", "/%0a/x", "/%0d%0a/evil.example", "//evil.example", "/%5Cevil.example", "/.//evil.example", "https%3A%2F%2Fevil.example", "javascript:alert(1)"];

  it("signed in: /login?redirectTo=<bad> goes home (never to another site, never a 500)", async () => {
    const user = await makeUser("activist");
    for (const target of EVIL) {
      const res = await run(login.loader, get(`/login?redirectTo=${target}`, user.cookie));
      expect(res, target).toMatchObject({ status: 302, location: "/" });
    }
    expect(await run(login.loader, get(`/login?redirectTo=${encodeURIComponent("/modules/x?y=1#z")}`, user.cookie))).toMatchObject({ status: 302, location: "/modules/x?y=1#z" });
  });

  it("signed out: the form carries only the checked target, and the action checks it again", async () => {
    for (const target of EVIL) {
      const page = await run(login.loader, get(`/login?redirectTo=${target}`));
      expect(page.body, target).toEqual({ redirectTo: "/" });
    }
    expect((await run(login.loader, get("/login?redirectTo=%2Fjoin%2FABCDEF"))).body).toEqual({ redirectTo: "/join/ABCDEF" });

    const user = await makeUser("activist");
    const signIn = (redirectTo: string) => run(login.action, post("/login", { email: user.email, password: TEST_PASSWORD, redirectTo }), {}, "198.51.100.20");
    for (const target of ["/\t/evil.example", "/\n/x", "//evil.example", "/\\evil.example", "/.//evil.example"]) {
      expect(await signIn(target), JSON.stringify(target)).toMatchObject({ status: 302, location: "/" });
    }
    expect(await signIn("/me")).toMatchObject({ status: 302, location: "/me" });
  });
});
