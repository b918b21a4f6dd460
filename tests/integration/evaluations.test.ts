import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { adjustFieldDaily } from "~/field/daily.server";
import { splitStratum, todayUtc } from "~/reports/evaluations.server";
import * as detailRoute from "~/routes/reports.evaluations.$id";
import * as listRoute from "~/routes/reports.evaluations._index";
import * as trainNowRoute from "~/routes/reports.evaluations.$id.train-now";
import * as newRoute from "~/routes/reports.evaluations.new";
import { db } from "../../db/client.server";
import { withFixtureCatalog } from "../setup/content";
import { shiftDay } from "~/reports/impact-filters.server";
import { withTestDatabase, queryRows as q } from "../setup/database";
import { get, makeGroup, makeUser, post, run, type TestUser } from "../setup/fixtures";

// Randomised evaluations (issue 17 part 4): the stratified split, its re-derivation from
// the stored seed, the pre-registration the database enforces, scoping, and the result,
// whose figures are recomputed here from the fixture rows with the formulas written out
// afresh (Wilson 1927; Newcombe 1998 method 10; the ratio estimator's between-person
// variance for the design effect, Cochran 1977 §6.9).
//
// Groups A (7 activists) and B (4 activists, one of whom is also in A) are Olu's; C (3) is
// Cy's. Olu, a trainer and Cy's organiser account are members too but are not activists.

withTestDatabase();
withFixtureCatalog();

const Z = 1.959963984540054;
const FROM = shiftDay(todayUtc(), 1);
const TO = shiftDay(todayUtc(), 30);


let A: { id: string };
let B: { id: string };
let C: { id: string };
let olu: TestUser;
let cy: TestUser;
let admin: TestUser;
const activists = new Map<string, string[]>(); // group name → user ids

/**
 * Each test registers over the same groups and period: end the earlier ones first, as an
 * organiser would, since overlapping evaluations of the same people are refused.
 */
async function stopRegistered() {
  await db().execute(sql`update evaluations set status = 'stopped', stopped_at = now(), stop_reason = 'test: the next one uses the same groups' where status = 'registered'`);
}

let keys = 0;
async function register(who: TestUser, fields: Record<string, string | string[]>) {
  await stopRegistered();
  const formKey = `evaluation-form-key-${++keys}`;
  return run(newRoute.action, post("/reports/evaluations/new", { intent: "register", name: "Doorstep basics, spring", outcome: "conversation", from: FROM, to: TO, formKey, ...fields }, who.cookie));
}

beforeAll(async () => {
  [A, B, C] = await Promise.all([makeGroup("branch"), makeGroup("constituency", true), makeGroup("branch")]);
  olu = await makeUser("organiser", { groupIds: [A.id, B.id] });
  cy = await makeUser("organiser", { groupIds: [C.id] });
  admin = await makeUser("admin");
  await makeUser("trainer", { groupIds: [A.id] });
  const both = await makeUser("activist", { groupIds: [A.id, B.id], name: "In both" });
  activists.set("both", [both.id]);
  for (const [name, group, n] of [["A", A, 6], ["B", B, 3], ["C", C, 3]] as const) {
    const made = await Promise.all(Array.from({ length: n }, (_, i) => makeUser("activist", { groupIds: [group.id], name: `Activist ${name}${i}` })));
    activists.set(name, made.map((u) => u.id));
  }
});

/** Each person's stratum: the first chosen group in id order they belong to. */
function expectedStrata(): Map<string, string[]> {
  const [first, second] = [A.id, B.id].sort();
  const strata = new Map<string, string[]>([[A.id, [...activists.get("A")!]], [B.id, [...activists.get("B")!]]]);
  strata.get(first!)!.push(...activists.get("both")!);
  void second;
  return strata;
}

async function assignmentsOf(id: string) {
  return q<{ userId: string; stratum: string; arm: "now" | "later" }>(sql`select user_id as "userId", stratum_group_id as stratum, arm from evaluation_assignments where evaluation_id = ${id} order by user_id`);
}

