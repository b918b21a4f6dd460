import { redirect } from "@remix-run/node";
import { sql } from "drizzle-orm";
import { notFound } from "../lib/http.server";
import { may } from "../auth/policy";
import { db, rowsOf } from "../../db/client.server";
import { getModule, visibleModule } from "./catalog.server";
import type { CompiledModule } from "./manifest";

// Which version of a module a learner sees (ADR 039). A learner drawn into the "variant"
// arm of a running A/B evaluation sees the variant wherever they open the original, and
// everyone else sees the original wherever they open the variant: each sees only their
// own version. "Running" is registered (not stopped) and within its period, so the
// original is what everyone sees before the period, after it, and once it is stopped.
// Trainers and admins, who review content, may open a variant directly.

export type LearnerModule = { module: CompiledModule } | { redirectTo: string } | undefined;

/**
 * The variants this person is assigned to in running evaluations, by original slug. Were
 * two running evaluations to assign variants of one original, the first registered wins.
 */
export async function assignedVariants(userId: string, originalSlug?: string): Promise<Map<string, string>> {
  const found = rowsOf<{ original: string; slug: string }>(await db().execute(sql`
    select md.variant_of as original, e.variant_module as slug
    from evaluation_assignments a join evaluations e on e.id = a.evaluation_id
    join modules md on md.slug = e.variant_module
    where a.user_id = ${userId} and a.arm = 'variant' and e.design = 'variant' and e.status = 'registered'
      and ${originalSlug === undefined ? sql`md.variant_of is not null` : sql`md.variant_of = ${originalSlug}`}
      and current_date between e.period_start and e.period_end
    order by e.registered_at`));
  const byOriginal = new Map<string, string>();
  for (const row of found) if (!byOriginal.has(row.original)) byOriginal.set(row.original, row.slug);
  return byOriginal;
}

/** The variant of `originalSlug` this person is assigned to in a running evaluation, if any. */
export async function assignedVariant(userId: string, originalSlug: string): Promise<string | undefined> {
  return (await assignedVariants(userId, originalSlug)).get(originalSlug);
}

/**
 * The catalogue as this person is served it: each module they are drawn to see as a
 * variant replaced by that variant, in the original's place. So a card's title, progress
 * and link are those of the version the module page (learnerModule) gives them, never the
 * other version's. One query for the whole list.
 */
export async function ownVersions(userId: string, list: CompiledModule[]): Promise<CompiledModule[]> {
  const assigned = await assignedVariants(userId);
  if (assigned.size === 0) return list;
  return list.map((m) => {
    const slug = assigned.get(m.slug);
    return (slug && getModule(slug)) || m;
  });
}

/** The version of the module at `slug` this person should see, or where to send them instead. */
export async function learnerModule(user: { id: string; role: string }, slug: string): Promise<LearnerModule> {
  const module = visibleModule(slug, user.role);
  if (!module) return undefined;
  const of = module.frontmatter.variant?.of;
  if (of !== undefined) {
    if (may.previewDrafts(user.role)) return { module };
    const original = getModule(of);
    if (!original) return undefined;
    return (await assignedVariant(user.id, of)) === slug ? { module } : { redirectTo: of };
  }
  const variant = await assignedVariant(user.id, slug);
  if (variant && getModule(variant)) return { redirectTo: variant };
  return { module };
}

/**
 * For a module route: the module this person sees at `slug`, or a thrown 404 or redirect
 * to the module page of their own version (step ids differ between versions, so a step
 * address of the other version leads to its module page, not to a step).
 */
export async function requireLearnerModule(user: { id: string; role: string }, slug: string): Promise<CompiledModule> {
  const found = await learnerModule(user, slug);
  if (!found) throw notFound("There is no training module at this address.");
  if ("redirectTo" in found) throw redirect(`/modules/${found.redirectTo}`, 303);
  return found.module;
}
