import { sql } from "drizzle-orm";
import { day, groupInScope, rows, scopeOf, userInScope, type ScopeGroup, type Viewer } from "./scope.server";
import { publishedCatalogModule } from "./module-report.server";
import type { CellStatus } from "./matrix.server";
import { quizLabel } from "./labels";

// One person's training record as their organiser sees it. Reflections are private to the
// learner and never read here.

export interface ActivistModule {
  slug: string;
  title: string;
  status: CellStatus;
  date: string | null;
  /** Steps seen of the version they worked in (below), and that version's step count. */
  stepsSeen: number;
  stepCount: number;
  /** The variant they worked in, drawn into version B of an A/B evaluation (ADR 046); null: the module itself. */
  version: { slug: string; title: string } | null;
  /** Completed in a live session: which one (its steps were seen live, not as step views). */
  liveSession: { id: string; date: string; trainerName: string; groupName: string | null } | null;
}

export interface ActivistRecord {
  person: { id: string; name: string; email: string; role: string; joined: string };
  groups: ScopeGroup[];
  modules: ActivistModule[];
  quizzes: { moduleSlug: string; moduleTitle: string; quizId: string; quizLabel: string; bestScore: number; attempts: number; passed: boolean; lastAttempt: string }[];
  endings: { moduleSlug: string; moduleTitle: string; scenarioId: string; scenarioTitle: string; endingId: string; endingTitle: string; outcome: string; times: number; lastReached: string }[];
  /**
   * Live sessions this person attended, as recorded on their completions. When the live
   * feature's tables are in place this is the place to join them for the session's date,
   * trainer and group.
   */
  liveSessions: { moduleSlug: string; moduleTitle: string; date: string; sessionId: string | null }[];
}

/**
 * The record, or undefined when the id is unknown *or* belongs to someone outside the
 * viewer's groups: the two must look the same (a 404), so guessing ids reveals nothing.
 */
