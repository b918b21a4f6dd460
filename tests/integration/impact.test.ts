import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { adjustFieldDaily, type FieldCounts } from "~/field/daily.server";
import * as exportRoute from "~/routes/reports.export.$table";
import * as impactRoute from "~/routes/reports.impact._index";
import * as canvasserRoute from "~/routes/reports.impact.activists.$id";
import type { ImpactReport } from "~/reports/impact.server";
import { db } from "../../db/client.server";
import { canvassContacts, debriefs } from "../../db/schema";
import { withFixtureCatalog } from "../setup/content";
import { withTestDatabase } from "../setup/database";
import { get, makeGroup, makeUser, run, type TestUser } from "../setup/fixtures";

// The impact report against a fixture whose every figure is recomputed here from the
// fixture rows, with the formulas written out afresh (Wilson 1927; Newcombe 1998 method
// 10; the ratio estimator's variance for clustered rates, Cochran 1977 §6.9), so a
// mistake in app/stats/intervals.ts or in the report's SQL fails the test.
//
// Modules: the fixture catalogue's two published modules; "trained" = both complete.
// Groups: A (branch) and B (constituency, target seat) are Olu's; C is not.
//
//   person  trained on   field days in the period (2026-02-15 … 2026-03-31)
//   p1      2026-03-10   A 03-01, A 03-02 (before)  A 03-20, B 03-21 (after)
//   p2      2026-02-01   B 02-20, B 03-05 (trained throughout)
//   p3      never        A 02-16, B 03-10, A 03-30
//   p4      one module   A 03-03 (not trained: one of two modules)
//   p5      2026-03-01   C 02-20, C 03-20 (outside Olu's groups)
//   p6      2026-03-15   A 03-15 (the day of training: not yet), A 03-25 (after)
//   p3 also has a day on 2026-04-10, after the period, that must not count.

withTestDatabase();
withFixtureCatalog();

const FROM = "2026-02-15";
const TO = "2026-03-31";
const Z = 1.959963984540054;

interface Day {
  who: string;
  area: "A" | "B" | "C";
  day: string;
  a: number;
  c: number;
  v: number;
  m: number;
  objections?: string[];
  /** As imported contact rows rather than a debrief. */
  imported?: boolean;
}

const TRAINED_ON: Record<string, string | null> = { p1: "2026-03-10", p2: "2026-02-01", p3: null, p4: null, p5: "2026-03-01", p6: "2026-03-15" };

const DAYS: Day[] = [
  { who: "p1", area: "A", day: "2026-03-01", a: 40, c: 10, v: 5, m: 1, objections: ["cost-of-living", "no-time"] },
  { who: "p1", area: "A", day: "2026-03-02", a: 30, c: 9, v: 4, m: 1, objections: ["cost-of-living"] },
  { who: "p1", area: "A", day: "2026-03-20", a: 35, c: 14, v: 9, m: 3, objections: ["all-the-same"] },
  { who: "p1", area: "B", day: "2026-03-21", a: 12, c: 5, v: 3, m: 1, imported: true },
  { who: "p2", area: "B", day: "2026-02-20", a: 50, c: 40, v: 12, m: 4, objections: ["cost-of-living", "all-the-same"] },
  { who: "p2", area: "B", day: "2026-03-05", a: 45, c: 35, v: 10, m: 2 },
  { who: "p3", area: "A", day: "2026-02-16", a: 25, c: 5, v: 2, m: 0, objections: ["no-time"] },
  { who: "p3", area: "B", day: "2026-03-10", a: 20, c: 6, v: 3, m: 1, imported: true },
  { who: "p3", area: "A", day: "2026-03-30", a: 30, c: 7, v: 3, m: 1 },
  { who: "p3", area: "A", day: "2026-04-10", a: 99, c: 50, v: 40, m: 30, objections: ["hostile"] },
  { who: "p4", area: "A", day: "2026-03-03", a: 18, c: 4, v: 1, m: 0 },
  { who: "p5", area: "C", day: "2026-02-20", a: 60, c: 10, v: 5, m: 1, objections: ["hostile"] },
  { who: "p5", area: "C", day: "2026-03-20", a: 40, c: 16, v: 10, m: 5 },
  { who: "p6", area: "A", day: "2026-03-15", a: 22, c: 6, v: 2, m: 0, objections: ["cost-of-living"] },
  { who: "p6", area: "A", day: "2026-03-25", a: 28, c: 12, v: 6, m: 2 },
];

