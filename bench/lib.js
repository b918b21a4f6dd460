// Shared helpers for `npm run bench` (bench/run.js) and every bench/<name>.bench.js.
// Everything runs on loopback (127.0.0.1); every wait and loop has a time limit.
// See docs/performance.md for what the figures mean.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import postgres from "postgres";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const HOST = "127.0.0.1";
export const DEMO_PASSWORD = "doorstep-demo";
export const DEMO_USERS = {
  admin: "admin@doorstep.test",
  organiser: "organiser@doorstep.test",
  trainer: "trainer@doorstep.test",
  activist: "activist@doorstep.test",
};
export const DEFAULT_POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ─── child processes ────────────────────────────────────────────────────────────────────

/** Every child we started, so an exit or Ctrl-C never leaves a server behind. */
const children = new Set();

function killGroup(child, signal) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal); // the whole process group (spawned detached)
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

process.on("exit", () => {
  for (const child of children) killGroup(child, "SIGKILL");
});
/** Work to do if the run is interrupted (e.g. drop a bench database); bounded to 10 s. */
const cleanups = new Set();
export function onInterrupt(fn) {
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, async () => {
    console.error(`\n${signal}: stopping servers…`);
    for (const child of children) killGroup(child, "SIGKILL");
    await Promise.race([Promise.allSettled([...cleanups].map((fn) => fn())), sleep(10_000)]);
    process.exit(130);
  });
}

/** A free TCP port on loopback (asked of the OS, then released). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, HOST, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** This machine's hard limit on open files per process (`ulimit -Hn`); Infinity when unlimited. */
export function hardOpenFileLimit() {
  const out = spawnSync("/bin/sh", ["-c", "ulimit -Hn"], { encoding: "utf8" }).stdout.trim();
  return out === "unlimited" ? Infinity : Number(out) || 1024;
}

/**
 * How to run `node <script>` with room for `openFiles` open files: Node cannot raise its own
 * limit, so a shell raises the soft limit to the hard one (`ulimit -n $(ulimit -Hn)`) and
 * execs node (same pid, so stop() still reaches it). Typical soft limits are 1,024; the
 * live scale bench needs ~5,000–10,000 per process. Refuses when the hard limit is too low.
 */
export function nodeCommand(script, args = [], openFiles = 0, nodeArgs = []) {
  if (!openFiles) return [process.execPath, [...nodeArgs, script, ...args]];
  const hard = hardOpenFileLimit();
  if (hard < openFiles) {
    throw new Error(`${script} needs ${openFiles} open files, but the hard limit (ulimit -Hn) is ${hard}: raise it (limits.conf, systemd LimitNOFILE, docker --ulimit nofile=…)`);
  }
  return ["/bin/sh", ["-c", 'ulimit -n "$(ulimit -Hn)" && exec "$0" "$@"', process.execPath, ...nodeArgs, script, ...args]];
}

/**
 * Start `node <script>` as its own process group listening on `port`, and wait until it
 * answers `readyPath` with any HTTP status (asked every `pollMs`). Returns { port, origin, url(), output(), stop() }.
 * `openFiles`: raise its open-file limit first (see nodeCommand).
 */
export async function startProcess({ label, script, args = [], env = {}, readyPath = "/", timeoutMs = 60_000, pollMs = 150, openFiles = 0, nodeArgs = [] }) {
  const port = await freePort();
  const [command, commandArgs] = nodeCommand(script, args, openFiles, nodeArgs);
  const child = spawn(command, commandArgs, {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), ...env },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  let output = "";
  const keep = (chunk) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  exited.then(() => children.delete(child));

  const origin = `http://${HOST}:${port}`;
  const handle = {
    label,
    port,
    origin,
    pid: child.pid,
    url: (p = "/") => new URL(p, origin).href,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      killGroup(child, "SIGTERM");
      const done = await Promise.race([exited, sleep(8_000).then(() => null)]);
      if (!done) {
        killGroup(child, "SIGKILL");
        await Promise.race([exited, sleep(2_000)]);
      }
    },
  };

  const deadline = Date.now() + timeoutMs;
  let gone = null;
  exited.then((r) => (gone = r));
  while (Date.now() < deadline) {
    if (gone) throw new Error(`${label} exited (code ${gone.code}, signal ${gone.signal}) before answering:\n${output}`);
    try {
      await fetch(handle.url(readyPath), { redirect: "manual", signal: AbortSignal.timeout(2_000) });
      return handle;
    } catch {
      await sleep(pollMs);
    }
  }
  await handle.stop();
  throw new Error(`${label} did not answer ${readyPath} within ${timeoutMs / 1000} s:\n${output}`);
}

