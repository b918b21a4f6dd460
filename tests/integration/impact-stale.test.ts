import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { adjustFieldDaily } from "~/field/daily.server";
import { recordDebrief } from "~/field/debriefs.server";
import { impactFilterSchema, shiftDay } from "~/reports/impact-filters.server";
import { adminPageLockName, impactRecomputesSettled, impactReport, startImpactWarmer, stopImpactWarmer, type ImpactReport } from "~/reports/impact.server";
import * as impactPage from "~/routes/reports.impact._index";
import { databaseHandle, db, rowsOf } from "../../db/client.server";
import { withFixtureCatalog } from "../setup/content";
import { testDbKind, withTestDatabase } from "../setup/database";
import { renderRouteHtml } from "../setup/render";
import { get, makeGroup, makeUser, run, type TestUser } from "../setup/fixtures";

// The admin's whole-movement impact page served from the last kept answer while a fresh
// one is computed (ADR 045): labelled on the page, at most an hour old, never for an
// organiser, with names looked up fresh (a renamed person shows the new name, a deleted
// one is not shown), and the warmer that recomputes the default period.

withTestDatabase();
withFixtureCatalog();

// Each test has its own period (the admin sees every test's people), all before the
// default period the warmer recomputes.
const PERIODS = { stale: ["2025-01-01", "2025-03-31"], old: ["2025-04-01", "2025-06-30"], names: ["2025-07-01", "2025-09-30"], areas: ["2025-10-01", "2025-11-30"], lock: ["2024-01-01", "2024-03-31"] } as const;
type Period = keyof typeof PERIODS;

afterEach(async () => {
  await stopImpactWarmer();
});

/** The page's loader and its HTML as the server renders it (the route's own component, on a static router). */
type PageReport = ImpactReport & { objectionsIn?: unknown };
async function page(viewer: TestUser, period: Period): Promise<{ report: PageReport; html: string }> {
  const path = `/reports/impact?from=${PERIODS[period][0]}&to=${PERIODS[period][1]}`;
  const loaded = await run(impactPage.loader, get(path, viewer.cookie));
  expect(loaded.status).toBe(200);
  const body = loaded.body as { report: PageReport };
  const html = await renderRouteHtml({ path: "/reports/impact", Component: impactPage.default }, path, body);
  return { report: body.report, html };
}

/** The report computed straight from the data, as the page's loader shapes it. */
async function computed(viewer: TestUser, period: Period): Promise<ImpactReport> {
  const [from, to] = PERIODS[period];
  const result = await impactReport(viewer, { group: undefined, kind: undefined, target: undefined, from, to }, undefined, { reuse: false });
  if (!result.ok) throw new Error("the report refused the filters");
  return result.report;
}

const doors = (r: ImpactReport) => r.sides.trained.attempts + r.sides.untrained.attempts;
const LABEL = /Figures as of <time dateTime="[^"]+">\d{1,2} \w{3} \d{4}, \d\d:\d\d UTC<\/time>, updating/;

async function logDoors(userId: string, groupId: string, day: string, attempts: number) {
  await db().transaction((tx) => adjustFieldDaily(tx, [{ userId, groupId, day, attempts, contacts: Math.floor(attempts / 2), conversations: Math.floor(attempts / 4), commitments: 1 }], 1));
}

/** A day in the period. */
const day = (period: Period, offset: number) => shiftDay(PERIODS[period][0], offset);

async function setup(period: Period) {
  const area = await makeGroup("branch");
  const admin = await makeUser("admin");
  const organiser = await makeUser("organiser", { groupIds: [area.id] });
  const ada = await makeUser("activist", { groupIds: [area.id], name: "Ada Stale" });
  const ben = await makeUser("activist", { groupIds: [area.id], name: "Ben Stale" });
  await logDoors(ada.id, area.id, day(period, 1), 40);
  await logDoors(ben.id, area.id, day(period, 2), 30);
  return { area, admin, organiser, ada, ben };
}