let olu: TestUser;
let ada: TestUser;
const ids = new Map<string, string>();
const groupIds = new Map<string, string>();

beforeAll(async () => {
  const a = await makeGroup("branch");
  const b = await makeGroup("constituency", true);
  const c = await makeGroup("constituency");
  groupIds.set("A", a.id).set("B", b.id).set("C", c.id);
  olu = await makeUser("organiser", { groupIds: [a.id, b.id] });
  ada = await makeUser("admin");
  const memberOf: Record<string, string[]> = { p1: [a.id, b.id], p2: [b.id], p3: [a.id, b.id], p4: [a.id], p5: [c.id], p6: [a.id] };
  for (const who of Object.keys(TRAINED_ON)) {
    const user = await makeUser("activist", { groupIds: memberOf[who]!, name: `Canvasser ${who}` });
    ids.set(who, user.id);
  }
  const modules = (await db().execute(sql`select slug from modules where not draft order by slug`)) as unknown;
  const slugs = ((Array.isArray(modules) ? modules : (modules as { rows: unknown[] }).rows) as { slug: string }[]).map((r) => r.slug);
  expect(slugs.length).toBe(2);
  const complete = async (who: string, slug: string, on: string) =>
    db().execute(sql`insert into module_completions (user_id, module_slug, content_hash, how, completed_at) values (${ids.get(who)!}, ${slug}, 'h', 'self', ${`${on}T15:00:00Z`}::timestamptz)`);
  for (const [who, on] of Object.entries(TRAINED_ON)) {
    if (!on) continue;
    // The first module a few days earlier: the training day is the last completion's.
    await complete(who, slugs[0]!, "2026-01-05");
    await complete(who, slugs[1]!, on);
  }
  await complete("p4", slugs[0]!, "2026-01-05");

  await db().transaction(async (tx) => {
    const counts: FieldCounts[] = [];
    let n = 0;
    for (const d of DAYS) {
      const userId = ids.get(d.who)!;
      const groupId = groupIds.get(d.area)!;
      if (d.imported) {
        const rows = Array.from({ length: d.a }, (_, i) => ({
          source: "test-tool",
          externalId: `${d.who}-${d.day}-${i}`,
          userId,
          groupId,
          day: d.day,
          result: i < d.v ? ("conversation" as const) : i < d.c ? ("contact" as const) : ("no-answer" as const),
          commitment: i < d.m,
        }));
        await tx.insert(canvassContacts).values(rows);
      } else {
        await tx.insert(debriefs).values({ userId, groupId, day: d.day, kind: "doors", attempts: d.a, contacts: d.c, conversations: d.v, commitments: d.m, objections: d.objections ?? [], formKey: `t${n++}` });
      }
      counts.push({ userId, groupId, day: d.day, attempts: d.a, contacts: d.c, conversations: d.v, commitments: d.m });
    }
    await adjustFieldDaily(tx, counts, 1);
  });
});

// ---------------------------------------------------------------- the figures, by hand

