// Over 400 lines until each activity kind has its own folder (issue 13), which will take its own live figures out of here.
import { sql, type SQL } from "drizzle-orm";
import { may, reportReach } from "../auth/policy";
import { getModule } from "../content/catalog.server";
import type { CompiledModule, PollActivity, QuizActivity, RolePlayActivity, ScenarioActivity } from "../content/manifest";
import { runsOf, type StoredScenarioRoom } from "../live/scenario.server";
import { RUBRIC_ITEMS } from "../live/rubric";
import { csvStream, type ExportResult } from "./export.server";
import { refuse } from "../lib/result";
import { rows, scopeOf, userInScope, type ReportScope, type Viewer } from "./scope.server";

// Reports of live sessions. Who sees which session (docs/reports.md, Live sessions):
//   trainer   the sessions they ran themselves;
//   organiser sessions run for one of their groups, or that someone in their groups joined;
//             people outside their groups are counted, never named;
//   admin     every session.
// A session outside that is answered exactly like one that does not exist (404).
// Every figure is one SQL aggregate; JavaScript only joins the counts to the module's
// content (option texts, the scenario graph).

export const SESSIONS_PAGE_SIZE = 50;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface SessionAccess {
  viewer: Viewer;
  scope: ReportScope;
  /** SQL over the alias `s` (live_sessions): this viewer may see the session. */
  visible: SQL;
  /** SQL over a user id expression: this viewer may see the person's name. */
  named: (userId: SQL) => SQL;
}

async function accessOf(viewer: Viewer): Promise<SessionAccess> {
  const scope = await scopeOf(viewer);
  const reach = reportReach(viewer.role);
  if (reach === "everything") return { viewer, scope, visible: sql`true`, named: () => sql`true` };
  if (reach === "own sessions") return { viewer, scope, visible: sql`s.trainer_id = ${viewer.id}`, named: () => sql`true` };
  if (reach !== "own groups" || scope.all || scope.groupIds.length === 0) return { viewer, scope, visible: sql`false`, named: () => sql`false` };
  const groupIds = sql.join(
    scope.groupIds.map((id) => sql`${id}::uuid`),
    sql`, `,
  );
  return {
    viewer,
    scope,
    visible: sql`(s.group_id in (${groupIds}) or exists (
      select 1 from live_participants vp join memberships vm on vm.user_id = vp.user_id
       where vp.session_id = s.id and vm.group_id in (${groupIds})))`,
    named: (userId) => userInScope(scope, userId),
  };
}

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);
const moduleTitle = (slug: string, stored: string | null) => stored ?? getModule(slug)?.frontmatter.title ?? slug;

// ---------------------------------------------------------------- the list

export interface SessionListRow {
  id: string;
  status: "open" | "ended";
  moduleSlug: string;
  moduleTitle: string;
  groupName: string | null;
  trainerName: string;
  startedAt: string;
  endedAt: string | null;
  participants: number;
  attended: number;
  completions: number;
}

export interface SessionList {
  sessions: SessionListRow[];
  total: number;
  page: number;
  pageCount: number;
}

