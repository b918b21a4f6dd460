import { and, asc, desc, eq, gt, isNull, max, not, sql } from "drizzle-orm";
import { db } from "../../db/client.server";
import { groups, invites, memberships, stepViews, users, type UserRole } from "../../db/schema";
import { may } from "../auth/policy";
import { listModules } from "../content/catalog.server";
import { ownVersions } from "../content/variants.server";
import type { CompiledModule } from "../content/manifest";
import { groupsOfUser } from "../groups/groups.server";
import { listTrainerSessions, type TrainerSessionRow } from "../live/lifecycle.server";
import { openSessionsOfGroups, type GroupLiveSession } from "../live/joining.server";
import { SESSION_LIFETIME_HOURS } from "../live/state";
import { catalogueStatus, moduleProgress, type CatalogueStatus, type ModuleProgress } from "../progress/read.server";
import { DEFAULT_THRESHOLD } from "../reports/filters";
import { reportOverview } from "../reports/overview.server";

// The signed-in home page: where each role starts. Composed from the domains' own reads
// (catalogue status and module progress, a trainer's sessions, the report overview, the
// groups and invites); only the admin's setup gaps and the learner's most recent module
// are read here, because nothing else asks those questions.
//
// Everyone learns, so everyone gets the learner's part; a role's own part comes first.

export interface HomeUser {
  id: string;
  role: UserRole;
}

export interface ModuleSuggestion {
  slug: string;
  title: string;
  summary: string;
  minutes: number;
  /** The step a "Start" link opens. */
  firstStepId: string;
}

/** What the learner should do now: exactly one of these. */
export type NextStep =
  | { kind: "continue"; slug: string; title: string; stepId: string; stepTitle: string; stepNumber: number; stepCount: number; percent: number }
  | { kind: "start"; firstEver: boolean; module: ModuleSuggestion }
  | { kind: "all-done" }
  | { kind: "no-modules" };

export interface LearnerHome {
  nextStep: NextStep;
  /** The module after the one `nextStep` points at, not yet begun. */
  upNext: ModuleSuggestion | null;
  /** Other modules begun and not finished, besides the one to continue. */
  alsoInProgress: { slug: string; title: string; percent: number }[];
  completed: { slug: string; title: string; completedAt: Date; how: "self" | "live" }[];
  /** Published modules: what "completed n of m" counts. */
  moduleCount: number;
  liveNow: GroupLiveSession[];
}

export interface TrainerHome {
  running: TrainerSessionRow[];
  recent: TrainerSessionRow[];
}

export interface OrganiserHome {
  /** Admins: every group; organisers: the groups they are in. */
  reach: "everything" | "own groups";
  groupCount: number;
  /** The people every figure counts: activists in those groups. */
  activists: number;
  trained: number;
  moduleCount: number;
  completionsThisWeek: number;
  targetSeats: number;
  lagging: { id: string; name: string; rate: number | null }[];
  /** More target seats lag than are listed. */
  moreLagging: boolean;
  threshold: number;
}

export interface SetupGaps {
  ungrouped: { count: number; sample: { id: string; name: string }[] };
  withoutOrganiser: { count: number; sample: { id: string; name: string }[] };
  pendingInvites: number;
}

export type HomeSection = "admin" | "organiser" | "trainer";

export interface HomeView {
  groups: { id: string; name: string }[];
  /** The role's own parts, in the order shown, before the learner's. */
  sections: HomeSection[];
  learner: LearnerHome;
  trainer: TrainerHome | null;
  organiser: OrganiserHome | null;
  admin: SetupGaps | null;
}

const SAMPLE = 5;

export async function homeView(user: HomeUser): Promise<HomeView> {
  const sections: HomeSection[] = [];
  if (may.administer(user.role)) sections.push("admin");
  if (may.seeReports(user.role)) sections.push("organiser");
  // Admins may run live too, but their home is about the whole instance; /live is one
  // click away in the navigation.
  if (may.runLive(user.role) && !may.administer(user.role)) sections.push("trainer");
  const [groupRows, learner, trainer, organiser, admin] = await Promise.all([
    groupsOfUser(user.id),
    learnerHome(user),
    sections.includes("trainer") ? trainerHome(user) : null,
    sections.includes("organiser") ? organiserHome(user) : null,
    sections.includes("admin") ? setupGaps() : null,
  ]);
  return { groups: groupRows.map((g) => ({ id: g.id, name: g.name })), sections, learner, trainer, organiser, admin };
}

