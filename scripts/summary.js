// Adds up the counts that scripts/test.js and scripts/e2e.js left in .cache/, so CI ends
// with one plain "N passed, N failed" line covering everything that ran.
import { existsSync, readFileSync } from "node:fs";

let passed = 0;
let failed = 0;
for (const file of [".cache/vitest-pglite.json", ".cache/vitest-postgres.json"]) {
  if (!existsSync(file)) continue;
  const json = JSON.parse(readFileSync(file, "utf8"));
  passed += json.numPassedTests;
  failed += json.numFailedTests;
}
if (existsSync(".cache/e2e-summary.json")) {
  const e2e = JSON.parse(readFileSync(".cache/e2e-summary.json", "utf8"));
  passed += e2e.passed;
  failed += e2e.failed;
}
console.log(`all: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