export async function listSessionReports(viewer: Viewer, page = 1): Promise<SessionList> {
  const access = await accessOf(viewer);
  const [count] = await rows<{ n: number }>(sql`select count(*)::int as n from live_sessions s where ${access.visible}`);
  const total = Number(count?.n ?? 0);
  const pageCount = Math.max(1, Math.ceil(total / SESSIONS_PAGE_SIZE));
  const current = Math.min(Math.max(1, Math.trunc(page) || 1), pageCount);
  const found = await rows<{
    id: string;
    status: "open" | "ended";
    moduleSlug: string;
    moduleTitle: string | null;
    groupName: string | null;
    trainerName: string;
    startedAt: Date | string;
    endedAt: Date | string | null;
    participants: number;
    attended: number;
    completions: number;
  }>(sql`
    select s.id::text as id, s.status::text as status, s.module_slug as "moduleSlug", md.title as "moduleTitle",
           g.name as "groupName", t.name as "trainerName", s.created_at as "startedAt", s.ended_at as "endedAt",
           (select count(*)::int from live_participants p where p.session_id = s.id) as participants,
           (select count(*)::int from live_participants p where p.session_id = s.id and p.attended) as attended,
           (select count(*)::int from module_completions c where c.live_session_id = s.id) as completions
      from live_sessions s
      join users t on t.id = s.trainer_id
      left join groups g on g.id = s.group_id
      left join modules md on md.slug = s.module_slug
     where ${access.visible}
     order by s.created_at desc, s.id
     limit ${SESSIONS_PAGE_SIZE} offset ${(current - 1) * SESSIONS_PAGE_SIZE}`);
  return {
    sessions: found.map((r) => ({
      ...r,
      moduleTitle: moduleTitle(r.moduleSlug, r.moduleTitle),
      startedAt: iso(r.startedAt)!,
      endedAt: iso(r.endedAt),
      participants: Number(r.participants),
      attended: Number(r.attended),
      completions: Number(r.completions),
    })),
    total,
    page: current,
    pageCount,
  };
}

// ---------------------------------------------------------------- one session

export type SessionCompletion = "this-session" | "earlier" | null;

export interface SessionAttendee {
  userId: string;
  name: string;
  email: string;
  joinedAt: string;
  newcomer: boolean;
  /** The trainer's override, if any. */
  mark: "present" | "absent" | null;
  /** Decided when the session ended; null while it is open. */
  attended: boolean | null;
  /** Recorded by this session, already complete before it ended, or neither. */
  completion: SessionCompletion;
}

export interface SessionBar {
  label: string;
  count: number;
  note?: string;
}

export interface SessionPollFigure {
  kind: "poll";
  id: string;
  question: string;
  respondents: number;
  options: SessionBar[];
}

export interface SessionQuizFigure {
  kind: "quiz";
  id: string;
  respondents: number;
  questions: { id: string; prompt: string; right: number; options: SessionBar[] }[];
}

export interface SessionScenarioTurn {
  turn: number;
  /** The resident's line voted on; null for an earlier run whose path was not kept. */
  says: string | null;
  voters: number;
  choices: (SessionBar & { taken: boolean })[];
}

export interface SessionScenarioFigure {
  id: string;
  title: string;
  runs: { run: number; turns: SessionScenarioTurn[]; ending: { title: string; outcome: string } | null }[];
}

export interface SessionRubricFigure {
  id: string;
  title: string;
  checklists: number;
  items: SessionBar[];
  /** One row per canvasser observed per round (names the viewer may see only). */
  observed: { round: number; canvasserName: string; observerName: string; items: string[] }[];
}

export interface SessionReport {
  session: {
    id: string;
    code: string;
    status: "open" | "ended";
    moduleSlug: string;
    moduleTitle: string;
    groupName: string | null;
    trainerName: string;
    startedAt: string;
    endedAt: string | null;
  };
  counts: { participants: number; attended: number; newcomers: number; completions: number; hidden: number };
  /** Organisers and admins see participants' email addresses; trainers see names, as in the room. */
  showEmail: boolean;
  attendees: SessionAttendee[];
  polls: SessionPollFigure[];
  quizzes: SessionQuizFigure[];
  scenarios: SessionScenarioFigure[];
  rubrics: SessionRubricFigure[];
  /** Sessions scheduled ahead (ADR 034): who said they were coming against who attended. Counts only. */
  signUps: SessionSignUps | null;
}

export interface SessionSignUps {
  scheduledId: string;
  saidYes: number;
  saidNo: number;
  yesAndCame: number;
  yesNotCame: number;
  cameWithoutYes: number;
}

interface SessionRow {
  id: string;
  code: string;
  status: "open" | "ended";
  moduleSlug: string;
  moduleTitle: string | null;
  groupName: string | null;
  trainerName: string;
  startedAt: Date | string;
  endedAt: Date | string | null;
  scenarios: Record<string, StoredScenarioRoom>;
}

