import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { IMPORT_FIELDS } from "~/field/import-format";
import { guessMapping } from "~/field/import.server";
import { IMPORT_SAMPLES } from "~/field/import-samples.server";
import * as formatPage from "~/routes/reports.imports.format";
import * as samplePage from "~/routes/reports.imports.samples.$file";
import { get, makeUser, run } from "../setup/fixtures";
import { withTestDatabase } from "../setup/database";

// The in-app format page and its sample downloads (organisers cannot open docs/ in the
// repository): the downloads are the files docs/import.md links, and every header name the
// page lists is one the column guess recognises.

withTestDatabase();

const context = { clientIp: "203.0.113.7" };
const sampleResponse = async (file: string, cookie: string) =>
  (await samplePage.loader({ request: get(`/reports/imports/samples/${file}`, cookie), params: { file }, context } as never)) as Response;

describe("canvass import format page", () => {
  it("lists the columns and offers each sample file, byte for byte the one in docs/samples", async () => {
    const organiser = await makeUser("organiser");
    const page = await run(formatPage.loader as never, get("/reports/imports/format", organiser.cookie));
    expect(page.status).toBe(200);
    const body = page.body as { samples: { file: string }[]; example: string };
    expect(body.samples.map((s) => s.file)).toEqual(IMPORT_SAMPLES.map((s) => s.file));
    expect(body.example).toBe(readFileSync("docs/samples/canvass-results.csv", "utf8"));

    for (const sample of IMPORT_SAMPLES) {
      const response = await sampleResponse(sample.file, organiser.cookie);
      expect(response.status).toBe(200);
      expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
      expect(response.headers.get("Content-Disposition")).toBe(`attachment; filename="${sample.file}"`);
      expect(await response.text()).toBe(readFileSync(`docs/samples/${sample.file}`, "utf8"));
    }
  });

  it("answers 404 in plain words for a name that is not a sample, however it is spelt", async () => {
    const admin = await makeUser("admin");
    for (const file of ["nope.csv", "../../package.json", "..%2F..%2Fpackage.json", "election-results.csv", ""]) {
      const response = await sampleResponse(file, admin.cookie);
      expect(response.status, file).toBe(404);
      expect(await response.text()).toMatch(/no sample file of that name/);
    }
  });

  it("every header name the page lists is guessed as its column", () => {
    for (const field of IMPORT_FIELDS) {
      for (const name of field.names) {
        const guess = guessMapping(["unrelated", name]);
        expect(guess[field.key], `${name} → ${field.key}`).toBe("1");
      }
    }
    // Any case, spaces or hyphens for underscores.
    expect(guessMapping(["Contact ID", "Canvasser-Email"])).toMatchObject({ externalId: "0", person: "1" });
  });
});
