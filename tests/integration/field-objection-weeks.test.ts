import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { deleteDebrief } from "~/field/debriefs.server";
import { setFieldRetention } from "~/field/retention.server";
import { rebuildReportSummaries } from "~/reports/summaries.server";
import { objectionRows, wholeWeeks } from "~/reports/impact.server";
import { db, rowsOf } from "../../db/client.server";
import { debriefs } from "../../db/schema";
import { withTestDatabase } from "../setup/database";
import { makeGroup, makeUser } from "../setup/fixtures";

// field_debrief_weeks and field_objection_weeks (migration 0024, ADR 038) count debriefs
// per area and ISO week, and per objection code. Triggers on debriefs keep them, so after
// every kind of write — insert, a person deleting their own debrief, retention, an edit,
// a deleted person or group — they must equal a count made here, in JavaScript, from the
// debriefs that remain.

withTestDatabase();

const monday = (day: string) => {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
};

/** The rollups as "group|week|code → n" (code "" = every debrief), only for the given groups. */
async function rollups(groupIds: string[]): Promise<Record<string, number>> {
  const found = rowsOf<{ k: string; n: number }>(
    await db().execute(sql`
      select group_id || '|' || to_char(week, 'YYYY-MM-DD') || '|' as k, debriefs as n from field_debrief_weeks
      union all
      select group_id || '|' || to_char(week, 'YYYY-MM-DD') || '|' || code, debriefs from field_objection_weeks`),
  );
  return Object.fromEntries(found.filter((r) => groupIds.some((g) => r.k.startsWith(g))).map((r) => [r.k, Number(r.n)]));
}

/** The same counts from the debriefs themselves, counted in JavaScript. */
async function countedByHand(groupIds: string[]): Promise<Record<string, number>> {
  const found = rowsOf<{ group_id: string; day: string; objections: unknown }>(
    await db().execute(sql`select group_id, to_char(day, 'YYYY-MM-DD') as day, objections from debriefs`),
  );
  const out: Record<string, number> = {};
  for (const d of found.filter((r) => groupIds.includes(r.group_id))) {
    const base = `${d.group_id}|${monday(d.day)}|`;
    out[base] = (out[base] ?? 0) + 1;
    const codes = (typeof d.objections === "string" ? JSON.parse(d.objections) : d.objections) as string[];
    for (const code of new Set(codes)) out[base + code] = (out[base + code] ?? 0) + 1;
  }
  return out;
}

let key = 0;
async function logDebrief(userId: string, groupId: string, day: string, objections: string[]) {
  const [row] = await db()
    .insert(debriefs)
    .values({ userId, groupId, day, kind: "doors", attempts: 20, contacts: 8, conversations: 4, commitments: 1, objections, formKey: `ow${key++}` })
    .returning({ id: debriefs.id });
  return row!.id;
}

