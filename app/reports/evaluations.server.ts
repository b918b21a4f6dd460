import { createHash, randomBytes } from "node:crypto";
import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { db, rowsOf, type Executor } from "../../db/client.server";
import { evaluationAssignments, evaluationGroups, evaluations, type EvaluationArm, type EvaluationDesign, type EvaluationOutcome } from "../../db/schema";
import { hasControlCharacter } from "../lib/request.server";
import { accept, refuse, type Refusal, type Result } from "../lib/result";
import { clusteredWilson, comparisonNote, rateDifference, wilson, type Rate, type RateDifference } from "../stats/intervals";
import { ARM_LABEL, GROUPS_MAX, NAME_MAX, OUTCOME_LABEL, PERIOD_MAX_DAYS, STOP_REASON_MAX } from "./evaluation-labels";
import { coreModuleCount, coreModules, groupInScope, publishedModules, rows, scopeGroups, scopeOf, type ReportModule, type ReportScope, type ScopeGroup, type Viewer } from "./scope.server";

// Randomised "train now / train later" evaluations (issue 17 part 4, ADR 033,
// docs/evaluation.md). An organiser picks groups they organise, an outcome and a period;
// registering splits the groups' activists at random, group by group, and fixes all of it
// (migration 0022's triggers refuse later changes). The result compares the arms as
// assigned (intention to treat) with the intervals of app/stats/intervals.ts.

const OUTCOME_MEANING: Record<Exclude<EvaluationOutcome, "module">, { y: string; x: string; words: string }> = {
  contact: { y: "contacts", x: "attempts", words: "contacts ÷ doors and calls" },
  conversation: { y: "conversations", x: "contacts", words: "conversations ÷ contacts" },
  commitment: { y: "commitments", x: "conversations", words: "commitments ÷ conversations" },
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const isoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Give a date as YYYY-MM-DD.")
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), "That is not a date in the calendar.");

export const evaluationDraftSchema = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, "Give the evaluation a name.")
      .max(NAME_MAX, `Keep the name under ${NAME_MAX} characters.`)
      .refine((s) => !hasControlCharacter(s, "name"), "The name holds characters we cannot store."),
    groups: z
      .array(z.string().regex(UUID, "Pick groups from the list."))
      .min(1, "Pick at least one group.")
      .max(GROUPS_MAX, `Pick at most ${GROUPS_MAX} groups.`),
    design: z.enum(["timing", "variant"], { message: "Pick what to compare from the list." }).default("timing"),
    /** The variant module, when design is "variant" (version A: its original; version B: it). */
    variant: z.string().max(200).optional(),
    outcome: z.enum(["contact", "conversation", "commitment", "module"], { message: "Pick an outcome from the list." }),
    module: z.string().max(200).optional(),
    from: isoDay,
    to: isoDay,
  })
  .superRefine((d, ctx) => {
    if (d.design === "variant" && !d.variant) ctx.addIssue({ code: "custom", path: ["variant"], message: "Pick the module version to compare with its original." });
    // In an A/B evaluation the module outcome is always the compared module (either version).
    if (d.outcome === "module" && !d.module && d.design !== "variant") ctx.addIssue({ code: "custom", path: ["module"], message: "Pick the module whose completion is the outcome." });
    if (d.from && d.to && d.to < d.from) ctx.addIssue({ code: "custom", path: ["to"], message: "The period must end on or after its first day." });
    const days = (Date.parse(`${d.to}T00:00:00Z`) - Date.parse(`${d.from}T00:00:00Z`)) / 86_400_000;
    if (days >= PERIOD_MAX_DAYS) ctx.addIssue({ code: "custom", path: ["to"], message: `Keep the period under ${PERIOD_MAX_DAYS} days.` });
  });
// The input type: a draft built in code may leave `design` out (then it is "timing").
export type EvaluationDraft = z.input<typeof evaluationDraftSchema>;

// ---------------------------------------------------------------- the random split

/**
 * A stream of uniform integers from a seed and a label (here the group id): SHA-256 of
 * seed, label and a counter, four bytes at a time, with rejection so every value is
 * equally likely. Deterministic, so anyone with the seed and the member lists can re-derive
 * the assignment (docs/evaluation.md).
 */
