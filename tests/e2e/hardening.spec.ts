import http from "node:http";
import { expect, test } from "./fixtures";

// Issue 12 through the real server (server.js): the body limit and the URL check are
// Express middleware, so nothing of such a request reaches Remix. Raw node:http, so the
// test decides how much of a body is ever sent.

interface Sent {
  status: number;
  body: string;
  /** Bytes of body written before the answer came. */
  written: number;
  ms: number;
}

/**
 * POST `total` bytes of a form body, 64 kB at a time, stopping as soon as the server
 * answers. With `declare`, Content-Length says `total` up front; without, it is chunked.
 */
function postSlowly(baseURL: string, path: string, total: number, declare: boolean): Promise<Sent> {
  const url = new URL(path, baseURL);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    let written = 0;
    let answered = false;
    const req = http.request(url, {
      method: "POST",
      headers: {
        Origin: url.origin,
        "Content-Type": "application/x-www-form-urlencoded",
        ...(declare ? { "Content-Length": String(total) } : {}),
      },
    });
    req.on("response", (res) => {
      answered = true;
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, body, written, ms: Date.now() - started });
        req.destroy();
      });
    });
    req.on("error", (error: NodeJS.ErrnoException) => {
      if (answered) return;
      // The server answered 413 and closed the socket while we were still writing: the
      // write fails before the answer is read. What matters is that it stopped reading.
      if (error.code === "EPIPE" || error.code === "ECONNRESET") {
        answered = true;
        resolve({ status: 0, body: error.code, written, ms: Date.now() - started });
      } else reject(error);
    });
    const chunk = Buffer.alloc(64 * 1024, "a");
    const pump = () => {
      while (!answered && written < total) {
        written += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      if (!answered) req.end();
    };
    // Headers first, then a pause: a server that reads Content-Length answers before any body.
    req.flushHeaders();
    setTimeout(pump, declare ? 300 : 0);
  });
}

test.describe("request hardening (issue 12)", () => {
  test("a 200 MB form with Content-Length is refused with 413 before its body is sent", async ({ baseURL }) => {
    const sent = await postSlowly(baseURL!, "/join", 200 * 1024 * 1024, true);
    expect(sent.status).toBe(413);
    expect(sent.body).toMatch(/larger than the 1024 kB/);
    expect(sent.written).toBe(0);
    expect(sent.ms).toBeLessThan(2_000);
  });

  test("a chunked 200 MB form is refused with 413 once it passes the cap", async ({ baseURL }) => {
    const sent = await postSlowly(baseURL!, "/join", 200 * 1024 * 1024, false);
    // Either the 413 arrives, or the socket it closed breaks our next write first.
    if (sent.status !== 413) expect(sent.body).toMatch(/^(EPIPE|ECONNRESET)$/);
    // The cap is 1 MB; socket buffers on both sides take a few MB more before the answer lands.
    expect(sent.written).toBeLessThan(16 * 1024 * 1024);
  });

  test("a small chunked form still reaches the page", async ({ baseURL }) => {
    const url = new URL("/join", baseURL);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(url, { method: "POST", headers: { Origin: url.origin, "Content-Type": "application/x-www-form-urlencoded" } }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on("error", reject);
      req.write("code=QQQ");
      req.end("QQQ");
    });
    // The form was read: no session has that code.
    expect(answer.status).toBe(404);
    expect(answer.body).toContain("No live session has that code.");
  });

  test("a control character anywhere in the path or query is a 400, not a 500", async ({ request }) => {
    for (const path of ["/reports/activists/a%00b", "/login?redirectTo=%00", "/reports/activists?q=%00", "/reports/export/matrix?q=%1F", "/live/%7F"]) {
      const res = await request.get(path, { maxRedirects: 0 });
      expect(res.status(), path).toBe(400);
      expect(await res.text(), path).toMatch(/control characters/);
    }
    // Tab and line breaks may stand in a query value (free text): the app decides.
    expect((await request.get("/login?redirectTo=%2F%09%2Fevil.example", { maxRedirects: 0 })).status()).toBe(200);
  });

  test("a POST to a page without an action is a 405", async ({ request, baseURL }) => {
    const res = await request.post("/", { form: { x: "1" }, maxRedirects: 0, headers: { Origin: new URL(baseURL!).origin } });
    expect(res.status()).toBe(405);
  });
});
