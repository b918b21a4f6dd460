import type { UserRole } from "../../db/schema";
import { may, ROLES } from "~/auth/policy";
import { ROLE_LABEL } from "./role-label";

// The shell's navigation and role badge for a signed-in person, worked out by the root loader
// (app/root.tsx), so the shell in the browser gets the list and not the permission rules it
// comes from: every page loaded ~/auth/policy's script (0.5 kB gzipped) for this alone
// (issue 18 part 6, ADR 036).

export interface NavItem {
  to: string;
  label: string;
}

// Only pages that exist are listed; each feature adds its own entry here.
const NAV_ITEMS: (NavItem & { roles: readonly UserRole[] })[] = [
  { to: "/", label: "Home", roles: ROLES.everyone },
  { to: "/modules", label: "Modules", roles: ROLES.everyone },
  { to: "/me", label: "My record", roles: ROLES.everyone },
  { to: "/join", label: "Join", roles: ROLES.everyone },
  { to: "/field", label: "Field", roles: ROLES.logShifts },
  { to: "/live", label: "Live", roles: ROLES.runLive },
  { to: "/reports", label: "Reports", roles: ROLES.seeReports },
  // Trainers only have reports of their own live sessions.
  { to: "/reports/sessions", label: "Reports", roles: ROLES.seeSessionReports.filter((role) => !may.seeReports(role)) },
  { to: "/admin", label: "Admin", roles: ROLES.administer },
  // Organisers onboard their own groups: the invites pages, without the rest of admin.
  { to: "/admin/invites", label: "Invite", roles: ROLES.invite.filter((role) => !may.administer(role)) },
  { to: "/account", label: "Account", roles: ROLES.everyone },
];

/** What the shell shows a signed-in person: their navigation and their role's name. */
export interface Shell {
  nav: NavItem[];
  roleLabel: string;
}

export function shellFor(role: UserRole): Shell {
  return { nav: NAV_ITEMS.filter((item) => item.roles.includes(role)).map(({ to, label }) => ({ to, label })), roleLabel: ROLE_LABEL[role] };
}