function wilsonByHand(y: number, n: number) {
  const p = y / n;
  const centre = (p + (Z * Z) / (2 * n)) / (1 + (Z * Z) / n);
  const half = (Z / (1 + (Z * Z) / n)) * Math.sqrt((p * (1 - p)) / n + (Z * Z) / (4 * n * n));
  return { p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** Pooled rate over people, interval on the clustered effective sample size. */
function clusteredByHand(people: { x: number; y: number }[]) {
  const used = people.filter((q) => q.x > 0);
  const X = used.reduce((s, q) => s + q.x, 0);
  const Y = used.reduce((s, q) => s + q.y, 0);
  const p = Y / X;
  const k = used.length;
  const between = (k / (k - 1)) * used.reduce((s, q) => s + (q.y - p * q.x) ** 2, 0) / (X * X);
  const deff = Math.max(1, between / ((p * (1 - p)) / X));
  const w = wilsonByHand(Y / deff, X / deff);
  return { p, low: w.low, high: w.high, deff, people: k };
}

const RATE_PARTS = { contact: ["a", "c"], conversation: ["c", "v"], commitment: ["v", "m"] } as const;

function expected(visibleAreas: string[]) {
  const rows = DAYS.filter((d) => visibleAreas.includes(d.area) && d.day >= FROM && d.day <= TO);
  const isTrained = (d: Day) => TRAINED_ON[d.who] !== null && (TRAINED_ON[d.who] as string) < d.day;
  const perSide = (trained: boolean) => {
    const people = new Map<string, { a: number; c: number; v: number; m: number }>();
    for (const d of rows.filter((r) => isTrained(r) === trained)) {
      const p = people.get(d.who) ?? { a: 0, c: 0, v: 0, m: 0 };
      p.a += d.a;
      p.c += d.c;
      p.v += d.v;
      p.m += d.m;
      people.set(d.who, p);
    }
    return people;
  };
  const trained = perSide(true);
  const untrained = perSide(false);
  const rates = Object.fromEntries(
    Object.entries(RATE_PARTS).map(([key, [x, y]]) => {
      const t = clusteredByHand([...trained.values()].map((q) => ({ x: q[x], y: q[y] })));
      const u = clusteredByHand([...untrained.values()].map((q) => ({ x: q[x], y: q[y] })));
      const d = t.p - u.p;
      const low = d - Math.sqrt((t.p - t.low) ** 2 + (u.high - u.p) ** 2);
      const high = d + Math.sqrt((t.high - t.p) ** 2 + (u.p - u.low) ** 2);
      // Within person: each person with this rate's denominator on both sides.
      const diffs = [...trained.keys()].filter((w) => untrained.has(w) && trained.get(w)![x] > 0 && untrained.get(w)![x] > 0).map((w) => trained.get(w)![y] / trained.get(w)![x] - untrained.get(w)![y] / untrained.get(w)![x]);
      const mean = diffs.reduce((s, v) => s + v, 0) / diffs.length;
      const sd = Math.sqrt(diffs.reduce((s, v) => s + (v - mean) ** 2, 0) / (diffs.length - 1));
      return [key, { t, u, d, low, high, within: { n: diffs.length, mean, low: mean - (Z * sd) / Math.sqrt(diffs.length), high: mean + (Z * sd) / Math.sqrt(diffs.length) } }];
    }),
  );
  const active = new Set(rows.map((r) => r.who));
  const trainedByEnd = [...active].filter((w) => TRAINED_ON[w] !== null && (TRAINED_ON[w] as string) <= TO);
  const both = [...trained.keys()].filter((w) => untrained.has(w));
  return { rows, trained, untrained, rates, active: active.size, trainedByEnd: trainedByEnd.length, both: both.length };
}

async function report(who: TestUser, query = ""): Promise<ImpactReport> {
  const outcome = await run(impactRoute.loader, get(`/reports/impact?from=${FROM}&to=${TO}${query}`, who.cookie));
  expect(outcome.status).toBe(200);
  return (outcome.body as { report: ImpactReport }).report;
}

describe("impact report figures", () => {
  it("an organiser's report counts their groups only, and every rate, interval and difference matches the hand computation", async () => {
    const r = await report(olu);
    const want = expected(["A", "B"]);
    expect(r.canvassers.active).toBe(want.active);
    expect(r.canvassers.active).toBe(5); // p1, p2, p3, p4, p6 — not p5 (group C)
    expect(r.canvassers.trained).toBe(want.trainedByEnd);
    expect(r.sides.trained.people).toBe(want.trained.size);
    expect(r.sides.untrained.people).toBe(want.untrained.size);
    // p3's day after the period is not counted.
    expect(r.sides.untrained.attempts + r.sides.trained.attempts).toBe(want.rows.reduce((s, d) => s + d.a, 0));
    for (const c of r.comparisons) {
      const w = want.rates[c.key]!;
      expect(c.trained.rate).toBeCloseTo(w.t.p, 10);
      expect(c.trained.low).toBeCloseTo(w.t.low, 10);
      expect(c.trained.high).toBeCloseTo(w.t.high, 10);
      expect(c.trained.designEffect).toBeCloseTo(w.t.deff, 10);
      expect(c.untrained.rate).toBeCloseTo(w.u.p, 10);
      expect(c.untrained.low).toBeCloseTo(w.u.low, 10);
      expect(c.untrained.high).toBeCloseTo(w.u.high, 10);
      expect(c.difference.difference).toBeCloseTo(w.d, 10);
      expect(c.difference.low).toBeCloseTo(w.low, 10);
      expect(c.difference.high).toBeCloseTo(w.high, 10);
      expect(c.note).toContain(`${w.t.people} ${w.t.people === 1 ? "person" : "people"} against ${w.u.people}`);
      expect(c.note).toContain("this shows a difference, not its cause");
    }
    // p2 answers twice as many doors as p1 and p6: clustering widens the trained contact
    // rate's interval well beyond the one that treats every door as independent.
    const contact = r.comparisons.find((c) => c.key === "contact")!;
    expect(contact.trained.designEffect).toBeGreaterThan(2);
    const naive = wilsonByHand(contact.trained.successes, contact.trained.trials);
    expect(contact.trained.high - contact.trained.low).toBeGreaterThan(naive.high - naive.low);
  });

  it("before and after: the same people's own change, averaged with its interval", async () => {
    const r = await report(olu);
    const want = expected(["A", "B"]);
    expect(r.within.people).toBe(want.both);
    expect(r.within.people).toBe(2); // p1 and p6
    for (const w of r.within.rates) {
      const e = want.rates[w.key]!.within;
      expect(w.change.n).toBe(e.n);
      expect(w.change.mean!).toBeCloseTo(e.mean, 10);
      expect(w.change.low).toBeCloseTo(e.low, 10);
      expect(w.change.high).toBeCloseTo(e.high, 10);
      expect(w.note).toContain(`the same ${e.n} people before and after`);
    }
  });

  it("an admin sees the whole movement, and a group filter narrows to one area", async () => {
    const all = await report(ada);
    const want = expected(["A", "B", "C"]);
    expect(all.canvassers.active).toBe(6);
    expect(all.comparisons[0]!.trained.rate).toBeCloseTo(want.rates.contact!.t.p, 10);
    const onlyB = await report(olu, `&group=${groupIds.get("B")}`);
    const wantB = expected(["B"]);
    expect(onlyB.canvassers.active).toBe(wantB.active);
    expect(onlyB.comparisons[2]!.untrained.rate).toBeCloseTo(wantB.rates.commitment!.u.p, 10);
    const targets = await report(olu, "&target=1");
    expect(targets.canvassers.active).toBe(wantB.active);
  });

  it("weekly trend sums to the totals, and objections are counted per area with a practice link", async () => {
    const r = await report(olu);
    const weekly = r.weeks.reduce((s, w) => s + w.trained.attempts + w.untrained.attempts, 0);
    expect(weekly).toBe(r.sides.trained.attempts + r.sides.untrained.attempts);
    expect(r.weeks.every((w) => new Date(`${w.week}T00:00:00Z`).getUTCDay() === 1)).toBe(true);
    const inA = r.objections.filter((o) => o.groupId === groupIds.get("A"));
    // Area A's debriefs in the period: p1 ×3, p3 ×2, p4, p6 ×2 = 8; cost-of-living in p1 ×2 and p6.
    expect(inA[0]).toMatchObject({ code: "cost-of-living", times: 3, debriefs: 8 });
    expect(inA[0]!.practice.href).toMatch(/^\/modules/);
    expect(r.objections.some((o) => o.code === "hostile")).toBe(false); // p5's is in C, p3's after the period
  });
});

describe("impact report pages", () => {
  it("refuses activists and trainers, and answers bad filters with a 400 and a message", async () => {
    const activist = await makeUser("activist");
    expect((await run(impactRoute.loader, get("/reports/impact", activist.cookie))).status).toBe(403);
    const bad = await run(impactRoute.loader, get("/reports/impact?from=2026-02-31", olu.cookie));
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain("not a real date");
    const outside = await run(impactRoute.loader, get(`/reports/impact?group=${groupIds.get("C")}`, olu.cookie));
    expect(outside.status).toBe(400);
  });

  it("drills down to one canvasser, and hides people outside the organiser's groups", async () => {
    const p1 = await run(canvasserRoute.loader, get(`/reports/impact/activists/${ids.get("p1")}?from=${FROM}&to=${TO}`, olu.cookie), { id: ids.get("p1")! });
    expect(p1.status).toBe(200);
    const body = p1.body as { trainedOn: string; before: { attempts: number }; after: { attempts: number }; rates: { key: string; before: { rate: number } }[] };
    expect(body.trainedOn).toBe("2026-03-10");
    expect(body.before.attempts).toBe(70);
    expect(body.after.attempts).toBe(47);
    expect(body.rates.find((x) => x.key === "contact")!.before.rate).toBeCloseTo(19 / 70, 12);
    const p5 = await run(canvasserRoute.loader, get(`/reports/impact/activists/${ids.get("p5")}`, olu.cookie), { id: ids.get("p5")! });
    expect(p5.status).toBe(404);
    const unknown = await run(canvasserRoute.loader, get("/reports/impact/activists/nobody", olu.cookie), { id: "nobody" });
    expect(unknown.status).toBe(404);
  });

  it("exports every impact table as CSV with the page's filters", async () => {
    const csv = async (table: string, query: string) => {
      const res = (await exportRoute.loader({ request: get(`/reports/export/${table}${query}`, olu.cookie), params: { table }, context: { clientIp: "203.0.113.7" } })) as Response;
      return { status: res.status, text: await res.text() };
    };
    const q = `?from=${FROM}&to=${TO}`;
    const rates = await csv("impact-rates", q);
    expect(rates.status).toBe(200);
    const contactLine = rates.text.split("\r\n").find((l) => l.startsWith("Contact rate"))!;
    const want = expected(["A", "B"]).rates.contact!;
    expect(contactLine).toContain(String(Math.round(want.t.p * 1e4) / 1e4));
    for (const table of ["impact-within", "impact-weeks", "impact-objections", "impact-canvassers"]) {
      const res = await csv(table, q);
      expect(res.status).toBe(200);
      expect(res.text.split("\r\n").filter(Boolean).length).toBeGreaterThan(1);
    }
    const canvassers = await csv("impact-canvassers", q);
    expect(canvassers.text).toContain("Canvasser p1");
    expect(canvassers.text).not.toContain("Canvasser p5");
    const one = await csv("impact-canvasser", `${q}&id=${ids.get("p1")}`);
    expect(one.status).toBe(200);
    expect((await csv("impact-canvasser", `${q}&id=${ids.get("p5")}`)).status).toBe(404);
    expect((await csv("impact-rates", "?to=nonsense")).status).toBe(400);
  });
});