export function seededInts(seed: string, label: string): (below: number) => number {
  let block = Buffer.alloc(0);
  let at = 0;
  let counter = 0;
  const next32 = () => {
    if (at + 4 > block.length) {
      block = createHash("sha256").update(`${seed}:${label}:${counter++}`).digest();
      at = 0;
    }
    const v = block.readUInt32BE(at);
    at += 4;
    return v;
  };
  return (below) => {
    const limit = Math.floor(0x1_0000_0000 / below) * below;
    for (;;) {
      const v = next32();
      if (v < limit) return v % below;
    }
  };
}

/**
 * One stratum's split: its people in id order, shuffled (Fisher–Yates) by the stream for
 * this seed and group; the first half train now, the second half later, and with an odd
 * number the one in the middle goes to an arm drawn from the same stream.
 */
export function splitStratum(seed: string, groupId: string, userIds: readonly string[]): { userId: string; arm: EvaluationArm }[] {
  const draw = seededInts(seed, groupId);
  const people = [...userIds].sort();
  for (let i = people.length - 1; i > 0; i--) {
    const j = draw(i + 1);
    [people[i], people[j]] = [people[j]!, people[i]!];
  }
  const half = Math.floor(people.length / 2);
  const oddArm: EvaluationArm = draw(2) === 0 ? "now" : "later";
  return people.map((userId, i) => ({ userId, arm: i < half ? "now" : i >= people.length - half ? "later" : oddArm }));
}

// ---------------------------------------------------------------- choices, preview, register

export interface EvaluationChoices {
  groups: { total: number; groups: ScopeGroup[] };
  modules: ReportModule[];
  /** Module variants whose original is published: what an A/B evaluation can compare. */
  variants: { slug: string; title: string; originalTitle: string }[];
}

export async function evaluationChoices(viewer: Viewer): Promise<EvaluationChoices> {
  const [groups, modules, variants] = await Promise.all([
    scopeOf(viewer).then((s) => scopeGroups(s)),
    publishedModules(),
    rows<{ slug: string; title: string; originalTitle: string }>(sql`
      select v.slug, v.title, o.title as "originalTitle" from modules v join modules o on o.slug = v.variant_of and not o.draft
      where v.variant_of is not null order by o.position, v.title`),
  ]);
  return { groups, modules, variants };
}

/**
 * One group's part of the draw. `now` is the first half (train now, or version A: the
 * original), `later` the second (train later, or version B: the variant).
 */
export interface StratumPreview {
  groupId: string;
  groupName: string;
  people: number;
  now: number;
  later: number;
}

/** A registered evaluation's group: its arms, and how many the draw left out (null: not recorded, registered before migration 0032). */
export interface EvaluationStratum extends StratumPreview {
  notDrawn: number | null;
}

/**
 * A preview's group, with the activists the draw leaves out: in an A/B evaluation those who
 * already began the module, in a timing one those already trained.
 */
export interface StratumDraw extends StratumPreview {
  alreadyBegan: number;
}

/** Today as the server's UTC calendar day: the earliest a period may start. */
export const todayUtc = () => new Date().toISOString().slice(0, 10);

/**
 * Each chosen group's activists, one stratum per person (the first chosen group in id
 * order they belong to). Refuses a group outside the viewer's reach, a module that is not
 * published, or a period that has already begun.
 */
