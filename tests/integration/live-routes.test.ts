import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getModule, loadCatalog, syncModulesTable } from "~/content/catalog.server";
import { stopLive } from "~/live/hub.server";
import { endSession } from "~/live/attendance.server";
import { joinWithCode } from "~/live/joining.server";
import { createLiveSession } from "~/live/lifecycle.server";
import type { LiveView } from "~/live/state";
import { moduleCodePath } from "~/mdx/module-code";
import { shuffleSeed } from "~/activities/order/shuffle.server";
import * as joinCode from "~/routes/join.$code";
import * as joinIndex from "~/routes/join._index";
import * as joinPassword from "~/routes/join.password";
import * as liveParticipant from "~/routes/live.$code._index";
import * as liveEvents from "~/routes/live.$code.events";
import * as livePresent from "~/routes/live.$code.present";
import * as liveIndex from "~/routes/live._index";
import * as liveNew from "~/routes/live.new";
import * as moduleCode from "~/routes/modules.$slug.code.$file";
import { liveParticipants, liveSessions, users } from "../../db/schema";
import { LIVE_MODULE, LIVE_MODULES_DIR, STEP, withLiveCatalog } from "../fixtures/live-modules/setup";
import { get, makeUser, post, run, TEST_ORIGIN, type TestUser } from "../setup/fixtures";
import { withTestDatabase } from "../setup/database";
import { sseReader } from "../setup/sse";

const database = withTestDatabase();
withLiveCatalog();
afterAll(() => stopLive());

async function session(trainer?: TestUser, moduleSlug = LIVE_MODULE) {
  const owner = trainer ?? (await makeUser("trainer"));
  const created = await createLiveSession(owner, { moduleSlug });
  if (!created.ok) throw new Error(created.message);
  return { trainer: owner, ...created.value };
}

async function participant(code: string) {
  const user = await makeUser("activist");
  const joined = await joinWithCode(code, user, "192.0.2.10");
  if (!joined.ok) throw new Error(joined.message);
  return user;
}

/** Fetch the module code script the live pages point at, as `cookie`'s browser would. */
async function fetchModuleCode(module: { slug: string; hash: string }, cookie?: string) {
  const address = moduleCodePath(module.slug, module.hash);
  const [, , slug, , file] = address.split("/");
  return run(moduleCode.loader, get(address, cookie), { slug: decodeURIComponent(slug!), file: decodeURIComponent(file!) });
}

/** Read Server-Sent Events from a Response body as they arrive. */
function eventReader(response: Response) {
  const events = sseReader(response.body!);
  return {
    async next(timeoutMs = 3000): Promise<{ id: string; event: string; data: LiveView }> {
      const { id, event, data } = await events.next(timeoutMs);
      return { id, event, data: JSON.parse(data || "null") as LiveView };
    },
    cancel: events.cancel,
  };
}

async function openStream(code: string, cookie: string, asPresenter = false) {
  const controller = new AbortController();
  const request = new Request(new URL(`/live/${code}/events${asPresenter ? "?as=presenter" : ""}`, TEST_ORIGIN), { headers: { Cookie: cookie }, signal: controller.signal });
  const response = (await liveEvents.loader({ request, params: { code }, context: { clientIp: "192.0.2.10" } })) as Response;
  return { response, controller };
}

describe("/live/new and /live", () => {
  it("starts a session for a trainer and lists it", async () => {
    const trainer = await makeUser("trainer");
    const options = await run(liveNew.loader, get("/live/new", trainer.cookie));
    expect(options.status).toBe(200);
    expect((options.body as { modules: { slug: string }[] }).modules.map((m) => m.slug)).toContain(LIVE_MODULE);
    const res = await run(liveNew.action, post("/live/new", { moduleSlug: LIVE_MODULE, groupId: "" }, trainer.cookie));
    expect(res.status).toBe(302);
    expect(res.location).toMatch(/^\/live\/[A-HJKMNP-Z]{6}\/present$/);
    const list = await run(liveIndex.loader, get("/live", trainer.cookie));
    expect((list.body as { sessions: { moduleTitle: string }[] }).sessions).toHaveLength(1);
  });

  it("answers bad input with a 4xx and creates nothing", async () => {
    const trainer = await makeUser("trainer");
    expect((await run(liveNew.action, post("/live/new", { moduleSlug: "" }, trainer.cookie))).status).toBe(400);
    expect((await run(liveNew.action, post("/live/new", { moduleSlug: "nope" }, trainer.cookie))).status).toBe(404);
    expect((await run(liveNew.action, post("/live/new", { moduleSlug: LIVE_MODULE, groupId: "not-a-uuid" }, trainer.cookie))).status).toBe(400);
    const activist = await makeUser("activist");
    expect((await run(liveNew.action, post("/live/new", { moduleSlug: LIVE_MODULE }, activist.cookie))).status).toBe(403);
    const rows = await database().db.select().from(liveSessions).where(eq(liveSessions.trainerId, trainer.id));
    expect(rows).toEqual([]);
  });
});