describe("registering an evaluation", () => {
  it("splits each chosen group's activists half and half, and can be re-derived from the stored seed", async () => {
    const done = await register(olu, { groups: [A.id, B.id] });
    expect(done.status).toBe(302);
    const id = done.location!.split("/").pop()!.split("?")[0]!;
    const assigned = await assignmentsOf(id);
    const strata = expectedStrata();
    // Every activist once, nobody else (not Olu, not the trainer).
    expect(assigned.map((a) => a.userId).sort()).toEqual([...strata.values()].flat().sort());
    for (const [groupId, members] of strata) {
      const mine = assigned.filter((a) => a.stratum === groupId);
      expect(mine.map((a) => a.userId).sort()).toEqual([...members].sort());
      const now = mine.filter((a) => a.arm === "now").length;
      expect(Math.abs(now - (mine.length - now))).toBe(mine.length % 2);
    }
    // The timing design draws everyone: none left out, and that is kept with the evaluation.
    expect(await q(sql`select not_drawn as "notDrawn" from evaluation_groups where evaluation_id = ${id}`)).toEqual([{ notDrawn: 0 }, { notDrawn: 0 }]);
    const [{ seed }] = (await q<{ seed: string }>(sql`select seed from evaluations where id = ${id}`)) as [{ seed: string }];
    expect(seed).toMatch(/^[0-9a-f]{32}$/);
    for (const [groupId, members] of strata) {
      const again = splitStratum(seed, groupId, members);
      const stored = new Map(assigned.filter((a) => a.stratum === groupId).map((a) => [a.userId, a.arm]));
      expect(new Map(again.map((a) => [a.userId, a.arm]))).toEqual(stored);
    }
  });

  it("draws a different split from a different seed, and the same one from the same seed", () => {
    const people = Array.from({ length: 20 }, (_, i) => `person-${String(i).padStart(2, "0")}`);
    const one = splitStratum("seed-one", "g", people);
    expect(splitStratum("seed-one", "g", [...people].reverse())).toEqual(one);
    expect(splitStratum("seed-two", "g", people)).not.toEqual(one);
    expect(one.filter((a) => a.arm === "now")).toHaveLength(10);
  });

  it("registers once when the same form is submitted twice", async () => {
    const fields = { intent: "register", name: "Twice", groups: [B.id], outcome: "contact", from: FROM, to: TO, formKey: "double-submit-key-0001" };
    await stopRegistered();
    const first = await run(newRoute.action, post("/reports/evaluations/new", fields, olu.cookie));
    const second = await run(newRoute.action, post("/reports/evaluations/new", fields, olu.cookie));
    expect(first.status).toBe(302);
    expect(second.location).toBe(first.location);
    expect(await q<{ n: number }>(sql`select count(*)::int as n from evaluations where name = 'Twice'`)).toEqual([{ n: 1 }]);
  });

  it("refuses a group the organiser does not organise, and writes nothing", async () => {
    const before = await q<{ n: number }>(sql`select count(*)::int as n from evaluations`);
    const refused = await register(olu, { groups: [A.id, C.id] });
    expect(refused.status).toBe(403);
    expect(JSON.stringify(refused.body)).toContain("not a group you organise");
    expect(await q<{ n: number }>(sql`select count(*)::int as n from evaluations`)).toEqual(before);
  });

  it("refuses a period that has already begun, or that ends before it starts", async () => {
    expect((await register(olu, { groups: [A.id], from: shiftDay(todayUtc(), -1) })).status).toBe(400);
    expect((await register(olu, { groups: [A.id], from: TO, to: FROM })).status).toBe(400);
    expect((await register(olu, { groups: [A.id], outcome: "module" })).status).toBe(400);
  });

  it("previews the arms without storing anything", async () => {
    const before = await q<{ n: number }>(sql`select count(*)::int as n from evaluations`);
    const shown = await run(newRoute.action, post("/reports/evaluations/new", { intent: "preview", name: "x", groups: [B.id], outcome: "contact", from: FROM, to: TO }, olu.cookie));
    expect(shown.status).toBe(200);
    const preview = (shown.body as { preview: { people: number; now: number; later: number }[] }).preview;
    // With B alone chosen, the person in both groups is in B's stratum.
    const inB = activists.get("B")!.length + activists.get("both")!.length;
    expect(preview).toEqual([expect.objectContaining({ people: inB, now: Math.floor(inB / 2), later: Math.floor(inB / 2) })]);
    expect(await q<{ n: number }>(sql`select count(*)::int as n from evaluations`)).toEqual(before);
  });
});

