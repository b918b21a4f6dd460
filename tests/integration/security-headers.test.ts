// Browser security headers, as the built server (`node server.js`) sends them: the CSP of
// HTML documents with its per-document nonce (app/entry.server.tsx), and the headers every
// response gets, static files and resource routes included (server.js). Only a real server
// shows both halves: vitest's route calls never reach entry.server or Express.
//
// The server under test has its own embedded database (demo accounts seeded on first
// start) and nothing checked here depends on the database, so this runs once, in the PGlite
// pass.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { LIVE_MODULE, LIVE_MODULES_DIR } from "../fixtures/live-modules/setup";
import { ensureBuild, signInAsDemo, startServer, stopServer, type RunningServer } from "../setup/server";

const ON_POSTGRES = inject("testDb") === "postgres";


/** The nonce in a CSP's script-src (and the policy's directives by name). */
function parsePolicy(header: string | null) {
  const directives = new Map((header ?? "").split(";").map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));
  const scriptSrc = directives.get("script-src") ?? [];
  const nonce = scriptSrc.map((v) => /^'nonce-([A-Za-z0-9+/=]+)'$/.exec(v)?.[1]).find(Boolean);
  return { directives, scriptSrc, nonce };
}

/** Every <script> start tag of a page, with its nonce and src attributes. */
const scriptTags = (html: string) =>
  [...html.matchAll(/<script\b[^>]*>/g)].map(([tag]) => ({ tag, nonce: /\snonce="([^"]*)"/.exec(tag)?.[1], src: /\ssrc="([^"]*)"/.exec(tag)?.[1] }));

const EVERY_RESPONSE = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
  "permissions-policy": "camera=(), microphone=(), geolocation=()",
};
const HSTS = "max-age=31536000; includeSubDomains";

function expectEveryResponseHeaders(res: Response) {
  for (const [name, value] of Object.entries(EVERY_RESPONSE)) expect(res.headers.get(name), `${name} on ${res.url}`).toBe(value);
}

describe.skipIf(ON_POSTGRES)("security headers from the built server", () => {
  let dataDir = "";
  let production: RunningServer | undefined;

  beforeAll(async () => {
    ensureBuild();
    dataDir = mkdtempSync(path.join(tmpdir(), "doorstep-headers-"));
    production = await startServer({
      DATABASE_URL: "",
      NODE_ENV: "production",
      PGLITE_DIR: path.join(dataDir, "pglite"),
      CONTENT_DIR: LIVE_MODULES_DIR,
      CONTENT_CACHE_DIR: path.join(dataDir, "content-cache"),
    });
  }, 180_000);

  afterAll(async () => {
    await stopServer(production);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 30_000);

  it("a document carries a CSP whose nonce is on every inline script, and a new nonce per document", async () => {
    const nonces: string[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${production!.origin}/login`);
      expect(res.status).toBe(200);
      expectEveryResponseHeaders(res);
      const policy = parsePolicy(res.headers.get("content-security-policy"));
      expect(policy.nonce).toBeDefined();
      expect(policy.scriptSrc).not.toContain("'unsafe-inline'");
      expect(policy.scriptSrc).not.toContain("'unsafe-eval'");
      expect(policy.directives.get("frame-ancestors")).toEqual(["'none'"]);
      expect(policy.directives.get("object-src")).toEqual(["'none'"]);
      const scripts = scriptTags(await res.text());
      expect(scripts.length).toBeGreaterThan(0);
      for (const script of scripts) expect(script.nonce, script.tag).toBe(policy.nonce);
      nonces.push(policy.nonce!);
    }
    expect(nonces[0]).not.toBe(nonces[1]);
  });

  it("an error page is a document too: it gets the policy", async () => {
    const res = await fetch(`${production!.origin}/no-such-page`);
    expect(res.status).toBe(404);
    expectEveryResponseHeaders(res);
    expect(parsePolicy(res.headers.get("content-security-policy")).nonce).toBeDefined();
  });

  it("a module step page: inline scripts carry the nonce, the module's code is a same-origin script that registers a function", async () => {
    const cookie = await signInAsDemo(production!.origin, "activist@doorstep.test");
    const res = await fetch(`${production!.origin}/modules/${LIVE_MODULE}/welcome`, { headers: { Cookie: cookie } });
    expect(res.status).toBe(200);
    const { nonce } = parsePolicy(res.headers.get("content-security-policy"));
    const scripts = scriptTags(await res.text());
    for (const script of scripts.filter((s) => !s.src)) expect(script.nonce, script.tag).toBe(nonce);
    const codeScript = scripts.find((s) => s.src?.startsWith(`/modules/${LIVE_MODULE}/code/`));
    expect(codeScript).toBeDefined();

    const code = await fetch(`${production!.origin}${codeScript!.src}`);
    expect(code.status).toBe(200);
    expectEveryResponseHeaders(code);
    expect(code.headers.get("content-type")).toMatch(/^text\/javascript/);
    expect(code.headers.get("cache-control")).toContain("immutable");
    // A function the page calls, not a string it would have to evaluate ('unsafe-eval').
    expect(await code.text()).toMatch(/^\(window\.__doorstepMdx=window\.__doorstepMdx\|\|\{\}\)\["[^"]+"\]=function\(React,ReactDOM,_jsx_runtime\)\{\n/);
  });

  it("resource routes, CSV exports and static files get the same headers (and HSTS in production)", async () => {
    const admin = await signInAsDemo(production!.origin, "admin@doorstep.test");
    const html = await (await fetch(`${production!.origin}/login`)).text();
    const buildScript = /href="(\/build\/[^"]+\.js)"/.exec(html)?.[1];
    expect(buildScript).toBeDefined();
    const responses = await Promise.all([
      fetch(`${production!.origin}/favicon.ico`),
      fetch(`${production!.origin}${buildScript}`),
      fetch(`${production!.origin}/modules/no-such-module/code/abc.js`),
      fetch(`${production!.origin}/reports/export/groups`, { headers: { Cookie: admin } }),
    ]);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 404, 200]);
    expect(responses[3]!.headers.get("content-type")).toMatch(/^text\/csv/);
    for (const res of responses) {
      expectEveryResponseHeaders(res);
      expect(res.headers.get("strict-transport-security"), res.url).toBe(HSTS);
      // Not a document: no scripts to govern. (A single header line, not one per layer.)
      expect(res.headers.get("content-security-policy"), res.url).toBeNull();
      await res.arrayBuffer();
    }
  });

  it("outside production there is no HSTS (a developer's http://localhost), the rest stays", async () => {
    await stopServer(production);
    const development = await startServer({
      DATABASE_URL: "",
      NODE_ENV: "development",
      PGLITE_DIR: path.join(dataDir, "pglite"),
      CONTENT_DIR: LIVE_MODULES_DIR,
      CONTENT_CACHE_DIR: path.join(dataDir, "content-cache"),
    });
    try {
      for (const pathname of ["/login", "/favicon.ico"]) {
        const res = await fetch(`${development.origin}${pathname}`);
        expect(res.status).toBe(200);
        expectEveryResponseHeaders(res);
        expect(res.headers.get("strict-transport-security")).toBeNull();
        await res.arrayBuffer();
      }
    } finally {
      await stopServer(development);
    }
  }, 180_000);
});
