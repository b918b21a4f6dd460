// The built production server (`node server.js`) as a child process, for the few tests that
// need what only a real server does: Express middleware, entry.server's headers, several
// instances on one database, a database that goes away.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import { inject } from "vitest";
import { withDatabase } from "./global-database";

const ROOT = process.cwd();

/** The newest modification time of any file under `dir` (the build is stale if older). */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** Build the app unless build/ is newer than every file in app/ and db/. */
export function ensureBuild() {
  const build = path.join(ROOT, "build/index.js");
  const sources = Math.max(newestMtime(path.join(ROOT, "app")), newestMtime(path.join(ROOT, "db")));
  if (existsSync(build) && statSync(build).mtimeMs >= sources) return;
  const result = spawnSync("npx", ["remix", "build"], { cwd: ROOT, encoding: "utf8", env: { ...process.env, NODE_ENV: "production" }, timeout: 120_000 });
  if (result.status !== 0) throw new Error(`remix build failed:\n${result.stdout}\n${result.stderr}`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningServer {
  origin: string;
  child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output: () => string;
}

/** Start `node server.js` on a free port with `env` and wait until it answers. */
export async function startServer(env: Record<string, string>, readyWithinMs = 120_000): Promise<RunningServer> {
  const port = await freePort();
  const child = spawn(process.execPath, ["server.js"], { cwd: ROOT, env: { ...process.env, ...env, PORT: String(port) }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (c) => (output += c));
  child.stderr!.on("data", (c) => (output += c));
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyWithinMs;
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

/** SIGTERM, then SIGKILL after 10 s; true when it exited on its own. */
export async function stopServer(server: RunningServer | undefined): Promise<boolean | undefined> {
  if (!server || server.child.exitCode !== null) return;
  const exited = new Promise((resolve) => server.child.once("exit", resolve));
  server.child.kill("SIGTERM");
  const clean = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 10_000))]);
  if (!clean) server.child.kill("SIGKILL");
  return clean;
}

export interface SeededServers {
  servers: RunningServer[];
  /** The servers' database, for a test that reads what they stored. */
  databaseUrl: string;
  /** Stop the servers, then drop the database and the content cache. */
  stop: () => Promise<void>;
}

/**
 * `count` built servers on one new PostgreSQL database of the run's server (TEST_DB=postgres
 * only), serving `contentDir`. The database is migrated and seeded with the demo accounts
 * first, as an operator would with `npm run db:seed`: the servers are production ones, which
 * do not seed. `name` tells this file's database and cache from another's.
 */
export async function startSeededServers(name: string, contentDir: string, count = 1): Promise<SeededServers> {
  ensureBuild();
  const serverUrl = inject("postgresServerUrl");
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  const dbName = `doorstep_${name}_${process.pid}_${Date.now()}`;
  let cacheDir = "";
  let servers: RunningServer[] = [];
  const stop = async () => {
    await Promise.all(servers.map((server) => stopServer(server)));
    await admin.unsafe(`drop database if exists ${dbName} with (force)`);
    await admin.end();
    if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
  };
  // A failure part way leaves nothing behind: the caller has no handle to clean up with.
  try {
    await admin.unsafe(`create database ${dbName}`);
    const databaseUrl = withDatabase(serverUrl, dbName);
    cacheDir = mkdtempSync(path.join(tmpdir(), `doorstep-${name}-`));
    const env: Record<string, string> = { DATABASE_URL: databaseUrl, NODE_ENV: "production", CONTENT_DIR: contentDir, CONTENT_CACHE_DIR: cacheDir };
    const seeded = spawnSync(path.join(ROOT, "node_modules/.bin/tsx"), ["db/seed-cli.ts"], { cwd: ROOT, env: { ...process.env, ...env }, encoding: "utf8", timeout: 120_000 });
    if (seeded.status !== 0) throw new Error(`seed failed:\n${seeded.stdout}\n${seeded.stderr}`);
    const started = await Promise.allSettled(Array.from({ length: count }, () => startServer(env)));
    servers = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
    const failed = started.find((s) => s.status === "rejected");
    if (failed) throw failed.reason;
    return { servers, databaseUrl, stop };
  } catch (error) {
    // The first failure is the one to report, not one from cleaning up after it.
    await stop().catch(() => {});
    throw error;
  }
}

/** Sign in through the login form with the demo password; the session cookie. */
export async function signInAsDemo(origin: string, email: string): Promise<string> {
  const res = await fetch(`${origin}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { Origin: origin, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email, password: "doorstep-demo", redirectTo: "/" }),
  });
  const cookie = res.headers.getSetCookie().map((c) => c.split(";")[0]!).find((c) => c.startsWith("doorstep_session="));
  if (!cookie) throw new Error(`sign-in as ${email} failed (${res.status})`);
  return cookie;
}
