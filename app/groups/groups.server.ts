import { asc, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { databaseHandle, db, preparedStatement } from "../../db/client.server";
import { groupKinds, groups, memberships, type Group } from "../../db/schema";

export const groupInputSchema = z.object({
  name: z
    .string({ error: "Give the group a name." })
    .trim()
    .min(1, "Give the group a name.")
    .max(120, "Group names are at most 120 characters."),
  kind: z.enum(groupKinds, { error: "Choose a kind: branch, constituency, union, campus or other." }),
  isTargetSeat: z.boolean().default(false),
});
export type GroupInput = z.infer<typeof groupInputSchema>;

export type CreateGroupResult = { ok: true; group: Group } | { ok: false; field: "name"; message: string };

export async function createGroup(input: GroupInput): Promise<CreateGroupResult> {
  const [group] = await db()
    .insert(groups)
    .values({ name: input.name, kind: input.kind, isTargetSeat: input.isTargetSeat })
    .onConflictDoNothing({ target: groups.name })
    .returning();
  if (!group) return { ok: false, field: "name", message: `A group called “${input.name}” already exists.` };
  return { ok: true, group };
}

export interface GroupWithCount extends Group {
  memberCount: number;
}

export async function listGroups(): Promise<GroupWithCount[]> {
  const rows = await db()
    .select({
      group: groups,
      memberCount: sql<number>`(select count(*)::int from ${memberships} m where m.group_id = "groups"."id")`,
    })
    .from(groups)
    .orderBy(asc(groups.kind), asc(groups.name));
  return rows.map((r) => ({ ...r.group, memberCount: r.memberCount }));
}

export async function findGroup(id: string): Promise<Group | undefined> {
  if (!z.uuid().safeParse(id).success) return undefined;
  const [group] = await db().select().from(groups).where(eq(groups.id, id));
  return group;
}

// On every signed-in home page: one prepared statement (db/client.server.ts).
const groupsOfUserStatement = preparedStatement<Omit<Group, "createdAt"> & { createdAt: number | string }>(
  "doorstep_groups_of_user",
  ["text"],
  `select g.id, g.name, g.kind, g.is_target_seat as "isTargetSeat", extract(epoch from g.created_at) * 1000 as "createdAt"
     from memberships m join groups g on g.id = m.group_id
    where m.user_id = $1::text
    order by g.name`,
);

export async function groupsOfUser(userId: string): Promise<Group[]> {
  const rows = await groupsOfUserStatement.run(databaseHandle(), [userId]);
  return rows.map((g) => ({ ...g, createdAt: new Date(Number(g.createdAt)) }));
}

/** Which of these ids are real groups; the rest are reported back to the form. */
export async function existingGroupIds(ids: string[]): Promise<Set<string>> {
  const valid = ids.filter((id) => z.uuid().safeParse(id).success);
  if (valid.length === 0) return new Set();
  const rows = await db().select({ id: groups.id }).from(groups).where(inArray(groups.id, valid));
  return new Set(rows.map((r) => r.id));
}
