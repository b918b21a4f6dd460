import { describe, expect, it } from "vitest";
import { guessMapping, parseLine, readMapping, type ImportMapping } from "~/field/import.server";

// One CSV line of the generic format (docs/import.md) against a mapping: what it becomes,
// or the problem in words. The database side (people, areas, idempotency) is in
// tests/integration/canvass-import.test.ts.

const MAPPING: ImportMapping = { externalId: 0, person: 1, personBy: "email", date: 2, area: 3, result: 4, support: 5, commitment: 6, skipUnknownPeople: false };
const TODAY = new Date("2026-06-01T12:00:00Z");
const line = (fields: string[]) => parseLine({ line: 7, fields }, MAPPING, 7, TODAY);

describe("parseLine", () => {
  it("reads the spellings the format documents", () => {
    expect(line(["x1", " Ada@Example.org ", "02/05/2026", "Riverside", "Canvassed", "2", "Y"])).toEqual({
      line: 7,
      externalId: "x1",
      person: "ada@example.org",
      day: "2026-05-02",
      area: "Riverside",
      result: "conversation",
      support: 2,
      commitment: true,
    });
    expect(line(["x2", "a@b.org", "2026-05-03T18:20:00Z", "R", "not home", "", ""])).toMatchObject({ day: "2026-05-03", result: "no-answer", support: null, commitment: false });
    expect(line(["x3", "a@b.org", "2026-05-03", "R", "no_answer", "", "no"])).toMatchObject({ result: "no-answer" });
  });

  it("names what is wrong, on its line", () => {
    const wrong = (fields: string[]) => (line(fields) as { message?: string }).message;
    expect(wrong(["x", "a@b.org", "2026-02-30", "R", "contact", "", ""])).toMatch(/date “2026-02-30” is not a date/);
    expect(wrong(["x", "a@b.org", "2026-07-01", "R", "contact", "", ""])).toMatch(/in the future/);
    expect(wrong(["x", "a@b.org", "2026-05-02", "R", "maybe", "", ""])).toMatch(/contact result “maybe”/);
    expect(wrong(["x", "a@b.org", "2026-05-02", "R", "conversation", "6", ""])).toMatch(/support level “6” is not 1 to 5/);
    expect(wrong(["x", "a@b.org", "2026-05-02", "R", "contact", "2", ""])).toMatch(/support level but no conversation/);
    expect(wrong(["x", "a@b.org", "2026-05-02", "R", "contact", "", "yes"])).toMatch(/commitment but no conversation/);
    expect(wrong(["x", "a@b.org", "2026-05-02", "R", "contact", "", "perhaps"])).toMatch(/not yes or no/);
    expect(wrong(["", "a@b.org", "2026-05-02", "R", "contact", "", ""])).toMatch(/no contact id/);
    expect(wrong(["x", "not-an-email", "2026-05-02", "R", "contact", "", ""])).toMatch(/not an email address/);
    expect(parseLine({ line: 3, fields: ["x", "a@b.org"] }, MAPPING, 7, TODAY)).toEqual({ line: 3, message: "has 2 fields where the header has 7." });
  });
});

describe("mapping", () => {
  it("guesses the generic header and takes the form's choices, refusing one column for two things", () => {
    const header = ["contact_id", "canvasser_email", "date", "area", "result", "support", "commitment", "notes"];
    const guess = guessMapping(header);
    expect(guess).toMatchObject({ externalId: "0", person: "1", personBy: "email", date: "2", area: "3", result: "4", support: "5", commitment: "6" });
    const form = new FormData();
    for (const [k, v] of Object.entries(guess)) form.set(k, v);
    expect(readMapping(form, header.length)).toMatchObject({ ok: true, mapping: MAPPING });
    form.set("area", "0");
    form.set("date", "99");
    const refused = readMapping(form, header.length);
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.errors).toEqual({ area: "That column is already the contact id.", date: "Pick one of the file's columns." });
  });
});