// ---------------------------------------------------------------- the learner

const suggestion = (m: CompiledModule): ModuleSuggestion => ({
  slug: m.slug,
  title: m.frontmatter.title,
  summary: m.frontmatter.summary,
  minutes: m.frontmatter.minutes,
  firstStepId: m.manifest.steps[0]!.id,
});

/** When the learner last opened a step of each module they have begun. */
async function lastViewed(userId: string): Promise<Map<string, number>> {
  const rows = await db()
    .select({ slug: stepViews.moduleSlug, at: max(stepViews.firstSeenAt) })
    .from(stepViews)
    .where(eq(stepViews.userId, userId))
    .groupBy(stepViews.moduleSlug);
  return new Map(rows.map((r) => [r.slug, r.at ? new Date(r.at).getTime() : 0]));
}

/**
 * Where to pick a module up: the first step not yet seen (as the module page's Resume);
 * with every step seen, the first whose quiz is not passed or scenario not ended.
 */
export function resumeStep(module: CompiledModule, progress: Pick<ModuleProgress, "seenStepIds" | "quizzes" | "scenarios">): number {
  const steps = module.manifest.steps;
  const unseen = steps.findIndex((s) => !progress.seenStepIds.includes(s.id));
  if (unseen >= 0) return unseen;
  const unfinished = steps.findIndex((s) =>
    s.activityIds.some((id) => {
      const kind = module.manifest.activities[id]?.kind;
      if (kind === "quiz") return !progress.quizzes[id]?.passed;
      if (kind === "scenario") return !progress.scenarios[id]?.endingsReached.length;
      return false;
    }),
  );
  return Math.max(0, unfinished);
}

async function learnerHome(user: HomeUser): Promise<LearnerHome> {
  // Each module in the version this person is served (ADR 039): a learner drawn into a
  // variant continues, starts and completes the variant, so that is what the page offers.
  const catalogue = await ownVersions(user.id, listModules({ includeDrafts: may.previewDrafts(user.role) }));
  const modules = catalogue.filter((m) => m.manifest.steps.length > 0);
  const [status, viewed, liveNow] = await Promise.all([catalogueStatus(user.id, modules), lastViewed(user.id), openSessionsOfGroups(user.id)]);
  const statusOf = (m: CompiledModule): CatalogueStatus["status"] => status[m.slug]?.status ?? "not-started";
  const inProgress = modules.filter((m) => statusOf(m) === "in-progress");
  // Drafts (which trainers and admins may open) are for trying out, not a learner's path:
  // never suggested, and not counted in "completed n of m".
  const published = modules.filter((m) => !m.frontmatter.draft);
  const notStarted = published.filter((m) => statusOf(m) === "not-started");
  const completed = published
    .filter((m) => statusOf(m) === "complete")
    .map((m) => ({ slug: m.slug, title: m.frontmatter.title, completedAt: status[m.slug]!.completedAt!, how: status[m.slug]!.how! }));

  // The module touched most recently; ties (never happens in practice) in catalogue order.
  const current = [...inProgress].sort((a, b) => (viewed.get(b.slug) ?? 0) - (viewed.get(a.slug) ?? 0))[0];
  let nextStep: NextStep;
  let upNext: ModuleSuggestion | null;
  if (current) {
    const progress = await moduleProgress(user.id, current);
    const index = resumeStep(current, progress);
    const step = current.manifest.steps[index]!;
    nextStep = {
      kind: "continue",
      slug: current.slug,
      title: current.frontmatter.title,
      stepId: step.id,
      stepTitle: step.title,
      stepNumber: index + 1,
      stepCount: current.manifest.steps.length,
      percent: progress.percent,
    };
    upNext = notStarted[0] ? suggestion(notStarted[0]) : null;
  } else if (notStarted[0]) {
    nextStep = { kind: "start", firstEver: completed.length === 0, module: suggestion(notStarted[0]) };
    upNext = notStarted[1] ? suggestion(notStarted[1]) : null;
  } else {
    nextStep = published.length ? { kind: "all-done" } : { kind: "no-modules" };
    upNext = null;
  }
  return {
    nextStep,
    upNext,
    alsoInProgress: inProgress.filter((m) => m !== current).map((m) => ({ slug: m.slug, title: m.frontmatter.title, percent: status[m.slug]!.percent })),
    completed,
    moduleCount: published.length,
    liveNow,
  };
}