async function strata(
  viewer: Viewer,
  draft: EvaluationDraft,
): Promise<Result<{ scope: ReportScope; groups: { id: string; name: string; members: string[]; alreadyBegan: number }[] }>> {
  const scope = await scopeOf(viewer);
  const ids = [...new Set(draft.groups.map((g) => g.toLowerCase()))].sort();
  const found = await rows<{ id: string; name: string }>(sql`
    select g.id, g.name from groups g where g.id in (${sql.join(ids.map((id) => sql`${id}`), sql`, `)}) and ${groupInScope(scope, sql`g.id`)}`);
  if (found.length !== ids.length) return refuse(403, "One of those groups is not a group you organise. Pick groups from the list.", "groups");
  let versions: readonly string[] = [];
  if (draft.design === "variant") {
    const [variant] = await rows<{ variantOf: string }>(sql`select variant_of as "variantOf" from modules where slug = ${draft.variant ?? ""} and variant_of is not null`);
    const original = variant ? (await publishedModules()).find((m) => m.slug === variant.variantOf) : undefined;
    if (!original) return refuse(400, "That is not a version of a published module. Pick one from the list.", "variant");
    versions = [original.slug, draft.variant ?? ""];
    // The outcome "completing the module" is completing either version: the variant's
    // completions count as the original's (migration 0028), so the original's slug is it.
    if (draft.outcome === "module") draft.module = original.slug;
  } else if (draft.outcome === "module") {
    const modules = await publishedModules();
    if (!modules.some((m) => m.slug === draft.module)) return refuse(400, "That module is not published. Pick one from the list.", "module");
  }
  if (draft.from < todayUtc()) return refuse(400, "The period has to start today or later: an evaluation is registered before it begins.", "from");
  // An A/B draw leaves out whoever already began or completed either version (ADR 046):
  // drawn into version B, they would meet a "not started" variant after doing the original,
  // and their head start would count for version A or against version B. A timing draw
  // leaves out whoever has already trained (ADR 033, amended): "train later" cannot hold
  // them back, so drawn they would only dilute the difference.
  const began = versions.length > 0 ? sql`(${beganVersions(sql`m.user_id`, versions)})` : trainedBy(sql`m.user_id`);
  const members = await rows<{ userId: string; groupId: string; began: boolean }>(sql`
    select m.user_id as "userId", min(m.group_id::text) as "groupId", ${began} as began
    from memberships m join users u on u.id = m.user_id
    where m.group_id in (${sql.join(ids.map((id) => sql`${id}`), sql`, `)}) and u.role = 'activist'
    group by m.user_id`);
  const byGroup = new Map<string, string[]>(ids.map((id) => [id, []]));
  const beganIn = new Map<string, number>();
  for (const m of members) {
    if (m.began) beganIn.set(m.groupId, (beganIn.get(m.groupId) ?? 0) + 1);
    else byGroup.get(m.groupId)?.push(m.userId);
  }
  const names = new Map(found.map((g) => [g.id, g.name]));
  return accept({
    scope,
    groups: ids.map((id) => ({ id, name: names.get(id) ?? id, members: byGroup.get(id) ?? [], alreadyBegan: beganIn.get(id) ?? 0 })),
  });
}

/**
 * SQL: the person `userId` had completed every published module ("trained", as every
 * report means it), by `before` (a timestamptz; omitted: so far). Used at a timing draw
 * and for the compliance and the left-out count of its result.
 */
function trainedBy(userId: SQL, before?: SQL) {
  return sql`(${coreModuleCount} > 0 and (select count(*) from module_completions c where c.user_id = ${userId} and c.module_slug in ${coreModules}${before ? sql` and c.completed_at < ${before}` : sql``}) = ${coreModuleCount})`;
}

/**
 * SQL: the person `userId` had viewed a step of, or completed, one of the module versions
 * `slugs`, before `before` (a timestamptz; omitted: ever). Used at the draw (ever, so
 * far) and for the analysis (before the period's first day).
 */
function beganVersions(userId: SQL, slugs: readonly string[], before?: SQL) {
  const list = sql.join(slugs.map((slug) => sql`${slug}`), sql`, `);
  return sql`exists (select 1 from step_views sv where sv.user_id = ${userId} and sv.module_slug in (${list})${before ? sql` and sv.first_seen_at < ${before}` : sql``})
    or exists (select 1 from module_completions c where c.user_id = ${userId} and c.module_slug in (${list})${before ? sql` and c.completed_at < ${before}` : sql``})`;
}

/**
 * A registered (not stopped) evaluation sharing a group with `groupIds` whose period
 * overlaps `from`–`to` refuses the new one (409): the same person could be "train later"
 * in one and "train now" (or version B) in the other, and neither result would mean what
 * it says. A stopped evaluation has ended, so it no longer holds its people. The message
 * names the first such evaluation, its period and the shared groups, so the organiser can
 * choose other groups or a later period.
 */
