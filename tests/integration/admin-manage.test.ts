import { eq, inArray, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { likeEscape, searchUsers, USERS_PER_PAGE } from "~/auth/accounts.server";
import { inviteState } from "~/auth/invites.server";
import { listGroups, mergeGroups, setGroupArchived } from "~/groups/groups.server";
import { createLiveSession } from "~/live/lifecycle.server";
import { groupTableBatches } from "~/reports/overview.server";
import { moduleGroupBatches } from "~/reports/module-report.server";
import * as groupPage from "~/routes/admin.groups_.$id";
import * as invitesPage from "~/routes/admin.invites";
import * as editUser from "~/routes/admin.users_.$id";
import * as usersPage from "~/routes/admin.users";
import { groups, invites, liveSessions, memberships, users } from "../../db/schema";
import { withFixtureCatalog } from "../setup/content";
import { withTestDatabase } from "../setup/database";
import { get, makeGroup, makeUser, post, run, type TestUser } from "../setup/fixtures";

const database = withTestDatabase();
withFixtureCatalog();

type UsersPage = Awaited<ReturnType<typeof usersPage.loader>>;

/** People straight into the table (no password hashing: hundreds of them in a second). */
async function insertPeople(prefix: string, count: number, groupId?: string, role = "trainer") {
  await database().db.execute(sql`
    insert into users (id, email, name, password_hash, role)
    select ${prefix} || '-' || i, lower(${prefix}) || '-' || i || '@example.org', ${prefix} || ' ' || lpad(i::text, 4, '0'), 'x', ${role}::user_role
      from generate_series(1, ${count}) i`);
  if (groupId) {
    await database().db.execute(sql`
      insert into memberships (user_id, group_id) select ${prefix} || '-' || i, ${groupId}::uuid from generate_series(1, ${count}) i`);
  }
}

describe("admin: finding people", () => {
  it("matches % and _ literally, in names and emails, whatever the case", async () => {
    const group = await makeGroup();
    const percent = await makeUser("activist", { name: "Wildcard 100% Sure", groupIds: [group.id] });
    const underscore = await makeUser("activist", { name: "Wildcard under_score", groupIds: [group.id] });
    const plain = await makeUser("activist", { name: "Wildcard Plain", groupIds: [group.id] });
    const ids = (page: { users: { id: string }[] }) => page.users.map((u) => u.id).sort();

    expect(ids(await searchUsers({ q: "%", groupId: group.id }))).toEqual([percent.id]);
    expect(ids(await searchUsers({ q: "_", groupId: group.id }))).toEqual([underscore.id]);
    expect(ids(await searchUsers({ q: "0% s", groupId: group.id }))).toEqual([percent.id]);
    expect(ids(await searchUsers({ q: "WILDCARD", groupId: group.id }))).toEqual([percent.id, underscore.id, plain.id].sort());
    expect(ids(await searchUsers({ q: plain.email.toUpperCase() }))).toEqual([plain.id]);
    expect((await searchUsers({ q: "\\", groupId: group.id })).total).toBe(0);
    expect(likeEscape("a%b_c\\d")).toBe("a\\%b\\_c\\\\d");
  });

  it("filters by role and group, and pages 50 at a time with the last page clamped", async () => {
    const group = await makeGroup();
    await insertPeople("Pager", 120, group.id);
    await insertPeople("Pagerole", 3, group.id, "organiser");

    const first = await searchUsers({ groupId: group.id, role: "trainer" });
    expect(first).toMatchObject({ total: 120, page: 1, pageCount: 3, perPage: USERS_PER_PAGE });
    expect(first.users[0]!.name).toBe("Pager 0001");
    const third = await searchUsers({ groupId: group.id, role: "trainer", page: 3 });
    expect(third.users.map((u) => u.name)).toEqual(Array.from({ length: 20 }, (_, i) => `Pager ${String(101 + i).padStart(4, "0")}`));
    expect((await searchUsers({ groupId: group.id, role: "trainer", page: 999 })).page).toBe(3);
    expect((await searchUsers({ groupId: group.id, role: "organiser" })).total).toBe(3);
    // Pages never overlap: 50 + 50 + 20 distinct people.
    const second = await searchUsers({ groupId: group.id, role: "trainer", page: 2 });
    expect(new Set([...first.users, ...second.users, ...third.users].map((u) => u.id)).size).toBe(120);
  });

  it("answers malformed queries with a page, never an error", async () => {
    const admin = await makeUser("admin");
    const group = await makeGroup();
    await insertPeople("Malformed", 60, group.id);
    for (const query of ["page=abc", "page=-3", "page=0", "page=1e9", "page=99999999999999999999", `q=${"x".repeat(5000)}`, "role=emperor", "group=not-a-uuid", "q=%25&page=2", "saved=nobody"]) {
      const res = await run(usersPage.loader, get(`/admin/users?${query}`, admin.cookie));
      expect(res.status, query).toBe(200);
    }
    const clamped = (await run(usersPage.loader, get(`/admin/users?group=${group.id}&page=7`, admin.cookie))).body as UsersPage;
    expect(clamped).toMatchObject({ total: 60, page: 2, pageCount: 2 });
    expect(clamped.users).toHaveLength(10);
    const res = await run(usersPage.loader, get(`/admin/users?q=a%00b`, admin.cookie));
    expect(res.status).toBe(400);
  });

  it("confirms a save on the users list with what was stored", async () => {
    const admin = await makeUser("admin");
    const [north, east] = [await makeGroup(), await makeGroup()];
    const person = await makeUser("activist", { name: "Avi Saved", groupIds: [north.id] });
    const res = await run(editUser.action, post(`/admin/users/${person.id}`, { role: "trainer", groupIds: [north.id, east.id] }, admin.cookie), { id: person.id });
    expect(res.status).toBe(302);
    expect(res.location).toBe(`/admin/users?saved=${person.id}`);
    const list = (await run(usersPage.loader, get(res.location!, admin.cookie))).body as UsersPage;
    expect(list.saved).toEqual({ name: "Avi Saved", role: "trainer", groups: [north.name, east.name].sort() });
  });
});

describe("admin: a single invite link", () => {
  it("needs the group chosen explicitly: none chosen is a 400 on the group field, and nothing is written", async () => {
    const admin = await makeUser("admin");
    await makeGroup();
    const before = await database().db.select({ id: invites.id }).from(invites);
    for (const fields of [{ role: "activist", days: "7" }, { groupId: "", role: "activist", days: "7" }] as Record<string, string>[]) {
      const res = await run(invitesPage.action, post("/admin/invites", fields, admin.cookie));
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ errors: { groupId: "Choose a group." } });
    }
    expect(await database().db.select({ id: invites.id }).from(invites)).toHaveLength(before.length);
  });
});

