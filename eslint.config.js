import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

// One-way imports (docs/decisions/001): lib → db → domain folders → routes/components.
const DOMAIN_FOLDERS = ["auth", "content", "progress", "live", "reports", "groups", "home", "demo", "field", "mail", "stats"];
// Import paths (relative or `~/`) into anything above db: domain folders, routes and UI.
const ABOVE_DB = [...DOMAIN_FOLDERS, "activities", "routes", "components", "mdx"].flatMap((folder) => [
  `**/${folder}`,
  `**/${folder}/**`,
  `~/${folder}`,
  `~/${folder}/**`,
]);

export default tseslint.config(
  { ignores: ["build/", "public/build/", ".cache/", "node_modules/", "bench/out/", ".data/", "test-results/", "playwright-report/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { "react-hooks": reactHooks },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "warn",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
    },
  },
  {
    // app/activities/<kind>/ holds a kind's parser and model (*.ts, domain rules) beside its views (*.tsx, UI rules).
    files: [`app/{${DOMAIN_FOLDERS.join(",")}}/**/*.ts`, "app/activities/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["**/routes/**", "~/routes/**"], message: "Domain code never imports a route." },
            { group: ["react", "react-dom", "@remix-run/react", "**/components/**", "~/components/**"], message: "Domain code never imports React or UI." },
          ],
        },
      ],
    },
  },
  {
    files: ["app/routes/**", "app/components/**", "app/mdx/**", "app/activities/**/*.tsx"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/db/client.server*", "**/db/migrate*", "drizzle-orm", "drizzle-orm/*"],
              message: "Routes and components call a domain function; they never touch the database.",
            },
            {
              // What a page imports ships to the browser, unless it is a *.server module.
              group: ["zod", "**/db/schema"],
              allowTypeImports: true,
              message: "Keep zod and Drizzle out of the browser: schemas go in a *.server.ts module, enum lists come from db/enums.",
            },
          ],
        },
      ],
    },
  },
  {
    // lib is the bottom layer: it imports no database code, no domain folder and no UI.
    files: ["app/lib/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ABOVE_DB, message: "lib sits below everything else: move the shared piece into app/lib." },
            { group: ["**/db", "**/db/**"], message: "lib sits below db: it never imports the database." },
          ],
        },
      ],
    },
  },
  {
    // db sits on lib only. Its command-line entries (db/*-cli.ts) are entry points like
    // routes and may import anything (the demo seed lives in app/demo).
    files: ["db/**"],
    ignores: ["db/*-cli.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ABOVE_DB, message: "db sits below the domain folders and the UI." }] }],
    },
  },
);