async function findSession(access: SessionAccess, sessionId: string): Promise<SessionRow | undefined> {
  if (!UUID.test(sessionId)) return undefined;
  const [row] = await rows<SessionRow>(sql`
    select s.id::text as id, s.code, s.status::text as status, s.module_slug as "moduleSlug", md.title as "moduleTitle",
           g.name as "groupName", t.name as "trainerName", s.created_at as "startedAt", s.ended_at as "endedAt", s.scenarios
      from live_sessions s
      join users t on t.id = s.trainer_id
      left join groups g on g.id = s.group_id
      left join modules md on md.slug = s.module_slug
     where s.id = ${sessionId}::uuid and ${access.visible}`);
  if (!row) return undefined;
  return { ...row, scenarios: typeof row.scenarios === "string" ? JSON.parse(row.scenarios) : (row.scenarios ?? {}) };
}

async function attendeeRows(access: SessionAccess, sessionId: string) {
  return rows<{
    userId: string;
    name: string;
    email: string;
    joinedAt: Date | string;
    newcomer: boolean;
    mark: string | null;
    attended: boolean | null;
    completion: SessionCompletion;
    named: boolean;
  }>(sql`
    select p.user_id as "userId", u.name, u.email, p.joined_at as "joinedAt", p.newcomer, p.mark, p.attended,
           case when c.live_session_id = s.id then 'this-session'
                when c.user_id is not null and c.completed_at <= coalesce(s.ended_at, now()) then 'earlier'
           end as completion,
           ${access.named(sql`p.user_id`)} as named
      from live_participants p
      join live_sessions s on s.id = p.session_id
      join users u on u.id = p.user_id
      left join module_completions c on c.user_id = p.user_id and c.module_slug = s.module_slug
     where p.session_id = ${sessionId}::uuid
     order by u.name, u.email`);
}

/**
 * One session's report, or undefined when the id is unknown *or* the viewer may not see
 * it: the same 404 either way, so guessing ids reveals nothing.
 */