export async function activistRecord(viewer: Viewer, userId: string): Promise<ActivistRecord | undefined> {
  if (userId.length > 100) return undefined;
  const scope = await scopeOf(viewer);
  const [person] = await rows<ActivistRecord["person"]>(sql`
    select u.id, u.name, u.email, u.role::text as role, ${day(sql`u.created_at`)} as joined
    from users u where u.id = ${userId} and ${userInScope(scope, sql`u.id`)}`);
  if (!person) return undefined;

  const [groups, modules, quizzes, endings, live] = await Promise.all([
    rows<ScopeGroup>(sql`
      select g.id, g.name, g.kind::text as kind, g.is_target_seat as "isTargetSeat"
      from memberships m join groups g on g.id = m.group_id
      where m.user_id = ${userId} and ${groupInScope(scope, sql`g.id`)}
      order by g.name`),
    rows<{
      slug: string; title: string; how: CellStatus | null; completedOn: string | null; startedOn: string | null; stepsSeen: number; stepCount: number;
      versionSlug: string | null; versionTitle: string | null; sessionId: string | null; sessionDate: string | null; trainerName: string | null; groupName: string | null;
    }>(sql`
      select md.slug, md.title, coalesce(v.step_count, md.step_count) as "stepCount",
             case when v.module_slug <> md.slug then v.module_slug end as "versionSlug", case when v.module_slug <> md.slug then v.title end as "versionTitle",
             c.how::text as how, ${day(sql`c.completed_at`)} as "completedOn",
             ${day(sql`v.started_at`)} as "startedOn", coalesce(v.seen, 0)::int as "stepsSeen",
             ls.id::text as "sessionId", ${day(sql`ls.created_at`)} as "sessionDate", tu.name as "trainerName", lg.name as "groupName"
      from modules md
      left join module_completions c on c.user_id = ${userId} and c.module_slug = md.slug
      left join live_sessions ls on ls.id = c.live_session_id
      left join users tu on tu.id = ls.trainer_id
      left join groups lg on lg.id = ls.group_id
      -- The steps of the version they worked in last: the module or one of its variants (a
      -- learner drawn into version B works in the variant). Started: the first view of either.
      left join lateral (
        select sv.module_slug, vm.title, vm.step_count, count(*) as seen, min(min(sv.first_seen_at)) over () as started_at
        from step_views sv join modules vm on vm.slug = sv.module_slug
        where sv.user_id = ${userId} and (sv.module_slug = md.slug or vm.variant_of = md.slug)
        group by sv.module_slug, vm.title, vm.step_count
        order by max(sv.first_seen_at) desc, sv.module_slug limit 1
      ) v on true
      where not md.draft
      order by md.position, md.title`),
    rows<{ moduleSlug: string; quizId: string; bestScore: number; attempts: number; passed: boolean; lastAttempt: string }>(sql`
      select qa.module_slug as "moduleSlug", qa.quiz_id as "quizId", max(qa.score)::int as "bestScore",
             count(*)::int as attempts, bool_or(qa.passed) as passed, ${day(sql`max(qa.created_at)`)} as "lastAttempt"
      from quiz_attempts qa join modules md on md.slug = qa.module_slug and not md.draft
      where qa.user_id = ${userId}
      group by md.position, qa.module_slug, qa.quiz_id
      order by md.position, qa.module_slug, qa.quiz_id`),
    rows<{ moduleSlug: string; scenarioId: string; endingId: string; outcome: string; times: number; lastReached: string }>(sql`
      select sr.module_slug as "moduleSlug", sr.scenario_id as "scenarioId", sr.ending_id as "endingId", sr.outcome,
             count(*)::int as times, ${day(sql`max(sr.ended_at)`)} as "lastReached"
      from scenario_runs sr join modules md on md.slug = sr.module_slug and not md.draft
      where sr.user_id = ${userId} and sr.ended_at is not null
      group by md.position, sr.module_slug, sr.scenario_id, sr.ending_id, sr.outcome
      order by md.position, sr.module_slug, sr.scenario_id, sr.ending_id`),
    rows<{ moduleSlug: string; date: string; sessionId: string | null }>(sql`
      select c.module_slug as "moduleSlug", ${day(sql`c.completed_at`)} as date, c.live_session_id::text as "sessionId"
      from module_completions c join modules md on md.slug = c.module_slug and not md.draft
      where c.user_id = ${userId} and c.how = 'live'
      order by c.completed_at desc`),
  ]);

  const titles = new Map(modules.map((m) => [m.slug, m.title]));
  const titleOf = (slug: string) => titles.get(slug) ?? publishedCatalogModule(slug)?.frontmatter.title ?? slug;
  return {
    person,
    groups,
    modules: modules.map((m) => ({
      slug: m.slug,
      title: m.title,
      status: m.how ?? (Number(m.stepsSeen) > 0 ? "in-progress" : "not-started"),
      date: m.completedOn ?? m.startedOn,
      stepsSeen: Math.min(Number(m.stepsSeen), Number(m.stepCount)),
      stepCount: Number(m.stepCount),
      version: m.versionSlug ? { slug: m.versionSlug, title: m.versionTitle ?? m.versionSlug } : null,
      liveSession: m.sessionId ? { id: m.sessionId, date: m.sessionDate!, trainerName: m.trainerName ?? "?", groupName: m.groupName } : null,
    })),
    quizzes: quizzes.map((q) => ({ ...q, moduleTitle: titleOf(q.moduleSlug), quizLabel: quizLabel(publishedCatalogModule(q.moduleSlug)?.manifest, q.quizId), bestScore: Number(q.bestScore), attempts: Number(q.attempts), passed: Boolean(q.passed) })),
    endings: endings.map((e) => {
      const scenario = publishedCatalogModule(e.moduleSlug)?.manifest.activities[e.scenarioId];
      const node = scenario?.kind === "scenario" ? scenario.nodes[e.endingId] : undefined;
      return {
        ...e,
        times: Number(e.times),
        moduleTitle: titleOf(e.moduleSlug),
        scenarioTitle: scenario?.kind === "scenario" ? scenario.title : e.scenarioId,
        endingTitle: node?.kind === "ending" ? node.title : e.endingId,
      };
    }),
    liveSessions: live.map((l) => ({ ...l, moduleTitle: titleOf(l.moduleSlug) })),
  };
}
