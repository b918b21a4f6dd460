import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import { databaseHandle, db, preparedStatement, rowsOf } from "../../db/client.server";
import { groupKinds, groups, invites, liveSessions, memberships, type Group } from "../../db/schema";
import { refuse, type Result } from "../lib/result";

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

export type CreateGroupResult = Result<Group, 409>;

export async function createGroup(input: GroupInput): Promise<CreateGroupResult> {
  const [group] = await db()
    .insert(groups)
    .values({ name: input.name, kind: input.kind, isTargetSeat: input.isTargetSeat })
    .onConflictDoNothing({ target: groups.name })
    .returning();
  if (!group) return refuse(409, `A group called “${input.name}” already exists.`, "name");
  return { ok: true, value: group };
}

export interface GroupWithCount extends Group {
  memberCount: number;
}

/**
 * Groups by kind and name. Pickers (invites, a person's groups, a live session's group)
 * offer active groups only; the admin's groups page lists archived ones too.
 */
export async function listGroups(options: { includeArchived?: boolean } = {}): Promise<GroupWithCount[]> {
  const rows = await db()
    .select({
      group: groups,
      memberCount: sql<number>`(select count(*)::int from ${memberships} m where m.group_id = "groups"."id")`,
    })
    .from(groups)
    .where(options.includeArchived ? undefined : isNull(groups.archivedAt))
    .orderBy(asc(groups.kind), asc(groups.name));
  return rows.map((r) => ({ ...r.group, memberCount: r.memberCount }));
}

export async function findGroup(id: string): Promise<Group | undefined> {
  if (!z.uuid().safeParse(id).success) return undefined;
  const [group] = await db().select().from(groups).where(eq(groups.id, id));
  return group;
}

/** A group that takes new members (invites, a person's new groups): exists and is not archived. */
export async function findActiveGroup(id: string): Promise<Group | undefined> {
  const group = await findGroup(id);
  return group && !group.archivedAt ? group : undefined;
}

// On every signed-in home page: one prepared statement (db/client.server.ts).
const groupsOfUserStatement = preparedStatement<Omit<Group, "createdAt" | "archivedAt"> & { createdAt: number | string; archivedAt: number | string | null }>(
  "doorstep_groups_of_user",
  ["text"],
  `select g.id, g.name, g.kind, g.is_target_seat as "isTargetSeat", extract(epoch from g.created_at) * 1000 as "createdAt",
          extract(epoch from g.archived_at) * 1000 as "archivedAt"
     from memberships m join groups g on g.id = m.group_id
    where m.user_id = $1::text
    order by g.name`,
);

export async function groupsOfUser(userId: string): Promise<Group[]> {
  const rows = await groupsOfUserStatement.run(databaseHandle(), [userId]);
  return rows.map((g) => ({ ...g, createdAt: new Date(Number(g.createdAt)), archivedAt: g.archivedAt === null ? null : new Date(Number(g.archivedAt)) }));
}

/** Which of these ids are real groups; the rest are reported back to the form. */
export async function existingGroupIds(ids: string[]): Promise<Set<string>> {
  const valid = ids.filter((id) => z.uuid().safeParse(id).success);
  if (valid.length === 0) return new Set();
  const rows = await db().select({ id: groups.id }).from(groups).where(inArray(groups.id, valid));
  return new Set(rows.map((r) => r.id));
}

/** Which of these ids are archived groups (a person may stay in one, but not newly join it). */
export async function archivedGroupIds(ids: string[]): Promise<Set<string>> {
  const valid = ids.filter((id) => z.uuid().safeParse(id).success);
  if (valid.length === 0) return new Set();
  const rows = await db()
    .select({ id: groups.id })
    .from(groups)
    .where(and(inArray(groups.id, valid), sql`${groups.archivedAt} is not null`));
  return new Set(rows.map((r) => r.id));
}

// ---------------------------------------------------------------- rename, archive, merge

type GroupRefusalStatus = 400 | 404 | 409;
export type GroupChange = Result<Group, GroupRefusalStatus>;

const missing = refuse(404, "That group no longer exists.");

/** PostgreSQL's unique_violation, whether the driver's error or Drizzle's wrapper around it. */
function isUniqueViolation(error: unknown): boolean {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 3; e = e.cause as typeof e, depth++) {
    if (e.code === "23505") return true;
  }
  return false;
}

export async function renameGroup(id: string, name: string): Promise<GroupChange> {
  const current = await findGroup(id);
  if (!current) return missing;
  if (current.name === name) return { ok: true, value: current };
  try {
    const [group] = await db().update(groups).set({ name }).where(eq(groups.id, id)).returning();
    return group ? { ok: true, value: group } : missing;
  } catch (error) {
    // The unique index is the judge: a check before the update could race another rename.
    if (isUniqueViolation(error)) {
      return refuse(409, `A group called “${name}” already exists.`, "name");
    }
    throw error;
  }
}

