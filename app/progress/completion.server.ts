import { sql } from "drizzle-orm";
import { db, rowsOf } from "../../db/client.server";
import { moduleCompletions, stepViews } from "../../db/schema";
import { quizzesOf, scenariosOf, type CompiledModule, type ModuleManifest } from "../content/manifest";

// "This module is complete", written once. A module is complete when every step was seen,
// every quiz passed and every scenario reached an ending (or, elsewhere, when the learner
// attended a live session of it that the trainer ended: app/live/attendance.server.ts).
// Everything that asks — recording a completion after a write (completeIfDone), the step
// page's statement (viewStep), the module page's percent (moduleProgress) and the catalogue
// (catalogueStatus) — counts the requirements met with `requirementsMet` below, so they
// cannot drift apart. Percentages come from the same counts (`percentDone`).

export interface Requirements {
  stepIds: string[];
  quizIds: string[];
  scenarioIds: string[];
}

export function requirementsOf(manifest: ModuleManifest): Requirements {
  return {
    stepIds: manifest.steps.map((s) => s.id),
    quizIds: quizzesOf(manifest).map((q) => q.id),
    scenarioIds: scenariosOf(manifest).map((s) => s.id),
  };
}

const requirementLists = new WeakMap<CompiledModule, RequirementLists>();

/**
 * The requirements as SQL parameters: comma-joined ids (ids are [a-z0-9-], so a comma never
 * occurs in one), so a statement's text, and its plan, is the same for every module.
 */
export type RequirementLists = [steps: string, quizzes: string, scenarios: string];

export function requirementListsOf(module: CompiledModule): RequirementLists {
  let lists = requirementLists.get(module);
  if (!lists) {
    const req = requirementsOf(module.manifest);
    lists = [req.stepIds.join(","), req.quizIds.join(","), req.scenarioIds.join(",")];
    requirementLists.set(module, lists);
  }
  return lists;
}

/** SQL expressions (text) naming the learner, the module and its requirement lists. */
export interface RuleInputs {
  user: string;
  module: string;
  steps: string;
  quizzes: string;
  scenarios: string;
}

/**
 * The learner's own rows of a table in the module, read by the (user, module) index whatever
 * the planner knows. Without the OFFSET 0 fence a filter on activity or step ids is pushed
 * into the scan, and a planner without statistics (PGlite never gathers any) then reads every
 * learner's rows of the module by the module index.
 */
export const ownRows = (table: string, p: Pick<RuleInputs, "user" | "module">) =>
  `(select * from ${table} where user_id = ${p.user} and module_slug = ${p.module} offset 0)`;

const list = (expression: string) => `string_to_array(${expression}, ',')`;

/** SQL: the module's steps the learner has seen (a relation of step_id). */
export const seenSteps = (p: RuleInputs) => `select sv.step_id from ${ownRows("step_views", p)} sv where sv.step_id = any(${list(p.steps)})`;

/**
 * THE completion rule, in SQL: one row of the requirements met (steps_met, quizzes_met,
 * scenarios_met, ints) and whether that is all of them (complete). `seen` is the relation of
 * steps seen: by default `seenSteps`; the step page passes its own, which also counts the
 * step being viewed (a statement does not see its own writes).
 */
export function requirementsMet(p: RuleInputs, seen = `(${seenSteps(p)})`): string {
  return `select s.n as steps_met, q.n as quizzes_met, e.n as scenarios_met,
       s.n = cardinality(${list(p.steps)}) and q.n = cardinality(${list(p.quizzes)}) and e.n = cardinality(${list(p.scenarios)}) as complete
     from (select count(*)::int as n from ${seen} seen) s,
          (select count(distinct qa.quiz_id)::int as n from ${ownRows("quiz_attempts", p)} qa
            where qa.passed and qa.quiz_id = any(${list(p.quizzes)})) q,
          (select count(distinct sr.scenario_id)::int as n from ${ownRows("scenario_runs", p)} sr
            where sr.ended_at is not null and sr.scenario_id = any(${list(p.scenarios)})) e`;
}

export interface RequirementsMet {
  steps_met: number;
  quizzes_met: number;
  scenarios_met: number;
}

/**
 * Share of the requirements met, 0–100, from the rule's counts. 100 only with a recorded
 * completion: the percent, the "complete" badge and the record never disagree (requirements
 * all met yet not recorded — e.g. after a step the learner had not seen was removed from the
 * module — is 99 until the learner's next step view records it).
 */
export function percentDone(module: CompiledModule, met: RequirementsMet, completed: boolean): number {
  if (completed) return 100;
  const req = requirementsOf(module.manifest);
  const total = req.stepIds.length + req.quizIds.length + req.scenarioIds.length;
  const done = Number(met.steps_met) + Number(met.quizzes_met) + Number(met.scenarios_met);
  return total ? Math.min(99, Math.round((done / total) * 100)) : 0;
}

/**
 * Record the completion if every requirement is met. One INSERT … SELECT … WHERE with
 * ON CONFLICT DO NOTHING, so concurrent calls (two tabs) record it exactly once.
 * `viewedStepId`: also record that step as seen, in the same statement (recordStepView);
 * the check counts it as seen whether or not this statement inserted it, since a
 * statement does not see its own writes.
 */
export async function completeIfDone(userId: string, module: CompiledModule, viewedStepId?: string): Promise<boolean> {
  const [steps, quizzes, scenarios] = requirementListsOf(module);
  const p: RuleInputs = { user: "m.user_id", module: "m.slug", steps: "m.steps", quizzes: "m.quizzes", scenarios: "m.scenarios" };
  const view = viewedStepId
    ? sql`with viewed as (insert into ${stepViews} (user_id, module_slug, step_id) values (${userId}, ${module.slug}, ${viewedStepId}) on conflict do nothing) `
    : sql``;
  const seen = viewedStepId ? `(${seenSteps(p)} union select m.viewing)` : undefined;
  const rows = await db().execute(sql`
    ${view}insert into ${moduleCompletions} (user_id, module_slug, content_hash, how)
    select m.user_id, m.slug, ${module.hash}, 'self'
      from (values (${userId}::text, ${module.slug}::text, ${steps}::text, ${quizzes}::text, ${scenarios}::text, ${viewedStepId ?? null}::text))
           as m(user_id, slug, steps, quizzes, scenarios, viewing)
      cross join lateral (${sql.raw(requirementsMet(p, seen))}) r
     where r.complete
    on conflict do nothing
    returning user_id`);
  return rowsOf(rows).length > 0;
}
