import { describe, expect, it } from "vitest";
import { compileModuleSource } from "~/content/compile.server";
import type { RecordActivity, RecordEntry } from "~/activities/record/manifest";
import { checkRecord } from "~/activities/record/scoring";

// The Record kind: what content:check says about a broken <Record> (with its line), and
// how a learner's record is compared with what the resident said, per ending.

const FRONT = `---
title: Records
summary: A record after a scenario.
minutes: 5
order: 1
objectives:
  - Record a conversation
---
`;

// Line 9 is the <Step>; the scenario spans lines 11-18; the <Record> starts on line 20.
const SCENARIO = `<Step id="one" title="One">

<Scenario id="door" title="Door" start="hello">
  <Resident id="hello" says="Hello?">
    <Choice to="kept" feedback="Good.">Hi, it's about the bus.</Choice>
    <Choice to="closed" feedback="No.">Vote for us!</Choice>
  </Resident>
  <Ending id="kept" outcome="good" title="Kept">Good.</Ending>
  <Ending id="closed" outcome="lost" title="Closed">Closed.</Ending>
</Scenario>

`;

const EXPECTS = `  <Expect field="support" value="3">She said she'd think about it: a 3, not a 2.</Expect>
  <Expect field="issues" value="buses">She raised the bus.</Expect>
  <Expect field="commitment" value="none">No commitment.</Expect>
  <Expect field="follow-up" value="callback">Call back.</Expect>
`;
const ISSUES = `  <Issue id="buses">Buses</Issue>
  <Issue id="rent">Rent</Issue>
`;

const moduleWith = (record: string) => `${FRONT}${SCENARIO}${record}\n</Step>\n`;

async function problemsOf(record: string) {
  const result = await compileModuleSource("records", moduleWith(record));
  return result.ok ? [] : result.problems;
}

async function recordOf(record: string): Promise<RecordActivity> {
  const result = await compileModuleSource("records", moduleWith(record));
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.module.manifest.activities.rec as RecordActivity;
}

describe("content:check on <Record>", () => {
  it("reads a good record: issues, expectations and per-ending overrides", async () => {
    const record = await recordOf(
      `<Record id="rec" scenario="door">\n${ISSUES}${EXPECTS}  <Expect field="support" ending="closed" value="unknown">She never said.</Expect>\n</Record>`,
    );
    expect(record).toMatchObject({
      kind: "record",
      scenarioId: "door",
      stepId: "one",
      issues: [
        { id: "buses", text: "Buses" },
        { id: "rent", text: "Rent" },
      ],
      expect: { support: { accepted: ["3"] }, issues: { accepted: ["buses"] }, "follow-up": { accepted: ["callback"] } },
      byEnding: { closed: { support: { accepted: ["unknown"], explanation: "She never said." } } },
    });
  });

  it("names a scenario that is not an earlier <Scenario>", async () => {
    expect(await problemsOf(`<Record id="rec" scenario="nowhere">\n${ISSUES}${EXPECTS}</Record>`)).toEqual([
      { line: 20, message: expect.stringMatching(/^<Record id="rec"> scenario="nowhere" must name a <Scenario> earlier in the module/) },
    ]);
    expect(await problemsOf(`<Record id="rec" scenario="one">\n${ISSUES}${EXPECTS}</Record>`)).toEqual([
      { line: 20, message: expect.stringMatching(/scenario="one" must name a <Scenario>/) },
    ]);
  });

  it("names a field with no expectation that holds whatever the ending", async () => {
    const withoutFollowUp = EXPECTS.split("\n").filter((l) => !l.includes("follow-up")).join("\n");
    expect(await problemsOf(`<Record id="rec" scenario="door">\n${ISSUES}${withoutFollowUp}  <Expect field="follow-up" ending="kept" value="none">Done.</Expect>\n</Record>`)).toEqual([
      { line: 20, message: expect.stringMatching(/needs an <Expect field="…" value="…"> without an ending for: follow-up/) },
    ]);
  });

  it("names unknown codes, issues, fields and endings on their own line", async () => {
    const problems = await problemsOf(
      [
        `<Record id="rec" scenario="door">`,
        ISSUES + EXPECTS.trimEnd(),
        `  <Expect field="support" ending="kept" value="6">Six?</Expect>`,
        `  <Expect field="issues" ending="kept" value="buses parking">Parking?</Expect>`,
        `  <Expect field="mood" value="1">Not a field.</Expect>`,
        `  <Expect field="commitment" ending="nowhere" value="none">No such ending.</Expect>`,
        `  <Expect field="follow-up" value="none">A second default.</Expect>`,
        `</Record>`,
      ].join("\n"),
    );
    expect(problems).toEqual([
      { line: 27, message: expect.stringMatching(/^<Expect field="support" value="6"> is not a support code/) },
      { line: 28, message: expect.stringMatching(/^<Expect field="issues"> names "parking", which is not an <Issue> of this record/) },
      { line: 29, message: expect.stringMatching(/^<Expect field="mood"> is not a field of a record/) },
      { line: 30, message: expect.stringMatching(/^<Expect ending="nowhere"> is not an <Ending> of scenario "door"; it has: kept, closed/) },
      { line: 31, message: expect.stringMatching(/^Field "follow-up" already has an <Expect> without an ending/) },
    ]);
  });

  it("wants two issues, no issue called none, and an explanation", async () => {
    const problems = await problemsOf(`<Record id="rec" scenario="door">\n  <Issue id="none">Nothing</Issue>\n${EXPECTS.replace("Call back.", "")}</Record>`);
    expect(problems.map((p) => [p.line, p.message.slice(0, 30)])).toEqual([
      [20, '<Record id="rec"> needs at lea'],
      [21, '<Issue id="none"> is taken: "n'],
      [23, '<Expect field="issues"> names '],
      [25, '<Expect field="follow-up"> nee'],
    ]);
  });

  it("keeps <Issue> and <Expect> inside a <Record>", async () => {
    const problems = await problemsOf(`<Issue id="stray">Stray</Issue>`);
    expect(problems).toEqual([{ line: 20, message: "<Issue> belongs inside <Record>." }]);
  });
});

