// Scenario figures of one module: how its scenarios end, and at each point which replies
// people choose, self-paced and by their votes in live sessions, with the replies that
// lead only to worse endings marked wrong (bestReachable). Read from the raw runs of some
// people (module-report.server.ts, scopedModuleRaw) or, for everyone, from the summaries
// kept by triggers; the compiled module supplies the words and the graph.
import { sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { scenarioChoiceTallies, scenarioEndings, scenarioEndingTallies, scenarioMoves } from "../../db/schema";
import type { EndingOutcome, ScenarioActivity, ScenarioNode } from "../content/manifest";
import { bestReachable } from "../activities/scenario/moves";
import { nonActivists, rows, userInScope, type ReportScope } from "./scope.server";

export interface ChoiceFigures {
  index: number;
  text: string;
  to: string;
  /** Distinct learners who took it, self-paced or by their vote in a live session. */
  learners: number;
  /** Of those: learners who took it in a self-paced run … */
  selfPaced: number;
  /** … and learners who voted for it when a room played the scenario live. */
  live: number;
  /** Learners who took it ÷ learners who chose anything at this point, 0–100. */
  share: number | null;
  /** Leads only to worse endings than the best one still reachable from here. */
  wrong: boolean;
}

export interface NodeFigures {
  id: string;
  says: string;
  /** Distinct learners who replied (or voted) here, whichever way. */
  learners: number;
  selfPaced: number;
  live: number;
  choices: ChoiceFigures[];
}

export interface ScenarioFigures {
  id: string;
  title: string;
  /**
   * runs/learners: self-paced runs that ended here and the learners who ran them;
   * liveRuns/liveLearners: live room runs that ended here in which activists in scope
   * voted, and those voters.
   */
  endings: { id: string; title: string; outcome: EndingOutcome; runs: number; learners: number; liveRuns: number; liveLearners: number }[];
  nodes: NodeFigures[];
  /** The wrong reply most learners took: { node, choice index }. */
  commonWrongTurn: { node: string; choice: number } | null;
}

/**
 * SQL: one row per vote that an activist in scope cast when a room played one of this
 * module's scenarios live, as (user_id, scenario_id, node, choice). A vote's slot is
 * `r<run>t<turn>`; the point it was cast at is that run's path[turn].node (kept in
 * live_sessions.scenarios, current run and earlier runs), or the room's current node for
 * the turn still open, or the scenario's start for a first turn. A vote on a turn whose
 * point was not kept (an abandoned run from before earlier paths were stored) is left out.
 * Votes of every session count, ended or not: each is the learner's own choice.
 */
export function liveVotes(scope: ReportScope, slug: string, scenarios: ScenarioActivity[]): SQL {
  const starts = sql.join(
    scenarios.map((s) => sql`(${s.id}::text, ${s.start}::text)`),
    sql`, `,
  );
  return sql`(
    with sessions as (select s.id, s.scenarios from live_sessions s where s.module_slug = ${slug}),
    rooms as (
      select s.id as session_id, room.key as scenario_id, room.value as room
      from sessions s cross join lateral jsonb_each(s.scenarios) room
    ),
    runs as (
      select session_id, scenario_id, (room ->> 'run')::int as run, room -> 'path' as path, room ->> 'currentNode' as current_node from rooms
      union all
      select session_id, scenario_id, (e ->> 'run')::int, e -> 'path', null
      from rooms cross join lateral jsonb_array_elements(coalesce(room -> 'earlierRuns', '[]'::jsonb)) e
    ),
    votes as (
      select r.session_id, r.activity_id as scenario_id, r.user_id, (r.answer ->> 'choice')::int as choice,
             substring(r.slot from '^r([0-9]+)t')::int as run, substring(r.slot from 't([0-9]+)$')::int as turn
      from live_responses r
      where r.session_id in (select id from sessions) and r.slot ~ '^r[0-9]+t[0-9]+$' and r.answer ->> 'kind' = 'vote'
        -- votes are few: each voter is checked by primary key (as a semi-join against
        -- everyone in scope, the planner re-ran the scope once per vote)
        and exists (select 1 from users a where a.id = r.user_id and a.role = 'activist')
        and ${userInScope(scope, sql`r.user_id`)}
    )
    select v.user_id, v.scenario_id, v.choice,
           coalesce(
             runs.path -> v.turn ->> 'node',
             case when v.turn = jsonb_array_length(runs.path) then runs.current_node end,
             case when v.turn = 0 then st.start end
           ) as node
    from votes v
    left join runs on runs.session_id = v.session_id and runs.scenario_id = v.scenario_id and runs.run = v.run
    join (values ${starts}) st(scenario_id, start) on st.scenario_id = v.scenario_id
  )`;
}

/**
 * SQL: per scenario and ending, the live room runs that ended there (the current run and
 * earlier runs kept in live_sessions.scenarios) in which at least one activist in scope
 * voted, and the distinct voters. The room's ending is the learners' shared outcome, so
 * only people who took part by voting count; a room run with no voter in scope does not.
 */
export function liveEndings(scope: ReportScope, slug: string): Promise<LiveEndingRow[]> {
  return rows<LiveEndingRow>(sql`
    with sessions as (select s.id, s.scenarios from live_sessions s where s.module_slug = ${slug}),
    rooms as (
      select s.id as session_id, room.key as scenario_id, room.value as room
      from sessions s cross join lateral jsonb_each(s.scenarios) room
    ),
    ended as (
      select session_id, scenario_id, (room ->> 'run')::int as run, room ->> 'endingId' as ending_id from rooms
      union all
      select session_id, scenario_id, (e ->> 'run')::int, e ->> 'endingId'
      from rooms cross join lateral jsonb_array_elements(coalesce(room -> 'earlierRuns', '[]'::jsonb)) e
    ),
    voters as (
      select distinct r.session_id, r.activity_id as scenario_id, substring(r.slot from '^r([0-9]+)t')::int as run, r.user_id
      from live_responses r
      where r.session_id in (select session_id from ended where ending_id is not null)
        and r.slot ~ '^r[0-9]+t[0-9]+$' and r.answer ->> 'kind' = 'vote'
        and exists (select 1 from users a where a.id = r.user_id and a.role = 'activist')
        and ${userInScope(scope, sql`r.user_id`)}
    )
    select e.scenario_id as "scenarioId", e.ending_id as "endingId",
           count(distinct (e.session_id, e.run))::int as "liveRuns", count(distinct v.user_id)::int as "liveLearners"
    from ended e
    join voters v on v.session_id = e.session_id and v.scenario_id = e.scenario_id and v.run = e.run
    where e.ending_id is not null
    group by e.scenario_id, e.ending_id`);
}

export type LiveEndingRow = { scenarioId: string; endingId: string; liveRuns: number; liveLearners: number };
export type EndingRow = { scenarioId: string; endingId: string; runs: number; learners: number };
export type ChoiceRow = { scenarioId: string; node: string; choice: number | null; learners: number; selfPaced: number; live: number };

export type ScenarioRaw = [EndingRow[], ChoiceRow[]];

/**
 * Scenario figures over some runs (a relation with scenario_runs' columns) and live votes
 * (liveVotes()): one row per reply taken, from both ways of playing (docs/reports.md,
 * Scenario choices).
 */
export function scenarioQueries(runs: SQL, votes: SQL): [SQL, SQL] {
  return [
    sql`
      select per_learner.scenario_id as "scenarioId", per_learner.ending_id as "endingId",
             sum(per_learner.runs)::int as runs, count(*)::int as learners
      from (
        select sr.scenario_id, sr.ending_id, sr.user_id, count(*) as runs
        from ${runs} sr where sr.ended_at is not null
        group by sr.scenario_id, sr.ending_id, sr.user_id
      ) per_learner
      group by per_learner.scenario_id, per_learner.ending_id`,
    sql`
      with moves as (
        select sr.user_id, sr.scenario_id, m.value ->> 'node' as node, (m.value ->> 'choice')::int as choice, 'self'::text as source
        from ${runs} sr
        cross join lateral jsonb_array_elements(sr.path) m
        union all
        select user_id, scenario_id, node, choice, 'live' from ${votes} lv where lv.node is not null
      ),
      -- Each learner once per reply, and once per point, noting which ways they took it.
      took as (
        select user_id, scenario_id, node, choice, bool_or(source = 'self') as self, bool_or(source = 'live') as live
        from moves group by user_id, scenario_id, node, choice
      )
      select scenario_id as "scenarioId", node, choice, count(*)::int as learners,
             (count(*) filter (where self))::int as "selfPaced", (count(*) filter (where live))::int as live
      from took group by scenario_id, node, choice
      union all
      select scenario_id, node, null, count(*)::int, (count(*) filter (where self))::int, (count(*) filter (where live))::int
      from (select user_id, scenario_id, node, bool_or(self) as self, bool_or(live) as live from took group by user_id, scenario_id, node) reached
      group by scenario_id, node`,
  ];
}

/**
 * Everyone: self-paced figures from the summaries kept by triggers (migration 0004) less
 * the few non-activists' rows; live votes (few) from the raw responses. A voter counts
 * once more in "learners" only if they did not also take the reply (or reach the point,
 * choice -1) self-paced, which is one primary-key probe of scenario_moves per vote.
 */
export function scenarioSummaries(slug: string, scenarios: ScenarioActivity[]): Promise<ScenarioRaw> {
  const all: ReportScope = { all: true };
  const x = alias(scenarioEndings, "x");
  const e = alias(scenarioEndings, "e");
  const endings = alias(scenarioEndingTallies, "t");
  const m = alias(scenarioMoves, "m");
  const xm = alias(scenarioMoves, "x");
  const choices = alias(scenarioChoiceTallies, "t");
  return Promise.all([
    rows<EndingRow>(sql`
      with o as (
        select ${e.scenarioId}, ${e.endingId}, count(*) as learners, sum(${e.runs}) as runs
        from ${nonActivists} n cross join lateral (select * from ${scenarioEndings} ${x} where ${x.userId} = n.id and ${x.moduleSlug} = ${slug} offset 0) ${e}
        group by ${e.scenarioId}, ${e.endingId}
      )
      select ${endings.scenarioId} as "scenarioId", ${endings.endingId} as "endingId",
             (${endings.runs} - coalesce(o.runs, 0))::int as runs, (${endings.learners} - coalesce(o.learners, 0))::int as learners
      from ${scenarioEndingTallies} ${endings} left join o on o.scenario_id = ${endings.scenarioId} and o.ending_id = ${endings.endingId}
      where ${endings.moduleSlug} = ${slug} and ${endings.learners} - coalesce(o.learners, 0) > 0`),
    rows<ChoiceRow>(sql`
      with votes as (
        select distinct user_id, scenario_id, node, choice from ${liveVotes(all, slug, scenarios)} lv where lv.node is not null
      ),
      live as (
        select v.scenario_id, v.node, v.choice, count(*) as live,
               count(*) filter (where not exists (
                 select 1 from ${scenarioMoves} ${m}
                 where ${m.userId} = v.user_id and ${m.moduleSlug} = ${slug} and ${m.scenarioId} = v.scenario_id and ${m.node} = v.node and ${m.choice} = v.choice)) as live_only
        from (select user_id, scenario_id, node, choice from votes union all select distinct user_id, scenario_id, node, -1 from votes) v
        group by v.scenario_id, v.node, v.choice
      ),
      o as (
        select ${m.scenarioId}, ${m.node}, ${m.choice}, count(*) as learners
        from ${nonActivists} n cross join lateral (select * from ${scenarioMoves} ${xm} where ${xm.userId} = n.id and ${xm.moduleSlug} = ${slug} offset 0) ${m}
        group by ${m.scenarioId}, ${m.node}, ${m.choice}
      ),
      self as (
        select ${choices.scenarioId}, ${choices.node}, ${choices.choice}, ${choices.learners} - coalesce(o.learners, 0) as self
        from ${scenarioChoiceTallies} ${choices}
        left join o on o.scenario_id = ${choices.scenarioId} and o.node = ${choices.node} and o.choice = ${choices.choice}
        where ${choices.moduleSlug} = ${slug}
      )
      select coalesce(s.scenario_id, l.scenario_id) as "scenarioId", coalesce(s.node, l.node) as node,
             nullif(coalesce(s.choice, l.choice), -1) as choice,
             (coalesce(s.self, 0) + coalesce(l.live_only, 0))::int as learners,
             coalesce(s.self, 0)::int as "selfPaced", coalesce(l.live, 0)::int as live
      from self s full join live l on l.scenario_id = s.scenario_id and l.node = s.node and l.choice = s.choice
      where coalesce(s.self, 0) + coalesce(l.live_only, 0) > 0`),
  ]);
}


export function buildScenarioFigures(scenarios: ScenarioActivity[], [endings, choices]: ScenarioRaw, liveEnded: LiveEndingRow[]): ScenarioFigures[] {
  return scenarios.map((scenario) => {
    const best = bestReachable(scenario);
    const nodes: NodeFigures[] = [];
    let commonWrongTurn: ScenarioFigures["commonWrongTurn"] = null;
    let commonWrongCount = 0;
    for (const node of Object.values(scenario.nodes)) {
      if (node.kind !== "resident") continue;
      const point = choices.find((c) => c.scenarioId === scenario.id && c.node === node.id && c.choice === null);
      const reached = Number(point?.learners ?? 0);
      const nodeBest = best.get(node.id) ?? -1;
      const figures = node.choices.map((choice) => {
        const taken = choices.find((c) => c.scenarioId === scenario.id && c.node === node.id && c.choice === choice.index);
        const learners = Number(taken?.learners ?? 0);
        const wrong = (best.get(choice.to) ?? -1) < nodeBest;
        if (wrong && learners > commonWrongCount) {
          commonWrongCount = learners;
          commonWrongTurn = { node: node.id, choice: choice.index };
        }
        return {
          index: choice.index,
          text: choice.text,
          to: choice.to,
          learners,
          selfPaced: Number(taken?.selfPaced ?? 0),
          live: Number(taken?.live ?? 0),
          share: reached ? Math.round((learners / reached) * 1000) / 10 : null,
          wrong,
        };
      });
      nodes.push({ id: node.id, says: node.says, learners: reached, selfPaced: Number(point?.selfPaced ?? 0), live: Number(point?.live ?? 0), choices: figures });
    }
    // Start first, then the rest in file order.
    nodes.sort((a, b) => (a.id === scenario.start ? -1 : b.id === scenario.start ? 1 : 0));
    return {
      id: scenario.id,
      title: scenario.title,
      endings: Object.values(scenario.nodes)
        .filter((n): n is Extract<ScenarioNode, { kind: "ending" }> => n.kind === "ending")
        .map((n) => {
          const e = endings.find((x) => x.scenarioId === scenario.id && x.endingId === n.id);
          const live = liveEnded.find((x) => x.scenarioId === scenario.id && x.endingId === n.id);
          return {
            id: n.id,
            title: n.title,
            outcome: n.outcome,
            runs: Number(e?.runs ?? 0),
            learners: Number(e?.learners ?? 0),
            liveRuns: Number(live?.liveRuns ?? 0),
            liveLearners: Number(live?.liveLearners ?? 0),
          };
        }),
      nodes,
      commonWrongTurn,
    };
  });
}