async function overlapRefusal(executor: Executor, groupIds: readonly string[], from: string, to: string): Promise<Refusal<409> | undefined> {
  const ids = sql.join(groupIds.map((id) => sql`${id}`), sql`, `);
  const [clash] = rowsOf<{ name: string; periodStart: string; periodEnd: string; groupNames: string }>(
    await executor.execute(sql`
      select e.name, to_char(e.period_start, 'YYYY-MM-DD') as "periodStart", to_char(e.period_end, 'YYYY-MM-DD') as "periodEnd",
             (select string_agg(g.name, ', ' order by g.name) from evaluation_groups eg join groups g on g.id = eg.group_id
              where eg.evaluation_id = e.id and eg.group_id in (${ids})) as "groupNames"
      from evaluations e
      where e.status = 'registered' and e.period_start <= ${to}::date and e.period_end >= ${from}::date
        and (exists (select 1 from evaluation_groups eg where eg.evaluation_id = e.id and eg.group_id in (${ids}))
             -- the same person through another group they belong to
             or exists (select 1 from evaluation_assignments a join memberships m on m.user_id = a.user_id
                        where a.evaluation_id = e.id and m.group_id in (${ids})))
      order by e.registered_at, e.id limit 1`),
  );
  if (!clash) return undefined;
  const whose = clash.groupNames ? `the activists of ${clash.groupNames}` : "some of the same activists (members of other groups too)";
  return refuse(
    409,
    `This overlaps “${clash.name}” (${clash.periodStart} to ${clash.periodEnd}), which already splits ${whose}: ` +
      `the same person could be in one half there and the other half here. Choose other groups, or a period starting after ${clash.periodEnd}.`,
    "groups",
  );
}

export async function previewEvaluation(viewer: Viewer, draft: EvaluationDraft): Promise<Result<StratumDraw[]>> {
  const found = await strata(viewer, draft);
  if (!found.ok) return found;
  const overlap = await overlapRefusal(db(), found.value.groups.map((g) => g.id), draft.from, draft.to);
  if (overlap) return overlap;
  return accept(
    found.value.groups.map((g) => ({
      groupId: g.id,
      groupName: g.name,
      people: g.members.length,
      now: Math.floor(g.members.length / 2),
      later: Math.floor(g.members.length / 2),
      alreadyBegan: g.alreadyBegan,
    })),
  );
}

export const FORM_KEY = /^[A-Za-z0-9_-]{16,64}$/;

/**
 * Registers the evaluation and its assignment in one transaction; returns its id. The
 * form's one-time key makes a double submit return the evaluation the first one made
 * (`repeated`), rather than a second draw to choose between.
 */
export async function registerEvaluation(
  viewer: Viewer,
  draft: EvaluationDraft,
  formKey: string,
  seed = randomBytes(16).toString("hex"),
): Promise<Result<{ id: string; repeated: boolean }>> {
  if (!FORM_KEY.test(formKey)) return refuse(400, "This form is out of date: reload the page.");
  const earlier = async () => (await rows<{ id: string }>(sql`select id from evaluations where created_by = ${viewer.id} and form_key = ${formKey}`))[0];
  const already = await earlier();
  if (already) return accept({ id: already.id, repeated: true });
  const found = await strata(viewer, draft);
  if (!found.ok) return found;
  if (found.value.groups.every((g) => g.members.length < 2)) return refuse(400, "Those groups have fewer than two activists each: there is nobody to compare.", "groups");
  const id = await db().transaction(async (tx) => {
    // One registration at a time, so two overlapping ones cannot both pass the check.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('doorstep:evaluations'))`);
    const overlap = await overlapRefusal(tx, found.value.groups.map((g) => g.id), draft.from, draft.to);
    if (overlap) return overlap;
    const [row] = await tx
      .insert(evaluations)
      .values({
        name: draft.name,
        outcome: draft.outcome,
        outcomeModule: draft.outcome === "module" ? (draft.module ?? null) : null,
        design: draft.design ?? "timing",
        variantModule: draft.design === "variant" ? (draft.variant ?? null) : null,
        periodStart: draft.from,
        periodEnd: draft.to,
        seed,
        createdBy: viewer.id,
        formKey,
      })
      .onConflictDoNothing()
      .returning({ id: evaluations.id });
    // A double submit that raced the check above: the first one's draw stands.
    if (!row) return undefined;
    const evaluationId = row.id;
    await tx.insert(evaluationGroups).values(found.value.groups.map((g) => ({ evaluationId, groupId: g.id, notDrawn: g.alreadyBegan })));
    // An A/B evaluation uses the same draw: the first half sees the original, the second the variant.
    const armOf = (arm: EvaluationArm): EvaluationArm => (draft.design === "variant" ? (arm === "now" ? "original" : "variant") : arm);
    const assigned = found.value.groups.flatMap((g) =>
      splitStratum(seed, g.id, g.members).map((a) => ({ evaluationId, userId: a.userId, stratumGroupId: g.id, arm: armOf(a.arm) })),
    );
    for (let i = 0; i < assigned.length; i += 1000) await tx.insert(evaluationAssignments).values(assigned.slice(i, i + 1000));
    return evaluationId;
  });
  if (typeof id === "object") return id;
  if (id === undefined) {
    const first = await earlier();
    if (!first) return refuse(409, "This evaluation was being registered twice at once: reload the list.");
    return accept({ id: first.id, repeated: true });
  }
  return accept({ id, repeated: false });
}

