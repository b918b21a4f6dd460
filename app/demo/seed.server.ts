import { eq } from "drizzle-orm";
import { db } from "../../db/client.server";
import { groups, users, type GroupKind, type UserRole } from "../../db/schema";
import { createAccount } from "../auth/accounts.server";
import { createGroup } from "../groups/groups.server";
import { seedDemoElection } from "./elections.server";
import { seedDemoEvaluation } from "./evaluation.server";
import { seedDemoField } from "./field.server";
import { seedDemoMovement } from "./movement.server";

export const DEMO_PASSWORD = "doorstep-demo";

export const DEMO_GROUPS: { name: string; kind: GroupKind; isTargetSeat: boolean }[] = [
  { name: "Riverside Branch", kind: "branch", isTargetSeat: false },
  { name: "Northgate", kind: "constituency", isTargetSeat: true },
  { name: "Eastfield", kind: "constituency", isTargetSeat: true },
  { name: "Hillcrest", kind: "constituency", isTargetSeat: true },
  { name: "City Tenants Union", kind: "union", isTargetSeat: false },
  { name: "University Campus", kind: "campus", isTargetSeat: false },
];

export const DEMO_ACCOUNTS: { email: string; name: string; role: UserRole; groups: string[] }[] = [
  { email: "admin@doorstep.test", name: "Ada Admin", role: "admin", groups: [] },
  { email: "organiser@doorstep.test", name: "Olu Organiser", role: "organiser", groups: ["Riverside Branch", "Northgate"] },
  { email: "trainer@doorstep.test", name: "Tess Trainer", role: "trainer", groups: ["Riverside Branch"] },
  { email: "activist@doorstep.test", name: "Avi Activist", role: "activist", groups: ["Riverside Branch", "Northgate"] },
];

/** Idempotent: groups and accounts that already exist are left as they are. */
export async function seedDemo(): Promise<void> {
  for (const group of DEMO_GROUPS) await createGroup(group);
  const groupIds = new Map<string, string>();
  for (const name of DEMO_GROUPS.map((g) => g.name)) {
    const [row] = await db().select({ id: groups.id }).from(groups).where(eq(groups.name, name));
    if (row) groupIds.set(name, row.id);
  }
  for (const account of DEMO_ACCOUNTS) {
    await createAccount({
      email: account.email,
      name: account.name,
      role: account.role,
      password: DEMO_PASSWORD,
      groupIds: account.groups.map((name) => groupIds.get(name)).filter((id): id is string => Boolean(id)),
    });
  }
  // About 60 activists with varied progress, so the organiser's reports have figures; the
  // demo trainer runs their live sessions.
  const trainerEmail = DEMO_ACCOUNTS.find((a) => a.role === "trainer")!.email;
  const [trainer] = await db().select({ id: users.id, role: users.role }).from(users).where(eq(users.email, trainerEmail));
  await seedDemoMovement(groupIds, trainer ? { trainer } : {});
  // Shifts, debriefs and an imported export, so the impact report has figures too.
  await seedDemoField(groupIds);
  // One election's results per seat, for the swing against the region.
  await seedDemoElection();
  // One registered evaluation, so the organiser sees one on first start.
  const organiser = DEMO_ACCOUNTS.find((a) => a.role === "organiser")!;
  await seedDemoEvaluation(organiser.email, organiser.groups.map((name) => groupIds.get(name)).filter((id): id is string => Boolean(id)));
}
