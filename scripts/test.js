// `npm test`: unit + integration on PGlite always, integration again on PostgreSQL when
// one is reachable (required when CI=true or REQUIRE_POSTGRES=1). Ends with one plain
// summary line so a run that executed nothing is visible.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import postgres from "postgres";

const serverUrl = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const requirePostgres = process.env.CI === "true" || process.env.REQUIRE_POSTGRES === "1";
const extraArgs = process.argv.slice(2);
mkdirSync(".cache", { recursive: true });

function vitest(label, env, args) {
  const report = `.cache/vitest-${label}.json`;
  rmSync(report, { force: true });
  console.log(`\n━━ ${label}: vitest ${args.join(" ")}`);
  const result = spawnSync("npx", ["vitest", "run", ...args, "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...extraArgs], {
    stdio: "inherit",
    env: { ...process.env, ...env },
  });
  let passed = 0;
  let failed = 0;
  try {
    const json = JSON.parse(readFileSync(report, "utf8"));
    passed = json.numPassedTests;
    failed = json.numFailedTests + (json.numRuntimeErrorTestSuites ?? 0);
  } catch {
    failed += 1;
  }
  return { label, passed, failed, ok: result.status === 0 };
}

async function postgresReachable() {
  const sql = postgres(serverUrl, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}

const runs = [vitest("pglite", { TEST_DB: "pglite" }, [])];
if (await postgresReachable()) {
  // tests/integration/database-unavailable.test.ts runs the production server (PostgreSQL
  // run only). CI builds before `npm test`; locally, build once if there is no build yet.
  if (!existsSync("build/index.js")) {
    console.log("\nNo build yet: running `remix build` (once) for the production-server test…");
    spawnSync("npx", ["remix", "build"], { stdio: "inherit" });
  }
  runs.push(vitest("postgres", { TEST_DB: "postgres", TEST_POSTGRES_URL: serverUrl }, ["--project", "integration"]));
} else if (requirePostgres) {
  console.error(`\nPostgreSQL is required here but not reachable at ${serverUrl}.`);
  runs.push({ label: "postgres", passed: 0, failed: 1, ok: false });
} else {
  console.log(`\nPostgreSQL not reachable at ${serverUrl}: integration tests ran on PGlite only.`);
}

console.log("\nDatabases tested:");
for (const r of runs) console.log(`  ${r.label.padEnd(9)} ${r.passed} passed, ${r.failed} failed`);
const passed = runs.reduce((n, r) => n + r.passed, 0);
const failed = runs.reduce((n, r) => n + r.failed, 0);
const ok = runs.every((r) => r.ok) && passed > 0;
console.log(`\ntests: ${passed} passed, ${failed} failed`);
process.exit(ok ? 0 : 1);