describe("joining pages", () => {
  it("/join sends a signed-in person into the session, and the trainer to the presenter view", async () => {
    const { code, trainer } = await session();
    const user = await makeUser("activist");
    const res = await run(joinIndex.action, post("/join", { code: code.toLowerCase() }, user.cookie));
    expect(res).toMatchObject({ status: 302, location: `/live/${code}` });
    expect(await run(joinIndex.action, post("/join", { code }, trainer.cookie))).toMatchObject({ status: 302, location: `/live/${code}/present` });
    const page = await run(joinIndex.loader, get("/join", user.cookie));
    expect((page.body as { openSessions: { code: string }[] }).openSessions.map((s) => s.code)).toEqual([code]);
  });

  it("/join explains a malformed, wrong or ended code", async () => {
    const user = await makeUser("activist");
    const bad = await run(joinIndex.action, post("/join", { code: "12" }, user.cookie));
    expect(bad).toMatchObject({ status: 400, body: { errors: { code: expect.stringMatching(/six letters/) } } });
    const wrong = await run(joinIndex.action, post("/join", { code: "QQQQQQ" }, user.cookie));
    expect(wrong).toMatchObject({ status: 404, body: { errors: { code: expect.stringMatching(/No live session has that code/) } } });
    const { code, trainer } = await session();
    await endSession(code, trainer);
    expect(await run(joinIndex.action, post("/join", { code }, user.cookie))).toMatchObject({ status: 410 });
    expect(await run(joinIndex.action, post("/join", { code }))).toMatchObject({ status: 410 });
  });

  it("/join/:code lets a newcomer join with name and email, signed in, and then choose a password", async () => {
    const { code, id } = await session();
    const anonymous = await run(joinIndex.action, post("/join", { code }));
    expect(anonymous).toMatchObject({ status: 302, location: `/join/${code}` });
    const page = await run(joinCode.loader, get(`/join/${code}`), { code });
    expect(page.status).toBe(200);
    expect(await run(joinCode.loader, get("/join/QQQQQQ"), { code: "QQQQQQ" })).toMatchObject({ status: 404 });

    const invalid = await run(joinCode.action, post(`/join/${code}`, { intent: "newcomer", name: "", email: "nope" }), { code });
    expect(invalid).toMatchObject({ status: 400, body: { errors: { name: "Enter your name.", email: expect.any(String) } } });
    const res = await run(joinCode.action, post(`/join/${code}`, { intent: "newcomer", name: "Dee Door", email: "Dee.Door@Example.org" }), { code });
    expect(res).toMatchObject({ status: 302, location: `/live/${code}` });
    const cookie = res.headers.get("Set-Cookie")!.split(";")[0]!;
    const view = await run(liveParticipant.loader, get(`/live/${code}`, cookie), { code });
    expect(view.status).toBe(200);
    expect((view.body as { view: LiveView }).view.me).toMatchObject({ name: "Dee Door", needsPassword: true });
    const [user] = await database().db.select().from(users).where(eq(users.email, "dee.door@example.org"));
    const [row] = await database().db.select().from(liveParticipants).where(eq(liveParticipants.userId, user!.id));
    expect(row!.sessionId).toBe(id);

    expect((await run(joinPassword.loader, get("/join/password", cookie))).body).toMatchObject({ needed: true });
    expect(await run(joinPassword.action, post("/join/password", { password: "short" }, cookie))).toMatchObject({ status: 400 });
    expect(await run(joinPassword.action, post("/join/password", { password: "a long enough password" }, cookie))).toMatchObject({ status: 200, body: { ok: true } });
    expect(await run(joinPassword.action, post("/join/password", { password: "a long enough password" }, cookie))).toMatchObject({ status: 409 });

    const again = await run(joinCode.action, post(`/join/${code}`, { intent: "newcomer", name: "Dee Again", email: "dee.door@example.org" }), { code });
    expect(again).toMatchObject({ status: 409, body: { errors: { email: expect.stringMatching(/Sign in instead/) } } });
  });

  it("rate limits wrong codes with a clear 429, on the join page and the code page alike, yet lets the right code in", async () => {
    const ip = "192.0.2.77";
    let last = 0;
    for (let i = 0; i < 25; i++) {
      const res = await run(joinCode.loader, get("/join/QQQQQQ"), { code: "QQQQQQ" }, ip);
      last = res.status;
    }
    expect(last).toBe(429);
    const wrong = await run(joinIndex.action, post("/join", { code: "QQQ QQR" }), {}, ip);
    expect(wrong).toMatchObject({ status: 429, body: { errors: { code: expect.stringMatching(/Too many wrong codes/) } } });
    // The room behind that address still gets in with the code on the projector.
    const { code } = await session();
    expect(await run(joinIndex.action, post("/join", { code }), {}, ip)).toMatchObject({ status: 302, location: `/join/${code}` });
    expect(await run(joinCode.loader, get(`/join/${code}`), { code }, ip)).toMatchObject({ status: 200 });
    const member = await makeUser("activist");
    expect(await run(joinIndex.action, post("/join", { code }, member.cookie), {}, ip)).toMatchObject({ status: 302, location: `/live/${code}` });
  });
});

