import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { setGroupArchived } from "~/groups/groups.server";
import * as layout from "~/routes/admin";
import * as adminIndex from "~/routes/admin._index";
import * as usersPage from "~/routes/admin.users";
import * as invitesPage from "~/routes/admin.invites";
import * as bulkPage from "~/routes/admin.invites_.bulk";
import { invites } from "../../db/schema";
import { withTestDatabase } from "../setup/database";
import { get, makeGroup, makeUser, post, run } from "../setup/fixtures";

// An organiser onboarding a branch (issue 14): they invite activists, into their own
// groups only; everything else in admin stays the admin's.

const database = withTestDatabase();

const invitesOf = async (groupId: string) => database().db.select({ role: invites.role }).from(invites).where(eq(invites.groupId, groupId));
const inviteCount = async () => (await database().db.select({ n: sql<number>`count(*)::int` }).from(invites))[0]!.n;

describe("organisers invite to their own groups", () => {
  it("may invite activists to their own group, one link or a batch", async () => {
    const own = await makeGroup();
    const organiser = await makeUser("organiser", { groupIds: [own.id] });
    const page = await run(invitesPage.loader, get("/admin/invites", organiser.cookie));
    expect(page.status).toBe(200);
    const data = page.body as { groups: { id: string }[]; roles: string[]; administer: boolean };
    expect(data.groups.map((g) => g.id)).toEqual([own.id]);
    expect(data.roles).toEqual(["activist"]);
    expect(data.administer).toBe(false);

    const one = await run(invitesPage.action, post("/admin/invites", { groupId: own.id, role: "activist", days: "14" }, organiser.cookie));
    expect(one.status).toBe(200);
    const batch = await run(bulkPage.action, post("/admin/invites/bulk", { list: "Ria Patel, ria.org@example.org\nTom Ode, tom.org@example.org", groupId: own.id, role: "activist", days: "14" }, organiser.cookie));
    expect(batch.status).toBe(200);
    expect((await invitesOf(own.id)).map((r) => r.role)).toEqual(["activist", "activist", "activist"]);
  });

  it("refuses another group, an archived one, and any role but activist, writing nothing", async () => {
    const own = await makeGroup();
    const other = await makeGroup();
    const archived = await makeGroup();
    const organiser = await makeUser("organiser", { groupIds: [own.id, archived.id] });
    await setGroupArchived(archived.id, true);
    const before = await inviteCount();
    // An archived group is no group to invite to (400, as for an admin); the others are not theirs to give (403).
    const cases: [Record<string, string>, string, number][] = [
      [{ groupId: other.id, role: "activist" }, "groupId", 403],
      [{ groupId: archived.id, role: "activist" }, "groupId", 400],
      [{ groupId: own.id, role: "trainer" }, "role", 403],
      [{ groupId: own.id, role: "admin" }, "role", 403],
    ];
    for (const [fields, field, status] of cases) {
      const single = await run(invitesPage.action, post("/admin/invites", { ...fields, days: "14" }, organiser.cookie));
      expect(single.status, JSON.stringify(fields)).toBe(status);
      expect(Object.keys((single.body as { errors: Record<string, string> }).errors)).toEqual([field]);
      const bulk = await run(bulkPage.action, post("/admin/invites/bulk", { ...fields, days: "14", list: "Ria Patel, ria.no@example.org" }, organiser.cookie));
      expect(bulk.status, JSON.stringify(fields)).toBe(400);
      expect(Object.keys((bulk.body as { errors: Record<string, string> }).errors)).toEqual([field]);
    }
    expect(await inviteCount()).toBe(before);
  });

  it("lists only their own groups' invites, and keeps the rest of admin closed", async () => {
    const own = await makeGroup();
    const other = await makeGroup();
    const admin = await makeUser("admin");
    const organiser = await makeUser("organiser", { groupIds: [own.id] });
    await run(invitesPage.action, post("/admin/invites", { groupId: other.id, role: "trainer", days: "14" }, admin.cookie));
    await run(invitesPage.action, post("/admin/invites", { groupId: own.id, role: "activist", days: "14" }, organiser.cookie));
    const listed = (await run(invitesPage.loader, get("/admin/invites", organiser.cookie))).body as { invites: { groupName: string }[] };
    expect(listed.invites.map((i) => i.groupName)).toEqual([own.name]);

    expect((await run(layout.loader, get("/admin", organiser.cookie))).body).toEqual({ administer: false });
    const index = await run(adminIndex.loader, get("/admin/", organiser.cookie));
    expect([index.status, index.headers?.get("Location")]).toEqual([302, "/admin/invites"]);
    expect((await run(usersPage.loader, get("/admin/users", organiser.cookie))).status).toBe(403);
    // Trainers and activists still may not invite at all.
    for (const role of ["trainer", "activist"] as const) {
      const someone = await makeUser(role, { groupIds: [own.id] });
      expect((await run(invitesPage.loader, get("/admin/invites", someone.cookie))).status).toBe(403);
      expect((await run(invitesPage.action, post("/admin/invites", { groupId: own.id, role: "activist", days: "14" }, someone.cookie))).status).toBe(403);
    }
  });
});
