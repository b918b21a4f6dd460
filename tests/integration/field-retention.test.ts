import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { adjustFieldDaily } from "~/field/daily.server";
import { fieldRetentionMonths, purgeExpiredFieldRecords, retentionCutoff, setFieldRetention } from "~/field/retention.server";
import * as privacyRoute from "~/routes/admin.privacy";
import { db, rowsOf } from "../../db/client.server";
import { canvassContacts, debriefs } from "../../db/schema";
import { withTestDatabase } from "../setup/database";
import { get, makeGroup, makeUser, post, run } from "../setup/fixtures";

// Retention deletes debriefs and imported contacts from before the cutoff and takes their
// counts out of field_daily in the same transaction: afterwards the rollup must equal the
// sum of the source rows that remain, day by day, and nothing newer may be touched.

withTestDatabase();

const NOW = new Date("2026-06-15T10:00:00Z");

async function sourceSums() {
  return rowsOf<{ user_id: string; group_id: string; day: string; a: number; c: number; v: number; m: number }>(
    await db().execute(sql`
      select user_id, group_id, to_char(day, 'YYYY-MM-DD') as day, sum(a)::int as a, sum(c)::int as c, sum(v)::int as v, sum(m)::int as m from (
        select user_id, group_id, day, attempts as a, contacts as c, conversations as v, commitments as m from debriefs
        union all
        select user_id, group_id, day, 1, (result <> 'no-answer')::int, (result = 'conversation')::int, commitment::int from canvass_contacts
      ) s group by user_id, group_id, day order by day, user_id`),
  ).map((r) => [r.day, Number(r.a), Number(r.c), Number(r.v), Number(r.m)]);
}

async function rollup() {
  return rowsOf<{ day: string; attempts: number; contacts: number; conversations: number; commitments: number }>(
    await db().execute(sql`select to_char(day, 'YYYY-MM-DD') as day, attempts, contacts, conversations, commitments from field_daily order by day, user_id`),
  ).map((r) => [r.day, Number(r.attempts), Number(r.contacts), Number(r.conversations), Number(r.commitments)]);
}

describe("field retention", () => {
  it("works out the cutoff in calendar months, clamping to the end of a shorter month", () => {
    expect(retentionCutoff(3, NOW)).toBe("2026-03-15");
    expect(retentionCutoff(1, new Date("2026-03-31T23:00:00Z"))).toBe("2026-02-28");
    expect(retentionCutoff(12, new Date("2026-01-10T00:00:00Z"))).toBe("2025-01-10");
  });

  it("keeps everything until a period is set, then deletes older records and their counts, keeping the rollup equal to what remains", async () => {
    const group = await makeGroup("branch");
    const user = await makeUser("activist", { groupIds: [group.id] });
    const days = ["2026-01-10", "2026-03-14", "2026-03-15", "2026-05-01"];
    let key = 0;
    const counts = [];
    for (const day of days) {
      await db().insert(debriefs).values({ userId: user.id, groupId: group.id, day, kind: "doors", attempts: 30, contacts: 10, conversations: 5, commitments: 2, formKey: `k${key++}` });
      counts.push({ userId: user.id, groupId: group.id, day, attempts: 30, contacts: 10, conversations: 5, commitments: 2 });
      const results = ["no-answer", "contact", "conversation", "conversation"] as const;
      await db().insert(canvassContacts).values(results.map((result, i) => ({ source: "t", externalId: `${day}-${i}`, userId: user.id, groupId: group.id, day, result, commitment: i === 3 })));
      counts.push({ userId: user.id, groupId: group.id, day, attempts: 4, contacts: 3, conversations: 2, commitments: 1 });
    }
    await adjustFieldDaily(db(), counts, 1);
    expect(await rollup()).toEqual(await sourceSums());

    expect(await fieldRetentionMonths()).toBeNull();
    expect(await purgeExpiredFieldRecords(NOW)).toEqual({ cutoff: null, debriefs: 0, contacts: 0 });
    expect((await rollup()).length).toBe(4);

    const result = await setFieldRetention(3, user.id, NOW);
    expect(result).toEqual({ cutoff: "2026-03-15", debriefs: 2, contacts: 8 });
    expect(await fieldRetentionMonths()).toBe(3);
    const after = await rollup();
    expect(after.map((r) => r[0])).toEqual(["2026-03-15", "2026-05-01"]);
    expect(after).toEqual(await sourceSums());
    expect(after[0]).toEqual(["2026-03-15", 34, 13, 7, 3]);

    // Running again deletes nothing more.
    expect(await purgeExpiredFieldRecords(NOW)).toMatchObject({ debriefs: 0, contacts: 0 });
    expect(await rollup()).toEqual(after);
  });

  it("the admin page saves a period, refuses a bad one with a message, and is for admins only", async () => {
    const admin = await makeUser("admin");
    const organiser = await makeUser("organiser");
    expect((await run(privacyRoute.loader, get("/admin/privacy", organiser.cookie))).status).toBe(403);
    expect((await run(privacyRoute.action, post("/admin/privacy", { months: "6" }, organiser.cookie))).status).toBe(403);
    for (const months of ["0", "121", "2.5", "many"]) {
      const refused = await run(privacyRoute.action, post("/admin/privacy", { months, confirm: "yes" }, admin.cookie));
      expect(refused.status).toBe(400);
      expect((refused.body as { errors: Record<string, string> }).errors.months).toBeTruthy();
    }
    // A period without the explicit yes is refused too: deleting cannot be undone.
    const unconfirmed = await run(privacyRoute.action, post("/admin/privacy", { months: "24" }, admin.cookie));
    expect(unconfirmed.status).toBe(400);
    expect((unconfirmed.body as { errors: Record<string, string> }).errors.confirm).toContain("cannot be brought back");
    expect(await fieldRetentionMonths()).toBe(3); // unchanged by the refusals
    const saved = await run(privacyRoute.action, post("/admin/privacy", { months: "24", confirm: "yes" }, admin.cookie));
    expect(saved.status).toBe(200);
    expect(await fieldRetentionMonths()).toBe(24);
    const cleared = await run(privacyRoute.action, post("/admin/privacy", { months: "" }, admin.cookie));
    expect(cleared.status).toBe(200);
    expect(await fieldRetentionMonths()).toBeNull();
    expect((await run(privacyRoute.loader, get("/admin/privacy", admin.cookie))).body).toEqual({ months: null });
  });
});