// ---------------------------------------------------------------- reading them back

/**
 * SQL: every group of evaluation `e` is one the viewer reaches (an admin: any). One whose
 * groups were all deleted belongs to nobody's groups, so only admins see it.
 */
const visible = (scope: ReportScope) =>
  scope.all
    ? sql`true`
    : sql`exists (select 1 from evaluation_groups eg where eg.evaluation_id = e.id)
          and not exists (select 1 from evaluation_groups eg where eg.evaluation_id = e.id and not ${groupInScope(scope, sql`eg.group_id`)})`;

export interface EvaluationSummary {
  id: string;
  name: string;
  outcome: EvaluationOutcome;
  outcomeModule: string | null;
  periodStart: string;
  periodEnd: string;
  registeredAt: string;
  status: string;
  design: EvaluationDesign;
  variantModule: string | null;
  stoppedAt: string | null;
  stopReason: string | null;
  seed: string;
  createdByName: string | null;
  people: number;
}

const summaryColumns = sql`e.id, e.name, e.outcome, e.outcome_module as "outcomeModule", to_char(e.period_start, 'YYYY-MM-DD') as "periodStart",
  to_char(e.period_end, 'YYYY-MM-DD') as "periodEnd", to_char(e.registered_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "registeredAt",
  e.status, e.design, e.variant_module as "variantModule", e.stop_reason as "stopReason",
  to_char(e.stopped_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "stoppedAt", e.seed, u.name as "createdByName", (select count(*)::int from evaluation_assignments a where a.evaluation_id = e.id) as people`;

export async function evaluationList(viewer: Viewer): Promise<EvaluationSummary[]> {
  const scope = await scopeOf(viewer);
  const found = await rows<EvaluationSummary>(sql`
    select ${summaryColumns} from evaluations e left join users u on u.id = e.created_by
    where ${visible(scope)} order by e.registered_at desc, e.id limit 200`);
  return found.map((r) => ({ ...r, people: Number(r.people) }));
}

/**
 * A variant's report page (ADR 039): which original it is a version of, and the A/B
 * evaluations the viewer can see that compare the two. Undefined when `slug` is not a
 * variant in the modules table.
 */
export async function variantReportPointer(
  viewer: Viewer,
  slug: string,
): Promise<{ slug: string; title: string; original: { slug: string; title: string }; evaluations: EvaluationSummary[] } | undefined> {
  const [variant] = await rows<{ slug: string; title: string; originalSlug: string; originalTitle: string }>(sql`
    select v.slug, v.title, o.slug as "originalSlug", o.title as "originalTitle"
    from modules v join modules o on o.slug = v.variant_of where v.slug = ${slug}`);
  if (!variant) return undefined;
  const scope = await scopeOf(viewer);
  const found = await rows<EvaluationSummary>(sql`
    select ${summaryColumns} from evaluations e left join users u on u.id = e.created_by
    where e.design = 'variant' and e.variant_module = ${slug} and ${visible(scope)} order by e.registered_at desc, e.id limit 200`);
  return {
    slug: variant.slug,
    title: variant.title,
    original: { slug: variant.originalSlug, title: variant.originalTitle },
    evaluations: found.map((r) => ({ ...r, people: Number(r.people) })),
  };
}

export interface ArmResult {
  arm: EvaluationArm;
  label: string;
  people: number;
  /**
   * Compliance. Timing design: people in this arm who had completed every published module
   * by the end counted. Variant design: people who had opened the version they were drawn
   * into by then.
   */
  trained: number;
  /**
   * Drawn into this arm but left out of the analysis: in an A/B evaluation, people who
   * began the module before the period (ADR 046); in a timing one, people who had already
   * trained when it was registered (drawn only by evaluations registered before such
   * people were kept out of the draw; ADR 033's amendment). Not counted in `people`.
   */
  leftOut: number;
  rate: Rate;
}