/**
 * The built app (server.js, production mode) with extra env. Pass `DATABASE_URL` for
 * PostgreSQL, or `PGLITE_DIR` for the embedded database (DATABASE_URL is then cleared).
 */
export function startApp({ env = {}, label = "app", timeoutMs = 90_000, pollMs, openFiles = 0, nodeArgs = [] } = {}) {
  const dbEnv = env.DATABASE_URL ? {} : { DATABASE_URL: "" };
  return startProcess({
    label,
    openFiles,
    nodeArgs,
    script: "server.js",
    env: { NODE_ENV: "production", DOORSTEP_BENCH: "1", ...dbEnv, ...env },
    readyPath: "/favicon.ico",
    timeoutMs,
    pollMs,
  });
}

/**
 * A bench/sse-swarm.js child: holds thousands of event streams or sends a burst of answers
 * for the caller, with its own open-file limit. Returns { call(cmd, args), stop() }.
 */
export async function startSwarm({ label = "swarm", openFiles = 0 } = {}) {
  const [command, commandArgs] = nodeCommand("bench/sse-swarm.js", [], openFiles);
  const child = spawn(command, commandArgs, { cwd: ROOT, detached: true, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  children.add(child);
  child.once("exit", () => children.delete(child));
  const pending = new Map();
  let nextId = 0;
  let failure = null;
  child.on("message", (message) => {
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.ok) waiter.resolve(message.result);
    else waiter.reject(new Error(`${label}: ${message.error}`));
  });
  child.once("exit", (code, signal) => {
    failure = new Error(`${label} exited (code ${code}, signal ${signal})`);
    for (const waiter of pending.values()) waiter.reject(failure);
    pending.clear();
  });
  await new Promise((resolve, reject) => {
    child.once("message", resolve);
    child.once("exit", () => reject(failure));
    setTimeout(() => reject(new Error(`${label} did not start`)), 20_000).unref();
  });
  return {
    pid: child.pid,
    call(cmd, args = {}) {
      if (failure) return Promise.reject(failure);
      const id = ++nextId;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ id, cmd, ...args });
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      killGroup(child, "SIGKILL");
    },
  };
}

/** Baseline (a): a bare Node http server that answers every request with exactly `body`. */
export async function startBaselineHttp(body) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "doorstep-bench-body-"));
  const file = path.join(dir, "body.html");
  writeFileSync(file, body);
  try {
    const server = await startProcess({ label: "baseline (a) http", script: "bench/baseline-http.js", env: { BENCH_BODY_FILE: file } });
    const stop = server.stop;
    server.stop = async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    };
    return server;
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** A fresh temporary directory for an embedded (PGlite) database; remove it with `rm()`. */
export function tempPgliteDir() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "doorstep-bench-pglite-"));
  return { dir, rm: () => rmSync(dir, { recursive: true, force: true }) };
}

// ─── build ──────────────────────────────────────────────────────────────────────────────

/**
 * Make sure build/ exists and contains the bench route (baseline b). `force` rebuilds
 * anyway (`npm run bench -- --build`), which is what you want after changing app code.
 */
export function ensureBuild({ force = false, log = console.log } = {}) {
  const serverBuild = path.join(ROOT, "build/index.js");
  const hasBenchRoute = existsSync(serverBuild) && readFileSync(serverBuild, "utf8").includes("routes/bench.static");
  if (!force && hasBenchRoute) return false;
  log(force ? "Building the app (--build)…" : existsSync(serverBuild) ? "Build has no bench route: rebuilding…" : "No build yet: building…");
  const result = spawnSync("npx", ["remix", "build"], { cwd: ROOT, stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } });
  if (result.status !== 0) throw new Error("`npx remix build` failed");
  return true;
}

// ─── HTTP ───────────────────────────────────────────────────────────────────────────────

/** Sign in through POST /login like a browser would; returns the `doorstep_session=…` cookie. */
export async function signIn(origin, email, password = DEMO_PASSWORD) {
  const response = await fetch(new URL("/login", origin), {
    method: "POST",
    redirect: "manual",
    headers: { Origin: origin, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email, password, redirectTo: "/" }),
    signal: AbortSignal.timeout(15_000),
  });
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .find((c) => c.startsWith("doorstep_session=") && c.length > "doorstep_session=".length);
  if (!cookie) throw new Error(`Sign-in as ${email} failed: HTTP ${response.status}, no session cookie`);
  return cookie;
}

