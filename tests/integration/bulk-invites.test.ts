import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { setGroupArchived } from "~/groups/groups.server";
import * as bulkPage from "~/routes/admin.invites_.bulk";
import * as invitePage from "~/routes/invite.$token";
import { invites } from "../../db/schema";
import { withTestDatabase } from "../setup/database";
import { makeGroup, makeUser, post, run, TEST_ORIGIN } from "../setup/fixtures";

const database = withTestDatabase();

const inviteCount = async () => {
  const [row] = await database().db.select({ n: sql<number>`count(*)::int` }).from(invites);
  return row!.n;
};

interface Success {
  ok: true;
  groupName: string;
  invites: { name: string; email: string; url: string }[];
  csv: string;
}
interface Failure {
  ok: false;
  errors: Record<string, string>;
  lineErrors: { line: number; message: string }[];
  values: { list: string };
}

function multipart(fields: Record<string, string>, file: { name: string; body: string } | undefined, cookie: string) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (file) form.append("file", new File([file.body], file.name, { type: "text/csv" }));
  return new Request(new URL("/admin/invites/bulk", TEST_ORIGIN), { method: "POST", body: form, headers: { Origin: TEST_ORIGIN, Cookie: cookie } });
}

describe("bulk invites", () => {
  it("creates one invite per person in one go, links shown once and as CSV, sign-up pre-filled", async () => {
    const admin = await makeUser("admin");
    const group = await makeGroup();
    const res = await run(
      bulkPage.action,
      post("/admin/invites/bulk", { list: "Jo Bloggs, jo.bulk@example.org\nSam Lee <sam.bulk@example.org>", groupId: group.id, role: "trainer", days: "10" }, admin.cookie),
    );
    expect(res.status).toBe(200);
    const body = res.body as Success;
    expect(body.invites.map((i) => [i.name, i.email])).toEqual([
      ["Jo Bloggs", "jo.bulk@example.org"],
      ["Sam Lee", "sam.bulk@example.org"],
    ]);
    expect(body.csv.split("\r\n")).toEqual(["name,email,link", ...body.invites.map((i) => `${i.name},${i.email},${i.url}`)]);
    const rows = await database().db.select().from(invites).where(eq(invites.groupId, group.id));
    expect(rows.map((r) => [r.inviteeEmail, r.role])).toEqual(
      expect.arrayContaining([
        ["jo.bulk@example.org", "trainer"],
        ["sam.bulk@example.org", "trainer"],
      ]),
    );
    const token = body.invites[0]!.url.split("/").pop()!;
    const page = await run(invitePage.loader, new Request(body.invites[0]!.url), { token });
    expect(page.body).toMatchObject({ role: "trainer", groupName: group.name, inviteeName: "Jo Bloggs", inviteeEmail: "jo.bulk@example.org" });
  });

  it("writes nothing when any line is wrong, listing each line's problem, then succeeds once fixed", async () => {
    const admin = await makeUser("admin");
    const group = await makeGroup();
    const member = await makeUser("activist");
    const before = await inviteCount();
    const list = ["Ann One, ann.one@example.org", `Existing Person, ${member.email.toUpperCase()}`, "Bad, nope", "Ann Again, ann.one@example.org", "Cat Three, cat.three@example.org"].join("\n");
    const res = await run(bulkPage.action, post("/admin/invites/bulk", { list, groupId: group.id, role: "activist", days: "14" }, admin.cookie));
    expect(res.status).toBe(400);
    const failed = res.body as Failure;
    expect(failed.lineErrors.map((e) => e.line)).toEqual([3, 4]);
    expect(failed.errors.list).toMatch(/2 lines need fixing\. Nobody was invited/);
    expect(failed.values.list).toBe(list);
    expect(await inviteCount()).toBe(before);

    // Format fixed: now the database check finds the existing account (and still writes nothing).
    const second = await run(
      bulkPage.action,
      post("/admin/invites/bulk", { list: list.split("\n").filter((_, i) => i !== 2 && i !== 3).join("\n"), groupId: group.id, role: "activist", days: "14" }, admin.cookie),
    );
    expect(second.status).toBe(400);
    expect((second.body as Failure).lineErrors).toEqual([{ line: 2, message: expect.stringMatching(/already has an account/) }]);
    expect(await inviteCount()).toBe(before);

    const fixed = await run(bulkPage.action, post("/admin/invites/bulk", { list: "Ann One, ann.one@example.org\nCat Three, cat.three@example.org", groupId: group.id, role: "activist", days: "14" }, admin.cookie));
    expect(fixed.status).toBe(200);
    expect(await inviteCount()).toBe(before + 2);

    // Asking again for someone with a pending invite is a line error too.
    const again = await run(bulkPage.action, post("/admin/invites/bulk", { list: "Someone New, new.one@example.org\nAnn One, ann.one@example.org", groupId: group.id, role: "activist", days: "14" }, admin.cookie));
    expect((again.body as Failure).lineErrors).toEqual([{ line: 2, message: expect.stringMatching(/already has an invite waiting/) }]);
    expect(await inviteCount()).toBe(before + 2);
  });

  it("needs an explicit, active group and a sensible role and duration, reported with the list's problems", async () => {
    const admin = await makeUser("admin");
    const archived = await makeGroup();
    await setGroupArchived(archived.id, true);
    const before = await inviteCount();
    const missing = await run(bulkPage.action, post("/admin/invites/bulk", { list: "Jo, jo@example.org\nno email here", groupId: "", role: "emperor", days: "0" }, admin.cookie));
    expect(missing.status).toBe(400);
    expect((missing.body as Failure).errors).toMatchObject({ groupId: "Choose a group.", role: expect.any(String), days: expect.any(String), list: expect.any(String) });
    expect((missing.body as Failure).lineErrors.map((e) => e.line)).toEqual([2]);
    const toArchived = await run(bulkPage.action, post("/admin/invites/bulk", { list: "Jo, jo@example.org", groupId: archived.id, role: "activist", days: "7" }, admin.cookie));
    expect(toArchived.status).toBe(400);
    expect((toArchived.body as Failure).errors.groupId).toMatch(/archived/);
    expect(await inviteCount()).toBe(before);
  });

  it("refuses more than 500 people at once, writing nothing", async () => {
    const admin = await makeUser("admin");
    const group = await makeGroup();
    const before = await inviteCount();
    const list = Array.from({ length: 501 }, (_, i) => `Person ${i}, person${i}@example.org`).join("\n");
    const res = await run(bulkPage.action, post("/admin/invites/bulk", { list, groupId: group.id, role: "activist", days: "7" }, admin.cookie));
    expect(res.status).toBe(400);
    expect((res.body as Failure).errors.list).toMatch(/At most 500/);
    expect(await inviteCount()).toBe(before);
  });

  it("reads an uploaded CSV file with a header and quoted fields; refuses a file and a paste together", async () => {
    const admin = await makeUser("admin");
    const group = await makeGroup();
    const fields = { groupId: group.id, role: "activist", days: "7" };
    const csv = 'Name,Email\r\n"Bloggs, Jo",jo.csv@example.org\r\n"Lee ""Sam""",sam.csv@example.org\r\n';
    const res = await run(bulkPage.action, multipart({ ...fields, list: "" }, { name: "branch.csv", body: csv }, admin.cookie));
    expect(res.status).toBe(200);
    expect((res.body as Success).invites.map((i) => i.name)).toEqual(["Bloggs, Jo", 'Lee "Sam"']);
    expect((res.body as Success).csv.split("\r\n")[1]).toMatch(/^"Bloggs, Jo",jo\.csv@example\.org,http/);

    const both = await run(bulkPage.action, multipart({ ...fields, list: "X, x@example.org" }, { name: "b.csv", body: "Y, y@example.org" }, admin.cookie));
    expect(both.status).toBe(400);
    const binary = await run(bulkPage.action, multipart({ ...fields, list: "" }, { name: "b.csv", body: "Y, y@example.org\u0000" }, admin.cookie));
    expect(binary.status).toBe(400);
    // A file's line errors come back with its text in the box, to fix there.
    const bad = await run(bulkPage.action, multipart({ ...fields, list: "" }, { name: "c.csv", body: "name,email\nNo Email," }, admin.cookie));
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ values: { list: "name,email\nNo Email," }, lineErrors: [{ line: 2, message: "Missing an email address." }] });
  });
});
