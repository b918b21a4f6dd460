// The live answer endpoint as the built server serves it: server.js answers
// POST /live/:code/answer in its own request listener, before Express (docs/decisions/050),
// so the checks Express's middleware made for it (control characters, body size, origin,
// the security headers) are made there again, and must say the same. Also the event
// stream written straight to the socket (one framed write per event): the presenter's
// stream below is read by an ordinary client and must parse.
// On PostgreSQL only, as live-two-instances.test.ts: the built server needs the demo
// accounts seeded (db/seed-cli.ts), and the session lookups it batches are PostgreSQL's.
import http from "node:http";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { FORM_MAX_BYTES } from "~/lib/request.server";
import type { LiveView } from "~/live/state";
import { readSseEvents } from "../setup/sse";
import { LIVE_MODULES_DIR, LIVE_MODULE, STEP } from "../fixtures/live-modules/setup";
import { signInAsDemo, startSeededServers, type RunningServer, type SeededServers } from "../setup/server";

const ON_POSTGRES = inject("testDb") === "postgres";

function postForm(origin: string, pathname: string, cookie: string | null, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return fetch(`${origin}${pathname}`, {
    method: "POST",
    redirect: "manual",
    headers: { Origin: origin, ...(cookie ? { Cookie: cookie } : {}), "Content-Type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(fields),
  });
}

/** A raw POST whose headers we choose (a Content-Length fetch would not send, a chunked body): status, headers, text. */
function rawPost(origin: string, pathname: string, headers: Record<string, string | number>, body: (req: http.ClientRequest) => void) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }>((resolve, reject) => {
    const req = http.request(`${origin}${pathname}`, { method: "POST", headers: { Origin: origin, ...headers } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, text }));
    });
    // The server may answer (and close) before the body is all sent: that is the point.
    req.on("error", (error: NodeJS.ErrnoException) => (error.code === "ECONNRESET" || error.code === "EPIPE" ? undefined : reject(error)));
    body(req);
  });
}

