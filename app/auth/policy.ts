import type { UserRole } from "../../db/schema";

// Who may do what: the one place a role turns into a permission (ADR 013). Loaders and
// actions pass a ROLES list to `requireUser`; domain code and pages ask `may.*`. No server
// dependencies, so pages (navigation, buttons) read the same rules as the server.
//
// Activists learn; trainers run live sessions and preview drafts; organisers report on
// their groups; admins do all of that for every group and run the instance.

export const ROLES = {
  /** Anyone signed in. */
  everyone: ["activist", "trainer", "organiser", "admin"],
  /** Start, present and end live sessions (their own; admins any). */
  runLive: ["trainer", "admin"],
  /** Open draft modules before they are published. */
  previewDrafts: ["trainer", "admin"],
  /** Reports on groups and the people in them (organisers: their groups; admins: all). */
  seeReports: ["organiser", "admin"],
  /** Reports of live sessions (trainers: the ones they ran), plus everyone in seeReports. */
  seeSessionReports: ["trainer", "organiser", "admin"],
  /** Groups, invites, and who holds which role. */
  administer: ["admin"],
  /** Invite people (organisers: activists, into their own groups; admins: anyone, anywhere). */
  invite: ["organiser", "admin"],
  /** Log their own canvassing or phone-bank debriefs (issue 17). */
  logShifts: ["activist", "trainer", "organiser", "admin"],
  /** Plan shifts for their groups that activists log against (admins: any group). */
  planShifts: ["trainer", "organiser", "admin"],
  /** Import canvass results and read the impact report (organisers: their groups). */
  seeImpact: ["organiser", "admin"],
  /** Set up randomised evaluations and import election results. */
  runEvaluations: ["organiser", "admin"],
  /** Send nudges by email to people in a report's filtered view. */
  sendNudges: ["organiser", "admin"],
  /** Read the outbox of mail the instance queued or sent. */
  readOutbox: ["admin"],
  /** Schedule live sessions ahead and invite a group. */
  scheduleSessions: ["trainer", "admin"],
} as const satisfies Record<string, readonly UserRole[]>;

export type Ability = keyof typeof ROLES;

const holds = (ability: Ability) => (role: string) => (ROLES[ability] as readonly string[]).includes(role);

/**
 * How far a person's reports reach: every group and session, the groups they belong to,
 * only the live sessions they ran, or nothing.
 */
export type ReportReach = "everything" | "own groups" | "own sessions" | "nothing";

export const may = {
  runLive: holds("runLive"),
  previewDrafts: holds("previewDrafts"),
  seeReports: holds("seeReports"),
  seeSessionReports: holds("seeSessionReports"),
  administer: holds("administer"),
  invite: holds("invite"),
  logShifts: holds("logShifts"),
  planShifts: holds("planShifts"),
  seeImpact: holds("seeImpact"),
  runEvaluations: holds("runEvaluations"),
  sendNudges: holds("sendNudges"),
  readOutbox: holds("readOutbox"),
  scheduleSessions: holds("scheduleSessions"),
  /** The roles a person may hand out with an invite: an organiser onboards activists, not trainers or admins. */
  inviteRoles: (role: string): readonly UserRole[] => (role === "admin" ? ROLES.everyone : role === "organiser" ? ["activist"] : []),
  /** Admins present, steer and list every live session, not only their own. */
  runAnyLiveSession: (role: string) => role === "admin",
  /** Drive (present, step, end) this live session: its own trainer, or an admin. */
  driveSession: (actor: { id: string; role: string }, session: { trainerId: string }) =>
    may.runAnyLiveSession(actor.role) || (may.runLive(actor.role) && session.trainerId === actor.id),
  /** Email addresses in reports: trainers see who came by name only. */
  seeContactDetails: holds("seeReports"),
};

export function reportReach(role: string): ReportReach {
  if (role === "admin") return "everything";
  if (role === "organiser") return "own groups";
  if (role === "trainer") return "own sessions";
  return "nothing";
}
