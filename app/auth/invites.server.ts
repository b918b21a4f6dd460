import { and, desc, eq, gt, inArray, isNull, sql } from "drizzle-orm";
import { db } from "../../db/client.server";
import { groups, invites, memberships, users, type UserRole } from "../../db/schema";
import { newId, randomToken, sha256Hex } from "../lib/crypto.server";
import { refuse } from "../lib/result";
import { groupsOfUser, listGroups } from "../groups/groups.server";
import { may } from "./policy";
import { duplicateEmailMessage, type AccountResult } from "./accounts.server";
import type { Invitee, LineError } from "./invite-list.server";
import type { SignUpInput } from "./validation.server";
import { hashPassword } from "./password.server";
import { startSession } from "./session.server";

export const INVITE_DAYS_DEFAULT = 14;

export async function createInvite(input: {
  groupId: string;
  role: UserRole;
  createdBy: string;
  days?: number;
}): Promise<{ token: string; expiresAt: Date }> {
  const token = randomToken();
  const expiresAt = new Date(Date.now() + (input.days ?? INVITE_DAYS_DEFAULT) * 24 * 60 * 60 * 1000);
  await db().insert(invites).values({
    tokenHash: sha256Hex(token),
    groupId: input.groupId,
    role: input.role,
    createdBy: input.createdBy,
    expiresAt,
  });
  return { token, expiresAt };
}

export interface BatchInvite {
  name: string;
  email: string;
  token: string;
}

/**
 * Invites for a whole list, all or none. Someone who already has an account, or already
 * holds a pending invite, is a line error; with any error nothing is written. The check and
 * the insert share a transaction; a person signing up meanwhile would only get a spare link.
 */
export async function createInviteBatch(input: {
  groupId: string;
  role: UserRole;
  createdBy: string;
  days: number;
  invitees: Invitee[];
}): Promise<{ ok: true; invites: BatchInvite[]; expiresAt: Date } | { ok: false; errors: LineError[] }> {
  const emails = input.invitees.map((i) => i.email);
  const expiresAt = new Date(Date.now() + input.days * 24 * 60 * 60 * 1000);
  return db().transaction(async (tx) => {
    const [accounts, pending] = await Promise.all([
      tx.select({ email: users.email }).from(users).where(inArray(users.email, emails)),
      tx
        .select({ email: invites.inviteeEmail, groupName: groups.name })
        .from(invites)
        .innerJoin(groups, eq(groups.id, invites.groupId))
        .where(and(inArray(invites.inviteeEmail, emails), isNull(invites.usedAt), gt(invites.expiresAt, sql`now()`))),
    ]);
    const hasAccount = new Set(accounts.map((a) => a.email));
    const invitedTo = new Map(pending.map((p) => [p.email!, p.groupName]));
    const errors: LineError[] = [];
    for (const person of input.invitees) {
      if (hasAccount.has(person.email)) {
        errors.push({ line: person.line, message: `${person.email} already has an account. Add them to the group from Users instead.` });
      } else if (invitedTo.has(person.email)) {
        errors.push({ line: person.line, message: `${person.email} already has an invite waiting (to ${invitedTo.get(person.email)}).` });
      }
    }
    if (errors.length) return { ok: false as const, errors };
    const made = input.invitees.map((person) => ({ name: person.name, email: person.email, token: randomToken() }));
    await tx.insert(invites).values(
      made.map((m) => ({
        tokenHash: sha256Hex(m.token),
        groupId: input.groupId,
        role: input.role,
        createdBy: input.createdBy,
        expiresAt,
        inviteeName: m.name,
        inviteeEmail: m.email,
      })),
    );
    return { ok: true as const, invites: made, expiresAt };
  });
}

export type InviteState =
  | { status: "valid"; role: UserRole; groupName: string; expiresAt: Date; inviteeName: string | null; inviteeEmail: string | null }
  | { status: "unknown" | "used" | "expired" | "closed" };

export const inviteProblem: Record<Exclude<InviteState["status"], "valid">, { status: 404 | 410; message: string }> = {
  unknown: { status: 404, message: "This invite link is not valid. Check you copied all of it, or ask your organiser for a new one." },
  used: { status: 410, message: "This invite link has already been used. If it was you, sign in; otherwise ask your organiser for a new one." },
  expired: { status: 410, message: "This invite link has expired. Ask your organiser for a new one." },
  closed: { status: 410, message: "This invite's group has been archived and takes no new members. Ask your organiser for a new link." },
};

function stateOf(row: { usedAt: Date | null; expiresAt: Date; groupArchivedAt?: Date | null }): "valid" | "used" | "expired" | "closed" {
  if (row.usedAt) return "used";
  if (row.groupArchivedAt) return "closed";
  if (row.expiresAt <= new Date()) return "expired";
  return "valid";
}