describe("once registered", () => {
  let id = "";
  beforeAll(async () => {
    const done = await register(olu, { groups: [A.id] });
    id = done.location!.split("/").pop()!.split("?")[0]!;
  });

  it("its outcome, period, seed and assignments cannot change, and nobody can be added", async () => {
    await expect(db().execute(sql`update evaluations set outcome = 'contact' where id = ${id}`)).rejects.toThrow();
    await expect(db().execute(sql`update evaluations set period_end = period_end + 1 where id = ${id}`)).rejects.toThrow();
    await expect(db().execute(sql`update evaluations set seed = 'other' where id = ${id}`)).rejects.toThrow();
    await expect(db().execute(sql`update evaluation_assignments set arm = case arm when 'now' then 'later' else 'now' end where evaluation_id = ${id}`)).rejects.toThrow();
    const newcomer = await makeUser("activist", { groupIds: [A.id] });
    await expect(db().execute(sql`insert into evaluation_assignments (evaluation_id, user_id, stratum_group_id, arm) values (${id}, ${newcomer.id}, ${A.id}, 'now')`)).rejects.toThrow();
    await expect(db().execute(sql`insert into evaluation_groups (evaluation_id, group_id) values (${id}, ${B.id})`)).rejects.toThrow();
    // Its status may move on.
    await db().execute(sql`update evaluations set status = 'stopped', stopped_at = now(), stop_reason = 'test' where id = ${id}`);
    const [row] = await q<{ outcome: string; status: string }>(sql`select outcome, status from evaluations where id = ${id}`);
    expect(row).toEqual({ outcome: "conversation", status: "stopped" });
    expect((await assignmentsOf(id)).some((a) => a.userId === newcomer.id)).toBe(false);
  });

  it("is seen by its organiser and admins, not by another group's organiser", async () => {
    expect((await run(detailRoute.loader, get(`/reports/evaluations/${id}`, olu.cookie), { id })).status).toBe(200);
    expect((await run(detailRoute.loader, get(`/reports/evaluations/${id}`, admin.cookie), { id })).status).toBe(200);
    expect((await run(detailRoute.loader, get(`/reports/evaluations/${id}`, cy.cookie), { id })).status).toBe(404);
    expect((await run(trainNowRoute.loader, get(`/reports/evaluations/${id}/train-now`, cy.cookie), { id })).status).toBe(404);
    const listed = async (who: TestUser) => ((await run(listRoute.loader, get("/reports/evaluations", who.cookie))).body as { evaluations: { id: string }[] }).evaluations.map((e) => e.id);
    expect(await listed(olu)).toContain(id);
    expect(await listed(admin)).toContain(id);
    expect(await listed(cy)).not.toContain(id);
  });

  it("exports exactly the train-now arm", async () => {
    const response = (await trainNowRoute.loader({ request: get(`/reports/evaluations/${id}/train-now`, olu.cookie), params: { id }, context: { clientIp: "203.0.113.7" } } as never)) as Response;
    expect(response.headers.get("Content-Type")).toContain("text/csv");
    const lines = (await response.text()).trim().split("\r\n");
    const now = (await assignmentsOf(id)).filter((a) => a.arm === "now").map((a) => a.userId);
    const emails = await q<{ email: string }>(sql`select email from users where id in (${sql.join(now.map((u) => sql`${u}`), sql`, `)}) order by email`);
    expect(lines[0]).toBe("name,email,group");
    expect(lines.slice(1).map((l) => l.split(",")[1]).sort()).toEqual(emails.map((e) => e.email).sort());
  });
});

// ---------------------------------------------------------------- the result