export interface EvaluationDetail {
  evaluation: EvaluationSummary;
  moduleTitle: string | null;
  strata: EvaluationStratum[];
  arms: [ArmResult, ArmResult];
  /** train now − train later, or version B − version A */
  difference: RateDifference;
  note: string;
  periodOver: boolean;
  /** The last day the result counts: the period's end, or the day it was stopped if earlier. */
  countedTo: string;
  /** A/B evaluations: the two versions' titles. */
  versions: { original: { slug: string; title: string }; variant: { slug: string; title: string } } | null;
}

const num = (v: unknown) => Number(v ?? 0);

/** One evaluation with its result, or undefined when unknown or outside the viewer's reach. */
export async function evaluationDetail(viewer: Viewer, id: string): Promise<EvaluationDetail | undefined> {
  if (!UUID.test(id)) return undefined;
  const scope = await scopeOf(viewer);
  const [evaluation] = await rows<EvaluationSummary>(sql`
    select ${summaryColumns} from evaluations e left join users u on u.id = e.created_by where e.id = ${id} and ${visible(scope)}`);
  if (!evaluation) return undefined;
  evaluation.people = num(evaluation.people);
  const stoppedDay = evaluation.stoppedAt?.slice(0, 10);
  const countedTo = stoppedDay && stoppedDay < evaluation.periodEnd ? stoppedDay : evaluation.periodEnd;
  const versions = evaluation.variantModule ? await versionsOf(evaluation.variantModule) : null;
  const [strataRows, armRows, modules] = await Promise.all([
    rows<{ groupId: string; groupName: string; now: number; later: number; notDrawn: number | null }>(sql`
      select g.id as "groupId", g.name as "groupName", eg.not_drawn as "notDrawn",
             count(a.user_id) filter (where a.arm in ('now', 'original'))::int as now,
             count(a.user_id) filter (where a.arm in ('later', 'variant'))::int as later
      from evaluation_groups eg join groups g on g.id = eg.group_id
      left join evaluation_assignments a on a.evaluation_id = eg.evaluation_id and a.stratum_group_id = eg.group_id
      where eg.evaluation_id = ${id} group by g.id, g.name, eg.not_drawn order by g.name, g.id`),
    armFigures(evaluation, countedTo, versions),
    evaluation.outcome === "module" ? publishedModules() : Promise.resolve([]),
  ]);
  const arm = (which: EvaluationArm): ArmResult => {
    const r = armRows.find((x) => x.arm === which);
    const rate =
      evaluation.outcome === "module"
        ? wilson(num(r?.completed), num(r?.people))
        : clusteredWilson({ successes: num(r?.y), trials: num(r?.x), clusters: num(r?.clusters), sumTrialsSquared: num(r?.xx), sumProducts: num(r?.xy), sumSuccessesSquared: num(r?.yy) });
    return { arm: which, label: ARM_LABEL[which], people: num(r?.people), trained: num(r?.trained), leftOut: num(r?.leftOut), rate };
  };
  const variant = evaluation.design === "variant";
  const arms: [ArmResult, ArmResult] = variant ? [arm("variant"), arm("original")] : [arm("now"), arm("later")];
  const moduleTitle = evaluation.outcomeModule ? (modules.find((m) => m.slug === evaluation.outcomeModule)?.title ?? evaluation.outcomeModule) : null;
  const outcomeWords =
    evaluation.outcome === "module"
      ? `the share who completed “${moduleTitle}”${variant ? " (either version)" : ""} between ${evaluation.periodStart} and ${countedTo}`
      : `the ${OUTCOME_LABEL[evaluation.outcome].toLowerCase()} (${OUTCOME_MEANING[evaluation.outcome].words}) in the evaluation's groups, ${evaluation.periodStart} to ${countedTo}`;
  const compares = variant
    ? `${outcomeWords}, of people shown version B (“${versions?.variant.title ?? evaluation.variantModule}”) with people shown version A (“${versions?.original.title ?? "the original"}”)`
    : `${outcomeWords}, of people assigned to train now with people assigned to train later`;
  return {
    evaluation,
    moduleTitle,
    strata: strataRows.map((s) => ({ ...s, now: num(s.now), later: num(s.later), people: num(s.now) + num(s.later), notDrawn: s.notDrawn === null ? null : num(s.notDrawn) })),
    arms,
    difference: rateDifference(arms[0].rate, arms[1].rate),
    note: comparisonNote({ compares, people: [arms[0].people, arms[1].people], randomised: true }),
    periodOver: countedTo < todayUtc() || evaluation.status === "stopped",
    countedTo,
    versions,
  };
}

