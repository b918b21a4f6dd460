import { defineConfig } from "drizzle-kit";

// Only used to *generate* migrations from schema.ts. The app applies them itself at
// start (db/migrate.ts), so drizzle-kit never opens the embedded data dir.
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema.ts",
  out: "./db/migrations",
});