export async function sessionReport(viewer: Viewer, sessionId: string): Promise<SessionReport | undefined> {
  const access = await accessOf(viewer);
  const session = await findSession(access, sessionId);
  if (!session) return undefined;
  const id = session.id;
  const [people, respondents, polls, quizzes, votes, ticks, checklists, observed, signUps] = await Promise.all([
    attendeeRows(access, id),
    rows<{ activityId: string; n: number }>(sql`
      select activity_id as "activityId", count(*)::int as n from live_responses
       where session_id = ${id}::uuid and slot = '' group by activity_id`),
    rows<{ activityId: string; optionId: string; n: number }>(sql`
      select activity_id as "activityId", answer ->> 'optionId' as "optionId", count(*)::int as n from live_responses
       where session_id = ${id}::uuid and slot = '' and answer ->> 'kind' = 'poll'
       group by activity_id, answer ->> 'optionId'`),
    // Per question, how many people picked each combination of options (sorted): from it
    // come both the count per option and the count of exactly right answers.
    rows<{ activityId: string; questionId: string; picked: string; n: number }>(sql`
      select r.activity_id as "activityId", q.key as "questionId",
             coalesce((select string_agg(o, ',' order by o) from jsonb_array_elements_text(q.value) o), '') as picked,
             count(*)::int as n
        from live_responses r cross join lateral jsonb_each(r.answer -> 'answers') q
       where r.session_id = ${id}::uuid and r.slot = '' and r.answer ->> 'kind' = 'quiz'
       group by 1, 2, 3`),
    rows<{ activityId: string; slot: string; choice: number; n: number }>(sql`
      select activity_id as "activityId", slot, (answer ->> 'choice')::int as choice, count(*)::int as n from live_responses
       where session_id = ${id}::uuid and slot <> '' and answer ->> 'kind' = 'vote'
       group by 1, 2, 3`),
    rows<{ activityId: string; item: string; n: number }>(sql`
      select t.activity_id as "activityId", i.item, count(*)::int as n
        from live_rubric_ticks t cross join lateral jsonb_array_elements_text(t.items) as i(item)
       where t.session_id = ${id}::uuid group by 1, 2`),
    rows<{ activityId: string; n: number }>(sql`
      select activity_id as "activityId", count(*)::int as n from live_rubric_ticks where session_id = ${id}::uuid group by 1`),
    rows<{ activityId: string; round: number; canvasserName: string; observerName: string; items: string[] | string }>(sql`
      select t.activity_id as "activityId", t.round, c.name as "canvasserName", o.name as "observerName", t.items
        from live_rubric_ticks t join users c on c.id = t.canvasser_id join users o on o.id = t.observer_id
       where t.session_id = ${id}::uuid and ${access.named(sql`t.canvasser_id`)} and ${access.named(sql`t.observer_id`)}
       order by t.activity_id, t.round, c.name`),
    // "Came" is the attendance decided at the end; before that nobody has attended yet.
    rows<SessionSignUps>(sql`
      select sc.id::text as "scheduledId",
             (select count(*)::int from session_rsvps r where r.scheduled_session_id = sc.id and r.coming) as "saidYes",
             (select count(*)::int from session_rsvps r where r.scheduled_session_id = sc.id and not r.coming) as "saidNo",
             (select count(*)::int from session_rsvps r join live_participants p on p.session_id = sc.live_session_id and p.user_id = r.user_id and p.attended
               where r.scheduled_session_id = sc.id and r.coming) as "yesAndCame",
             (select count(*)::int from session_rsvps r
               where r.scheduled_session_id = sc.id and r.coming
                 and not exists (select 1 from live_participants p where p.session_id = sc.live_session_id and p.user_id = r.user_id and p.attended)) as "yesNotCame",
             (select count(*)::int from live_participants p
               where p.session_id = sc.live_session_id and p.attended
                 and not exists (select 1 from session_rsvps r where r.scheduled_session_id = sc.id and r.user_id = p.user_id and r.coming)) as "cameWithoutYes"
        from scheduled_sessions sc where sc.live_session_id = ${id}::uuid`),
  ]);

  const module = getModule(session.moduleSlug);
  const named = people.filter((p) => p.named);
  const respondentsOf = new Map(respondents.map((r) => [r.activityId, Number(r.n)]));
  return {
    session: {
      id,
      code: session.code,
      status: session.status,
      moduleSlug: session.moduleSlug,
      moduleTitle: moduleTitle(session.moduleSlug, session.moduleTitle),
      groupName: session.groupName,
      trainerName: session.trainerName,
      startedAt: iso(session.startedAt)!,
      endedAt: iso(session.endedAt),
    },
    counts: {
      participants: people.length,
      attended: people.filter((p) => p.attended).length,
      newcomers: people.filter((p) => p.newcomer).length,
      completions: people.filter((p) => p.completion === "this-session").length,
      hidden: people.length - named.length,
    },
    showEmail: may.seeContactDetails(viewer.role),
    attendees: named.map((p) => ({
      userId: p.userId,
      name: p.name,
      email: may.seeContactDetails(viewer.role) ? p.email : "",
      joinedAt: iso(p.joinedAt)!,
      newcomer: Boolean(p.newcomer),
      mark: p.mark === "present" || p.mark === "absent" ? p.mark : null,
      attended: p.attended,
      completion: p.completion,
    })),
    polls: module ? pollFigures(module, polls, respondentsOf) : [],
    quizzes: module ? quizFigures(module, quizzes, respondentsOf) : [],
    scenarios: module ? scenarioFigures(module, session.scenarios, votes) : [],
    rubrics: module ? rubricFigures(module, ticks, checklists, observed) : [],
    signUps: signUps[0]
      ? {
          scheduledId: signUps[0].scheduledId,
          saidYes: Number(signUps[0].saidYes),
          saidNo: Number(signUps[0].saidNo),
          yesAndCame: Number(signUps[0].yesAndCame),
          yesNotCame: Number(signUps[0].yesNotCame),
          cameWithoutYes: Number(signUps[0].cameWithoutYes),
        }
      : null,
  };
}

