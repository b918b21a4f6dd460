// Two app instances (`node server.js` twice, on two ports) on one PostgreSQL database: a
// trainer moves a step on instance A, and a participant's event stream on instance B
// receives it within a second. This is what LISTEN/NOTIFY fan-out is for (docs/live.md).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { LiveView } from "~/live/state";
import { withDatabase } from "../setup/global-database";
import { LIVE_MODULES_DIR, LIVE_MODULE, STEP } from "../fixtures/live-modules/setup";

const ON_POSTGRES = inject("testDb") === "postgres";
const ROOT = process.cwd();
const DEMO_PASSWORD = "doorstep-demo";

/** The newest modification time of any file under `dir` (the build is stale if older). */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

function ensureBuild() {
  const build = path.join(ROOT, "build/index.js");
  const sources = Math.max(newestMtime(path.join(ROOT, "app")), newestMtime(path.join(ROOT, "db")));
  if (existsSync(build) && statSync(build).mtimeMs >= sources) return;
  const result = spawnSync("npx", ["remix", "build"], { cwd: ROOT, encoding: "utf8", env: { ...process.env, NODE_ENV: "production" }, timeout: 120_000 });
  if (result.status !== 0) throw new Error(`remix build failed:\n${result.stdout}\n${result.stderr}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

interface Instance {
  origin: string;
  child: ChildProcess;
  output: () => string;
}

async function startInstance(env: Record<string, string>): Promise<Instance> {
  const port = await freePort();
  const child = spawn(process.execPath, ["server.js"], { cwd: ROOT, env: { ...process.env, ...env, PORT: String(port) }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (c) => (output += c));
  child.stderr!.on("data", (c) => (output += c));
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
    try {
      await fetch(`${origin}/favicon.ico`, { signal: AbortSignal.timeout(1000) });
      return { origin, child, output: () => output };
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  child.kill("SIGKILL");
  throw new Error(`server did not start:\n${output}`);
}

async function stopInstance(instance: Instance | undefined) {
  if (!instance || instance.child.exitCode !== null) return;
  const exited = new Promise((resolve) => instance.child.once("exit", resolve));
  instance.child.kill("SIGTERM");
  const clean = await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 10_000))]);
  if (!clean) instance.child.kill("SIGKILL");
  return clean;
}

async function signIn(origin: string, email: string): Promise<string> {
  const res = await fetch(`${origin}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { Origin: origin, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email, password: DEMO_PASSWORD, redirectTo: "/" }),
  });
  const cookie = res.headers.getSetCookie().map((c) => c.split(";")[0]!).find((c) => c.startsWith("doorstep_session="));
  if (!cookie) throw new Error(`sign-in as ${email} failed (${res.status})`);
  return cookie;
}

async function postForm(origin: string, pathname: string, cookie: string, fields: Record<string, string>) {
  return fetch(`${origin}${pathname}`, {
    method: "POST",
    redirect: "manual",
    headers: { Origin: origin, Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields),
  });
}

/** An SSE client over fetch: yields parsed `state` events as they arrive. */
async function subscribe(url: string, cookie: string) {
  const controller = new AbortController();
  const res = await fetch(url, { headers: { Cookie: cookie, Accept: "text/event-stream" }, signal: controller.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const waiting: ((view: LiveView) => void)[] = [];
  const received: LiveView[] = [];
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split("\n").find((l) => l.startsWith("data: "));
          if (!data) continue;
          const view = JSON.parse(data.slice(6)) as LiveView;
          received.push(view);
          for (const resolve of waiting.splice(0)) resolve(view);
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    /** Resolves with the first event (already received or coming) that satisfies `test`. */
    async until(test: (view: LiveView) => boolean, timeoutMs = 5000): Promise<{ view: LiveView; at: number }> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = received.find(test);
        if (found) return { view: found, at: Date.now() };
        const left = deadline - Date.now();
        if (left <= 0) throw new Error("event did not arrive in time");
        await Promise.race([new Promise<LiveView>((r) => waiting.push(r)), new Promise((r) => setTimeout(r, left))]);
      }
    },
    close: () => controller.abort(),
  };
}

