// The production server (`node server.js`, NODE_ENV=production) when its PostgreSQL
// database stops taking connections, as during a restart: pages answer 503 with
// Retry-After and say nothing saved was lost; once the database is back, pages work again.
// Needs a PostgreSQL server (it makes its own database and refuses connections to it, the
// shared server is untouched) and the production build (`npx remix build`; npm test makes
// it when missing).
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openDatabase, setDatabase } from "../../db/client.server";
import { UNAVAILABLE_KEPT, UNAVAILABLE_NOT_SENT, UNAVAILABLE_RECOVERED, UNAVAILABLE_RETRY, UNAVAILABLE_TITLE } from "~/lib/database-unavailable.server";
import { makeUser } from "../setup/fixtures";
import { withDatabase } from "../setup/global-database";
import { freePort } from "../setup/server";

const onPostgres = inject("testDb") === "postgres";

describe.skipIf(!onPostgres)("the production server while PostgreSQL refuses connections (PostgreSQL only: TEST_DB=postgres)", () => {
  const name = `doorstep_down_${randomBytes(5).toString("hex")}`;
  let admin: postgres.Sql;
  let server: ChildProcess;
  let base = "";
  let origin = "";
  let stderr = "";
  let cookie = "";

  beforeAll(async () => {
    if (!existsSync("build/index.js")) throw new Error("No production build: run `npx remix build` first (npm test builds it when missing).");
    admin = postgres(inject("postgresServerUrl"), { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    const url = withDatabase(inject("postgresServerUrl"), name);
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    base = origin;
    server = spawn(process.execPath, ["server.js"], {
      env: { ...process.env, NODE_ENV: "production", PORT: String(port), DATABASE_URL: url, APP_ORIGIN: origin },
      stdio: ["ignore", "pipe", "pipe"],
    });
    server.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      let stdout = "";
      server.stdout!.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes("Doorstep is running")) resolve();
      });
      server.once("exit", (code) => reject(new Error(`server exited (${code}) before it was ready:\n${stdout}\n${stderr}`)));
    });
    // The server has migrated the database; give it a signed-in activist.
    const handle = await openDatabase({ kind: "postgres", url });
    setDatabase(handle);
    try {
      cookie = (await makeUser("activist", { name: "Ada Lovelace" })).cookie;
    } finally {
      setDatabase(undefined);
      await handle.close();
    }
  });

  afterAll(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server.once("exit", resolve));
      server.kill("SIGTERM");
      await exited;
    }
    await admin?.unsafe(`alter database ${name} allow_connections true`).catch(() => {});
    await admin?.unsafe(`drop database if exists ${name} with (force)`);
    await admin?.end();
  });

  const get = (path: string) => fetch(base + path, { headers: { Cookie: cookie }, redirect: "manual" });
  const send = (path: string, fields: Record<string, string>) =>
    fetch(base + path, {
      method: "POST",
      body: new URLSearchParams(fields),
      headers: { Cookie: cookie, Origin: origin, "Content-Type": "application/x-www-form-urlencoded" },
      redirect: "manual",
    });

  it("answers 503 with Retry-After and an honest page, then works again when the database is back", async () => {
    const before = await get("/");
    expect(before.status).toBe(200);
    expect(await before.text()).toContain("Ada");

    await admin.unsafe(`alter database ${name} allow_connections false`);
    await admin.unsafe(`select pg_terminate_backend(pid) from pg_stat_activity where datname = '${name}'`);

    // A page: 503, Retry-After, a page of its own that says nothing saved was lost.
    for (let attempt = 0; attempt < 2; attempt++) {
      const page = await get("/");
      expect(page.status).toBe(503);
      expect(page.headers.get("Retry-After")).toBe("10");
      const html = await page.text();
      expect(html).toContain('<html lang="en-GB">');
      expect(html).toMatch(/<title>[^<]+<\/title>/);
      expect(html).toContain(`<h1>${UNAVAILABLE_TITLE}</h1>`);
      expect(html).toContain(UNAVAILABLE_KEPT);
      expect(html).toContain(UNAVAILABLE_RETRY);
      expect(html).not.toContain("Something went wrong");
    }

    // A form sent without JavaScript: 503, and the page says it was not saved.
    const form = await send("/account", { intent: "sign-out-others" });
    expect(form.status).toBe(503);
    expect(form.headers.get("Retry-After")).toBe("10");
    const formHtml = await form.text();
    expect(formHtml).toContain(UNAVAILABLE_NOT_SENT);
    expect(formHtml).toContain(UNAVAILABLE_KEPT);
    expect(formHtml).toContain('href="/account"');

    // Client-side navigation (single fetch data request): reload the page as a document,
    // which then shows the 503 page above (or the page, if the database is back).
    const data = await get("/_root.data");
    const dataBody = await data.text();
    expect(data.status).toBe(202);
    expect(dataBody).toContain("reload");
    expect(dataBody).toMatch(/"redirect","\/"/);

    // A form sent with JavaScript: the browser lands on /unavailable, which says so.
    const sent = await send("/account.data", { intent: "sign-out-others" });
    expect(await sent.text()).toContain("/unavailable?back=%2Faccount");
    const landing = await get("/unavailable?back=%2Faccount");
    expect(landing.status).toBe(503);
    expect(landing.headers.get("Retry-After")).toBe("10");
    expect(await landing.text()).toContain(UNAVAILABLE_NOT_SENT);

    // Resource routes (a CSV export, a live event stream) have no page: a plain-text 503.
    for (const path of ["/reports/export/weeks", "/live/ABCDEF/events"]) {
      const resource = await get(path);
      expect(resource.status, path).toBe(503);
      expect(resource.headers.get("Retry-After")).toBe("10");
      expect(await resource.text()).toContain(UNAVAILABLE_KEPT);
    }

    await admin.unsafe(`alter database ${name} allow_connections true`);
    let after = await get("/");
    for (let waited = 0; after.status !== 200 && waited < 10_000; waited += 250) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      after = await get("/");
    }
    expect(after.status).toBe(200);
    expect(await after.text()).toContain("Ada");

    // The landing page read after the outage says it is over (and the form still unsaved).
    const later = await get("/unavailable?back=%2Faccount");
    expect(later.status).toBe(200);
    expect(later.headers.get("Retry-After")).toBeNull();
    expect(await later.text()).toContain(UNAVAILABLE_RECOVERED);

    // What went to the log: the error code, never a password hash.
    expect(stderr).toMatch(/55000|ECONNRESET|57P01/);
    expect(stderr).not.toContain("$argon2id$");
    // postgres.js sometimes loses a query while connections churn; each such request waits
    // for the start deadline (db/stalled-queries.ts) before its 503, hence the longer budget.
  }, 60_000);
});
