import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { importJob } from "~/field/import.server";
import { setFieldRetention } from "~/field/retention.server";
import * as importPage from "~/routes/reports.imports.$id";
import * as uploadPage from "~/routes/reports.imports.new";
import { db } from "../../db/client.server";
import { canvassContacts, canvassImportChunks, canvassImports, fieldDaily } from "../../db/schema";
import { withTestDatabase } from "../setup/database";
import { get, makeGroup, makeUser, post, run, TEST_ORIGIN, type TestUser } from "../setup/fixtures";

// Canvass results imported from CSV (issue 17, ADR 027), through the routes an organiser
// uses: upload, map, check, import. What must hold: problems name their line and write
// nothing; cancelling writes nothing; a re-import (or an overlapping export) adds nothing
// twice; organisers reach their own groups and people only; field_daily moves with the rows.

withTestDatabase();

function upload(user: TestUser, file: string | Uint8Array<ArrayBuffer>, source = "TestTool", fileName = "results.csv") {
  const form = new FormData();
  form.set("source", source);
  form.set("file", new Blob([file], { type: "text/csv" }), fileName);
  return run(uploadPage.action, new Request(new URL("/reports/imports/new", TEST_ORIGIN), { method: "POST", body: form, headers: { Origin: TEST_ORIGIN, Cookie: user.cookie } }));
}

async function uploaded(user: TestUser, file: string, source?: string): Promise<string> {
  const out = await upload(user, file, source);
  expect(out.status, JSON.stringify(out.body)).toBe(302);
  return out.location!.split("/").pop()!;
}

// The generic format's header (docs/import.md): the mapping the page guesses for it.
const HEADER = "contact_id,canvasser_email,date,area,result,support,commitment";
const MAPPING = { externalId: "0", person: "1", personBy: "email", date: "2", area: "3", result: "4", support: "5", commitment: "6" };

const send = (user: TestUser, id: string, fields: Record<string, string>) => run(importPage.action, post(`/reports/imports/${id}`, fields, user.cookie), { id });

async function importFile(user: TestUser, id: string, extra: Record<string, string> = {}) {
  const started = await send(user, id, { ...MAPPING, ...extra, intent: "import" });
  expect(started.status, JSON.stringify(started.body)).toBe(302);
  await importJob(id);
  const [record] = await db().select().from(canvassImports).where(eq(canvassImports.id, id));
  return record!;
}

async function world() {
  const group = await makeGroup();
  const otherGroup = await makeGroup();
  const organiser = await makeUser("organiser", { groupIds: [group.id] });
  const canvasser = await makeUser("activist", { groupIds: [group.id] });
  const outsider = await makeUser("activist", { groupIds: [otherGroup.id] });
  return { group, otherGroup, organiser, canvasser, outsider };
}

const contactsOf = (source: string) => db().select().from(canvassContacts).where(eq(canvassContacts.source, source));
const dailyOf = (userId: string) => db().select().from(fieldDaily).where(eq(fieldDaily.userId, userId)).orderBy(fieldDaily.day);

