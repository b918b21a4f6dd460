import { describe, expect, it } from "vitest";
import { parseDebriefForm } from "~/field/debrief-form.server";
import { addDays, isCalendarDay, todayInMovement } from "~/field/debrief-fields";

const TODAY = "2026-12-04";
const GROUP = "6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f";

function form(fields: Record<string, string | string[]>): FormData {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) data.append(k, one);
  return data;
}

const valid = {
  formKey: "key-0123456789",
  groupId: GROUP,
  day: "2026-12-03",
  kind: "doors",
  attempts: "40",
  contacts: "15",
  conversations: "9",
  commitments: "2",
  "outcome.support-1": "3",
  "outcome.undecided": "4",
  objections: ["cost-of-living", "all-the-same"],
  hardest: "all-the-same",
  differently: "  Ask   the open question sooner. ",
};

describe("parseDebriefForm", () => {
  it("reads a full debrief: blanks are 0, outcomes keep only what was counted, the line is squeezed", () => {
    const result = parseDebriefForm(form(valid), TODAY);
    expect(result).toMatchObject({
      ok: true,
      value: {
        formKey: "key-0123456789",
        shiftId: null,
        groupId: GROUP,
        day: "2026-12-03",
        kind: "doors",
        attempts: 40,
        contacts: 15,
        conversations: 9,
        commitments: 2,
        outcomes: { "support-1": 3, undecided: 4 },
        objections: ["cost-of-living", "all-the-same"],
        hardestObjection: "all-the-same",
        differently: "Ask the open question sooner.",
      },
    });
    const blanks = parseDebriefForm(form({ ...valid, contacts: "", conversations: "", commitments: "", "outcome.support-1": "", "outcome.undecided": "" }), TODAY);
    expect(blanks.ok && [blanks.value.contacts, blanks.value.conversations, blanks.value.commitments, blanks.value.outcomes]).toEqual([0, 0, 0, {}]);
  });

  it("counts the hardest objection as met even when its box was left unticked", () => {
    const result = parseDebriefForm(form({ ...valid, objections: [], hardest: "no-time" }), TODAY);
    expect(result.ok && result.value.objections).toEqual(["no-time"]);
  });

  it("refuses counts that do not nest, each beside its own field", () => {
    const errors = (fields: Record<string, string | string[]>) => {
      const r = parseDebriefForm(form({ ...valid, ...fields }), TODAY);
      return r.ok ? {} : r.errors;
    };
    expect(errors({ contacts: "41" })).toEqual({ contacts: "More people answered (41) than doors knocked (40)." });
    expect(errors({ conversations: "16" })).toEqual({ conversations: "More conversations (16) than people who answered (15)." });
    expect(errors({ commitments: "10" })).toEqual({ commitments: "More commitments (10) than conversations (9)." });
    expect(errors({ "outcome.not-interested": "3" }).outcomes).toMatch(/add up to 10, more than your 9 conversations/);
    expect(errors({ kind: "phones", contacts: "41" }).contacts).toMatch(/than calls made \(40\)/);
  });

  it("refuses counts that are not whole numbers, negative, absurd, or posted twice", () => {
    for (const attempts of ["-1", "1.5", "1e3", "forty", "2001", "99999999999"]) {
      const r = parseDebriefForm(form({ ...valid, attempts }), TODAY);
      expect(r.ok ? null : r.errors.attempts, attempts).toBeTruthy();
    }
    const twice = parseDebriefForm(form({ ...valid, attempts: ["40", "400"] }), TODAY);
    expect(twice.ok ? null : twice.errors.attempts).toMatch(/Enter doors knocked/);
  });

  it("refuses a date in the future, more than a year ago, or not on the calendar", () => {
    const dayError = (day: string) => {
      const r = parseDebriefForm(form({ ...valid, day }), TODAY);
      return r.ok ? null : (r.errors.day ?? null);
    };
    expect(dayError(TODAY)).toBeNull();
    expect(dayError("2026-12-05")).toMatch(/in the future/);
    expect(dayError("2025-12-02")).toMatch(/more than a year ago/);
    expect(dayError("2026-02-30")).toMatch(/Enter the date/);
    expect(dayError("")).toMatch(/Enter the date/);
  });

  it("refuses unknown objection codes, an over-long line, a missing key and a malformed area", () => {
    const r = parseDebriefForm(
      form({ ...valid, objections: ["cost-of-living", "resident-was-rude"], hardest: "nope", differently: "x".repeat(201), formKey: "", groupId: "not-a-uuid" }),
      TODAY,
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.errors).sort()).toEqual(["differently", "form", "groupId", "hardest", "objections"]);
    expect(r.errors.differently).toMatch(/at most 200 characters \(you wrote 201\)/);
    // The echo keeps known codes only, to tick the boxes again.
    expect(r.values.objections).toBe("cost-of-living");
  });

  it("refuses a line holding a postcode, a phone number or an email address, and lets ordinary numbers through", () => {
    const lineError = (differently: string) => {
      const r = parseDebriefForm(form({ ...valid, differently }), TODAY);
      return r.ok ? null : (r.errors.differently ?? null);
    };
    expect(lineError("Go back to the woman at LS6 2AB")).toMatch(/postcode/);
    expect(lineError("ring her on 07700 900123")).toMatch(/phone number/);
    expect(lineError("he said mail him at a@b.org")).toMatch(/email address/);
    expect(lineError("Slow down on the 2nd and 3rd doors; 10 minutes per street")).toBeNull();
  });

  it("dates in the movement's time zone, and counts calendar days", () => {
    // 00:30 on 1 July in London is still 30 June in UTC.
    expect(todayInMovement(new Date("2026-06-30T23:30:00Z"))).toBe("2026-07-01");
    expect(todayInMovement(new Date("2026-12-04T23:30:00Z"))).toBe("2026-12-04");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(isCalendarDay("2028-02-29")).toBe(true);
    expect(isCalendarDay("2026-02-29")).toBe(false);
  });
});