describe.skipIf(!ON_POSTGRES)("two app instances on one PostgreSQL (runs with TEST_DB=postgres; PGlite is one process's own database)", () => {
  let admin: ReturnType<typeof postgres> | undefined;
  let dbName = "";
  let cacheDir = "";
  let a: Instance | undefined;
  let b: Instance | undefined;

  beforeAll(async () => {
    ensureBuild();
    const serverUrl = inject("postgresServerUrl");
    admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
    dbName = `doorstep_live2_${process.pid}_${Date.now()}`;
    await admin.unsafe(`create database ${dbName}`);
    const url = withDatabase(serverUrl, dbName);
    cacheDir = mkdtempSync(path.join(tmpdir(), "doorstep-live2-"));
    const env: Record<string, string> = { DATABASE_URL: url, NODE_ENV: "production", CONTENT_DIR: LIVE_MODULES_DIR, CONTENT_CACHE_DIR: cacheDir };
    // Migrate and seed the demo accounts, as an operator would with `npm run db:seed`.
    const seeded = spawnSync(path.join(ROOT, "node_modules/.bin/tsx"), ["db/seed-cli.ts"], { cwd: ROOT, env: { ...process.env, ...env }, encoding: "utf8", timeout: 120_000 });
    if (seeded.status !== 0) throw new Error(`seed failed:\n${seeded.stdout}\n${seeded.stderr}`);
    [a, b] = await Promise.all([startInstance(env), startInstance(env)]);
  }, 240_000);

  afterAll(async () => {
    await Promise.all([stopInstance(a), stopInstance(b)]);
    if (admin && dbName) await admin.unsafe(`drop database if exists ${dbName} with (force)`);
    await admin?.end();
    if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
  }, 60_000);

  it("a step changed on instance A reaches a participant streaming from instance B within a second, and answers flow back", async () => {
    const trainerOnA = await signIn(a!.origin, "trainer@doorstep.test");
    const activistOnB = await signIn(b!.origin, "activist@doorstep.test");

    const created = await postForm(a!.origin, "/live/new", trainerOnA, { moduleSlug: LIVE_MODULE });
    expect(created.status).toBe(302);
    const code = /\/live\/([A-Z]{6})\/present$/.exec(created.headers.get("location") ?? "")?.[1];
    expect(code).toBeDefined();
    const joined = await postForm(b!.origin, "/join", activistOnB, { code: code! });
    expect(joined.headers.get("location")).toMatch(new RegExp(`/live/${code}$`));

    const participantOnB = await subscribe(`${b!.origin}/live/${code}/events`, activistOnB);
    const presenterOnA = await subscribe(`${a!.origin}/live/${code}/events?as=presenter`, trainerOnA);
    try {
      await participantOnB.until((v) => v.shared.stepIndex === 0);
      await presenterOnA.until((v) => v.presenter!.participants.some((p) => p.connected));

      const started = Date.now();
      const moved = await postForm(a!.origin, `/live/${code}/present`, trainerOnA, { intent: "step", to: String(STEP.poll) });
      expect(moved.status).toBe(200);
      const arrival = await participantOnB.until((v) => v.shared.stepIndex === STEP.poll, 5000);
      console.info(`live: step change on A reached a stream on B after ${arrival.at - started} ms`);
      expect(arrival.at - started).toBeLessThan(1000);
      expect(arrival.view.me?.name).toBe("Avi Activist");

      // The other way: an answer sent to B shows in the presenter's tally on A.
      const answered = await postForm(b!.origin, `/live/${code}`, activistOnB, { intent: "answer", activityId: "confidence", optionId: "nervous" });
      expect(answered.status).toBe(200);
      const tally = await presenterOnA.until((v) => v.shared.tallies.confidence?.total === 1, 5000);
      expect(tally.view.shared.tallies.confidence).toMatchObject({ counts: { nervous: 1 } });
    } finally {
      participantOnB.close();
      presenterOnA.close();
    }
  });

  it("stops cleanly on SIGTERM with an event stream still open", async () => {
    const trainer = await signIn(b!.origin, "trainer@doorstep.test");
    const created = await postForm(b!.origin, "/live/new", trainer, { moduleSlug: LIVE_MODULE });
    const code = /\/live\/([A-Z]{6})\/present$/.exec(created.headers.get("location") ?? "")?.[1];
    const stream = await subscribe(`${b!.origin}/live/${code}/events?as=presenter`, trainer);
    await stream.until(() => true);
    const started = Date.now();
    expect(await stopInstance(b)).toBe(true);
    expect(Date.now() - started).toBeLessThan(8000);
    stream.close();
  });
});
