// The built production server (`node server.js`) as a child process, for the few tests that
// need what only a real server does: Express middleware, entry.server's headers, several
// instances on one database, a database that goes away.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import net from "node:net";
import path from "node:path";

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
