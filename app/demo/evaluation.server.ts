import { eq, sql } from "drizzle-orm";
import { db, rowsOf } from "../../db/client.server";
import { users } from "../../db/schema";
import { registerEvaluation, todayUtc } from "../reports/evaluations.server";

// One registered evaluation for the demo organiser, so /reports/evaluations shows one on
// first start (issue 17 part 4). With a module variant in the catalogue it is an A/B
// evaluation of it (ADR 039): the demo activists of the organiser's groups who have not
// begun the module (ADR 046) are split between the original and the variant, completion of the module the outcome, for 60 days
// from a week after the first start. Otherwise a "train now / train later" one on
// conversation rate. Starting a week later keeps the demo accounts (which walkthroughs and
// the e2e specs use) on the original on the first days, rather than on a version drawn by lot.
// Idempotent: the fixed form key returns the first registration on every later start.

const DEMO_FORM_KEY = "demo-evaluation-first-start";

const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

export async function seedDemoEvaluation(organiserEmail: string, groupIds: string[]): Promise<void> {
  const [organiser] = await db().select({ id: users.id, role: users.role }).from(users).where(eq(users.email, organiserEmail));
  if (!organiser || groupIds.length === 0) return;
  const [variant] = rowsOf<{ slug: string; title: string }>(
    await db().execute(sql`select v.slug, o.title from modules v join modules o on o.slug = v.variant_of and not o.draft where v.variant_of is not null order by o.position, v.slug limit 1`),
  );
  const from = addDays(todayUtc(), 7);
  const draft = variant
    ? { name: `“${variant.title}”: explained or by example?`, groups: groupIds, design: "variant" as const, variant: variant.slug, outcome: "module" as const, from, to: addDays(from, 60) }
    : { name: "Train now or later: conversation rate", groups: groupIds, outcome: "conversation" as const, from, to: addDays(from, 60) };
  const registered = await registerEvaluation(organiser, draft, DEMO_FORM_KEY);
  // Too few activists to split (a trimmed demo): leave the list empty rather than fail boot.
  if (!registered.ok && registered.status !== 400) throw new Error(`demo evaluation: ${registered.message}`);
}