describe("the participant page", () => {
  it("sends people who haven't joined to join, the trainer to present, anonymous visitors to sign in", async () => {
    const { code, trainer } = await session();
    const stranger = await makeUser("activist");
    expect(await run(liveParticipant.loader, get(`/live/${code}`, stranger.cookie), { code })).toMatchObject({ status: 302, location: `/join/${code}` });
    expect(await run(liveParticipant.loader, get(`/live/${code}`, trainer.cookie), { code })).toMatchObject({ status: 302, location: `/live/${code}/present` });
    expect((await run(liveParticipant.loader, get(`/live/${code}`), { code })).location).toMatch(/^\/login/);
    expect(await run(liveParticipant.loader, get("/live/QQQQQQ", stranger.cookie), { code: "QQQQQQ" })).toMatchObject({ status: 404 });
  });

  it("takes answers for the current step and refuses the rest with a 400", async () => {
    const { code, trainer } = await session();
    const user = await participant(code);
    const early = await run(liveParticipant.action, post(`/live/${code}`, { intent: "answer", activityId: "confidence", optionId: "very" }, user.cookie), { code });
    expect(early).toMatchObject({ status: 400, body: { ok: false, failure: { activityId: "confidence" } } });
    await run(livePresent.action, post(`/live/${code}/present`, { intent: "step", to: String(STEP.poll) }, trainer.cookie), { code });
    const ok = await run(liveParticipant.action, post(`/live/${code}`, { intent: "answer", activityId: "confidence", optionId: "very" }, user.cookie), { code });
    expect(ok).toMatchObject({ status: 200, body: { ok: true } });
    expect(await run(liveParticipant.action, post(`/live/${code}`, { intent: "dance" }, user.cookie), { code })).toMatchObject({ status: 400 });
    expect(await run(liveParticipant.action, post(`/live/${code}`, { intent: "vote", activityId: "door-play", turn: "x", choice: "0" }, user.cookie), { code })).toMatchObject({
      status: 400,
    });
    const page = await run(liveParticipant.loader, get(`/live/${code}`, user.cookie), { code });
    expect((page.body as { view: LiveView }).view.me!.responses).toEqual({ confidence: { kind: "poll", optionId: "very" } });
  });

  it("gives each participant their own order of quiz options and replies; the presenter keeps the author's", async () => {
    const { code, trainer, id } = await session();
    const ann = await participant(code);
    const bob = await participant(code);
    type Seeds = { shuffleSeeds: Record<string, { current: string }> };
    const seeds = async (user: TestUser) => ((await run(liveParticipant.loader, get(`/live/${code}`, user.cookie), { code })).body as Seeds).shuffleSeeds;
    const annSeeds = await seeds(ann);
    expect(Object.keys(annSeeds).sort()).toEqual(["basics", "door-play"]);
    expect(annSeeds.basics!.current).toBe(shuffleSeed(ann.id, "basics", `live:${id}`));
    expect(await seeds(ann)).toEqual(annSeeds); // a reload: the same order
    expect((await seeds(bob)).basics!.current).not.toBe(annSeeds.basics!.current);
    const presenter = await run(livePresent.loader, get(`/live/${code}/present`, trainer.cookie), { code });
    expect(presenter.body).not.toHaveProperty("shuffleSeeds");
  });

  it("saves a reflection privately to the learner's own record", async () => {
    const { code, trainer } = await session();
    const user = await participant(code);
    await run(livePresent.action, post(`/live/${code}/present`, { intent: "step", to: String(STEP.pairs) }, trainer.cookie), { code });
    const res = await run(liveParticipant.action, post(`/live/${code}`, { intent: "reflect", activityId: "my-take", body: "Ask first." }, user.cookie), { code });
    expect(res.status).toBe(200);
    const page = await run(liveParticipant.loader, get(`/live/${code}`, user.cookie), { code });
    expect((page.body as { reflections: Record<string, string> }).reflections).toEqual({ "my-take": "Ask first." });
  });
});

