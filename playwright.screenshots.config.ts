import { defineConfig } from "@playwright/test";
import base from "./playwright.config";

// The README's screenshots (tests/screenshots/readme.spec.ts): the e2e server and browser,
// pointed at a folder the normal e2e run never reads.
export default defineConfig({ ...base, testDir: "tests/screenshots" });