describe("comparing a record with what the resident said", () => {
  const entry = (over: Partial<RecordEntry> = {}): RecordEntry => ({ support: "3", issues: ["buses"], commitment: "none", "follow-up": "callback", note: "", ...over });
  const record = () =>
    recordOf(
      `<Record id="rec" scenario="door">\n${ISSUES}${EXPECTS}  <Expect field="support" ending="closed" value="unknown 5">She never said.</Expect>\n  <Expect field="issues" ending="closed" value="none">Nothing.</Expect>\n</Record>`,
    );

  it("marks each field right or not, against the ending the conversation reached", async () => {
    const r = await record();
    expect(checkRecord(r, entry(), null)).toEqual({ ok: true, value: { results: { support: true, issues: true, commitment: true, "follow-up": true }, right: 4, endingId: null } });
    const two = checkRecord(r, entry({ support: "2", issues: ["buses", "rent"] }), "kept");
    expect(two).toEqual({ ok: true, value: { results: { support: false, issues: false, commitment: true, "follow-up": true }, right: 2, endingId: "kept" } });
    // The closed door: her support is not known (or 5), and she raised no issue.
    const closed = checkRecord(r, entry({ support: "5", issues: [] }), "closed");
    expect(closed.ok && closed.value.results).toEqual({ support: true, issues: true, commitment: true, "follow-up": true });
    const wrongForClosed = checkRecord(r, entry(), "closed");
    expect(wrongForClosed.ok && wrongForClosed.value.right).toBe(2);
  });

  it("refuses codes the record does not offer, prototype keys included", async () => {
    const r = await record();
    for (const bad of [
      entry({ support: "__proto__" }),
      entry({ commitment: "constructor" }),
      entry({ "follow-up": "" }),
      entry({ issues: ["__proto__"] }),
      entry({ issues: ["buses", "buses"] }),
      entry({ note: "x".repeat(201) }),
    ]) {
      const result = checkRecord(r, bad, null);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.status).toBe(400);
    }
    // An ending named like a prototype key is just an ending with no overrides.
    expect(checkRecord(r, entry(), "__proto__").ok).toBe(true);
  });
});
