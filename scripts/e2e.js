// `npm run test:e2e`: build once if there is no build yet, run Playwright (one production
// server on a fresh embedded database, Debian Chromium), then leave the counts in
// .cache/e2e-summary.json for scripts/summary.js and end with one plain summary line.
// Extra arguments go to `playwright test` (e.g. `npm run test:e2e -- -g keyboard`).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";

const REPORT = ".cache/e2e-report.json";
const SUMMARY = ".cache/e2e-summary.json";
const extraArgs = process.argv.slice(2);
mkdirSync(".cache", { recursive: true });
rmSync(REPORT, { force: true });
rmSync(SUMMARY, { force: true });

function finish(passed, failed, skipped, ok) {
  writeFileSync(SUMMARY, `${JSON.stringify({ passed, failed, skipped }, null, 2)}\n`);
  console.log(`\ne2e: ${passed} passed, ${failed} failed`);
  process.exit(ok && failed === 0 && passed > 0 ? 0 : 1);
}

if (!existsSync("build/index.js")) {
  console.log("No build yet: running `remix build` (once)…");
  const build = spawnSync("npx", ["remix", "build"], { stdio: "inherit" });
  if (build.status !== 0) {
    console.error("remix build failed: end-to-end tests not run.");
    finish(0, 1, 0, false);
  }
}

// The server's database and build snapshot for this run (see playwright.config.ts).
const runDir = `.cache/e2e-run-${Date.now()}-${process.pid}`;
const started = Date.now();
const run = spawnSync("npx", ["playwright", "test", ...extraArgs], {
  stdio: "inherit",
  env: { ...process.env, E2E_RUN_DIR: runDir, E2E_PREPARED: "" },
});
const seconds = ((Date.now() - started) / 1000).toFixed(1);

let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const report = JSON.parse(readFileSync(REPORT, "utf8"));
  // Count per test (its final outcome), not per attempt.
  const visit = (suite) => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests ?? []) {
        const interrupted = (t.results ?? []).some((r) => r.status === "interrupted");
        if (t.status === "expected" && !interrupted) passed += 1;
        else if (t.status === "skipped" && !interrupted) skipped += 1;
        else failed += 1; // unexpected (failed, timed out), flaky (passed only on a retry), interrupted
      }
    }
    for (const child of suite.suites ?? []) visit(child);
  };
  for (const suite of report.suites ?? []) visit(suite);
  // Errors outside any test (config, web server, global setup) fail the run too.
  failed += (report.errors ?? []).length;
} catch (error) {
  console.error(`Could not read ${REPORT}: ${error instanceof Error ? error.message : error}`);
  failed += 1;
}
if (run.status !== 0 && failed === 0) failed = 1; // Playwright failed without a test saying why

// Keep the server's database after a failure, to look into; otherwise it is 40 MB of noise.
if (run.status === 0 && failed === 0) rmSync(runDir, { recursive: true, force: true });
else if (existsSync(runDir)) console.log(`\nThe server's database and build snapshot are kept in ${runDir}.`);

console.log(`\nPlaywright finished in ${seconds} s${skipped ? ` (${skipped} skipped)` : ""}.`);
finish(passed, failed, skipped, run.status === 0);
