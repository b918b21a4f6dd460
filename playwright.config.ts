import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync } from "node:fs";
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";

// End-to-end tests: one production server (`node server.js`) for the whole run, on a
// fresh embedded PGlite database that seeds the demo accounts on first start.
const PORT = Number(process.env.E2E_PORT ?? 3100);
const BASE_URL = `http://localhost:${PORT}`;
const CI = process.env.CI === "true";

// This file is evaluated in the runner and again in every worker. The runner prepares
// the run's directory and passes it on through the environment; workers leave it alone.
//
// .cache/e2e-run-<time>/pglite  the server's fresh embedded database (seeds demo data)
// .cache/e2e-run-<time>/app     the server's working directory: copies of build/ and
//                               public/, symlinks to everything else in the repo. A
//                               `remix build` elsewhere during the run would otherwise
//                               serve new browser assets to the old server code.
if (!process.env.E2E_PREPARED) {
  const root = process.cwd();
  const cache = path.join(root, ".cache");
  mkdirSync(cache, { recursive: true });
  // Leftovers of earlier runs go; a run still going (under an hour old) keeps its dir.
  // (scripts/e2e.js names the dir itself and removes it after a passing run.)
  for (const name of readdirSync(cache)) {
    if (!name.startsWith("e2e-run-")) continue;
    const dir = path.join(cache, name);
    if (Date.now() - statSync(dir).mtimeMs > 60 * 60 * 1000) rmSync(dir, { recursive: true, force: true });
  }
  const runDir = path.resolve(process.env.E2E_RUN_DIR ?? path.join(cache, `e2e-run-${Date.now()}-${process.pid}`));
  rmSync(runDir, { recursive: true, force: true });
  snapshotApp(root, path.join(runDir, "app"));
  process.env.E2E_RUN_DIR = runDir;
  process.env.E2E_PREPARED = "1";
}
const RUN_DIR = process.env.E2E_RUN_DIR ?? "";

function snapshotApp(root: string, appDir: string) {
  if (!existsSync(path.join(root, "build/index.js"))) {
    throw new Error("No build: run `npx remix build` first (npm run test:e2e does it for you).");
  }
  // A copy taken mid-build would not match itself: check that the server build's assets
  // version has its browser manifest, and copy again if not.
  for (let attempt = 1; ; attempt++) {
    rmSync(appDir, { recursive: true, force: true });
    mkdirSync(appDir, { recursive: true });
    cpSync(path.join(root, "build"), path.join(appDir, "build"), { recursive: true });
    cpSync(path.join(root, "public"), path.join(appDir, "public"), { recursive: true });
    const version = readFileSync(path.join(appDir, "build/version.txt"), "utf8").trim().toUpperCase();
    if (existsSync(path.join(appDir, `public/build/manifest-${version}.js`))) break;
    if (attempt === 5) throw new Error(`build/ and public/build/ do not match (no manifest-${version}.js): run \`npx remix build\` again.`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000); // a build may be half written
  }
  for (const entry of readdirSync(root)) {
    if (entry === "build" || entry === "public") continue;
    symlinkSync(path.join(root, entry), path.join(appDir, entry));
  }
}

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export default defineConfig({
  testDir: "tests/e2e",
  outputDir: "test-results",
  fullyParallel: false,
  forbidOnly: CI,
  retries: CI ? 1 : 0,
  // Two cores: the server (argon2, PGlite) needs one of them.
  workers: 1,
  // These tests check behaviour, not speed (speed is measured in bench/). CI machines are
  // shared and sometimes loaded (a load average of 17 was seen on two cores), so there a
  // slow step gets twice the time before it counts as a failure; a wrong result still fails.
  timeout: CI ? 60_000 : 30_000,
  expect: { timeout: CI ? 10_000 : 5_000 },
  reporter: [["list"], ["json", { outputFile: ".cache/e2e-report.json" }]],
  use: {
    baseURL: BASE_URL,
    actionTimeout: CI ? 20_000 : 10_000,
    navigationTimeout: CI ? 30_000 : 15_000,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: { executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS },
      },
    },
  ],
  webServer: {
    command: "node server.js",
    cwd: path.join(RUN_DIR, "app"),
    url: BASE_URL,
    env: {
      NODE_ENV: "production",
      PORT: String(PORT),
      PGLITE_DIR: path.join(RUN_DIR, "pglite"),
      // A DATABASE_URL from the shell would point the server at PostgreSQL instead.
      DATABASE_URL: "",
      // Live presence: a 3 s heartbeat, so a participant who left drops off within seconds
      // (tests/e2e/live-presence.spec.ts) rather than the production 35–50 s.
      DOORSTEP_LIVE_HEARTBEAT_SECONDS: "3",
    },
    // A server already on the port would carry an old database: refuse it.
    reuseExistingServer: false,
    // Seeding the demo movement on PGlite takes ~30 s on a quiet machine and minutes on a busy one.
    timeout: 240_000,
    stdout: "ignore",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
  },
});