function wilsonRef(y: number, n: number) {
  const p = y / n;
  const centre = (p + (Z * Z) / (2 * n)) / (1 + (Z * Z) / n);
  const half = (Z / (1 + (Z * Z) / n)) * Math.sqrt((p * (1 - p)) / n + (Z * Z) / (4 * n * n));
  return { rate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** Clustered rate: each person's (doors x, successes y); Wilson on trials ÷ design effect. */
function clusteredRef(people: { x: number; y: number }[]) {
  const active = people.filter((p) => p.x > 0);
  const X = active.reduce((s, p) => s + p.x, 0);
  const Y = active.reduce((s, p) => s + p.y, 0);
  const r = Y / X;
  const k = active.length;
  const between = (k / (k - 1)) * active.reduce((s, p) => s + (p.y - r * p.x) ** 2, 0) / (X * X);
  const deff = Math.max(1, between / ((r * (1 - r)) / X));
  const w = wilsonRef(Y / deff, X / deff);
  return { rate: r, low: w.low, high: w.high };
}

describe("the result", () => {
  it("shows each arm's rate with its interval and Newcombe's difference, labelled randomised", async () => {
    const done = await register(olu, { groups: [A.id, B.id], outcome: "conversation" });
    const id = done.location!.split("/").pop()!.split("?")[0]!;
    const assigned = await assignmentsOf(id);
    // Field work: person i knocks 20 + 3i doors with contacts 8 + i and conversations that
    // depend on the arm; one day outside the period and one in group C must not count.
    const counts = assigned.flatMap((a, i) => [
      { userId: a.userId, groupId: a.stratum, day: shiftDay(FROM, i % 20), attempts: 20 + 3 * i, contacts: 8 + i, conversations: a.arm === "now" ? 4 + (i % 3) : 2 + (i % 2), commitments: 1 },
      { userId: a.userId, groupId: a.stratum, day: shiftDay(TO, 1), attempts: 50, contacts: 50, conversations: 50, commitments: 0 },
      { userId: a.userId, groupId: C.id, day: FROM, attempts: 50, contacts: 50, conversations: 0, commitments: 0 },
    ]);
    await db().transaction((tx) => adjustFieldDaily(tx, counts, 1));
    const side = (arm: "now" | "later") =>
      clusteredRef(
        assigned
          .map((a, i) => ({ a, i }))
          .filter(({ a }) => a.arm === arm)
          .map(({ a, i }) => ({ x: 8 + i, y: a.arm === "now" ? 4 + (i % 3) : 2 + (i % 2) })),
      );
    const now = side("now");
    const later = side("later");
    const page = await run(detailRoute.loader, get(`/reports/evaluations/${id}`, olu.cookie), { id });
    const body = page.body as { arms: { people: number; rate: { rate: number; low: number; high: number } }[]; difference: { difference: number; low: number; high: number }; note: string };
    expect(body.arms.map((a) => a.people)).toEqual([assigned.filter((a) => a.arm === "now").length, assigned.filter((a) => a.arm === "later").length]);
    expect(body.arms[0]!.rate.rate).toBeCloseTo(now.rate, 10);
    expect(body.arms[0]!.rate.low).toBeCloseTo(now.low, 10);
    expect(body.arms[1]!.rate.high).toBeCloseTo(later.high, 10);
    const d = now.rate - later.rate;
    expect(body.difference.difference).toBeCloseTo(d, 10);
    expect(body.difference.low).toBeCloseTo(d - Math.sqrt((now.rate - now.low) ** 2 + (later.high - later.rate) ** 2), 10);
    expect(body.difference.high).toBeCloseTo(d + Math.sqrt((now.high - now.rate) ** 2 + (later.rate - later.low) ** 2), 10);
    expect(body.note).toContain("Randomised:");
    expect(body.note).not.toContain("Not randomised");
  });

  it("for a module outcome, counts completions in the period per person assigned (intention to treat)", async () => {
    const [{ slug }] = (await q<{ slug: string }>(sql`select slug from modules where not draft order by slug limit 1`)) as [{ slug: string }];
    const done = await register(olu, { groups: [B.id], outcome: "module", module: slug });
    const id = done.location!.split("/").pop()!.split("?")[0]!;
    const assigned = await assignmentsOf(id);
    const later = assigned.filter((a) => a.arm === "later");
    const now = assigned.filter((a) => a.arm === "now");
    // One "train later" person trains anyway: still counted as train later.
    const completers = [...now.map((a) => a.userId), later[0]!.userId];
    for (const u of completers) {
      await db().execute(sql`insert into module_completions (user_id, module_slug, content_hash, how, completed_at) values (${u}, ${slug}, 'h', 'self', ${`${FROM}T12:00:00Z`}::timestamptz) on conflict do nothing`);
    }
    const page = await run(detailRoute.loader, get(`/reports/evaluations/${id}`, olu.cookie), { id });
    const body = page.body as { arms: { people: number; rate: { rate: number; low: number } }[] };
    expect(body.arms[0]!.rate.rate).toBe(1);
    expect(body.arms[1]!.rate.rate).toBeCloseTo(1 / later.length, 10);
    expect(body.arms[1]!.rate.low).toBeCloseTo(wilsonRef(1, later.length).low, 10);
  });
});