/** Archive (hide from pickers and invites; members and report history stay) or bring back. */
export async function setGroupArchived(id: string, archived: boolean): Promise<GroupChange> {
  if (!z.uuid().safeParse(id).success) return missing;
  const [group] = await db()
    .update(groups)
    .set({ archivedAt: archived ? sql`coalesce(${groups.archivedAt}, now())` : null })
    .where(eq(groups.id, id))
    .returning();
  return group ? { ok: true, value: group } : missing;
}

export interface MergePlan {
  from: { id: string; name: string };
  into: { id: string; name: string };
  /** Members of `from` who join `into` (the rest are in both already). */
  newMembers: number;
  sharedMembers: number;
  invites: number;
  liveSessions: number;
}

async function mergeCheck(fromId: string, intoId: string): Promise<Result<{ from: Group; into: Group }, GroupRefusalStatus>> {
  const [from, into] = await Promise.all([findGroup(fromId), findGroup(intoId)]);
  if (!from) return missing;
  if (!into) return refuse(400, "Choose the group to merge into (that one no longer exists).", "into");
  if (from.id === into.id) return refuse(400, "A group cannot be merged into itself. Choose another group.", "into");
  if (into.archivedAt) return refuse(400, `“${into.name}” is archived. Unarchive it first, or choose an active group.`, "into");
  return { ok: true, value: { from, into } };
}

/** What a merge would move, for the confirmation step. */
export async function planMerge(fromId: string, intoId: string): Promise<Result<MergePlan, GroupRefusalStatus>> {
  const check = await mergeCheck(fromId, intoId);
  if (!check.ok) return check;
  const { from, into } = check.value;
  const [counts] = rowsOf<{ members: number; shared: number; invites: number; sessions: number }>(
    await db().execute(sql`
    select (select count(*)::int from memberships where group_id = ${from.id}) as members,
           (select count(*)::int from memberships a join memberships b on b.user_id = a.user_id and b.group_id = ${into.id}
             where a.group_id = ${from.id}) as shared,
           (select count(*)::int from invites where group_id = ${from.id}) as invites,
           (select count(*)::int from live_sessions where group_id = ${from.id}) as sessions`),
  );
  return {
    ok: true,
    value: {
      from: { id: from.id, name: from.name },
      into: { id: into.id, name: into.name },
      newMembers: counts!.members - counts!.shared,
      sharedMembers: counts!.shared,
      invites: counts!.invites,
      liveSessions: counts!.sessions,
    },
  };
}

/**
 * Merge group `from` into `into`, in one transaction: its members join `into` (people in
 * both stay once), its invites and live sessions point at `into`, then `from` is deleted.
 * The report summaries follow by themselves: the membership triggers (ADR 005) count each
 * newcomer into `into` and take everyone out of `from`, whose emptied summary rows go with
 * it (cascade). Both group rows are locked first, so a concurrent rename, archive or second
 * merge waits rather than interleaving.
 */
export async function mergeGroups(fromId: string, intoId: string): Promise<Result<MergePlan, GroupRefusalStatus>> {
  const planned = await planMerge(fromId, intoId);
  if (!planned.ok) return planned;
  const plan = planned.value;
  const outcome = await db().transaction(async (tx) => {
    const locked = await tx
      .select({ id: groups.id, archivedAt: groups.archivedAt })
      .from(groups)
      .where(inArray(groups.id, [plan.from.id, plan.into.id]))
      .orderBy(asc(groups.id))
      .for("update");
    if (!locked.some((g) => g.id === plan.from.id)) return "from gone" as const;
    const into = locked.find((g) => g.id === plan.into.id);
    if (!into || into.archivedAt) return "into unavailable" as const;
    await tx.execute(sql`
      insert into memberships (user_id, group_id, created_at)
      select user_id, ${plan.into.id}::uuid, created_at from memberships where group_id = ${plan.from.id}
      on conflict do nothing`);
    await tx.delete(memberships).where(eq(memberships.groupId, plan.from.id));
    await tx.update(invites).set({ groupId: plan.into.id }).where(eq(invites.groupId, plan.from.id));
    await tx.update(liveSessions).set({ groupId: plan.into.id }).where(eq(liveSessions.groupId, plan.from.id));
    await tx.delete(groups).where(eq(groups.id, plan.from.id));
    return "done" as const;
  });
  if (outcome === "from gone") return missing;
  if (outcome === "into unavailable") return refuse(409, "The group to merge into was archived or deleted meanwhile. Choose again.", "into");
  return { ok: true, value: plan };
}
