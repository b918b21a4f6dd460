import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { adjustFieldDaily } from "~/field/daily.server";
import { purgeExpiredFieldRecords, setFieldRetention } from "~/field/retention.server";
import { rebuildReportSummaries } from "~/reports/summaries.server";
import { db, rowsOf } from "../../db/client.server";
import { debriefs, users } from "../../db/schema";
import { withFixtureCatalog } from "../setup/content";
import { withTestDatabase } from "../setup/database";
import { makeGroup, makeUser } from "../setup/fixtures";

// learner_core_days (migration 0027, ADR 042) is each person's latest completion
// day of a published module, kept by triggers so the impact report reads training days
// without reading completions. After every kind of write — completions, a changed or
// deleted completion, publishing and unpublishing a module, a deleted person, retention,
// db:rebuild-summaries — it must equal the day worked out here, in JavaScript, from the
// completions themselves.

withTestDatabase();
withFixtureCatalog();

async function kept(): Promise<Record<string, string>> {
  const found = rowsOf<{ user_id: string; day: string }>(
    await db().execute(sql`select user_id, to_char(last_core_day, 'YYYY-MM-DD') as day from learner_core_days`),
  );
  return Object.fromEntries(found.map((r) => [r.user_id, r.day]));
}

/** The same from module_completions and modules, the maximum taken in JavaScript. */
async function workedOut(): Promise<Record<string, string>> {
  const published = new Set(
    rowsOf<{ slug: string }>(await db().execute(sql`select slug from modules where not draft`)).map((r) => r.slug),
  );
  const completions = rowsOf<{ user_id: string; module_slug: string; at: string }>(
    await db().execute(sql`select user_id, module_slug, to_char(completed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') as at from module_completions`),
  );
  const latest: Record<string, string> = {};
  for (const c of completions) {
    if (!published.has(c.module_slug)) continue;
    const day = c.at.slice(0, 10);
    if (!(c.user_id in latest) || day > latest[c.user_id]!) latest[c.user_id] = day;
  }
  return latest;
}

const complete = (userId: string, slug: string, at: string) =>
  db().execute(sql`insert into module_completions (user_id, module_slug, content_hash, how, completed_at) values (${userId}, ${slug}, 'h', 'self', ${at}::timestamptz)`);

describe("learner_core_days", () => {
  it("equals the latest published completion day after every kind of write", async () => {
    const group = await makeGroup("branch");
    const admin = await makeUser("admin");
    const [p1, p2, p3] = [await makeUser("activist", { groupIds: [group.id] }), await makeUser("activist", { groupIds: [group.id] }), await makeUser("activist", { groupIds: [group.id] })];
    const slugs = rowsOf<{ slug: string }>(await db().execute(sql`select slug from modules where not draft order by slug`)).map((r) => r.slug);
    expect(slugs.length).toBe(2);
    const [m1, m2] = [slugs[0]!, slugs[1]!];

    // Completions, including one late in the UTC day (the day is UTC's, not the server's).
    await complete(p1.id, m1, "2026-01-05T10:00:00Z");
    await complete(p1.id, m2, "2026-03-10T23:30:00Z");
    await complete(p2.id, m2, "2026-02-01T08:00:00Z");
    await complete(p2.id, m1, "2026-01-20T08:00:00Z"); // earlier than p2's first: must not move the day back
    await complete(p3.id, m1, "2026-02-14T12:00:00Z");
    expect(await kept()).toEqual(await workedOut());
    expect((await kept())[p1.id]).toBe("2026-03-10");
    expect((await kept())[p2.id]).toBe("2026-02-01");

    // A changed completion, later and then earlier than the person's other.
    await db().execute(sql`update module_completions set completed_at = '2026-04-02T09:00:00Z' where user_id = ${p2.id} and module_slug = ${m1}`);
    expect(await kept()).toEqual(await workedOut());
    await db().execute(sql`update module_completions set completed_at = '2026-01-02T09:00:00Z' where user_id = ${p2.id} and module_slug = ${m1}`);
    expect(await kept()).toEqual(await workedOut());
    expect((await kept())[p2.id]).toBe("2026-02-01");

    // An un-completion (deleted row): the day falls back to the person's other completion, or none.
    await db().execute(sql`delete from module_completions where user_id = ${p1.id} and module_slug = ${m2}`);
    expect(await kept()).toEqual(await workedOut());
    expect((await kept())[p1.id]).toBe("2026-01-05");
    await db().execute(sql`delete from module_completions where user_id = ${p3.id}`);
    expect(await kept()).toEqual(await workedOut());
    expect(p3.id in (await kept())).toBe(false);

    // Unpublishing and publishing a module moves the day of everyone who completed it.
    await db().execute(sql`update modules set draft = true where slug = ${m2}`);
    expect(await kept()).toEqual(await workedOut());
    expect((await kept())[p2.id]).toBe("2026-01-02");
    await db().execute(sql`update modules set draft = false where slug = ${m2}`);
    expect(await kept()).toEqual(await workedOut());
    expect((await kept())[p2.id]).toBe("2026-02-01");

    // Retention deletes field records, never completions: the days stay.
    await db().insert(debriefs).values({ userId: p1.id, groupId: group.id, day: "2025-01-10", kind: "doors", attempts: 10, contacts: 4, conversations: 2, commitments: 1, formKey: "old" });
    await adjustFieldDaily(db(), [{ userId: p1.id, groupId: group.id, day: "2025-01-10", attempts: 10, contacts: 4, conversations: 2, commitments: 1 }], 1);
    const before = await kept();
    await setFieldRetention(3, admin.id, new Date("2026-06-15T10:00:00Z"));
    await purgeExpiredFieldRecords(new Date("2026-06-15T10:00:00Z"));
    expect(await kept()).toEqual(before);
    expect(await kept()).toEqual(await workedOut());

    // A deleted person takes their row with them.
    await db().delete(users).where(eq(users.id, p2.id));
    expect(await kept()).toEqual(await workedOut());
    expect(p2.id in (await kept())).toBe(false);

    // db:rebuild-summaries recounts the day from the completions, even after a drift.
    await db().execute(sql`update learner_core_days set last_core_day = '1999-01-01'`);
    await db().execute(sql`insert into learner_core_days (user_id, last_core_day) values (${admin.id}, '1999-01-01')`);
    await rebuildReportSummaries();
    expect(await kept()).toEqual(await workedOut());
    expect((await kept())[p1.id]).toBe("2026-01-05");
  });
});