type ArmRow = { arm: EvaluationArm; people: number; leftOut: number; trained: number; completed: number; clusters: number; x: number; y: number; xx: number; xy: number; yy: number };

/**
 * Per arm, as assigned: people, how many trained by the period's end (compliance), and the
 * outcome's sums. Door rates count field work in the evaluation's groups during the period;
 * the sums of squares and products are what clusteredWilson needs (each person's doors are
 * a cluster, ADR 028).
 *
 * An A/B evaluation leaves out of both arms whoever began either version before the
 * period's first day (ADR 046). Before the period both arms were shown the original
 * alike, so leaving them out depends on nothing the draw changed and keeps the arms
 * comparable; counting them would credit version A with a head start. The timing design
 * leaves out only whoever had trained by the moment it was registered, which the draw
 * could not have changed; new draws no longer include them, but older evaluations did,
 * and "train later" could not hold them back. What people did between registering and
 * the period is kept: the "train now" arm is invited at registration, so it already
 * differs by arm.
 */
function armFigures(e: EvaluationSummary, end: string, versions: EvaluationDetail["versions"]): Promise<ArmRow[]> {
  const meaning = e.outcome === "module" ? { y: "commitments", x: "conversations" } : OUTCOME_MEANING[e.outcome];
  const y = sql.raw(`fd.${meaning.y}`);
  const x = sql.raw(`fd.${meaning.x}`);
  return rows<ArmRow>(sql`
    with a as (select user_id, arm from evaluation_assignments where evaluation_id = ${e.id}),
    per as (
      select a.user_id, a.arm,
             ${
               versions
                 ? beganVersions(sql`a.user_id`, [versions.original.slug, versions.variant.slug], sql`(${e.periodStart}::date)::timestamp at time zone 'UTC'`)
                 : trainedBy(sql`a.user_id`, sql`(select registered_at from evaluations where id = ${e.id})`)
             } as left_out,
             coalesce((select sum(${x})::float8 from field_daily fd
                       where fd.user_id = a.user_id and fd.day between ${e.periodStart}::date and ${end}::date
                         and fd.group_id in (select group_id from evaluation_groups where evaluation_id = ${e.id})), 0) as x,
             coalesce((select sum(${y})::float8 from field_daily fd
                       where fd.user_id = a.user_id and fd.day between ${e.periodStart}::date and ${end}::date
                         and fd.group_id in (select group_id from evaluation_groups where evaluation_id = ${e.id})), 0) as y,
             exists (select 1 from module_completions c where c.user_id = a.user_id and c.module_slug = ${e.outcomeModule ?? ""}
                       and (c.completed_at at time zone 'UTC')::date between ${e.periodStart}::date and ${end}::date) as completed,
             ${
               versions
                 ? sql`exists (select 1 from step_views sv where sv.user_id = a.user_id
                          and sv.module_slug = case a.arm when 'variant' then ${versions.variant.slug} else ${versions.original.slug} end
                          and (sv.first_seen_at at time zone 'UTC')::date <= ${end}::date)`
                 : trainedBy(sql`a.user_id`, sql`((${end}::date + 1)::timestamp at time zone 'UTC')`)
             } as trained
      from a
    )
    select arm, count(*) filter (where not left_out)::int as people, count(*) filter (where left_out)::int as "leftOut",
           count(*) filter (where trained and not left_out)::int as trained, count(*) filter (where completed and not left_out)::int as completed,
           count(*) filter (where x > 0 and not left_out)::int as clusters, sum(x) filter (where not left_out) as x, sum(y) filter (where not left_out) as y,
           sum(x * x) filter (where not left_out) as xx, sum(x * y) filter (where not left_out) as xy, sum(y * y) filter (where not left_out) as yy
    from per group by arm`);
}

/** The two versions of an A/B evaluation, by the modules table (titles as last synced). */
async function versionsOf(variantSlug: string): Promise<NonNullable<EvaluationDetail["versions"]>> {
  const [found] = await rows<{ variantTitle: string; originalSlug: string; originalTitle: string | null }>(sql`
    select v.title as "variantTitle", v.variant_of as "originalSlug", o.title as "originalTitle"
    from modules v left join modules o on o.slug = v.variant_of where v.slug = ${variantSlug}`);
  return {
    original: { slug: found?.originalSlug ?? "", title: found?.originalTitle ?? found?.originalSlug ?? "the original" },
    variant: { slug: variantSlug, title: found?.variantTitle ?? variantSlug },
  };
}