function activitiesOf<K extends "poll" | "quiz" | "scenario" | "roleplay">(module: CompiledModule, kind: K) {
  // In the order the room met them: step by step.
  return module.manifest.steps
    .flatMap((step) => step.activityIds.map((id) => module.manifest.activities[id]))
    .filter((a): a is Extract<CompiledModule["manifest"]["activities"][string], { kind: K }> => a?.kind === kind);
}

function pollFigures(module: CompiledModule, counts: { activityId: string; optionId: string; n: number }[], respondents: Map<string, number>): SessionPollFigure[] {
  return activitiesOf(module, "poll")
    .filter((poll: PollActivity) => respondents.has(poll.id))
    .map((poll) => ({
      kind: "poll",
      id: poll.id,
      question: poll.question,
      respondents: respondents.get(poll.id) ?? 0,
      options: poll.options.map((o) => ({ label: o.text, count: Number(counts.find((c) => c.activityId === poll.id && c.optionId === o.id)?.n ?? 0) })),
    }));
}

function quizFigures(
  module: CompiledModule,
  combos: { activityId: string; questionId: string; picked: string; n: number }[],
  respondents: Map<string, number>,
): SessionQuizFigure[] {
  return activitiesOf(module, "quiz")
    .filter((quiz: QuizActivity) => respondents.has(quiz.id))
    .map((quiz) => ({
      kind: "quiz",
      id: quiz.id,
      respondents: respondents.get(quiz.id) ?? 0,
      questions: quiz.questions.map((q) => {
        const mine = combos.filter((c) => c.activityId === quiz.id && c.questionId === q.id);
        const rightKey = q.options
          .filter((o) => o.correct)
          .map((o) => o.id)
          .sort()
          .join(",");
        return {
          id: q.id,
          prompt: q.prompt,
          right: mine.filter((c) => c.picked === rightKey).reduce((n, c) => n + Number(c.n), 0),
          options: q.options.map((o) => ({
            label: o.text,
            count: mine.filter((c) => c.picked.split(",").includes(o.id)).reduce((n, c) => n + Number(c.n), 0),
            note: o.correct ? "right answer" : undefined,
          })),
        };
      }),
    }));
}

function scenarioFigures(
  module: CompiledModule,
  rooms: Record<string, StoredScenarioRoom>,
  votes: { activityId: string; slot: string; choice: number; n: number }[],
): SessionScenarioFigure[] {
  return activitiesOf(module, "scenario")
    .map((scenario: ScenarioActivity) => {
      const tallies = new Map<string, Map<number, number>>(); // slot → choice → votes
      for (const v of votes.filter((x) => x.activityId === scenario.id)) {
        let bySlot = tallies.get(v.slot);
        if (!bySlot) tallies.set(v.slot, (bySlot = new Map()));
        bySlot.set(Number(v.choice), Number(v.n));
      }
      const room = rooms[scenario.id];
      const known = room ? runsOf(room) : [];
      // Runs with votes but no kept path (played before paths of earlier runs were kept).
      const runNumbers = new Set([...known.map((r) => r.run), ...[...tallies.keys()].map((slot) => Number(/^r(\d+)t/.exec(slot)?.[1] ?? 0))]);
      const runs = [...runNumbers]
        .filter((n) => n > 0)
        .sort((a, b) => a - b)
        .map((run) => {
          const kept = known.find((r) => r.run === run);
          const turnCount = Math.max(kept?.path.length ?? 0, ...[...tallies.keys()].filter((slot) => slot.startsWith(`r${run}t`)).map((slot) => Number(slot.slice(`r${run}t`.length)) + 1));
          const turns: SessionScenarioTurn[] = [];
          for (let turn = 0; turn < turnCount; turn++) {
            const step = kept?.path[turn];
            // The node voted on: the kept path's, the room's current node for the turn it
            // stopped on, or the start for a first turn.
            const nodeId = step?.node ?? (kept && turn === kept.path.length && room?.run === run ? room.currentNode : turn === 0 ? scenario.start : null);
            const node = nodeId ? scenario.nodes[nodeId] : undefined;
            const tally = tallies.get(`r${run}t${turn}`) ?? new Map<number, number>();
            const choices =
              node?.kind === "resident"
                ? node.choices.map((c) => ({ label: c.text, count: tally.get(c.index) ?? 0, taken: step?.choice === c.index }))
                : [...tally.entries()].sort(([a], [b]) => a - b).map(([choice, count]) => ({ label: `Reply ${choice + 1}`, count, taken: step?.choice === choice }));
            turns.push({
              turn,
              says: node?.kind === "resident" ? node.says : null,
              voters: [...tally.values()].reduce((a, b) => a + b, 0),
              choices,
            });
          }
          const endingNode = kept?.endingId ? scenario.nodes[kept.endingId] : undefined;
          return { run, turns, ending: endingNode?.kind === "ending" ? { title: endingNode.title, outcome: endingNode.outcome } : null };
        })
        .filter((r) => r.turns.length > 0);
      return { id: scenario.id, title: scenario.title, runs };
    })
    .filter((s) => s.runs.length > 0);
}

