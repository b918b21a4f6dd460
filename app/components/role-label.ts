import type { UserRole } from "../../db/schema";

/** Each role as people read it (the shell's badge, the admin pages' choices). */
export const ROLE_LABEL: Record<UserRole, string> = {
  activist: "Activist",
  trainer: "Trainer",
  organiser: "Organiser",
  admin: "Admin",
};