describe("admin: renaming and archiving groups", () => {
  it("renames, refusing a taken or blank name with nothing changed", async () => {
    const admin = await makeUser("admin");
    const [a, b] = [await makeGroup(), await makeGroup()];
    const renamed = await run(groupPage.action, post(`/admin/groups/${a.id}`, { intent: "rename", name: "  Riverside North " }, admin.cookie), { id: a.id });
    expect(renamed).toMatchObject({ status: 302, location: `/admin/groups/${a.id}?done=renamed` });
    const taken = await run(groupPage.action, post(`/admin/groups/${a.id}`, { intent: "rename", name: b.name }, admin.cookie), { id: a.id });
    expect(taken.status).toBe(409);
    const blank = await run(groupPage.action, post(`/admin/groups/${a.id}`, { intent: "rename", name: "  " }, admin.cookie), { id: a.id });
    expect(blank.status).toBe(400);
    const [row] = await database().db.select({ name: groups.name }).from(groups).where(eq(groups.id, a.id));
    expect(row?.name).toBe("Riverside North");
    const gone = await run(groupPage.action, post("/admin/groups/00000000-0000-0000-0000-000000000000", { intent: "rename", name: "X" }, admin.cookie), { id: "00000000-0000-0000-0000-000000000000" });
    expect(gone.status).toBe(404);
  });

  it("archives: hidden from pickers, no new invites, pending links stop, members stay; unarchive brings it back", async () => {
    const admin = await makeUser("admin");
    const group = await makeGroup();
    const member = await makeUser("activist", { groupIds: [group.id] });
    const outsider = await makeUser("activist");
    const link = await run(invitesPage.action, post("/admin/invites", { groupId: group.id, role: "activist", days: "7" }, admin.cookie));
    const token = (link.body as { url: string }).url.split("/").pop()!;

    const archived = await run(groupPage.action, post(`/admin/groups/${group.id}`, { intent: "archive" }, admin.cookie), { id: group.id });
    expect(archived.status).toBe(302);
    expect((await listGroups()).map((g) => g.id)).not.toContain(group.id);
    expect((await listGroups({ includeArchived: true })).map((g) => g.id)).toContain(group.id);
    expect(await inviteState(token)).toEqual({ status: "closed" });
    const refused = await run(invitesPage.action, post("/admin/invites", { groupId: group.id, role: "activist", days: "7" }, admin.cookie));
    expect(refused.status).toBe(400);
    // Its member keeps it when saved; nobody new can be put in it.
    const kept = await run(editUser.action, post(`/admin/users/${member.id}`, { role: "activist", groupIds: [group.id] }, admin.cookie), { id: member.id });
    expect(kept.status).toBe(302);
    const joined = await run(editUser.action, post(`/admin/users/${outsider.id}`, { role: "activist", groupIds: [group.id] }, admin.cookie), { id: outsider.id });
    expect(joined.status).toBe(400);
    const rows = await database().db.select().from(memberships).where(eq(memberships.groupId, group.id));
    expect(rows.map((r) => r.userId)).toEqual([member.id]);

    await run(groupPage.action, post(`/admin/groups/${group.id}`, { intent: "unarchive" }, admin.cookie), { id: group.id });
    expect((await listGroups()).map((g) => g.id)).toContain(group.id);
    expect(await inviteState(token)).toMatchObject({ status: "valid" });
  });
});

