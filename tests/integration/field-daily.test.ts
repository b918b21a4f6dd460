import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { adjustFieldDaily, type FieldCounts } from "~/field/daily.server";
import { enqueueMail } from "~/mail/queue.server";
import { db } from "../../db/client.server";
import { fieldDaily, mailMessages } from "../../db/schema";
import { withTestDatabase } from "../setup/database";
import { makeGroup, makeUser } from "../setup/fixtures";

// The field rollup and the mail queue are the foundations issues 17 and 18 build on: the
// rollup must sum exactly and return to nothing when its sources are taken away, and a
// dedupe key must queue a mail once.

withTestDatabase();

describe("field_daily", () => {
  it("sums rows for the same person, area and day, and removes a day whose counts reach zero", async () => {
    const group = await makeGroup("branch");
    const user = await makeUser("activist", { groupIds: [group.id] });
    const a: FieldCounts = { userId: user.id, groupId: group.id, day: "2026-11-02", attempts: 40, contacts: 12, conversations: 8, commitments: 2 };
    const b: FieldCounts = { ...a, attempts: 10, contacts: 3, conversations: 1, commitments: 1 };
    const other: FieldCounts = { ...a, day: "2026-11-03", attempts: 5, contacts: 1, conversations: 0, commitments: 0 };
    await adjustFieldDaily(db(), [a, b], 1);
    await adjustFieldDaily(db(), [other], 1);
    const rows = await db().select().from(fieldDaily).where(eq(fieldDaily.userId, user.id)).orderBy(fieldDaily.day);
    expect(rows.map((r) => [r.day, r.attempts, r.contacts, r.conversations, r.commitments])).toEqual([
      ["2026-11-02", 50, 15, 9, 3],
      ["2026-11-03", 5, 1, 0, 0],
    ]);
    await db().transaction(async (tx) => adjustFieldDaily(tx, [b, other], -1));
    const after = await db().select().from(fieldDaily).where(eq(fieldDaily.userId, user.id));
    expect(after.map((r) => [r.day, r.attempts, r.contacts, r.conversations, r.commitments])).toEqual([["2026-11-02", 40, 12, 8, 2]]);
  });
});

describe("mail queue", () => {
  it("queues a mail once per dedupe key, with its address lower-cased", async () => {
    const mail = { to: " Ada@Example.org ", template: "test", subject: "Hi", text: "Hi", html: "<p>Hi</p>", dedupeKey: `test:${Math.random()}` };
    expect(await enqueueMail(db(), mail)).toBe(true);
    expect(await enqueueMail(db(), mail)).toBe(false);
    const rows = await db().select().from(mailMessages).where(eq(mailMessages.dedupeKey, mail.dedupeKey));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ toAddress: "ada@example.org", status: "queued", attempts: 0, sensitive: false });
  });
});