describe("the admin's impact page while its figures are recomputed", () => {
  it("serves the last figures labelled with their time, then the fresh ones; organisers always get current figures", async () => {
    const { area, admin, organiser, ada } = await setup("stale");
    const first = await page(admin, "stale");
    expect(first.report.asOf).toBeNull();
    expect(first.html).not.toMatch(/Figures as of/);
    expect(await page(organiser, "stale")).toMatchObject({ report: { asOf: null } });

    await logDoors(ada.id, area.id, day("stale", 8), 25);
    const stale = await page(admin, "stale");
    expect(stale.html).toMatch(LABEL);
    expect(stale.report.asOf).not.toBeNull();
    expect(doors(stale.report)).toBe(doors(first.report));
    // An organiser's page is never stale: it waits for the new figures.
    const own = await page(organiser, "stale");
    expect(own.report.asOf).toBeNull();
    expect(doors(own.report)).toBe(doors(first.report) + 25);

    await impactRecomputesSettled();
    const fresh = await page(admin, "stale");
    expect(fresh.report.asOf).toBeNull();
    expect(fresh.html).not.toMatch(/Figures as of/);
    expect(doors(fresh.report)).toBe(doors(first.report) + 25);
    expect(fresh.report).toEqual({ ...(await computed(admin, "stale")), objectionsIn: fresh.report.objectionsIn, objections: fresh.report.objections });
  }, 60_000);

  it("computes rather than serve figures more than an hour old", async () => {
    const { area, admin, ben } = await setup("old");
    await page(admin, "old");
    await logDoors(ben.id, area.id, day("old", 9), 10);
    await db().execute(sql`update impact_report_cache set computed_at = now() - interval '61 minutes'`);
    const late = await page(admin, "old");
    expect(late.report.asOf).toBeNull();
    expect(late.report.sides).toEqual((await computed(admin, "old")).sides);
  }, 60_000);

  it("looks names up fresh: a renamed person shows the new name, a deleted one's figures are not served", async () => {
    const { area, admin, ada, ben } = await setup("names");
    await page(admin, "names");
    await db().execute(sql`update users set name = 'Ada Renamed' where id = ${ada.id}`);
    const renamed = await page(admin, "names");
    expect(renamed.report.asOf).not.toBeNull();
    expect(renamed.report.topCanvassers.map((c) => c.name)).toEqual(["Ada Renamed", "Ben Stale"]);
    expect(renamed.html).not.toContain("Ada Stale");
    await impactRecomputesSettled();

    await logDoors(ada.id, area.id, day("names", 15), 5);
    expect((await page(admin, "names")).report.asOf).not.toBeNull(); // stale again, Ben still in it
    await db().execute(sql`delete from users where id = ${ben.id}`);
    const gone = await page(admin, "names");
    // Deleting a person empties the kept answers, so nothing stale is left to serve.
    expect(gone.report.asOf).toBeNull();
    expect(gone.html).not.toContain("Ben Stale");
    expect(gone.report.topCanvassers.map((c) => c.name)).toEqual(["Ada Renamed"]);
    expect(gone.report.sides).toEqual((await computed(admin, "names")).sides);
  }, 60_000);

  it("looks group names up fresh in the objections table: a renamed area shows its new name, a deleted one's rows are not served", async () => {
    const { area, admin, ada } = await setup("areas");
    const other = await makeGroup("constituency");
    const cy = await makeUser("activist", { groupIds: [other.id], name: "Cy Stale" });
    await db().execute(sql`update groups set name = ${"Aardvark Lane " + other.id.slice(0, 8)} where id = ${other.id}`);
    const debrief = (groupId: string, offset: number, objections: string[]) => ({
      formKey: `stale-areas-${groupId}-${offset}`, shiftId: null, groupId, day: day("areas", offset), kind: "doors" as const,
      attempts: 10, contacts: 5, conversations: 2, commitments: 1, outcomes: {}, objections, hardestObjection: null, differently: "",
    });
    expect((await recordDebrief(ada.id, debrief(area.id, 3, ["cost-of-living"]))).ok).toBe(true);
    expect((await recordDebrief(cy.id, debrief(other.id, 4, ["no-time"]))).ok).toBe(true);
    const areasOf = (r: ImpactReport) => r.objections.map((o) => [o.groupId, o.groupName, o.code]);
    const first = await page(admin, "areas");
    expect(first.report.asOf).toBeNull();
    expect(areasOf(first.report)).toEqual([
      [other.id, `Aardvark Lane ${other.id.slice(0, 8)}`, "no-time"],
      [area.id, area.name, "cost-of-living"],
    ]);

    // A rename sorts the area after the other one: the stale answer is re-ordered as a fresh one would be.
    await db().execute(sql`update groups set name = ${"Zebra Crossing " + other.id.slice(0, 8)} where id = ${other.id}`);
    const renamed = await page(admin, "areas");
    expect(renamed.report.asOf).not.toBeNull();
    expect(areasOf(renamed.report)).toEqual([
      [area.id, area.name, "cost-of-living"],
      [other.id, `Zebra Crossing ${other.id.slice(0, 8)}`, "no-time"],
    ]);
    expect(renamed.html).not.toContain("Aardvark Lane");
    expect(renamed.html).toContain("Zebra Crossing");
    await impactRecomputesSettled();
    expect(areasOf((await page(admin, "areas")).report)).toEqual(areasOf(renamed.report));

    await logDoors(ada.id, area.id, day("areas", 9), 5);
    await db().execute(sql`delete from debriefs where group_id = ${other.id}`);
    await db().execute(sql`delete from groups where id = ${other.id}`);
    const gone = await page(admin, "areas");
    expect(gone.report.asOf).not.toBeNull();
    expect(areasOf(gone.report)).toEqual([[area.id, area.name, "cost-of-living"]]);
    expect(gone.html).not.toContain("Zebra Crossing");
  }, 60_000);

  it.runIf(testDbKind() === "postgres")("of several instances one recomputes: while another holds the page's lock, this one keeps serving the last figures", async () => {
    const { area, admin, ada } = await setup("lock");
    const first = await page(admin, "lock");
    await logDoors(ada.id, area.id, day("lock", 8), 25);
    const [from, to] = PERIODS.lock;
    const lock = adminPageLockName(impactFilterSchema.parse({ from, to }));
    // Another instance, as far as this one can tell: another connection holding the lock.
    await databaseHandle().postgres!.begin(async (other) => {
      await other`select pg_advisory_xact_lock(hashtext(${lock}))`;
      expect((await page(admin, "lock")).report.asOf).not.toBeNull();
      await impactRecomputesSettled();
      const left = await page(admin, "lock");
      expect(left.report.asOf).not.toBeNull();
      expect(doors(left.report)).toBe(doors(first.report));
      await impactRecomputesSettled();
    });
    // The other one stopped without keeping an answer: the next stale read queues it again.
    expect((await page(admin, "lock")).report.asOf).not.toBeNull();
    await impactRecomputesSettled();
    const fresh = await page(admin, "lock");
    expect(fresh.report.asOf).toBeNull();
    expect(doors(fresh.report)).toBe(doors(first.report) + 25);
  }, 60_000);

  it("the warmer recomputes the default period when the data changed, and stops cleanly", async () => {
    const { area, ada } = await setup("names");
    const today = new Date().toISOString().slice(0, 10);
    await logDoors(ada.id, area.id, shiftDay(today, -3), 12);
    const defaults = impactFilterSchema.parse({});
    const keptFor = async () =>
      rowsOf<{ current: boolean }>(
        await db().execute(sql`
          select k.version = (select sum(changes) from impact_data_stripes) as current from impact_report_cache k
          where k.key like '{"scope":"all",%' and k.key like ${`%"to","${defaults.to}"%`}`),
      );
    expect(await keptFor()).toEqual([]);

    startImpactWarmer(100);
    await impactRecomputesSettled();
    expect(await keptFor()).toEqual([{ current: true }]);

    await logDoors(ada.id, area.id, shiftDay(today, -2), 7);
    expect(await keptFor()).toEqual([{ current: false }]);
    await expect.poll(keptFor, { timeout: 10_000, interval: 50 }).toEqual([{ current: true }]);

    await stopImpactWarmer();
    await logDoors(ada.id, area.id, shiftDay(today, -1), 3);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await keptFor()).toEqual([{ current: false }]);
  }, 60_000);
});