/** One request, as the load generator sends it (no compression). */
export async function fetchPage(url, { cookie, headers = {} } = {}) {
  const response = await fetch(url, {
    redirect: "manual",
    headers: { "Accept-Encoding": "identity", ...(cookie ? { Cookie: cookie } : {}), ...headers },
    signal: AbortSignal.timeout(15_000),
  });
  const body = await response.text();
  return { status: response.status, body, bytes: Buffer.byteLength(body) };
}

// ─── load ───────────────────────────────────────────────────────────────────────────────

function cannon(opts) {
  return new Promise((resolve, reject) => {
    autocannon(opts, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/**
 * CPU time (user + system, ms) a process has used so far, from /proc on Linux; null where
 * that is not available. Measured around a load run it gives CPU ms per request, a figure
 * far less disturbed by a noisy machine than req/s.
 */
export function processCpuMs(pid) {
  if (!pid || process.platform !== "linux") return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // After "(comm) ": state is field 3, so utime (14) and stime (15) are at 11 and 12.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return null;
  }
}
const CLOCK_TICKS = (() => {
  try {
    return Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * The whole machine's CPU at one moment, for cpuSplit: busy and idle ms summed over all
 * cores (/proc/stat), and each process's user + system ms with its command name. Linux only
 * (null elsewhere).
 */
export function machineCpu() {
  if (process.platform !== "linux") return null;
  const ms = (ticks) => (ticks * 1000) / CLOCK_TICKS;
  const [user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  const processes = new Map();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      processes.set(Number(name), { comm: stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")), ms: ms(Number(fields[11]) + Number(fields[12])) });
    } catch {
      // gone between the listing and the read
    }
  }
  return { at: performance.now(), busyMs: ms(user + nice + system + irq + softirq + steal), idleMs: ms(idle + iowait), processes };
}

/**
 * Where the machine's cores went between two machineCpu() readings: ms of CPU per named
 * group of pids (`groups`: label → pids), PostgreSQL (every process named "postgres"),
 * everything else on the machine ("other": the machine's busy time minus the groups', so
 * processes that came and went are in it), and idle; with each as a share of the
 * window's capacity (wall time × cores). A process that started within the window counts
 * from zero.
 */
export function cpuSplit(before, after, groups) {
  if (!before || !after) return null;
  const used = (pid) => {
    const end = after.processes.get(pid);
    if (!end) return 0;
    return Math.max(0, end.ms - (before.processes.get(pid)?.ms ?? 0));
  };
  const named = new Set(Object.values(groups).flat());
  const ms = {};
  for (const [label, pids] of Object.entries(groups)) ms[label] = pids.reduce((n, pid) => n + used(pid), 0);
  ms.postgres = 0;
  for (const [pid, p] of after.processes) if (p.comm === "postgres" && !named.has(pid)) ms.postgres += used(pid);
  const busy = after.busyMs - before.busyMs;
  ms.other = Math.max(0, busy - Object.values(ms).reduce((a, b) => a + b, 0));
  ms.idle = after.idleMs - before.idleMs;
  const cores = os.cpus().length;
  const capacity = (after.at - before.at) * cores;
  return {
    windowMs: round(after.at - before.at),
    cores,
    cpuMs: Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, round(v)])),
    shareOfCores: Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, round(v / capacity, 3)])),
  };
}

/**
 * Load `url` for `duration` seconds with `connections` keep-alive connections, after an
 * explicit warm-up run of `warmup` seconds (results discarded: JIT, caches, pools).
 * Give the server's `pid` to also get `cpuMsPerRequest`.
 * Returns { requestsPerSec, p50, p99, errors, non2xx, timeouts, requests, bytesPerResponse, cpuMsPerRequest }.
 */
export async function measure({ url, cookie, headers = {}, method = "GET", body, duration = 8, connections = 20, warmup = 2, pid }) {
  const opts = {
    url,
    method,
    body,
    connections,
    headers: { ...(cookie ? { cookie } : {}), ...headers },
    timeout: 10,
  };
  if (warmup > 0) await cannon({ ...opts, duration: warmup });
  const cpuBefore = processCpuMs(pid);
  const result = await cannon({ ...opts, duration });
  const cpuAfter = processCpuMs(pid);
  const seconds = result.duration || duration;
  const cpuMsPerRequest = cpuBefore !== null && cpuAfter !== null && result.requests.total ? round((cpuAfter - cpuBefore) / result.requests.total, 3) : null;
  return {
    requestsPerSec: round(result.requests.total / seconds, 1),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    requests: result.requests.total,
    bytesPerResponse: result.requests.total ? Math.round(result.throughput.total / result.requests.total) : 0,
    /** Server CPU per request (only when `pid` is given): user + system ms of that process. */
    cpuMsPerRequest,
  };
}

/**
 * Load `url` and discard the result: the explicit warm-up. A fresh server needs more than
 * the per-measurement warm-up: PGlite's WebAssembly is compiled by V8 in tiers, the hot
 * functions re-compiled in the background, which takes several seconds on a busy machine.
 */
export async function warmUp({ url, cookie, headers = {}, duration = 5, connections = 20 }) {
  if (duration > 0) await cannon({ url, connections, duration, timeout: 10, headers: { ...(cookie ? { cookie } : {}), ...headers } });
}

/** measured / baseline, e.g. ratio(home.requestsPerSec, floor.requestsPerSec). */
export function ratio(measured, baseline, digits = 3) {
  if (!baseline || !Number.isFinite(measured)) return null;
  return round(measured / baseline, digits);
}

export function round(n, digits = 0) {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export function median(values) {
  const sorted = values.filter((v) => v !== null && Number.isFinite(v)).sort((x, y) => x - y);
  if (!sorted.length) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// ─── PostgreSQL ─────────────────────────────────────────────────────────────────────────

export async function postgresReachable(adminUrl = DEFAULT_POSTGRES_URL) {
  const sql = postgres(adminUrl, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}

/** A fresh, empty database on the server of `adminUrl`: { name, url, drop() }. */
export async function createDatabase(adminUrl = DEFAULT_POSTGRES_URL, prefix = "doorstep_bench") {
  const name = `${prefix}_${Date.now()}_${Math.random().toString(36).slice(2, 8)}`;
  const sql = postgres(adminUrl, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    await sql.unsafe(`create database "${name}"`);
  } finally {
    await sql.end({ timeout: 2 }).catch(() => {});
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { name, url: url.href, drop: () => dropDatabase(adminUrl, name) };
}

export async function dropDatabase(adminUrl, name) {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`refusing to drop database ${JSON.stringify(name)}`);
  const sql = postgres(adminUrl, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    await sql.unsafe(`drop database if exists "${name}" with (force)`);
  } finally {
    await sql.end({ timeout: 2 }).catch(() => {});
  }
}

/** Migrate and seed the demo accounts into a PostgreSQL database (`npm run db:seed`). */
export function seedPostgres(url) {
  const tsx = path.join(ROOT, "node_modules/.bin/tsx");
  const result = spawnSync(tsx, ["db/seed-cli.ts"], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: url },
    encoding: "utf8",
    // Minutes, not seconds, on a machine other work shares (argon2 for the demo accounts).
    timeout: 600_000,
  });
  if (result.status !== 0) throw new Error(`seeding ${url} failed:\n${result.stdout}\n${result.stderr}`);
}

// ─── context handed to each bench/<name>.bench.js ───────────────────────────────────────

/**
 * Builds the `ctx` a bench module's `run(ctx)` receives:
 *   ctx.db          { kind: "pglite" | "postgres", label, env } — env is what the app was
 *                   started with: { DATABASE_URL } or { PGLITE_DIR } (PGlite's dir is open
 *                   in the app's process: do not open it a second time)
 *   ctx.app         the running app server (DOORSTEP_BENCH=1): { origin, port, url(path) }
 *   ctx.options     { duration, connections, warmup, firstWarmup, rounds }
 *   ctx.signIn(email[, password])      → cookie
 *   ctx.fetchPage(path, { cookie })    → { status, body, bytes }
 *   ctx.measure(path, { cookie, … })   → metrics (see measure)
 *   ctx.compare({ name, path, cookie, expect, aim }) → rows: the page against baselines
 *                   (a) bare http with the same body and (b) the Remix static route of
 *                   the same size, interleaved round by round
 *   ctx.startApp({ env }) / ctx.startBaselineHttp(body)  for benches needing their own
 *   ctx.log(...)
 * A row is { name, kind: "baseline-a" | "baseline-b" | "measured", db, bytes, requestsPerSec,
 * p50, p99, errors, non2xx, vsA, vsB, aim?, note? }.
 */
export function createContext({ db, app, options, log = console.log }) {
  const load = (url, extra = {}) =>
    measure({ url, duration: options.duration, connections: options.connections, warmup: options.warmup, ...extra });

  const ctx = {
    db,
    app,
    options,
    log,
    signIn: (email, password) => signIn(app.origin, email, password),
    fetchPage: (p, opts) => fetchPage(app.url(p), opts),
    measure: (p, extra) => load(app.url(p), { pid: app.pid, ...extra }),
    startApp,
    startBaselineHttp,

    /** The `?bytes=` that makes /bench/static (no cookie) within `tolerance` of `target` bytes. */
    async staticPathFor(target, tolerance = 0.01) {
      let bytes = Math.max(1, target - ((await fetchPage(app.url("/bench/static?bytes=1"))).bytes - 1));
      let got = 0;
      for (let i = 0; i < 4; i++) {
        const page = await fetchPage(app.url(`/bench/static?bytes=${bytes}`));
        if (page.status !== 200) throw new Error(`/bench/static answered ${page.status}: is DOORSTEP_BENCH=1 set and the build current?`);
        got = page.bytes;
        if (Math.abs(got - target) <= target * tolerance || bytes === 1) break;
        bytes = Math.max(1, bytes + (target - got));
      }
      return { path: `/bench/static?bytes=${bytes}`, bytes: got };
    },

    async compare({ name, path: pagePath, cookie, expect, aim = { of: "b", min: 0.6 } }) {
      const page = await fetchPage(app.url(pagePath), { cookie });
      if (page.status !== 200) throw new Error(`${name}: ${pagePath} answered ${page.status}`);
      if (expect && !page.body.includes(expect)) throw new Error(`${name}: ${pagePath} does not contain ${JSON.stringify(expect)}`);
      const floor = await ctx.staticPathFor(page.bytes);
      const sizeGap = Math.abs(floor.bytes - page.bytes) / page.bytes;
      if (sizeGap > 0.05) log(`  warning: (b) is ${floor.bytes} B against ${page.bytes} B (${(sizeGap * 100).toFixed(1)}% apart)`);

      const bare = await startBaselineHttp(page.body);
      const rounds = [];
      try {
        if (options.firstWarmup > 0) {
          log(`  ${db.label}: warming up the server, ${options.firstWarmup} s per URL`);
          await warmUp({ url: app.url(floor.path), duration: options.firstWarmup, connections: options.connections });
          await warmUp({ url: app.url(pagePath), cookie, duration: options.firstWarmup, connections: options.connections });
        }
        for (let r = 0; r < options.rounds; r++) {
          const tag = options.rounds > 1 ? ` [round ${r + 1}/${options.rounds}]` : "";
          log(`  ${db.label}: (a) bare http, ${page.bytes} B${tag}`);
          const a = await load(bare.url("/"), { pid: bare.pid });
          log(`  ${db.label}: (b) ${floor.path}${tag}`);
          const b = await load(app.url(floor.path), { pid: app.pid });
          log(`  ${db.label}: ${name}${tag}`);
          const m = await load(app.url(pagePath), { cookie, pid: app.pid });
          rounds.push({ a, b, m });
        }
      } finally {
        await bare.stop();
      }
      // With several rounds, report the round whose home/(b) ratio is the median.
      const scored = rounds.map((x) => ({ ...x, vsB: ratio(x.m.requestsPerSec, x.b.requestsPerSec) })).sort((x, y) => x.vsB - y.vsB);
      const pick = scored[Math.floor((scored.length - 1) / 2)];
      const row = (kind, rowName, metrics, bytes, extra = {}) => ({ name: rowName, kind, db: db.kind, bytes, ...metrics, ...extra });
      return [
        row("baseline-a", "(a) bare node:http, same body", pick.a, page.bytes),
        row("baseline-b", `(b) Remix static route (${floor.path})`, pick.b, floor.bytes),
        row("measured", name, pick.m, page.bytes, {
          path: pagePath,
          vsA: ratio(pick.m.requestsPerSec, pick.a.requestsPerSec),
          vsB: ratio(pick.m.requestsPerSec, pick.b.requestsPerSec),
          aim,
          // Every round in measured order, with its raw figures (the JSON keeps them all).
          rounds:
            rounds.length > 1
              ? rounds.map((x) => ({ vsA: ratio(x.m.requestsPerSec, x.a.requestsPerSec), vsB: ratio(x.m.requestsPerSec, x.b.requestsPerSec), a: x.a, b: x.b, measured: x.m }))
              : undefined,
        }),
      ];
    },
  };
  return ctx;
}