// ---------------------------------------------------------------- stopping, the result as CSV

export const stopSchema = z.object({
  reason: z
    .string()
    .trim()
    .min(1, "Say why you are stopping it: the reason is shown with the result.")
    .max(STOP_REASON_MAX, `Keep the reason under ${STOP_REASON_MAX} characters.`)
    .refine((s) => !hasControlCharacter(s, "text"), "The reason holds characters we cannot store."),
});

/**
 * Stops a registered evaluation early, with a reason and the time (ADR 039). The result is
 * then counted up to the day it was stopped; an A/B evaluation's learners all see the
 * original again. Stopping twice is refused (409): the first stop and its reason stand.
 */
export async function stopEvaluation(viewer: Viewer, id: string, reason: string): Promise<Result<{ stoppedAt: string }>> {
  if (!UUID.test(id)) return refuse(404, "There is no such evaluation in your groups.");
  const scope = await scopeOf(viewer);
  const [found] = await rows<{ status: string }>(sql`select e.status from evaluations e where e.id = ${id} and ${visible(scope)}`);
  if (!found) return refuse(404, "There is no such evaluation in your groups.");
  const [stopped] = await rows<{ stoppedAt: string }>(sql`
    update evaluations set status = 'stopped', stopped_at = now(), stop_reason = ${reason}
    where id = ${id} and status = 'registered'
    returning to_char(stopped_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "stoppedAt"`);
  if (!stopped) return refuse(409, "This evaluation was already stopped: the first stop and its reason stand.", "reason");
  return accept(stopped);
}

const csvNumber = (x: number | null) => (x === null ? "" : (Math.round(x * 10_000) / 10_000).toString());

/** The result table as CSV rows (header first): one row per arm, then the difference. */
export function resultCsvRows(d: EvaluationDetail): string[][] {
  const e = d.evaluation;
  // left_out and not_drawn come last so that readers of the earlier columns by position keep
  // working. not_drawn is the evaluation's (its people were in no arm), on every row like
  // the period; empty when not recorded (A/B evaluations registered before migration 0032).
  const header = ["evaluation", "arm", "people", "successes", "trials", "rate", "ci_low", "ci_high", "compliance", "counted_from", "counted_to", "status", "left_out", "not_drawn"];
  const status = e.status === "stopped" ? `stopped ${e.stoppedAt}` : "registered";
  const notDrawn = d.strata.some((g) => g.notDrawn === null) ? "" : String(d.strata.reduce((n, g) => n + (g.notDrawn ?? 0), 0));
  const armRows = d.arms.map((a) => [
    e.name,
    a.label,
    String(a.people),
    String(a.rate.successes),
    String(a.rate.trials),
    csvNumber(a.rate.rate),
    csvNumber(a.rate.rate === null ? null : a.rate.low),
    csvNumber(a.rate.rate === null ? null : a.rate.high),
    String(a.trained),
    e.periodStart,
    d.countedTo,
    status,
    String(a.leftOut),
    notDrawn,
  ]);
  const difference = [e.name, `Difference (${d.arms[0].label} − ${d.arms[1].label})`, "", "", "", csvNumber(d.difference.difference), csvNumber(d.difference.difference === null ? null : d.difference.low), csvNumber(d.difference.difference === null ? null : d.difference.high), "", e.periodStart, d.countedTo, status, "", notDrawn];
  return [header, ...armRows, difference];
}

export interface TrainNowRow {
  name: string;
  email: string;
  group: string;
}

/** The "train now" arm, to invite: only for an evaluation the viewer reaches. */
export async function trainNowList(viewer: Viewer, id: string): Promise<TrainNowRow[] | undefined> {
  if (!UUID.test(id)) return undefined;
  const scope = await scopeOf(viewer);
  const [e] = await rows<{ id: string }>(sql`select e.id from evaluations e where e.id = ${id} and ${visible(scope)}`);
  if (!e) return undefined;
  return rows<TrainNowRow>(sql`
    select u.name, u.email, g.name as "group"
    from evaluation_assignments a join users u on u.id = a.user_id join groups g on g.id = a.stratum_group_id
    where a.evaluation_id = ${id} and a.arm = 'now' order by g.name, u.name, u.id`);
}
