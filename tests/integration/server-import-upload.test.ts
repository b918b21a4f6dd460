// A canvass CSV refused at upload, as the built server answers it (issue 17): the refusal
// must reach the client as a 4xx page naming the problem, on a connection that still
// answers. The route tests (canvass-import.test.ts) call the action with a Request and no
// socket, so they could not see that refusing by destroying the request's body destroyed
// the socket too: curl got "Empty reply from server", a browser its own error page.
// Runs in both passes: on PGlite the server seeds its own embedded database (which only
// it may open, so what it stored is read through its imports page), on PostgreSQL a seeded
// database the test also reads.
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { LIVE_MODULES_DIR } from "../fixtures/live-modules/setup";
import { ensureBuild, signInAsDemo, startSeededServers, startServer, stopServer, type RunningServer, type SeededServers } from "../setup/server";

const ON_POSTGRES = inject("testDb") === "postgres";
const HEADER = "contact_id,canvasser_email,date,area,result,support,commitment";
const LINE = "a1,activist@doorstep.test,2026-05-02,Demo,contact,,";
const MB = 1024 * 1024;

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  localPort: number;
}

/** The upload form's body (multipart, with a Content-Length, as a browser sends it). */
function multipart(file: Buffer, source = "TestTool") {
  const boundary = "----doorstep-test-boundary";
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="source"\r\n\r\n${source}\r\n`),
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="results.csv"\r\nContent-Type: text/csv\r\n\r\n`),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

/** One request on `agent`; a connection the server resets (or an empty reply) rejects. */
function request(agent: http.Agent, url: string, options: { method?: string; headers?: Record<string, string | number>; body?: Buffer }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = http.request(url, { agent, method: options.method ?? "GET", headers: options.headers }, (res) => {
      answered = true;
      const localPort = res.socket.localPort!;
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, text, localPort }));
      res.on("error", reject);
    });
    // A server that answers before the body is all sent and then closes: the answer still counts.
    req.on("error", (error: NodeJS.ErrnoException) => (error.code === "EPIPE" && options.body ? undefined : reject(error)));
    req.on("close", () => (answered ? undefined : reject(new Error("the connection closed without an answer"))));
    req.end(options.body);
  });
}

