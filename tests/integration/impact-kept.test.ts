import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { recordDebrief, deleteDebrief } from "~/field/debriefs.server";
import { importJob } from "~/field/import.server";
import { setFieldRetention } from "~/field/retention.server";
import { impactReport, type ImpactParts, type ImpactReport } from "~/reports/impact.server";
import type { ImpactFilters } from "~/reports/impact-filters.server";
import { rebuildReportSummaries } from "~/reports/summaries.server";
import * as importPage from "~/routes/reports.imports.$id";
import * as uploadPage from "~/routes/reports.imports.new";
import { db, rowsOf } from "../../db/client.server";
import { withFixtureCatalog } from "../setup/content";
import { withTestDatabase } from "../setup/database";
import { makeGroup, makeUser, post, run, TEST_ORIGIN, type TestUser } from "../setup/fixtures";

// The impact report's kept answers (migration 0030, ADR 044). A kept answer is served only
// while no table the figures read has changed since it was computed, so after every kind
// of write — a debrief through the writer, a CSV import, completions, an activist deleting
// their own debrief, retention, a renamed canvasser, a summaries rebuild, a deleted person — the
// report must equal the straightforward computation (impactReport without reuse), for the
// admin and for an organiser, and each step must change the figures (so a stale answer
// would fail the test rather than pass by coincidence).

withTestDatabase();
withFixtureCatalog();

const FILTERS: ImpactFilters = { group: undefined, kind: undefined, target: undefined, from: "2026-01-01", to: "2026-11-30" };
const WHOLE: ImpactParts = { weeks: true, objections: true, canvassers: 50 };
const RATES_ONLY: ImpactParts = { weeks: false, objections: false, canvassers: 0 };

let form = 0;
const debrief = (groupId: string, day: string, attempts: number, objections: string[] = []) => ({
  formKey: `kept-${form++}`,
  shiftId: null,
  groupId,
  day,
  kind: "doors" as const,
  attempts,
  contacts: Math.floor(attempts / 2),
  conversations: Math.floor(attempts / 4),
  commitments: Math.floor(attempts / 10),
  outcomes: {},
  objections,
  hardestObjection: null,
  differently: "",
});

async function keptAnswers(): Promise<number> {
  const [row] = rowsOf<{ n: number }>(await db().execute(sql`select count(*)::int as n from impact_report_cache`));
  return Number(row?.n ?? 0);
}

/** The report twice through the kept answers (the second served from them) and once computed afresh: all equal. */
async function sameAsComputed(viewer: TestUser, parts: ImpactParts = WHOLE): Promise<ImpactReport> {
  const first = await impactReport(viewer, FILTERS, parts);
  const again = await impactReport(viewer, FILTERS, parts);
  const fresh = await impactReport(viewer, FILTERS, parts, { reuse: false });
  if (!first.ok || !again.ok || !fresh.ok) throw new Error("the report refused the filters");
  expect(first.report).toEqual(fresh.report);
  expect(again.report).toEqual(fresh.report);
  return again.report;
}

const doors = (r: ImpactReport) => r.sides.trained.attempts + r.sides.untrained.attempts;

