import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { adjustFieldDaily, type FieldCounts } from "~/field/daily.server";
import { impactReport, trendWeeks, type WeekRow } from "~/reports/impact.server";
import type { ImpactFilters } from "~/reports/impact-filters.server";
import { db, rowsOf } from "../../db/client.server";
import { withFixtureCatalog } from "../setup/content";
import { withTestDatabase } from "../setup/database";
import { makeGroup, makeUser, type TestUser } from "../setup/fixtures";

// The weekly trend computed from one row per person and side with a bitmask of weeks
// (ADR 045) against the trend's definition worked out here from the fixture's own rows:
// for each Monday-based week and side, the people with a day of field work in it, and
// their sums, a day counting as trained when it falls after the person's training day.
// Periods of 64 weeks (the last bit of a bigint used) and 65 (the person × week fallback)
// are both checked, each starting mid-week.

withTestDatabase();
withFixtureCatalog();

const TRAINED_ON: Record<string, string | null> = {
  p1: null,
  p2: "2024-12-01", // trained before every period
  p3: "2025-06-11", // a Wednesday: days on both sides of the same week
  p4: "2025-11-03",
  p5: "2026-03-24", // in the 64th week
  p6: null,
};

/** A small deterministic spread of field days over 2025-01 … 2026-04 (a linear congruential generator). */
function fixtureDays(): { who: string; day: string; a: number; c: number; v: number; m: number }[] {
  let seed = 17;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return Math.floor(seed / 65536) % n; // the high bits: the low ones of this generator repeat quickly
  };
  const days = new Map<string, { who: string; day: string; a: number; c: number; v: number; m: number }>();
  const start = Date.parse("2025-01-01T00:00:00Z");
  for (const who of Object.keys(TRAINED_ON)) {
    for (let i = 0; i < 60; i++) {
      const day = new Date(start + next(480) * 86_400_000).toISOString().slice(0, 10);
      const a = 5 + next(40);
      const c = next(a + 1);
      const v = next(c + 1);
      days.set(`${who} ${day}`, { who, day, a, c, v, m: next(v + 1) });
    }
  }
  // The training week of p3 on both sides, and the last day of the 64-week period.
  for (const [who, day] of [["p3", "2025-06-10"], ["p3", "2025-06-13"], ["p5", "2026-03-25"], ["p1", "2026-03-25"]] as const) {
    days.set(`${who} ${day}`, { who, day, a: 10, c: 4, v: 2, m: 1 });
  }
  return [...days.values()];
}

const DAYS = fixtureDays();
let admin: TestUser;
const ids = new Map<string, string>();

/** The trend by its definition, from the fixture rows. */
function trendByHand(from: string, to: string): WeekRow[] {
  const monday = (d: string) => {
    const t = new Date(`${d}T00:00:00Z`);
    t.setUTCDate(t.getUTCDate() - ((t.getUTCDay() + 6) % 7));
    return t.toISOString().slice(0, 10);
  };
  const weeks = new Map<string, WeekRow & { who: { trained: Set<string>; untrained: Set<string> } }>();
  for (const d of DAYS.filter((x) => x.day >= from && x.day <= to)) {
    const on = TRAINED_ON[d.who];
    const side = on !== null && on! < d.day ? "trained" : "untrained";
    const empty = () => ({ people: 0, attempts: 0, contacts: 0, conversations: 0, commitments: 0 });
    const week = weeks.get(monday(d.day)) ?? { week: monday(d.day), trained: empty(), untrained: empty(), who: { trained: new Set(), untrained: new Set() } };
    week.who[side].add(d.who);
    week[side].people = week.who[side].size;
    week[side].attempts += d.a;
    week[side].contacts += d.c;
    week[side].conversations += d.v;
    week[side].commitments += d.m;
    weeks.set(week.week, week);
  }
  return [...weeks.values()].sort((x, y) => (x.week < y.week ? -1 : 1)).map(({ week, trained, untrained }) => ({ week, trained, untrained }));
}

beforeAll(async () => {
  const group = await makeGroup("branch");
  admin = await makeUser("admin");
  for (const who of Object.keys(TRAINED_ON)) ids.set(who, (await makeUser("activist", { groupIds: [group.id], name: `Trend ${who}` })).id);
  const slugs = rowsOf<{ slug: string }>(await db().execute(sql`select slug from modules where not draft order by slug`)).map((r) => r.slug);
  expect(slugs.length).toBe(2);
  for (const [who, on] of Object.entries(TRAINED_ON)) {
    if (!on) continue;
    for (const slug of slugs) {
      const at = slug === slugs[0] ? "2024-11-01" : on;
      await db().execute(sql`insert into module_completions (user_id, module_slug, content_hash, how, completed_at) values (${ids.get(who)!}, ${slug}, 'h', 'self', ${`${at}T15:00:00Z`}::timestamptz)`);
    }
  }
  await db().transaction(async (tx) => {
    const counts: FieldCounts[] = DAYS.map((d) => ({ userId: ids.get(d.who)!, groupId: group.id, day: d.day, attempts: d.a, contacts: d.c, conversations: d.v, commitments: d.m }));
    await adjustFieldDaily(tx, counts, 1);
  });
});

describe("the impact report's weekly trend", () => {
  const filters = (from: string, to: string): ImpactFilters => ({ group: undefined, kind: undefined, target: undefined, from, to });

  it.each([
    ["64 weeks, one bit each (the last is a bigint's sign bit)", "2025-01-08", "2026-03-25", true],
    ["65 weeks, grouped by person and week instead", "2025-01-08", "2026-03-30", false],
    ["ten weeks from a Wednesday", "2025-05-07", "2025-07-15", true],
  ])("equals the trend's definition: %s", async (_label, from, to, bitmask) => {
    expect(trendWeeks({ from, to }) !== undefined).toBe(bitmask);
    const result = await impactReport(admin, filters(from, to), undefined, { reuse: false });
    if (!result.ok) throw new Error("the report refused the filters");
    const byHand = trendByHand(from, to);
    expect(byHand.length).toBeGreaterThan(5);
    expect(byHand.some((w) => w.trained.people > 0 && w.untrained.people > 0)).toBe(true);
    expect(result.report.weeks).toEqual(byHand);
  });
});
