import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

// docs/decisions/001: imports flow lib → db → domain → routes, and ESLint is what keeps
// it so. These lint snippets as if they sat at a path in the repo, through the real
// eslint.config.js.
const eslint = new ESLint();

async function restrictedImports(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

const importing = (from: string) => `import { thing } from "${from}";\nexport const again = thing;\n`;

// The first lint loads typescript-eslint: seconds on two busy cores.
describe("one-way imports (ADR 001)", { timeout: 30_000 }, () => {
  it("refuses a lib module importing a domain folder, relatively or through ~/", async () => {
    expect(await restrictedImports(importing("../auth/validation.server"), "app/lib/x.server.ts")).toHaveLength(1);
    expect(await restrictedImports(importing("~/live/core.server"), "app/lib/x.server.ts")).toHaveLength(1);
    expect(await restrictedImports(importing("../reports/filters"), "app/lib/x.server.ts")).toHaveLength(1);
  });

  it("refuses a lib module importing the database", async () => {
    expect(await restrictedImports(importing("../../db/client.server"), "app/lib/x.server.ts")).toHaveLength(1);
  });

  it("refuses db importing a domain folder, but lets its command-line entries", async () => {
    expect(await restrictedImports(importing("../app/auth/validation.server"), "db/x.ts")).toHaveLength(1);
    expect(await restrictedImports(importing("../app/demo/seed.server"), "db/seed-cli.ts")).toEqual([]);
  });

  it("allows the same imports one layer up: domain → domain, domain → db, lib → lib, db → lib", async () => {
    expect(await restrictedImports(importing("../auth/validation.server"), "app/live/x.server.ts")).toEqual([]);
    expect(await restrictedImports(importing("../../db/client.server"), "app/live/x.server.ts")).toEqual([]);
    expect(await restrictedImports(importing("./request.server"), "app/lib/x.server.ts")).toEqual([]);
    expect(await restrictedImports(importing("../app/lib/env.server"), "db/x.ts")).toEqual([]);
  });

  it("still refuses a domain module importing a route", async () => {
    expect(await restrictedImports(importing("../routes/_index"), "app/live/x.server.ts")).toHaveLength(1);
  });

  it("treats an activity folder's views as UI and its parsers as domain code", async () => {
    expect(await restrictedImports(importing("zod"), "app/activities/poll/ui/live.tsx")).toHaveLength(1);
    expect(await restrictedImports(importing("~/db/client.server"), "app/activities/poll/ui/live.tsx")).toHaveLength(1);
    expect(await restrictedImports(importing("react"), "app/activities/poll/form.server.ts")).toHaveLength(1);
    expect(await restrictedImports(importing("~/activities/poll/form.server"), "app/lib/x.server.ts")).toHaveLength(1);
    expect(await restrictedImports(importing("zod"), "app/activities/poll/form.server.ts")).toEqual([]);
  });
});
