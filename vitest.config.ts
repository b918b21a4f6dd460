import path from "node:path";
import { defineConfig } from "vitest/config";

const alias = { "~": path.resolve("app") };

export default defineConfig({
  resolve: { alias },
  test: {
    // argon2 and PGlite are CPU-heavy; two cores means two workers at most.
    maxWorkers: 2,
    projects: [
      {
        resolve: { alias },
        test: { name: "unit", include: ["tests/unit/**/*.test.{ts,tsx}"], environment: "node" },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.{ts,tsx}"],
          environment: "node",
          globalSetup: ["tests/setup/global-database.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