describe("the impact report's kept answers", () => {
  it("equal the computed report after every kind of write, for the admin and an organiser", async () => {
    const area = await makeGroup("branch");
    const other = await makeGroup("constituency");
    const organiser = await makeUser("organiser", { groupIds: [area.id] });
    const admin = await makeUser("admin");
    const ada = await makeUser("activist", { groupIds: [area.id], name: "Ada Kept" });
    const ben = await makeUser("activist", { groupIds: [area.id, other.id], name: "Ben Kept" });

    const check = async (label: string, before: { admin: number; organiser: number } | undefined, changes: "both" | "admin" | "names" = "both") => {
      const a = await sameAsComputed(admin);
      const o = await sameAsComputed(organiser);
      await sameAsComputed(admin, RATES_ONLY);
      expect(await keptAnswers(), label).toBeGreaterThan(0);
      if (before && changes !== "names") {
        expect(doors(a), `${label}: the admin's figures moved`).not.toBe(before.admin);
        if (changes === "both") expect(doors(o), `${label}: the organiser's figures moved`).not.toBe(before.organiser);
      }
      return { admin: doors(a), organiser: doors(o), report: a };
    };

    // A debrief through the writer.
    expect((await recordDebrief(ada.id, debrief(area.id, "2026-02-10", 40, ["cost-of-living"]))).ok).toBe(true);
    let state = await check("first debrief", undefined);
    const bens = await recordDebrief(ben.id, debrief(area.id, "2026-10-06", 30, ["no-time"]));
    expect(bens.ok).toBe(true);
    state = await check("second debrief", state);
    // In the other area only: the admin's figures move, the organiser's do not.
    expect((await recordDebrief(ben.id, debrief(other.id, "2026-10-07", 12))).ok).toBe(true);
    state = await check("debrief outside the organiser's groups", state, "admin");

    // A CSV import through the organiser's pages.
    const csv = ["contact_id,canvasser_email,date,area,result,support,commitment", ...Array.from({ length: 7 }, (_, i) => `k${i},${ben.email},2026-10-08,${area.name},conversation,2,yes`)].join("\r\n");
    const upload = new FormData();
    upload.set("source", "KeptTool");
    upload.set("file", new Blob([csv], { type: "text/csv" }), "kept.csv");
    const uploaded = await run(uploadPage.action, new Request(new URL("/reports/imports/new", TEST_ORIGIN), { method: "POST", body: upload, headers: { Origin: TEST_ORIGIN, Cookie: organiser.cookie } }));
    expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(302);
    const importId = uploaded.location!.split("/").pop()!;
    const mapping = { externalId: "0", person: "1", personBy: "email", date: "2", area: "3", result: "4", support: "5", commitment: "6", intent: "import" };
    const started = await run(importPage.action, post(`/reports/imports/${importId}`, mapping, organiser.cookie), { id: importId });
    expect(started.status, JSON.stringify(started.body)).toBe(302);
    await importJob(importId);
    state = await check("import", state);

    // Completions: Ada becomes trained (both published modules), so her days change side.
    const trainedBefore = state.report.sides.trained.attempts;
    const slugs = rowsOf<{ slug: string }>(await db().execute(sql`select slug from modules where not draft order by slug`)).map((r) => r.slug);
    expect(slugs.length).toBe(2);
    for (const slug of slugs) {
      await db().execute(sql`insert into module_completions (user_id, module_slug, content_hash, how, completed_at) values (${ada.id}, ${slug}, 'h', 'self', '2026-01-20T12:00:00Z'::timestamptz)`);
    }
    const trained = await check("completions", state, "names");
    expect(trained.report.sides.trained.attempts).toBeGreaterThan(trainedBefore);

    // An activist deleting their own debrief.
    if (!bens.ok) throw new Error("unreachable");
    expect((await deleteDebrief(ben.id, bens.value.id)).ok).toBe(true);
    state = await check("own debrief deleted", trained);

    // Retention: six months back from 5 December removes Ada's February debrief.
    await setFieldRetention(6, admin.id, new Date("2026-12-05T12:00:00Z"));
    state = await check("retention", state);

    // A canvasser renamed: the list shows names.
    await db().execute(sql`update users set name = 'Ben Renamed' where id = ${ben.id}`);
    const renamed = await check("renamed", state, "names");
    expect(renamed.report.topCanvassers.map((c) => c.name)).toContain("Ben Renamed");

    // The rebuild of every summary (truncates and refills learner_totals): still the same.
    await rebuildReportSummaries();
    await check("rebuild", state, "names");

    // A deleted person: no kept answer keeps their name, even until the next report.
    expect(await keptAnswers()).toBeGreaterThan(0);
    await db().execute(sql`delete from users where id = ${ben.id}`);
    expect(await keptAnswers()).toBe(0);
    const gone = await check("person deleted", state);
    expect(gone.report.topCanvassers.map((c) => c.name)).not.toContain("Ben Renamed");
    // ~14 s alone on PGlite, 30 s when other files share the machine: many full reports.
  }, 120_000);

  it("a write that was rolled back leaves the kept answer in use", async () => {
    const admin = await makeUser("admin");
    await impactReport(admin, FILTERS);
    const version = async () => Number(rowsOf<{ v: string }>(await db().execute(sql`select sum(changes)::text as v from impact_data_stripes`))[0]!.v);
    const before = await version();
    await db()
      .transaction(async (tx) => {
        await tx.execute(sql`update groups set name = name || '!'`);
        throw new Error("roll back");
      })
      .catch(() => {});
    expect(await version()).toBe(before);
    await db().execute(sql`update groups set name = name`);
    expect(await version()).toBe(before + 1);
  });

  it("every table the figures read is watched", async () => {
    // If a new table feeds the figures, it needs the trigger too, or a kept answer goes stale.
    const watched = rowsOf<{ t: string }>(
      await db().execute(sql`
        select distinct c.relname as t from pg_trigger tg join pg_class c on c.oid = tg.tgrelid join pg_proc p on p.oid = tg.tgfoid
        where p.proname = 'impact_data_changed' order by 1`),
    ).map((r) => r.t);
    expect(watched).toEqual(["debriefs", "field_daily", "field_debrief_weeks", "field_objection_weeks", "groups", "learner_core_days", "learner_totals", "modules", "users"]);
  });
});
