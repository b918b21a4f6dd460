// An idle keep-alive connection outlives Node's default 5 s (server.js, docs/decisions/041).
// A client that reuses its socket just as the server closes it gets ECONNRESET: in the live
// bench's burst of poll answers that lost answers. The server under test has its own
// embedded database and nothing here depends on it, so this runs once, in the PGlite pass.
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ensureBuild, startServer, stopServer, type RunningServer } from "../setup/server";

const ON_POSTGRES = inject("testDb") === "postgres";

/** GET `url` on `agent`; resolves with the status, the Keep-Alive header and the local port of the socket used. */
function get(agent: http.Agent, url: string): Promise<{ status: number; localPort: number; keepAlive: string | undefined }> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent }, (response) => {
      const localPort = response.socket.localPort!;
      response.resume();
      response.on("end", () => resolve({ status: response.statusCode!, localPort, keepAlive: response.headers["keep-alive"]?.toString() }));
    });
    request.on("error", reject);
  });
}

describe.skipIf(ON_POSTGRES)("keep-alive on the built server", () => {
  let dataDir = "";
  let server: RunningServer | undefined;

  beforeAll(async () => {
    ensureBuild();
    dataDir = mkdtempSync(path.join(tmpdir(), "doorstep-keepalive-"));
    server = await startServer({ DATABASE_URL: "", NODE_ENV: "production", PGLITE_DIR: path.join(dataDir, "pglite") }, 240_000);
  }, 300_000);

  afterAll(async () => {
    await stopServer(server);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 30_000);

  it("keeps an idle connection open past Node's default 5 s and says so in Keep-Alive", async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await get(agent, `${server!.origin}/favicon.ico`);
      expect(first.status).toBe(200);
      expect(first.keepAlive).toBe("timeout=65");
      await new Promise((r) => setTimeout(r, 6_500));
      const second = await get(agent, `${server!.origin}/favicon.ico`);
      expect(second.status).toBe(200);
      // The same socket: the server had not closed it.
      expect(second.localPort).toBe(first.localPort);
    } finally {
      agent.destroy();
    }
  }, 30_000);
});