describe("objection counts per area and week", () => {
  it("whole weeks of a period run Monday to Sunday inside it", () => {
    expect(wholeWeeks("2026-02-15", "2026-03-31")).toEqual({ first: "2026-02-16", last: "2026-03-23" });
    expect(wholeWeeks("2026-02-16", "2026-03-29")).toEqual({ first: "2026-02-16", last: "2026-03-23" });
    // Wednesday to the next Tuesday: no whole week.
    const none = wholeWeeks("2026-03-04", "2026-03-10");
    expect(none.first > none.last).toBe(true);
  });

  it("follows inserts, a person deleting their own debrief, edits, and deleted people and groups", async () => {
    const a = await makeGroup("branch");
    const b = await makeGroup("constituency");
    const ada = await makeUser("activist", { groupIds: [a.id, b.id] });
    const ben = await makeUser("activist", { groupIds: [a.id] });
    const groups = [a.id, b.id];
    const first = await logDebrief(ada.id, a.id, "2026-03-02", ["cost-of-living", "no-time", "cost-of-living"]);
    await logDebrief(ada.id, a.id, "2026-03-08", ["cost-of-living"]);
    await logDebrief(ada.id, b.id, "2026-03-09", []);
    await logDebrief(ben.id, a.id, "2026-03-04", ["all-the-same"]);
    const bens = await logDebrief(ben.id, a.id, "2026-03-10", ["no-time"]);
    expect(await rollups(groups)).toEqual(await countedByHand(groups));
    // The duplicated code in the first debrief counts once.
    expect((await rollups(groups))[`${a.id}|2026-03-02|cost-of-living`]).toBe(2);

    const deleted = await deleteDebrief(ada.id, first);
    expect(deleted.ok).toBe(true);
    expect(await rollups(groups)).toEqual(await countedByHand(groups));
    expect((await rollups(groups))[`${a.id}|2026-03-02|no-time`]).toBeUndefined();

    // An edit that moves a debrief to another area and week, and changes its codes.
    await db().execute(sql`update debriefs set group_id = ${b.id}, day = '2026-03-20', objections = '["hostile"]'::jsonb where id = ${bens}`);
    expect(await rollups(groups)).toEqual(await countedByHand(groups));

    // A deleted person's debriefs go by cascade, and their counts with them.
    await db().execute(sql`delete from users where id = ${ben.id}`);
    expect(await rollups(groups)).toEqual(await countedByHand(groups));

    // A deleted group takes its debriefs and its rows here; nothing fails on the way.
    await db().execute(sql`delete from groups where id = ${b.id}`);
    expect(await rollups(groups)).toEqual(await countedByHand(groups));
    expect(Object.keys(await rollups([b.id]))).toEqual([]);

    // After a load that bypassed the triggers, `npm run db:rebuild-summaries` recounts them.
    await db().execute(sql`delete from field_objection_weeks where group_id = ${a.id}`);
    await db().execute(sql`update field_debrief_weeks set debriefs = 99 where group_id = ${a.id}`);
    await rebuildReportSummaries();
    expect(await rollups(groups)).toEqual(await countedByHand(groups));
  });

  it("retention takes deleted debriefs out, and the report's objections equal a count of the debriefs themselves", async () => {
    const area = await makeGroup("branch");
    const person = await makeUser("activist", { groupIds: [area.id] });
    const admin = await makeUser("admin");
    const days = ["2025-12-30", "2026-01-07", "2026-04-01", "2026-04-02", "2026-04-06", "2026-04-12", "2026-04-15", "2026-04-21"];
    const codes = [["no-time"], ["cost-of-living"], ["no-time", "hostile"], ["cost-of-living"], ["no-time"], [], ["hostile"], ["no-time"]];
    for (let i = 0; i < days.length; i++) await logDebrief(person.id, area.id, days[i]!, codes[i]!);
    expect(await rollups([area.id])).toEqual(await countedByHand([area.id]));

    const purged = await setFieldRetention(3, admin.id, new Date("2026-04-20T10:00:00Z"));
    expect(purged.debriefs).toBe(2);
    await setFieldRetention(null, admin.id);
    expect(await rollups([area.id])).toEqual(await countedByHand([area.id]));

    // A period starting on a Thursday and ending on a Tuesday: partial weeks at both ends
    // come from debriefs, whole weeks from the rollup; the totals are those of the debriefs.
    const from = "2026-04-02";
    const to = "2026-04-21";
    const inPeriod = days.map((d, i) => ({ d, c: codes[i]! })).filter((x) => x.d >= from && x.d <= to);
    const found = await objectionRows({ all: false, groupIds: [area.id] }, { from, to, group: undefined, kind: undefined, target: undefined });
    const times = (code: string) => inPeriod.filter((x) => x.c.includes(code)).length;
    expect(found.map((o) => [o.code, o.times, o.debriefs])).toEqual([
      ["no-time", times("no-time"), inPeriod.length],
      ["cost-of-living", times("cost-of-living"), inPeriod.length],
      ["hostile", times("hostile"), inPeriod.length],
    ]);
  });
});