function rubricFigures(
  module: CompiledModule,
  ticks: { activityId: string; item: string; n: number }[],
  checklists: { activityId: string; n: number }[],
  observed: { activityId: string; round: number; canvasserName: string; observerName: string; items: string[] | string }[],
): SessionRubricFigure[] {
  return activitiesOf(module, "roleplay")
    .map((roleplay: RolePlayActivity) => ({
      id: roleplay.id,
      title: roleplay.title,
      checklists: Number(checklists.find((c) => c.activityId === roleplay.id)?.n ?? 0),
      items: RUBRIC_ITEMS.map((item) => ({ label: item.label, count: Number(ticks.find((t) => t.activityId === roleplay.id && t.item === item.id)?.n ?? 0) })),
      observed: observed
        .filter((o) => o.activityId === roleplay.id)
        .map((o) => {
          const items: string[] = typeof o.items === "string" ? JSON.parse(o.items) : o.items;
          return {
            round: Number(o.round),
            canvasserName: o.canvasserName,
            observerName: o.observerName,
            items: RUBRIC_ITEMS.filter((i) => items.includes(i.id)).map((i) => i.label),
          };
        }),
    }))
    .filter((r) => r.checklists > 0);
}

// ---------------------------------------------------------------- CSV

const ATTENDED_TEXT = (attended: boolean | null) => (attended === null ? "not decided yet (session open)" : attended ? "attended" : "did not attend");
const COMPLETION_TEXT: Record<string, string> = { "this-session": "recorded by this session", earlier: "already complete" };

/** The attendance table as CSV (the session's report page links to it). */
export async function exportSessionAttendance(viewer: Viewer, sessionId: string): Promise<ExportResult> {
  const access = await accessOf(viewer);
  const session = await findSession(access, sessionId);
  if (!session) return refuse(404, "There is no live session with that id among the sessions you can see.");
  const showEmail = may.seeContactDetails(viewer.role);
  const day = iso(session.startedAt)!.slice(0, 10);
  const title = moduleTitle(session.moduleSlug, session.moduleTitle);
  const lines = async function* () {
    const people = (await attendeeRows(access, session.id)).filter((p) => p.named);
    yield people.map((a) => [
      title,
      day,
      session.groupName,
      a.name,
      ...(showEmail ? [a.email] : []),
      iso(a.joinedAt),
      Boolean(a.newcomer),
      a.mark,
      ATTENDED_TEXT(a.attended),
      a.completion ? COMPLETION_TEXT[a.completion] : null,
    ]);
  };
  return {
    ok: true,
    value: {
      filename: `doorstep-session-${day}-${session.code}-attendance.csv`,
      stream: csvStream(["Module", "Session date", "Group", "Name", ...(showEmail ? ["Email"] : []), "Joined at (UTC)", "Newcomer", "Trainer's mark", "Attendance", "Module completion"], lines()),
    },
  };
}