describe.skipIf(!ON_POSTGRES)("POST /live/:code/answer on the built server (runs with TEST_DB=postgres)", () => {
  let seeded: SeededServers | undefined;
  let sql: ReturnType<typeof postgres> | undefined;
  let app: RunningServer | undefined;

  beforeAll(async () => {
    seeded = await startSeededServers("answer", LIVE_MODULES_DIR);
    [app] = seeded.servers;
    sql = postgres(seeded.databaseUrl, { max: 1, onnotice: () => {} });
  }, 240_000);

  afterAll(async () => {
    await sql?.end();
    await seeded?.stop();
  }, 60_000);

  it("stores a signed-in participant's answer and refuses everything else with a clear 4xx, storing nothing", async () => {
    const origin = app!.origin;
    const trainer = await signInAsDemo(origin, "trainer@doorstep.test");
    const activist = await signInAsDemo(origin, "activist@doorstep.test");
    const organiser = await signInAsDemo(origin, "organiser@doorstep.test");
    const created = await postForm(origin, "/live/new", trainer, { moduleSlug: LIVE_MODULE });
    const code = /\/live\/([A-Z]{6})\/present$/.exec(created.headers.get("location") ?? "")?.[1];
    expect(code).toBeDefined();
    expect((await postForm(origin, "/join", activist, { code: code! })).status).toBe(302);
    expect((await postForm(origin, "/join", organiser, { code: code! })).status).toBe(302);
    expect((await postForm(origin, `/live/${code}/present`, trainer, { intent: "step", to: String(STEP.poll) })).status).toBe(200);
    const answerPath = `/live/${code}/answer`;
    const poll = { intent: "answer", activityId: "confidence" };
    // This session's rows only: the demo seed has live sessions of its own.
    const stored = async () => (await sql!`select count(*)::int as n from live_responses r join live_sessions s on s.id = r.session_id where s.code = ${code!} and r.activity_id = 'confidence'`)[0]!.n as number;

    // The presenter's stream, written to the socket directly: an ordinary SSE reader sees the tally.
    const controller = new AbortController();
    const stream = await fetch(`${origin}/live/${code}/events?as=presenter`, { headers: { Cookie: trainer, Accept: "text/event-stream" }, signal: controller.signal });
    expect(stream.headers.get("transfer-encoding")).toBe("chunked");
    const views: LiveView[] = [];
    void readSseEvents(stream.body!, ({ event, data }) => void (event === "state" && views.push(JSON.parse(data) as LiveView))).catch(() => {});

    try {
      // Refusals first: each a clear 4xx, nothing stored.
      const signedOut = await postForm(origin, answerPath, null, { ...poll, optionId: "very" });
      expect(signedOut.status).toBe(401);
      expect(signedOut.headers.get("content-type")).toMatch(/^application\/json/);
      expect(await signedOut.json()).toEqual({ ok: false, failure: { activityId: "confidence", message: "You are signed out. Sign in again, then answer." } });
      const forged = await postForm(origin, answerPath, "doorstep_session=ThisTokenWasNeverIssuedByUs0123", { ...poll, optionId: "very" });
      expect(forged.status).toBe(401);

      // An expired session (its row says so): refused, as on every page.
      await sql!`update sessions set expires_at = now() - interval '1 minute' where user_id = (select id from users where email = 'organiser@doorstep.test')`;
      const expired = await postForm(origin, answerPath, organiser, { ...poll, optionId: "very" });
      expect(expired.status).toBe(401);

      const badOrigin = await postForm(origin, answerPath, activist, { ...poll, optionId: "very" }, { Origin: "https://evil.example" });
      expect(badOrigin.status).toBe(403);
      expect(await badOrigin.text()).toMatch(/\S/);

      const wrongType = await fetch(`${origin}${answerPath}`, { method: "POST", headers: { Origin: origin, Cookie: activist, "Content-Type": "application/json" }, body: JSON.stringify({ ...poll, optionId: "very" }) });
      expect(wrongType.status).toBe(415);
      expect(((await wrongType.json()) as { ok: boolean }).ok).toBe(false);

      const otherIntent = await postForm(origin, answerPath, activist, { intent: "step", to: "3", activityId: "confidence" });
      expect(otherIntent.status).toBe(400);
      expect(((await otherIntent.json()) as { failure: { message: string } }).failure.message).toMatch(/intent=answer/);
      const noSuchOption = await postForm(origin, answerPath, activist, { ...poll, optionId: "not-an-option" });
      expect(noSuchOption.status).toBe(400);
      expect(((await noSuchOption.json()) as { failure: { message: string } }).failure.message).toBe("Pick one of the poll's options.");

      const control = await postForm(origin, `/live/${code}%00/answer`, activist, { ...poll, optionId: "very" });
      expect(control.status).toBe(400);
      expect(await control.text()).toMatch(/control characters/);

      const declaredTooLarge = await rawPost(origin, answerPath, { Cookie: activist, "Content-Type": "application/x-www-form-urlencoded", "Content-Length": FORM_MAX_BYTES + 1 }, (req) => req.end());
      expect(declaredTooLarge.status).toBe(413);
      expect(declaredTooLarge.headers.connection).toBe("close");
      const chunkedTooLarge = await rawPost(origin, answerPath, { Cookie: activist, "Content-Type": "application/x-www-form-urlencoded" }, (req) => {
        req.write(Buffer.alloc(FORM_MAX_BYTES / 2, "a"));
        req.write(Buffer.alloc(FORM_MAX_BYTES / 2 + 10, "a"));
        req.end();
      });
      expect(chunkedTooLarge.status).toBe(413);
      expect(await stored()).toBe(0);

      // The answer itself, with the headers every response of ours has.
      const ok = await postForm(origin, answerPath, activist, { ...poll, optionId: "nervous" });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ ok: true });
      expect(ok.headers.get("cache-control")).toBe("no-store");
      expect(ok.headers.get("x-content-type-options")).toBe("nosniff");
      expect(ok.headers.get("x-frame-options")).toBe("DENY");
      expect(await stored()).toBe(1);
      const deadline = Date.now() + 5_000;
      while (!views.some((v) => v.shared.tallies.confidence?.total === 1) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(views.find((v) => v.shared.tallies.confidence?.total === 1)?.shared.tallies.confidence).toMatchObject({ counts: { nervous: 1 } });
    } finally {
      controller.abort();
    }
  }, 60_000);
});