// ---------------------------------------------------------------- the trainer

async function trainerHome(user: HomeUser): Promise<TrainerHome> {
  const sessions = await listTrainerSessions(user, 20);
  const validSince = Date.now() - SESSION_LIFETIME_HOURS * 3600_000;
  return {
    running: sessions.filter((s) => s.status === "open" && s.createdAt.getTime() > validSince),
    recent: sessions.filter((s) => s.status === "ended").slice(0, 3),
  };
}

// ---------------------------------------------------------------- the organiser (and admin)

/**
 * The reports' own overview, narrowed to target seats so its group table lists the seats
 * behind the threshold first: the headline is the same figures as /reports, never a
 * second count that could disagree with it.
 */
async function organiserHome(user: HomeUser): Promise<OrganiserHome> {
  const overview = await reportOverview(user, { threshold: DEFAULT_THRESHOLD, target: "1", gpage: 1, kind: undefined });
  const lagging = overview.groups.rows.filter((g) => g.behind);
  const thisWeek = overview.weeks[overview.weeks.length - 1];
  return {
    reach: may.administer(user.role) ? "everything" : "own groups",
    groupCount: overview.groupCount,
    activists: overview.activists,
    trained: overview.trained,
    moduleCount: overview.moduleCount,
    completionsThisWeek: thisWeek ? thisWeek.self + thisWeek.live : 0,
    targetSeats: overview.groups.total,
    lagging: lagging.slice(0, SAMPLE).map((g) => ({ id: g.id, name: g.name, rate: g.rate })),
    moreLagging: lagging.length > SAMPLE || (lagging.length === overview.groups.rows.length && overview.groups.total > lagging.length),
    threshold: overview.threshold,
  };
}

// ---------------------------------------------------------------- the admin

const hasNoGroup = sql`not exists (select 1 from ${memberships} m where m.user_id = ${users.id})`;
// Archived groups (docs/decisions/017) need no organiser, and their invites no longer work.
const hasNoOrganiser = sql`${groups.archivedAt} is null and not exists (
  select 1 from ${memberships} m join ${users} o on o.id = m.user_id where m.group_id = ${groups.id} and o.role = 'organiser')`;
const inArchivedGroup = sql`exists (select 1 from ${groups} g where g.id = ${invites.groupId} and g.archived_at is not null)`;

/**
 * What an admin still has to set up: people in no group (admins see everything without
 * one, so they are not counted), groups no organiser reports on, and invite links not yet
 * used and not expired.
 */
export async function setupGaps(): Promise<SetupGaps> {
  const database = db();
  const ungroupedWhere = and(sql`${users.role} <> 'admin'`, hasNoGroup);
  const [[counts], ungrouped, withoutOrganiser] = await Promise.all([
    database
      .select({
        ungrouped: sql<number>`(select count(*)::int from ${users} where ${ungroupedWhere})`,
        withoutOrganiser: sql<number>`(select count(*)::int from ${groups} where ${hasNoOrganiser})`,
        pendingInvites: sql<number>`(select count(*)::int from ${invites} where ${and(isNull(invites.usedAt), gt(invites.expiresAt, sql`now()`), not(inArchivedGroup))})`,
      })
      .from(sql`(select 1) as one`),
    database.select({ id: users.id, name: users.name }).from(users).where(ungroupedWhere).orderBy(desc(users.createdAt), asc(users.id)).limit(SAMPLE),
    database.select({ id: groups.id, name: groups.name }).from(groups).where(hasNoOrganiser).orderBy(asc(groups.name)).limit(SAMPLE),
  ]);
  return {
    ungrouped: { count: Number(counts?.ungrouped ?? 0), sample: ungrouped },
    withoutOrganiser: { count: Number(counts?.withoutOrganiser ?? 0), sample: withoutOrganiser },
    pendingInvites: Number(counts?.pendingInvites ?? 0),
  };
}