describe("admin: merging groups", () => {
  const figures = async (viewer: TestUser, ids: string[]) => {
    const out = new Map<string, { activists: number; trained: number; completions: number }>();
    for await (const batch of groupTableBatches(viewer, { threshold: 50 })) {
      for (const g of batch) if (ids.includes(g.id)) out.set(g.id, { activists: g.activists, trained: g.trained, completions: g.completions });
    }
    return out;
  };
  const moduleFigures = async (viewer: TestUser, slug: string, ids: string[]) => {
    const out = new Map<string, unknown>();
    for await (const batch of moduleGroupBatches(viewer, slug, undefined)) {
      for (const g of batch) if (ids.includes(g.id)) out.set(g.id, { self: g.self, live: g.live });
    }
    return out;
  };
  const complete = async (userId: string, slug: string, how: "self" | "live") => {
    await database().db.execute(sql`
      insert into module_completions (user_id, module_slug, content_hash, how)
      select ${userId}, slug, content_hash, ${how}::completion_how from modules where slug = ${slug}`);
  };

  it("moves members, invites and sessions in one step, and the reports add up afterwards", async () => {
    const admin = await makeUser("admin");
    const [from, into] = [await makeGroup(), await makeGroup()];
    const onlyFrom = await makeUser("activist", { groupIds: [from.id] });
    const both = await makeUser("activist", { groupIds: [from.id, into.id] });
    await makeUser("activist", { groupIds: [into.id] });
    const organiser = await makeUser("organiser", { groupIds: [from.id] });
    await makeUser("trainer", { groupIds: [from.id] });
    await complete(onlyFrom.id, "doorstep-basics", "self");
    await complete(onlyFrom.id, "follow-up", "live");
    await complete(both.id, "doorstep-basics", "self");
    await run(invitesPage.action, post("/admin/invites", { groupId: from.id, role: "activist", days: "7" }, admin.cookie));
    const session = await createLiveSession(admin, { moduleSlug: "doorstep-basics", groupId: from.id });
    expect(session.ok).toBe(true);

    expect(await figures(admin, [from.id, into.id])).toEqual(
      new Map([
        [from.id, { activists: 2, trained: 1, completions: 3 }],
        [into.id, { activists: 2, trained: 0, completions: 1 }],
      ]),
    );

    // Step one only describes the merge; nothing moves.
    const preview = await run(groupPage.action, post(`/admin/groups/${from.id}`, { intent: "merge", into: into.id }, admin.cookie), { id: from.id });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ ok: true, confirm: { newMembers: 3, sharedMembers: 1, invites: 1, liveSessions: 1 } });
    expect(await database().db.select().from(groups).where(eq(groups.id, from.id))).toHaveLength(1);

    const done = await run(groupPage.action, post(`/admin/groups/${from.id}`, { intent: "merge", into: into.id, confirm: "yes" }, admin.cookie), { id: from.id });
    expect(done).toMatchObject({ status: 302, location: `/admin/groups/${into.id}?done=merged` });
    expect(await database().db.select().from(groups).where(eq(groups.id, from.id))).toEqual([]);
    const members = await database().db.select({ userId: memberships.userId }).from(memberships).where(eq(memberships.groupId, into.id));
    expect(members).toHaveLength(5);
    expect(await database().db.select().from(invites).where(eq(invites.groupId, into.id))).toHaveLength(1);
    expect(await database().db.select().from(liveSessions).where(eq(liveSessions.groupId, into.id))).toHaveLength(1);

    // Each activist counted once (the one in both groups too), with all their completions.
    expect(await figures(admin, [from.id, into.id])).toEqual(new Map([[into.id, { activists: 3, trained: 1, completions: 3 }]]));
    expect(await moduleFigures(admin, "doorstep-basics", [from.id, into.id])).toEqual(new Map([[into.id, { self: 2, live: 0 }]]));
    expect(await moduleFigures(admin, "follow-up", [from.id, into.id])).toEqual(new Map([[into.id, { self: 0, live: 1 }]]));
    // The organiser of the old group now reports on the merged one.
    expect((await figures(organiser, [into.id])).get(into.id)).toEqual({ activists: 3, trained: 1, completions: 3 });
    // The summaries equal a recount from the raw tables.
    const drift = await database().db.execute(sql`
      with raw as (
        select ms.group_id, coalesce(lt.core_completed, 0) as core_completed, count(*)::int as activists
        from memberships ms join users u on u.id = ms.user_id and u.role = 'activist'
        left join learner_totals lt on lt.user_id = ms.user_id group by 1, 2),
      summary as (select group_id, core_completed, activists from group_progress_counts where activists <> 0)
      (select * from raw except select * from summary) union all (select * from summary except select * from raw)`);
    expect(Array.isArray(drift) ? drift : (drift as { rows: unknown[] }).rows).toEqual([]);
  });

  it("refuses merging into itself, into an archived or unknown group, writing nothing", async () => {
    const admin = await makeUser("admin");
    const [a, b] = [await makeGroup(), await makeGroup()];
    await makeUser("activist", { groupIds: [a.id] });
    await setGroupArchived(b.id, true);
    for (const into of [a.id, b.id, "00000000-0000-0000-0000-000000000000", "nonsense", ""]) {
      const res = await run(groupPage.action, post(`/admin/groups/${a.id}`, { intent: "merge", into, confirm: "yes" }, admin.cookie), { id: a.id });
      expect(res.status, into).toBe(400);
    }
    expect((await mergeGroups(a.id, a.id)).ok).toBe(false);
    expect(await database().db.select().from(memberships).where(inArray(memberships.groupId, [a.id]))).toHaveLength(1);
    const unknownIntent = await run(groupPage.action, post(`/admin/groups/${a.id}`, { intent: "explode" }, admin.cookie), { id: a.id });
    expect(unknownIntent.status).toBe(400);
    expect(await database().db.select({ id: users.id }).from(users).where(eq(users.id, admin.id))).toHaveLength(1);
  });
});