describe("the presenter page", () => {
  it("is for the session's trainer and admins only", async () => {
    const { code, trainer } = await session();
    const other = await makeUser("trainer");
    const admin = await makeUser("admin");
    const user = await participant(code);
    expect((await run(livePresent.loader, get(`/live/${code}/present`, trainer.cookie), { code })).status).toBe(200);
    expect((await run(livePresent.loader, get(`/live/${code}/present`, admin.cookie), { code })).status).toBe(200);
    expect((await run(livePresent.loader, get(`/live/${code}/present`, other.cookie), { code })).status).toBe(403);
    expect((await run(livePresent.loader, get(`/live/${code}/present`, user.cookie), { code })).status).toBe(403);
    expect((await run(livePresent.action, post(`/live/${code}/present`, { intent: "step", to: "1" }, other.cookie), { code })).status).toBe(403);
    expect((await run(livePresent.action, post(`/live/${code}/present`, { intent: "step", to: "1" }, user.cookie), { code })).status).toBe(403);
  });

  it("shows the join code, URL and a QR code", async () => {
    const { code, trainer } = await session();
    const page = await run(livePresent.loader, get(`/live/${code}/present`, trainer.cookie), { code });
    const join = (page.body as { join: { url: string; qrSvg: string; spaced: string } }).join;
    expect(join.url).toBe(`${TEST_ORIGIN}/join/${code}`);
    expect(join.spaced).toBe(`${code.slice(0, 3)} ${code.slice(3)}`);
    expect(join.qrSvg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
  });

  it("answers malformed commands with a 400, and ending needs a confirmation", async () => {
    const { code, trainer, id } = await session();
    const malformed: Record<string, string>[] = [{ intent: "step", to: "next" }, { intent: "timer-start", seconds: "-5" }, { intent: "nope" }, { intent: "end" }, { intent: "mark", userId: "x", mark: "maybe" }];
    for (const fields of malformed) {
      const res = await run(livePresent.action, post(`/live/${code}/present`, fields, trainer.cookie), { code });
      expect(res.status, JSON.stringify(fields)).toBe(400);
    }
    const [row] = await database().db.select().from(liveSessions).where(eq(liveSessions.id, id));
    expect(row).toMatchObject({ status: "open", version: 1 });
    const ended = await run(livePresent.action, post(`/live/${code}/present`, { intent: "end", confirm: "yes" }, trainer.cookie), { code });
    expect(ended).toMatchObject({ status: 200, body: { ok: true, intent: "end" } });
  });
});

describe("the event stream", () => {
  it("sends the current state at once, then each change, per viewer", async () => {
    const { code, trainer } = await session();
    const user = await participant(code);
    const mine = await openStream(code, user.cookie);
    expect(mine.response.headers.get("Content-Type")).toMatch(/^text\/event-stream/);
    const presenting = await openStream(code, trainer.cookie, true);
    const events = eventReader(mine.response);
    const presenterEvents = eventReader(presenting.response);
    try {
      const first = await events.next();
      expect(first.event).toBe("state");
      expect(first.data.shared).toMatchObject({ code, stepIndex: 0 });
      expect(first.data.presenter).toBeNull();
      expect(first.data.me).toMatchObject({ userId: user.id });
      expect((await presenterEvents.next()).data.presenter).not.toBeNull();

      const started = Date.now();
      await run(livePresent.action, post(`/live/${code}/present`, { intent: "step", to: String(STEP.poll) }, trainer.cookie), { code });
      let next = await events.next();
      while (next.data.shared.stepIndex !== STEP.poll) next = await events.next();
      expect(Date.now() - started).toBeLessThan(1000);
      expect(Number(next.id)).toBe(next.data.shared.version);
      let seen = await presenterEvents.next();
      while (seen.data.shared.stepIndex !== STEP.poll) seen = await presenterEvents.next();

      // An answer reaches the presenter's tally.
      await run(liveParticipant.action, post(`/live/${code}`, { intent: "answer", activityId: "confidence", optionId: "nervous" }, user.cookie), { code });
      seen = await presenterEvents.next();
      while (seen.data.shared.tallies.confidence?.total !== 1) seen = await presenterEvents.next();
      expect(seen.data.shared.tallies.confidence).toMatchObject({ kind: "poll", counts: { nervous: 1 } });
    } finally {
      mine.controller.abort();
      presenting.controller.abort();
      await events.cancel();
      await presenterEvents.cancel();
    }
  });

  it("refuses people who are not in the session, and says 204 (stop) once it has ended", async () => {
    const { code, trainer } = await session();
    const stranger = await makeUser("activist");
    await expect(openStream(code, stranger.cookie)).rejects.toMatchObject({ status: 403 });
    await expect(openStream(code, stranger.cookie, true)).rejects.toMatchObject({ status: 403 });
    await endSession(code, trainer);
    const after = await openStream(code, trainer.cookie, true);
    expect(after.response.status).toBe(204);
  });
});

describe("the module's code on the live pages (ADR 006)", () => {
  type PageModule = { slug: string; hash: string };

  it("is not in either page's loader data; the script they point at answers for trainer and participant", async () => {
    const { code, trainer } = await session();
    const user = await participant(code);
    const compiled = getModule(LIVE_MODULE)!;
    for (const [label, outcome] of [
      ["presenter", await run(livePresent.loader, get(`/live/${code}/present`, trainer.cookie), { code })],
      ["participant", await run(liveParticipant.loader, get(`/live/${code}`, user.cookie), { code })],
    ] as const) {
      expect(outcome.status, label).toBe(200);
      const module = (outcome.body as { module: PageModule }).module;
      expect(Object.keys(module).sort(), label).toEqual(["hash", "manifest", "slug", "title"]);
      expect(module).toMatchObject({ slug: LIVE_MODULE, hash: compiled.hash });
      expect(JSON.stringify(outcome.body), label).not.toContain(compiled.code.slice(0, 200));
    }
    for (const cookie of [trainer.cookie, user.cookie]) {
      const script = await fetchModuleCode(compiled, cookie);
      expect(script.status).toBe(200);
      expect(script.headers.get("Content-Type")).toMatch(/^text\/javascript/);
      expect(script.headers.get("Cache-Control")).toMatch(/^public, .*immutable/);
    }
  });

  describe("of a draft module run live", () => {
    const DRAFT = "live-draft";
    let contentDir = "";
    beforeAll(async () => {
      // The fixture module once more, as a draft under its own slug.
      contentDir = mkdtempSync(path.join(tmpdir(), "doorstep-live-draft-"));
      cpSync(path.join(LIVE_MODULES_DIR, LIVE_MODULE), path.join(contentDir, LIVE_MODULE), { recursive: true });
      cpSync(path.join(LIVE_MODULES_DIR, LIVE_MODULE), path.join(contentDir, DRAFT), { recursive: true });
      const file = path.join(contentDir, DRAFT, "index.mdx");
      writeFileSync(file, readFileSync(file, "utf8").replace(/^---\n/, "---\ndraft: true\n"));
      const result = await loadCatalog(contentDir);
      if (result.problems.length) throw new Error(JSON.stringify(result.problems));
      await syncModulesTable();
    });
    afterAll(async () => {
      await loadCatalog(LIVE_MODULES_DIR);
      if (contentDir) rmSync(contentDir, { recursive: true, force: true });
    });

    it("serves the code to the session's trainer and participants, privately, and to no other activist", async () => {
      const draft = getModule(DRAFT)!;
      expect(draft.frontmatter.draft).toBe(true);
      const { code, trainer } = await session(undefined, DRAFT);
      const stranger = await makeUser("activist");
      // Before joining, an activist cannot read a draft's code.
      expect(await fetchModuleCode(draft, stranger.cookie)).toMatchObject({ status: 404 });
      const user = await participant(code);

      const page = await run(liveParticipant.loader, get(`/live/${code}`, user.cookie), { code });
      expect(page.status).toBe(200);
      expect((page.body as { module: PageModule }).module).toMatchObject({ slug: DRAFT, hash: draft.hash });
      for (const cookie of [user.cookie, trainer.cookie]) {
        const script = await fetchModuleCode(draft, cookie);
        expect(script.status).toBe(200);
        expect(script.headers.get("Cache-Control")).toMatch(/^private, /);
      }
      expect(await fetchModuleCode(draft, stranger.cookie)).toMatchObject({ status: 404 });
      expect((await fetchModuleCode(draft)).location).toMatch(/^\/login/);
      // Taking part in a session of another module is not enough.
      const elsewhere = await participant((await session()).code);
      expect(await fetchModuleCode(draft, elsewhere.cookie)).toMatchObject({ status: 404 });

      // A page loaded just before the end still gets its code afterwards.
      await endSession(code, trainer);
      expect(await fetchModuleCode(draft, user.cookie)).toMatchObject({ status: 200 });
    });
  });
});
