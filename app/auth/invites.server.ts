import { desc, eq, sql } from "drizzle-orm";
import { db } from "../../db/client.server";
import { groups, invites, memberships, users, type UserRole } from "../../db/schema";
import { newId, randomToken, sha256Hex } from "../lib/crypto.server";
import { duplicateEmailMessage, type AccountResult } from "./accounts.server";
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

export type InviteState =
  | { status: "valid"; role: UserRole; groupName: string; expiresAt: Date }
  | { status: "unknown" | "used" | "expired" };

export const inviteProblem: Record<Exclude<InviteState["status"], "valid">, { status: 404 | 410; message: string }> = {
  unknown: { status: 404, message: "This invite link is not valid. Check you copied all of it, or ask your organiser for a new one." },
  used: { status: 410, message: "This invite link has already been used. If it was you, sign in; otherwise ask your organiser for a new one." },
  expired: { status: 410, message: "This invite link has expired. Ask your organiser for a new one." },
};

function stateOf(row: { usedAt: Date | null; expiresAt: Date }): "valid" | "used" | "expired" {
  if (row.usedAt) return "used";
  if (row.expiresAt <= new Date()) return "expired";
  return "valid";
}

export async function inviteState(token: string): Promise<InviteState> {
  const [row] = await db()
    .select({ usedAt: invites.usedAt, expiresAt: invites.expiresAt, role: invites.role, groupName: groups.name })
    .from(invites)
    .innerJoin(groups, eq(groups.id, invites.groupId))
    .where(eq(invites.tokenHash, sha256Hex(token)));
  if (!row) return { status: "unknown" };
  const status = stateOf(row);
  return status === "valid" ? { status, role: row.role, groupName: row.groupName, expiresAt: row.expiresAt } : { status };
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
    const [invite] = await tx
      .select()
      .from(invites)
      .where(eq(invites.tokenHash, sha256Hex(token)))
      .for("update");
    if (!invite) return { ok: false as const, ...inviteProblem.unknown };
    const status = stateOf(invite);
    if (status !== "valid") return { ok: false as const, ...inviteProblem[status] };
    const [user] = await tx
      .insert(users)
      .values({ id: userId, email: input.email, name: input.name, passwordHash, role: invite.role })
      .onConflictDoNothing({ target: users.email })
      .returning({ id: users.id });
    if (!user) return { ok: false as const, status: 409 as const, field: "email", message: duplicateEmailMessage };
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
  status: "valid" | "used" | "expired";
  usedByName: string | null;
}

export async function listInvites(limit = 50): Promise<InviteListing[]> {
  const rows = await db()
    .select({
      id: invites.id,
      groupName: groups.name,
      role: invites.role,
      createdAt: invites.createdAt,
      expiresAt: invites.expiresAt,
      usedAt: invites.usedAt,
      usedByName: sql<string | null>`(select u.name from ${users} u where u.id = "invites"."used_by")`,
    })
    .from(invites)
    .innerJoin(groups, eq(groups.id, invites.groupId))
    .orderBy(desc(invites.createdAt))
    .limit(limit);
  return rows.map(({ usedAt, ...r }) => ({ ...r, status: stateOf({ usedAt, expiresAt: r.expiresAt }) }));
}
