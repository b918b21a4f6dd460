import { describe, expect, it } from "vitest";
import { INVITE_BATCH_MAX, parseInviteList, splitCsvLine } from "~/auth/invite-list.server";

describe("reading a pasted invite list", () => {
  it("takes “Name, email”, “Name <email>”, tabs and either order, skipping blank lines", () => {
    const list = parseInviteList("Jo Bloggs, JO@Example.org\n\n  Sam Lee <sam@example.org>\nPriya Shah\tpriya@example.org\nkim@example.org, Kim Ng\n“Quoted” <q@example.org>,");
    expect(list.errors).toEqual([]);
    expect(list.invitees).toEqual([
      { line: 1, name: "Jo Bloggs", email: "jo@example.org" },
      { line: 3, name: "Sam Lee", email: "sam@example.org" },
      { line: 4, name: "Priya Shah", email: "priya@example.org" },
      { line: 5, name: "Kim Ng", email: "kim@example.org" },
      { line: 6, name: "“Quoted”", email: "q@example.org" },
    ]);
  });

  it("reads a spreadsheet paste (tab-separated) when the first line has tabs and no commas", () => {
    expect(parseInviteList("Priya Shah\tpriya@example.org\nLee Ho\tlee@example.org").invitees.map((p) => p.email)).toEqual(["priya@example.org", "lee@example.org"]);
  });

  it("reads a CSV with a header row: columns by name, quoted fields, doubled quotes, extra columns ignored", () => {
    const csv = 'email,Phone,Name\r\njo@example.org,0123,"Bloggs, Jo"\r\n"sam@example.org",,"Sam ""the Van"" Lee"\r\n';
    const list = parseInviteList(csv);
    expect(list.errors).toEqual([]);
    expect(list.invitees).toEqual([
      { line: 2, name: "Bloggs, Jo", email: "jo@example.org" },
      { line: 3, name: 'Sam "the Van" Lee', email: "sam@example.org" },
    ]);
  });

  it("names every bad line with its number: bad email, missing name or email, duplicates, stray quotes, too many fields", () => {
    const list = parseInviteList(
      ["Good One, good@example.org", "Bad Email, not-an-email", "lonely@example.org", "Just A Name", "Dup, GOOD@example.org", '"Unclosed, x@example.org', "A, b, c@example.org", " , blank@example.org"].join("\n"),
    );
    expect(list.invitees.map((p) => p.line)).toEqual([1]);
    expect(list.errors.map((e) => e.line)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(list.errors[0]!.message).toMatch(/not-an-email.*email address/);
    expect(list.errors[1]!.message).toMatch(/Missing a name/);
    expect(list.errors[2]!.message).toMatch(/Missing an email/);
    expect(list.errors[3]!.message).toMatch(/already on line 1/);
    expect(list.errors[4]!.message).toMatch(/quote/);
    expect(list.errors[5]!.message).toMatch(/3 fields/);
    expect(list.errors[6]!.message).toMatch(/Missing a name/);
  });

  it("refuses an empty list, a header with nobody under it, and more than the maximum", () => {
    expect(parseInviteList(" \n\n").listError).toMatch(/at least one/);
    expect(parseInviteList("name,email\n").listError).toMatch(/header/);
    const many = Array.from({ length: INVITE_BATCH_MAX + 1 }, (_, i) => `P ${i}, p${i}@example.org`).join("\n");
    expect(parseInviteList(many)).toMatchObject({ invitees: [], listError: expect.stringMatching(/At most 500 .* 501/) });
    expect(parseInviteList(many.split("\n").slice(1).join("\n")).invitees).toHaveLength(INVITE_BATCH_MAX);
  });

  it("splits CSV lines the RFC 4180 way", () => {
    expect(splitCsvLine('a,"b,c","d ""e""",', ",")).toEqual({ ok: true, fields: ["a", "b,c", 'd "e"', ""] });
    expect(splitCsvLine('"open', ",")).toEqual({ ok: false });
  });
});