/** HTML text with its entities read, so a message can be matched as written. */
const unescaped = (html: string) => html.replace(/&quot;/g, '"').replace(/&#x27;|&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

describe("canvass upload refusals on the built server", () => {
  let dataDir = "";
  let server: RunningServer | undefined;
  let seeded: SeededServers | undefined;
  let sql: ReturnType<typeof postgres> | undefined;
  let cookie = "";

  beforeAll(async () => {
    ensureBuild();
    if (ON_POSTGRES) {
      seeded = await startSeededServers("upload", LIVE_MODULES_DIR);
      server = seeded.servers[0];
      sql = postgres(seeded.databaseUrl, { max: 1, onnotice: () => {} });
    } else {
      dataDir = mkdtempSync(path.join(tmpdir(), "doorstep-upload-"));
      server = await startServer(
        { DATABASE_URL: "", NODE_ENV: "production", PGLITE_DIR: path.join(dataDir, "pglite"), CONTENT_DIR: LIVE_MODULES_DIR, CONTENT_CACHE_DIR: path.join(dataDir, "cache") },
        240_000,
      );
    }
    cookie = await signInAsDemo(server!.origin, "organiser@doorstep.test");
  }, 300_000);

  afterAll(async () => {
    await sql?.end();
    if (seeded) await seeded.stop();
    else await stopServer(server);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  const upload = (agent: http.Agent, file: Buffer, pathname = "/reports/imports/new") => {
    const { body, contentType } = multipart(file);
    return request(agent, `${server!.origin}${pathname}`, {
      method: "POST",
      headers: { Origin: server!.origin, Cookie: cookie, "Content-Type": contentType, "Content-Length": body.length },
      body,
    });
  };

  /** Nothing stored: the organiser's imports page lists none (and, on PostgreSQL, no upload's row or chunk exists). */
  async function expectNothingStored(agent: http.Agent) {
    const list = await request(agent, `${server!.origin}/reports/imports`, { headers: { Cookie: cookie } });
    expect(list.status).toBe(200);
    expect(list.text).not.toMatch(/href="\/reports\/imports\/[0-9a-f]{8}-/);
    if (sql) {
      // The demo seed's own import is done and has no chunks left.
      expect((await sql`select count(*)::int as n from canvass_imports where status <> 'done'`)[0]!.n).toBe(0);
      expect((await sql`select count(*)::int as n from canvass_import_chunks`)[0]!.n).toBe(0);
    }
  }

  const bad: [string, Buffer, RegExp][] = [
    ["Latin-1", Buffer.from(`${HEADER}\n${LINE}\na2,activist@doorstep.test,2026-05-02,Caf\u00e9,contact,,\n`, "latin1"), /not UTF-8 text \(line 3 holds a character in another encoding/],
    ["UTF-16", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${HEADER}\n${LINE}\n`, "utf16le")]), /UTF-16 text, not UTF-8/],
    ["a NUL byte", Buffer.from(`${HEADER}\n${LINE}\na\u00002,x\n`), /NUL bytes \(line 3\)/],
    ["a quote never closed", Buffer.from(`${HEADER}\n${LINE}\n"a3,activist@doorstep.test,2026-05-02,Demo,contact,,\n`), /Line 3: a quoted field is never closed/],
    ["a stray quote", Buffer.from(`${HEADER}\na"4,activist@doorstep.test,2026-05-02,Demo,contact,,\n`), /Line 2: a quote stands in the middle of a field/],
    ["an over-long line", Buffer.from(`${HEADER}\n${LINE}\n${"x".repeat(70 * 1024)},y\n`), /Line 3: this line is longer than 64 kB/],
    // Refused at its second line while megabytes of it are still to come: the rest is read and dropped.
    ["Latin-1, 8 MB", Buffer.concat([Buffer.from(`${HEADER}\nCaf\u00e9\n`, "latin1"), Buffer.alloc(8 * MB, `${LINE}\n`)]), /not UTF-8 text \(line 2/],
  ];

  it.each(bad)("refuses a file with %s: 400 with the message, nothing stored, and the connection answers again", async (_name, file, message) => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const refused = await upload(agent, file);
      expect(refused.status).toBe(400);
      expect(refused.headers["content-type"]).toMatch(/^text\/html/);
      expect(unescaped(refused.text)).toMatch(message);
      expect(refused.headers.connection).not.toBe("close");
      // With JavaScript the form posts to the route's data URL: the same 400 and message.
      const scripted = await upload(agent, file, "/reports/imports/new.data");
      expect(scripted.status).toBe(400);
      expect(scripted.text).toMatch(message);
      // The same socket answers the next request.
      const next = await request(agent, `${server!.origin}/reports/imports/new`, { headers: { Cookie: cookie } });
      expect(next.status).toBe(200);
      expect(next.localPort).toBe(refused.localPort);
      await expectNothingStored(agent);
    } finally {
      agent.destroy();
    }
  }, 60_000);

  it("refuses a file over the 50 MB cap with 413 and the limit on the form, whether its declared length already says so or not", async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const tooLarge = /This file is larger than the 50 MB we accept. Split it into several files/;
    try {
      // Just over the cap: the declared length passes, the route reads to the cap and refuses.
      const over = Buffer.concat([Buffer.from(`${HEADER}\n`), Buffer.alloc(50 * MB + 16 * 1024, `${LINE}\n`)]);
      const refused = await upload(agent, over);
      expect(refused.status).toBe(413);
      expect(unescaped(refused.text)).toMatch(tooLarge);
      // Far over: refused from the declared length, once the body (dropped unread) has arrived.
      const far = Buffer.concat([Buffer.from(`${HEADER}\n`), Buffer.alloc(60 * MB, `${LINE}\n`)]);
      for (const pathname of ["/reports/imports/new", "/reports/imports/new.data"]) {
        const farRefused = await upload(agent, far, pathname);
        expect(farRefused.status).toBe(413);
        expect(unescaped(farRefused.text)).toMatch(tooLarge);
        expect(farRefused.localPort).toBe(refused.localPort);
      }
      await expectNothingStored(agent);
    } finally {
      agent.destroy();
    }
  }, 120_000);
});