describe("canvass import", () => {
  it("imports a file, counts it into field_daily, and adds nothing twice from an overlapping export", async () => {
    const { group, organiser, canvasser } = await world();
    const source = `Tool-${Math.random().toString(36).slice(2, 8)}`;
    const first = [
      HEADER,
      `a1,${canvasser.email.toUpperCase()},2026-05-02,${group.name},no answer,,`,
      `a2,${canvasser.email},2026-05-02,${group.name},conversation,2,yes`,
      `a3,${canvasser.email},02/05/2026,${group.id},contact,,no`,
    ].join("\r\n");
    const id = await uploaded(organiser, first, source);
    const checked = await send(organiser, id, { ...MAPPING, intent: "check" });
    expect(checked.status).toBe(200);
    expect(checked.body).toMatchObject({ ok: true, summary: { rows: 3, newRows: 3, errorCount: 0 } });
    const done = await importFile(organiser, id);
    expect(done).toMatchObject({ status: "done", rowsRead: 3, rowsAdded: 3, rowsAlreadyThere: 0 });
    expect(await db().select().from(canvassImportChunks).where(eq(canvassImportChunks.importId, id))).toEqual([]);
    expect((await dailyOf(canvasser.id)).map((r) => [r.day, r.attempts, r.contacts, r.conversations, r.commitments])).toEqual([["2026-05-02", 3, 2, 1, 1]]);

    // The next export overlaps: a2 and a3 again, and one new line on another day.
    const second = [HEADER, `a2,${canvasser.email},2026-05-02,${group.name},conversation,2,yes`, `a3,${canvasser.email},2026-05-02,${group.name},contact,,`, `a4,${canvasser.email},2026-05-03,${group.name},conversation,,`].join("\n");
    const again = await importFile(organiser, await uploaded(organiser, second, source));
    expect(again).toMatchObject({ status: "done", rowsAdded: 1, rowsAlreadyThere: 2 });
    expect(await contactsOf(source)).toHaveLength(4);
    expect((await dailyOf(canvasser.id)).map((r) => [r.day, r.attempts, r.contacts, r.conversations, r.commitments])).toEqual([
      ["2026-05-02", 3, 2, 1, 1],
      ["2026-05-03", 1, 1, 1, 0],
    ]);
  });

  it("keeps two organisers' imports from the same tool apart: same source name, same ids, each gets their rows, each re-import adds nothing", async () => {
    const a = await world();
    const b = await world();
    // The same tool name and the same contact ids, as two branches' own accounts of one tool export them.
    const source = `NationBuilder-${Math.random().toString(36).slice(2, 8)}`;
    const fileOf = (w: Awaited<ReturnType<typeof world>>, result: string) =>
      [HEADER, `n1,${w.canvasser.email},2026-06-01,${w.group.name},${result},,`, `n2,${w.canvasser.email},2026-06-02,${w.group.name},${result},,`].join("\n");
    const first = await importFile(a.organiser, await uploaded(a.organiser, fileOf(a, "conversation"), source));
    expect(first).toMatchObject({ status: "done", rowsAdded: 2, rowsAlreadyThere: 0 });

    // B's check sees nothing of A's rows: both lines are new to B.
    const bId = await uploaded(b.organiser, fileOf(b, "contact"), source);
    const checked = await send(b.organiser, bId, { ...MAPPING, intent: "check" });
    expect(checked.body).toMatchObject({ ok: true, summary: { rows: 2, newRows: 2, alreadyThere: 0 } });
    const second = await importFile(b.organiser, bId);
    expect(second).toMatchObject({ status: "done", rowsAdded: 2, rowsAlreadyThere: 0 });

    const stored = await contactsOf(source);
    expect(stored.map((r) => [r.groupId, r.externalId, r.userId, r.result]).sort()).toEqual(
      [
        [a.group.id, "n1", a.canvasser.id, "conversation"],
        [a.group.id, "n2", a.canvasser.id, "conversation"],
        [b.group.id, "n1", b.canvasser.id, "contact"],
        [b.group.id, "n2", b.canvasser.id, "contact"],
      ].sort(),
    );
    expect((await dailyOf(b.canvasser.id)).map((r) => [r.day, r.attempts, r.contacts, r.conversations, r.commitments])).toEqual([
      ["2026-06-01", 1, 1, 0, 0],
      ["2026-06-02", 1, 1, 0, 0],
    ]);

    // Each re-import stays idempotent for its own organiser.
    for (const [w, result] of [[a, "conversation"], [b, "contact"]] as const) {
      const reId = await uploaded(w.organiser, fileOf(w, result), source);
      const recheck = await send(w.organiser, reId, { ...MAPPING, intent: "check" });
      expect(recheck.body).toMatchObject({ ok: true, summary: { rows: 2, newRows: 0, alreadyThere: 2 } });
      expect(await importFile(w.organiser, reId)).toMatchObject({ status: "done", rowsAdded: 0, rowsAlreadyThere: 2 });
    }
    expect(await contactsOf(source)).toHaveLength(4);
    expect((await dailyOf(a.canvasser.id)).map((r) => r.attempts)).toEqual([1, 1]);
    expect((await dailyOf(b.canvasser.id)).map((r) => r.attempts)).toEqual([1, 1]);
  });

  it("takes back exactly what it added when retention deletes the rows (importer and retention count contacts alike)", async () => {
    const { group, organiser, canvasser, outsider } = await world();
    const source = `Tool-${Math.random().toString(36).slice(2, 8)}`;
    const file = [
      HEADER,
      `r1,${canvasser.email},2026-05-02,${group.name},no answer,,`,
      `r2,${canvasser.email},2026-05-02,${group.name},conversation,1,yes`,
      `r3,${canvasser.email},2026-05-02,${group.name},conversation,4,no`,
      `r4,${canvasser.email},2026-05-09,${group.name},contact,,`,
    ].join("\n");
    await importFile(organiser, await uploaded(organiser, file, source));
    expect((await dailyOf(canvasser.id)).map((r) => [r.day, r.attempts, r.contacts, r.conversations, r.commitments])).toEqual([
      ["2026-05-02", 3, 2, 2, 1],
      ["2026-05-09", 1, 1, 0, 0],
    ]);
    // Keep one month, as of a day well after May: every imported row is past it.
    await setFieldRetention(1, outsider.id, new Date("2026-08-01T12:00:00Z"));
    expect(await contactsOf(source)).toEqual([]);
    expect(await dailyOf(canvasser.id)).toEqual([]);
  });

  it("resumes an import whose job failed or died part-way, adding each line once and counting as if it never stopped", async () => {
    const { group, organiser, canvasser } = await world();
    const source = `Tool-${Math.random().toString(36).slice(2, 8)}`;
    const lines = 2_500; // three batches of up to 1,000 lines
    const file = [HEADER, ...Array.from({ length: lines }, (_, i) => `k${i},${canvasser.email},2026-05-0${1 + (i % 3)},${group.name},${i % 2 ? "contact" : "no answer"},,`)].join("\n");
    const id = await uploaded(organiser, file, source);
    // The database refuses one line of the third batch, as a crash mid-import would stop it.
    await db().execute(sql.raw(`create function refuse_k2100() returns trigger language plpgsql as $$
      begin if new.external_id = 'k2100' then raise exception 'simulated failure'; end if; return new; end $$`));
    await db().execute(sql.raw(`create trigger refuse_k2100 before insert on canvass_contacts for each row execute function refuse_k2100()`));
    let failed;
    try {
      failed = await importFile(organiser, id);
    } finally {
      await db().execute(sql.raw(`drop trigger refuse_k2100 on canvass_contacts`));
      await db().execute(sql.raw(`drop function refuse_k2100()`));
    }
    expect(failed).toMatchObject({ status: "failed", rowsAdded: 2_000 });
    expect(await contactsOf(source)).toHaveLength(2_000);
    const page = async () => (await run(importPage.loader, get(`/reports/imports/${id}`, organiser.cookie), { id })).body as { resumable: boolean };
    expect(await page()).toMatchObject({ resumable: true });

    // As if its server had died instead: "importing" with a heartbeat. A fresh one is a job
    // still running, never doubled; an old one may be resumed.
    await db().update(canvassImports).set({ status: "importing", heartbeatAt: new Date() }).where(eq(canvassImports.id, id));
    expect(await page()).toMatchObject({ resumable: false });
    const refused = await send(organiser, id, { intent: "resume" });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ message: expect.stringMatching(/still running/) });
    await db().update(canvassImports).set({ heartbeatAt: new Date(Date.now() - 10 * 60_000) }).where(eq(canvassImports.id, id));
    expect(await page()).toMatchObject({ resumable: true });
    const resumed = await send(organiser, id, { intent: "resume" });
    expect(resumed.status, JSON.stringify(resumed.body)).toBe(302);
    await importJob(id);
    const [done] = await db().select().from(canvassImports).where(eq(canvassImports.id, id));
    expect(done).toMatchObject({ status: "done", rowsRead: lines, rowsAdded: lines, rowsAlreadyThere: 0, rowsSkipped: 0 });
    expect(await contactsOf(source)).toHaveLength(lines);
    const daily = await dailyOf(canvasser.id);
    expect(daily.reduce((sum, r) => sum + r.attempts, 0)).toBe(lines);
    expect(daily.reduce((sum, r) => sum + r.contacts, 0)).toBe(lines / 2);
    // Finished: nothing left to resume.
    expect((await send(organiser, id, { intent: "resume" })).status).toBe(409);
  });

  it("names each bad line and writes nothing when any line has a problem", async () => {
    const { group, otherGroup, organiser, canvasser, outsider } = await world();
    const source = `Tool-${Math.random().toString(36).slice(2, 8)}`;
    const file = [
      HEADER,
      `b1,${canvasser.email},2026-05-02,${group.name},conversation,1,yes`,
      `b2,${canvasser.email},2026-13-40,${group.name},conversation,,`,
      `b3,${canvasser.email},2026-05-02,${otherGroup.name},contact,,`,
      `b4,${outsider.email},2026-05-02,${group.name},contact,,`,
      `b5,${canvasser.email},2026-05-02,${group.name},maybe,,`,
      `b6,${canvasser.email},2026-05-02,${group.name},contact,,yes`,
      `b1,${canvasser.email},2026-05-02,${group.name},contact,,`,
      `b8,${canvasser.email},2026-05-02`,
    ].join("\n");
    const id = await uploaded(organiser, file, source);
    const checked = await send(organiser, id, { ...MAPPING, intent: "check" });
    const summary = (checked.body as { summary: { errorCount: number; errors: { line: number; message: string }[] } }).summary;
    expect(summary.errors.map((e) => e.line)).toEqual([3, 4, 5, 6, 7, 8, 9]);
    expect(summary.errors.find((e) => e.line === 3)!.message).toMatch(/date .* is not a date/);
    expect(summary.errors.find((e) => e.line === 4)!.message).toMatch(/not one of your groups/);
    expect(summary.errors.find((e) => e.line === 5)!.message).toMatch(/know no canvasser/);
    expect(summary.errors.find((e) => e.line === 8)!.message).toMatch(/also on line 2/);
    expect(summary.errors.find((e) => e.line === 9)!.message).toMatch(/3 fields where the header has 7/);

    const refused = await importFile(organiser, id);
    expect(refused).toMatchObject({ status: "refused", rowsAdded: 0, errorCount: 7 });
    expect(await contactsOf(source)).toEqual([]);
    expect(await dailyOf(canvasser.id)).toEqual([]);
  });

  it("numbers lines as a text editor does: blank lines, CRLF endings and quoted line breaks all count", async () => {
    const { group, organiser, canvasser } = await world();
    const source = `Tool-${Math.random().toString(36).slice(2, 8)}`;
    const file = [
      HEADER,
      `n1,${canvasser.email},2026-05-02,${group.name},conversation,1,yes`,
      "",
      `"n2\r\nsecond line",${canvasser.email},2026-05-02,${group.name},maybe,,`,
      `n3,${canvasser.email},2026-13-40,${group.name},contact,,`,
      "",
      "",
      `n4,${canvasser.email},2026-05-02,${group.name},contact,,yes`,
    ].join("\r\n");
    const id = await uploaded(organiser, file, source);
    const checked = await send(organiser, id, { ...MAPPING, intent: "check" });
    const summary = (checked.body as { summary: { rows: number; errors: { line: number; message: string }[] } }).summary;
    expect(summary.errors.map((e) => [e.line, e.message.slice(0, 24)])).toEqual([
      [4, "the contact result “mayb"],
      [6, "the date “2026-13-40” is"],
      [9, "has a commitment but no "],
    ]);
    expect(summary.rows).toBe(4);
  });

  it("skips lines of unknown canvassers only when asked, and counts them", async () => {
    const { group, organiser, canvasser } = await world();
    const source = `Tool-${Math.random().toString(36).slice(2, 8)}`;
    const file = [HEADER, `c1,${canvasser.email},2026-05-02,${group.name},contact,,`, `c2,nobody-${source}@example.org,2026-05-02,${group.name},contact,,`].join("\n");
    const id = await uploaded(organiser, file, source);
    expect(await importFile(organiser, id)).toMatchObject({ status: "refused", errorCount: 1 });
    expect(await importFile(organiser, id, { skipUnknown: "yes" })).toMatchObject({ status: "done", rowsAdded: 1, rowsSkipped: 1 });
    expect(await contactsOf(source)).toHaveLength(1);
  });

  it("counts each checked line once, so the preview's parts add up to the lines checked", async () => {
    const { group, otherGroup, organiser, canvasser } = await world();
    const source = `Tool-${Math.random().toString(36).slice(2, 8)}`;
    const stranger = `nobody-${source}@example.org`;
    const file = [
      HEADER,
      `p1,${canvasser.email},2026-05-02,${group.name},contact,,`, // new
      `p2,${stranger},2026-05-02,${group.name},contact,,`, // unknown canvasser, nothing else wrong
      `p3,${stranger},2026-13-40,${group.name},contact,,`, // unknown canvasser and a bad date
      `p4,${stranger},2026-05-02,${otherGroup.name},contact,,`, // unknown canvasser and an area not theirs
      `p5,${canvasser.email},2026-05-02,${otherGroup.name},contact,,`, // area not theirs
      `p6,${stranger},2026-05-02,${group.name},maybe,,`, // unknown canvasser and a bad result
      `p2,${canvasser.email},2026-05-02,${group.name},contact,,`, // id already on line 3
      `p8,${stranger},2026-05-02`, // unknown canvasser, too few fields
    ].join("\n");
    const id = await uploaded(organiser, file, source);
    type Summary = { rows: number; newRows: number; alreadyThere: number; unknownPeople: number; errorCount: number; unknownToFix: number };
    const check = async (extra: Record<string, string>) => ((await send(organiser, id, { ...MAPPING, ...extra, intent: "check" })).body as { summary: Summary }).summary;
    const adds = (s: Summary) => s.newRows + s.alreadyThere + s.unknownPeople + s.errorCount;

    // Unknown canvassers stop the import: each such line needs fixing, and is counted there only.
    const stopping = await check({});
    expect(stopping).toMatchObject({ rows: 8, newRows: 1, alreadyThere: 0, unknownPeople: 0, errorCount: 7, unknownToFix: 2 });
    expect(adds(stopping)).toBe(stopping.rows);

    // Skipped: only the lines with nothing else wrong are skipped; the rest still need fixing.
    const skipping = await check({ skipUnknown: "yes" });
    expect(skipping).toMatchObject({ rows: 8, newRows: 1, alreadyThere: 0, unknownPeople: 2, errorCount: 5, unknownToFix: 0 });
    expect(adds(skipping)).toBe(skipping.rows);
  });

  it("writes nothing when the organiser cancels, and keeps each import to whoever made it", async () => {
    const { group, organiser, canvasser } = await world();
    const source = `Tool-${Math.random().toString(36).slice(2, 8)}`;
    const id = await uploaded(organiser, [HEADER, `d1,${canvasser.email},2026-05-02,${group.name},contact,,`].join("\n"), source);
    const otherOrganiser = await makeUser("organiser", { groupIds: [group.id] });
    expect((await run(importPage.loader, new Request(new URL(`/reports/imports/${id}`, TEST_ORIGIN), { headers: { Cookie: otherOrganiser.cookie } }), { id })).status).toBe(404);
    expect((await send(otherOrganiser, id, { intent: "cancel" })).status).toBe(404);
    await send(organiser, id, { ...MAPPING, intent: "check" });
    const cancelled = await send(organiser, id, { intent: "cancel" });
    expect(cancelled).toMatchObject({ status: 302, location: "/reports/imports" });
    expect(await db().select().from(canvassImports).where(eq(canvassImports.id, id))).toEqual([]);
    expect(await db().select().from(canvassImportChunks).where(eq(canvassImportChunks.importId, id))).toEqual([]);
    expect(await contactsOf(source)).toEqual([]);
    expect(await dailyOf(canvasser.id)).toEqual([]);
  });

  it("refuses files that are not UTF-8 CSV with what to do, keeping nothing; a UTF-8 BOM is dropped", async () => {
    const { group, organiser, canvasser } = await world();
    const before = await db().select({ id: canvassImports.id }).from(canvassImports).where(eq(canvassImports.createdBy, organiser.id));
    const line = `e1,${canvasser.email},2026-05-02,${group.name},contact,,`;

    const latin1 = Uint8Array.from(Buffer.from(`${HEADER}\n${line}\ne2,${canvasser.email},2026-05-02,Caf\u00e9,contact,,\n`, "latin1"));
    const refusedLatin1 = await upload(organiser, latin1);
    expect(refusedLatin1.status).toBe(400);
    expect(JSON.stringify(refusedLatin1.body)).toMatch(/not UTF-8 text \(line 3/);

    const utf16 = Uint8Array.from(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${HEADER}\n${line}\n`, "utf16le")]));
    expect(JSON.stringify((await upload(organiser, utf16)).body)).toMatch(/UTF-16/);

    const unclosed = await upload(organiser, `${HEADER}\n${line}\n"e3,${canvasser.email},2026-05-02,x,contact,,\n`);
    expect(unclosed.status).toBe(400);
    expect(JSON.stringify(unclosed.body)).toMatch(/never closed/);

    expect((await upload(organiser, `${HEADER}\n`)).status).toBe(400); // a header and nothing under it
    expect((await upload(organiser, `${HEADER}\n${line}\n`, "")).status).toBe(400); // no source named
    const notMultipart = await run(uploadPage.action, post("/reports/imports/new", { source: "x" }, organiser.cookie));
    expect(notMultipart.status).toBe(415);
    const after = await db().select({ id: canvassImports.id }).from(canvassImports).where(eq(canvassImports.createdBy, organiser.id));
    expect(after).toEqual(before);

    const id = await uploaded(organiser, `\uFEFF${HEADER}\n${line}\n`);
    const checked = await send(organiser, id, { ...MAPPING, intent: "check" });
    expect(checked.body).toMatchObject({ ok: true, summary: { rows: 1, errorCount: 0 } });
    const page = await run(importPage.loader, new Request(new URL(`/reports/imports/${id}`, TEST_ORIGIN), { headers: { Cookie: organiser.cookie } }), { id });
    expect((page.body as { sample: { header: string[] } }).sample.header[0]).toBe("contact_id");
  });

  it("refuses a file over 50 MB with 413 and keeps none of it", async () => {
    const { group, organiser, canvasser } = await world();
    const line = `,${canvasser.email},2026-05-02,${group.name},contact,,\n`;
    const lines = Math.ceil((50 * 1024 * 1024) / line.length) + 1000;
    const huge = HEADER + "\n" + Array.from({ length: lines }, (_, i) => `h${i}${line}`).join("");
    const refused = await upload(organiser, huge);
    expect(refused.status).toBe(413);
    expect(JSON.stringify(refused.body)).toMatch(/larger than the 50 MB/);
    expect(await db().select({ id: canvassImports.id }).from(canvassImports).where(eq(canvassImports.createdBy, organiser.id))).toEqual([]);
  }, 120_000);

  it("lets an admin import for any group and person", async () => {
    const { otherGroup, outsider } = await world();
    const admin = await makeUser("admin");
    const source = `Tool-${Math.random().toString(36).slice(2, 8)}`;
    const id = await uploaded(admin, [HEADER, `f1,${outsider.email},2026-05-02,${otherGroup.name},conversation,3,`].join("\n"), source);
    expect(await importFile(admin, id)).toMatchObject({ status: "done", rowsAdded: 1 });
    const [contact] = await db().select().from(canvassContacts).where(and(eq(canvassContacts.source, source), eq(canvassContacts.externalId, "f1")));
    expect(contact).toMatchObject({ userId: outsider.id, groupId: otherGroup.id, result: "conversation", support: 3, commitment: false });
  });
});