export async function inviteState(token: string): Promise<InviteState> {
  const [row] = await db()
    .select({
      usedAt: invites.usedAt,
      expiresAt: invites.expiresAt,
      role: invites.role,
      groupName: groups.name,
      groupArchivedAt: groups.archivedAt,
      inviteeName: invites.inviteeName,
      inviteeEmail: invites.inviteeEmail,
    })
    .from(invites)
    .innerJoin(groups, eq(groups.id, invites.groupId))
    .where(eq(invites.tokenHash, sha256Hex(token)));
  if (!row) return { status: "unknown" };
  const status = stateOf(row);
  return status === "valid"
    ? { status, role: row.role, groupName: row.groupName, expiresAt: row.expiresAt, inviteeName: row.inviteeName, inviteeEmail: row.inviteeEmail }
    : { status };
}

/**
 * Sign up through an invite: the account, its membership and the invite's use are one
 * transaction, and the invite row is locked so two people cannot both use it.
 */
export async function acceptInvite(
  token: string,
  input: SignUpInput,
  userAgent: string,
): Promise<AccountResult<{ cookie: string; userId: string }>> {
  const passwordHash = await hashPassword(input.password);
  const userId = newId();
  const outcome = await db().transaction(async (tx) => {
    const [found] = await tx
      .select({ invite: invites, groupArchivedAt: groups.archivedAt })
      .from(invites)
      .innerJoin(groups, eq(groups.id, invites.groupId))
      .where(eq(invites.tokenHash, sha256Hex(token)))
      .for("update", { of: invites });
    if (!found) return refuse(inviteProblem.unknown.status, inviteProblem.unknown.message);
    const { invite } = found;
    const status = stateOf({ ...invite, groupArchivedAt: found.groupArchivedAt });
    if (status !== "valid") return refuse(inviteProblem[status].status, inviteProblem[status].message);
    const [user] = await tx
      .insert(users)
      .values({ id: userId, email: input.email, name: input.name, passwordHash, role: invite.role })
      .onConflictDoNothing({ target: users.email })
      .returning({ id: users.id });
    if (!user) return refuse(409, duplicateEmailMessage, "email");
    await tx.insert(memberships).values({ userId, groupId: invite.groupId });
    await tx.update(invites).set({ usedAt: new Date(), usedBy: userId }).where(eq(invites.id, invite.id));
    return { ok: true as const };
  });
  if (!outcome.ok) return outcome;
  return { ok: true, value: { cookie: await startSession(userId, userAgent), userId } };
}

export interface InviteListing {
  id: string;
  groupName: string;
  role: UserRole;
  createdAt: Date;
  expiresAt: Date;
  status: "valid" | "used" | "expired" | "closed";
  usedByName: string | null;
  inviteeName: string | null;
  inviteeEmail: string | null;
}

/** Where someone may invite to, and as what: admins any active group and role; organisers their own active groups, as activists. */
export interface InviteScope {
  groups: { id: string; name: string }[];
  roles: readonly UserRole[];
  /** Only these groups' invites are listed to them (undefined: all). */
  listedGroupIds: string[] | undefined;
}

export async function inviteScope(user: { id: string; role: UserRole }): Promise<InviteScope> {
  const roles = may.inviteRoles(user.role);
  if (may.administer(user.role)) return { groups: (await listGroups()).map(({ id, name }) => ({ id, name })), roles, listedGroupIds: undefined };
  if (!may.invite(user.role)) return { groups: [], roles: [], listedGroupIds: [] };
  const own = await groupsOfUser(user.id);
  return { groups: own.filter((g) => !g.archivedAt).map(({ id, name }) => ({ id, name })), roles, listedGroupIds: own.map((g) => g.id) };
}

/** Is this group and role one the person may invite to? The message says which part is not. */
export function outsideInviteScope(scope: InviteScope, groupId: string, role: UserRole): { field: "groupId" | "role"; message: string } | null {
  if (!scope.groups.some((g) => g.id === groupId)) return { field: "groupId", message: "You can invite people only to your own active groups. Choose one of them." };
  if (!scope.roles.includes(role)) return { field: "role", message: `You can invite people as ${scope.roles.join(" or ")} only.` };
  return null;
}

export async function listInvites(limit = 50, groupIds?: string[]): Promise<InviteListing[]> {
  const rows = await db()
    .select({
      id: invites.id,
      groupName: groups.name,
      role: invites.role,
      createdAt: invites.createdAt,
      expiresAt: invites.expiresAt,
      usedAt: invites.usedAt,
      groupArchivedAt: groups.archivedAt,
      inviteeName: invites.inviteeName,
      inviteeEmail: invites.inviteeEmail,
      usedByName: sql<string | null>`(select u.name from ${users} u where u.id = "invites"."used_by")`,
    })
    .from(invites)
    .innerJoin(groups, eq(groups.id, invites.groupId))
    .where(groupIds === undefined ? undefined : groupIds.length ? inArray(invites.groupId, groupIds) : sql`false`)
    .orderBy(desc(invites.createdAt))
    .limit(limit);
  return rows.map(({ usedAt, groupArchivedAt, ...r }) => ({ ...r, status: stateOf({ usedAt, groupArchivedAt, expiresAt: r.expiresAt }) }));
}
