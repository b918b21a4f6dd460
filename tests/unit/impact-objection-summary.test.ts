import { describe, expect, it } from "vitest";
import { summariseObjections, type ObjectionRow } from "~/reports/impact.server";

// The page's objections table is a summary (ADR 042); the CSV keeps every row.

const row = (groupId: string, code: string, times: number, debriefs: number): ObjectionRow => ({
  groupId,
  groupName: `Area ${groupId}`,
  code,
  label: code,
  times,
  debriefs,
  practice: { href: "/modules", label: "Modules" },
});

describe("summariseObjections", () => {
  // objectionRows' order: by area, most frequent first within each.
  const rows = [
    row("a", "x", 5, 10),
    row("a", "y", 3, 10),
    row("a", "z", 1, 10),
    row("b", "x", 40, 90),
    row("b", "y", 20, 90),
    row("c", "x", 2, 10),
  ];

  it("keeps the areas with the most debriefs and the most frequent objections in each, and says how many there were", () => {
    const s = summariseObjections(rows, { areas: 2, perArea: 2 });
    expect(s.rows.map((r) => `${r.groupId}/${r.code}`)).toEqual(["b/x", "b/y", "a/x", "a/y"]);
    expect(s).toMatchObject({ areas: 3, total: 6 });
  });

  it("breaks ties between areas by name, and keeps every row when the limits allow", () => {
    expect(summariseObjections(rows, { areas: 10, perArea: 10 }).rows.map((r) => `${r.groupId}/${r.code}`)).toEqual(["b/x", "b/y", "a/x", "a/y", "a/z", "c/x"]);
    expect(summariseObjections([], { areas: 2, perArea: 2 })).toEqual({ rows: [], areas: 0, total: 0 });
  });
});
