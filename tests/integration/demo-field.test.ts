import path from "node:path";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { seedDemo } from "~/demo/seed.server";
import { DEMO_ELECTION } from "~/demo/elections.server";
import { electionReport } from "~/reports/elections.server";
import { impactReport } from "~/reports/impact.server";
import { shiftDay } from "~/reports/impact-filters.server";
import { db, rowsOf } from "../../db/client.server";
import { installCatalog } from "../setup/content";
import { withTestDatabase } from "../setup/database";

// The demo movement's field data: the impact report must show something on first start,
// with trained canvassers somewhat ahead, and the rollup must equal its sources exactly.

withTestDatabase();

const count = async (query: ReturnType<typeof sql>) => Number(rowsOf<{ n: number }>(await db().execute(query))[0]?.n ?? 0);

describe("demo field data", () => {
  it("seeds debriefs and an import whose rollup matches, shows trained canvassers ahead, and seeds once", async () => {
    await installCatalog(path.resolve("content/modules"));
    await seedDemo();
    const debriefs = await count(sql`select count(*)::int as n from debriefs`);
    const contacts = await count(sql`select count(*)::int as n from canvass_contacts`);
    expect(debriefs).toBeGreaterThan(100);
    expect(contacts).toBeGreaterThan(1000);
    const mismatches = await count(sql`
      with s as (
        select user_id, group_id, day, sum(a) a, sum(c) c, sum(v) v, sum(m) m from (
          select user_id, group_id, day, attempts a, contacts c, conversations v, commitments m from debriefs
          union all
          select user_id, group_id, day, 1, (result <> 'no-answer')::int, (result = 'conversation')::int, commitment::int from canvass_contacts) x
        group by user_id, group_id, day)
      select count(*)::int as n from s full join field_daily f using (user_id, group_id, day)
      where f.attempts is distinct from s.a or f.contacts is distinct from s.c or f.conversations is distinct from s.v or f.commitments is distinct from s.m`);
    expect(mismatches).toBe(0);

    const [admin] = rowsOf<{ id: string }>(await db().execute(sql`select id from users where email = 'admin@doorstep.test'`));
    const today = new Date().toISOString().slice(0, 10);
    const result = await impactReport({ id: admin!.id, role: "admin" }, { from: shiftDay(today, -181), to: today, group: undefined, kind: undefined, target: undefined });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const r = result.report;
    expect(r.canvassers.active).toBeGreaterThan(20);
    // A good share trained, on days spread over the period: both sides have people, and
    // most of the trained were out both before and after their training day.
    const share = r.canvassers.trained / r.canvassers.active;
    expect(share).toBeGreaterThan(0.35);
    expect(share).toBeLessThan(0.7);
    expect(r.sides.trained.people).toBeGreaterThanOrEqual(15);
    expect(r.sides.untrained.people).toBeGreaterThanOrEqual(15);
    expect(r.within.people).toBeGreaterThanOrEqual(10);
    expect(r.objections.length).toBeGreaterThan(5);
    const conversation = r.comparisons.find((c) => c.key === "conversation")!;
    expect(conversation.difference.difference!).toBeGreaterThan(0);

    // The demo election has seats on both sides: every demo target seat has trained
    // activists, the seats without a target-seat group have none.
    const election = await electionReport({ id: admin!.id, role: "admin" }, DEMO_ELECTION);
    if (!election.ok) throw new Error("the demo election is missing");
    const withTrained = election.value.seats.filter((s) => (s.trained ?? 0) > 0).map((s) => s.seat);
    expect(withTrained.sort()).toEqual(["Eastfield", "Hillcrest", "Northgate"]);
    expect(election.value.comparisons[0]!.withTrained.n).toBe(3);
    expect(election.value.comparisons[0]!.withoutTrained.n).toBe(4);

    // One registered A/B evaluation of the story module's variant, for the demo organiser.
    const evaluation = rowsOf<{ design: string; variantModule: string; people: number }>(
      await db().execute(sql`select design, variant_module as "variantModule", (select count(*)::int from evaluation_assignments a where a.evaluation_id = e.id) as people from evaluations e`),
    );
    expect(evaluation).toHaveLength(1);
    expect(evaluation[0]).toMatchObject({ design: "variant", variantModule: "telling-your-story-by-example" });
    // Drawn: the activists of its groups who had not begun the story module in either
    // version when it was registered (ADR 046); the demo's history has begun it for many.
    const [drawable] = rowsOf<{ n: number; began: number }>(
      await db().execute(sql`
        select count(*) filter (where not began)::int as n, count(*) filter (where began)::int as began from (
          select m.user_id, bool_or(exists (select 1 from step_views sv where sv.user_id = m.user_id and sv.module_slug in ('telling-your-story', 'telling-your-story-by-example'))
                 or exists (select 1 from module_completions c where c.user_id = m.user_id and c.module_slug in ('telling-your-story', 'telling-your-story-by-example'))) as began
          from memberships m join users u on u.id = m.user_id and u.role = 'activist'
          where m.group_id in (select group_id from evaluation_groups) group by m.user_id) p`),
    );
    expect(drawable!.began).toBeGreaterThan(0);
    expect(Number(evaluation[0]!.people)).toBe(Number(drawable!.n));
    expect(Number(evaluation[0]!.people)).toBeGreaterThanOrEqual(4);

    await seedDemo();
    expect(await count(sql`select count(*)::int as n from debriefs`)).toBe(debriefs);
    expect(await count(sql`select count(*)::int as n from evaluations`)).toBe(1);
  }, 300_000);
});
