import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { todayUtc } from "~/reports/evaluations.server";
import * as csvRoute from "~/routes/reports.evaluations.$id.result[.]csv";
import * as detailRoute from "~/routes/reports.evaluations.$id";
import * as newRoute from "~/routes/reports.evaluations.new";
import { shiftDay } from "~/reports/impact-filters.server";
import { db } from "../../db/client.server";
import { withFixtureCatalog } from "../setup/content";
import { withTestDatabase, queryRows as q } from "../setup/database";
import { get, makeGroup, makeUser, post, run, type TestUser } from "../setup/fixtures";

// Two gaps of the "train now / train later" design (issue 17 part 4, ADR 033's amendment):
// activists who had already trained when an evaluation was registered were drawn (and
// diluted the difference, and counted as "trained anyway" in train later); and a second
// evaluation of the same people over an overlapping period registered without a word.
//
// Group T has six activists, two of whom have completed every published module. Group U
// has two more activists plus one of T's (through a second membership).

withTestDatabase();
withFixtureCatalog();

const FROM = shiftDay(todayUtc(), 1);
const TO = shiftDay(todayUtc(), 30);

let T: { id: string };
let U: { id: string };
let V: { id: string };
let olu: TestUser;
let trained: string[] = [];
let untrained: string[] = [];

let keys = 0;
const idOf = (location: string | null | undefined) => location!.split("/").pop()!.split("?")[0]!;
function post_(who: TestUser, intent: "preview" | "register", fields: Record<string, string | string[]>) {
  return run(
    newRoute.action,
    post("/reports/evaluations/new", { intent, name: "Spring doors", outcome: "conversation", from: FROM, to: TO, formKey: `draw-gaps-form-key-${++keys}`, ...fields }, who.cookie),
  );
}

async function completeEverything(userId: string, at: string) {
  await db().execute(sql`
    insert into module_completions (user_id, module_slug, content_hash, how, completed_at)
    select ${userId}, slug, 'h', 'self', ${at}::timestamptz from modules where not draft on conflict do nothing`);
}

beforeAll(async () => {
  [T, U, V] = await Promise.all([makeGroup("branch"), makeGroup("branch"), makeGroup("branch")]);
  olu = await makeUser("organiser", { groupIds: [T.id, U.id, V.id] });
  const people = await Promise.all(Array.from({ length: 6 }, (_, i) => makeUser("activist", { groupIds: [T.id], name: `Activist T${i}` })));
  trained = people.slice(0, 2).map((p) => p.id);
  untrained = people.slice(2).map((p) => p.id);
  for (const id of trained) await completeEverything(id, "2026-01-05T10:00:00Z");
  // One of T's untrained activists is in U too; U has two of its own.
  await db().execute(sql`insert into memberships (user_id, group_id) values (${untrained[0]!}, ${U.id})`);
  await Promise.all([makeUser("activist", { groupIds: [U.id] }), makeUser("activist", { groupIds: [U.id] })]);
  await Promise.all([makeUser("activist", { groupIds: [V.id] }), makeUser("activist", { groupIds: [V.id] })]);
});

describe("a train now / train later draw", () => {
  it("previews how many already trained are not drawn, per group, and says why", async () => {
    const shown = await post_(olu, "preview", { groups: [T.id] });
    expect(shown.status).toBe(200);
    expect((shown.body as { preview: unknown[] }).preview).toEqual([expect.objectContaining({ groupId: T.id, people: 4, now: 2, later: 2, alreadyBegan: 2 })]);
  });

  it("does not draw whoever had already trained, and keeps the count with the evaluation", async () => {
    const done = await post_(olu, "register", { groups: [T.id] });
    expect(done.status).toBe(302);
    const id = idOf(done.location);
    const drawn = await q<{ userId: string }>(sql`select user_id as "userId" from evaluation_assignments where evaluation_id = ${id}`);
    expect(drawn.map((d) => d.userId).sort()).toEqual([...untrained].sort());
    expect(await q(sql`select not_drawn as "notDrawn" from evaluation_groups where evaluation_id = ${id}`)).toEqual([{ notDrawn: 2 }]);
    const page = await run(detailRoute.loader, get(`/reports/evaluations/${id}`, olu.cookie), { id });
    const body = page.body as { strata: { notDrawn: number; now: number; later: number }[]; arms: { people: number; leftOut: number }[] };
    expect(body.strata).toEqual([expect.objectContaining({ notDrawn: 2, now: 2, later: 2 })]);
    expect(body.arms.map((a) => [a.people, a.leftOut])).toEqual([[2, 0], [2, 0]]);
    const response = (await csvRoute.loader({ request: get(`/reports/evaluations/${id}/result.csv`, olu.cookie), params: { id }, context: { clientIp: "203.0.113.7" } } as never)) as Response;
    const [header, ...lines] = (await response.text()).trim().split("\r\n").map((l) => l.split(","));
    expect(header!.slice(-2)).toEqual(["left_out", "not_drawn"]);
    expect(lines.map((l) => l.at(-1))).toEqual(["2", "2", "2"]);
    await db().execute(sql`update evaluations set status = 'stopped', stopped_at = now(), stop_reason = 'test' where id = ${id}`);
  });

  it("leaves out of both arms, in an evaluation that drew them, whoever had trained when it was registered", async () => {
    // An evaluation registered before the draw left them out: everyone in T drawn, the two
    // trained ones one in each arm. (Written as the old draw did, in one transaction.)
    const id = await db().transaction(async (tx) => {
      const [row] = (await tx.execute(sql`
        insert into evaluations (name, outcome, outcome_module, design, period_start, period_end, seed, created_by, form_key)
        values ('Old draw', 'module', (select slug from modules where not draft order by slug limit 1), 'timing', ${FROM}, ${TO}, 'seed', ${olu.id}, 'old-draw-form-key-0001')
        returning id`).then((r) => (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows))) as [{ id: string }];
      await tx.execute(sql`insert into evaluation_groups (evaluation_id, group_id, not_drawn) values (${row.id}, ${T.id}, 0)`);
      const arms = [trained[0]!, untrained[0]!, untrained[1]!].map((u) => sql`(${row.id}, ${u}, ${T.id}, 'now')`).concat([trained[1]!, untrained[2]!, untrained[3]!].map((u) => sql`(${row.id}, ${u}, ${T.id}, 'later')`));
      await tx.execute(sql`insert into evaluation_assignments (evaluation_id, user_id, stratum_group_id, arm) values ${sql.join(arms, sql`, `)}`);
      return row.id;
    });
    // After registering, one untrained "train later" person trains: that is compliance, not a head start.
    await completeEverything(untrained[2]!, `${FROM}T12:00:00Z`);
    const page = await run(detailRoute.loader, get(`/reports/evaluations/${id}`, olu.cookie), { id });
    const body = page.body as { arms: { arm: string; people: number; leftOut: number; trained: number; rate: { successes: number; trials: number } }[] };
    expect(body.arms.map((a) => ({ arm: a.arm, people: a.people, leftOut: a.leftOut, trained: a.trained }))).toEqual([
      { arm: "now", people: 2, leftOut: 1, trained: 0 },
      { arm: "later", people: 2, leftOut: 1, trained: 1 },
    ]);
    expect(body.arms[1]!.rate).toMatchObject({ successes: 1, trials: 2 });
    const response = (await csvRoute.loader({ request: get(`/reports/evaluations/${id}/result.csv`, olu.cookie), params: { id }, context: { clientIp: "203.0.113.7" } } as never)) as Response;
    const [header, now, later] = (await response.text()).trim().split("\r\n").map((l) => l.split(","));
    const leftOut = header!.indexOf("left_out");
    expect([now![leftOut], later![leftOut]]).toEqual(["1", "1"]);
    await db().execute(sql`update evaluations set status = 'stopped', stopped_at = now(), stop_reason = 'test' where id = ${id}`);
  });
});

describe("a second evaluation of the same people over an overlapping period", () => {
  let first = "";
  beforeAll(async () => {
    const done = await post_(olu, "register", { groups: [T.id], name: "First of T" });
    first = idOf(done.location);
  });

  it("is refused, naming the first, whether it shares a group or only people, and writes nothing", async () => {
    const before = await q<{ n: number }>(sql`select count(*)::int as n from evaluations`);
    for (const [groups, from, to] of [
      [[T.id], shiftDay(FROM, 29), shiftDay(FROM, 60)],
      [[T.id, V.id], shiftDay(FROM, 5), shiftDay(FROM, 6)],
      [[U.id], FROM, TO], // U shares no group with "First of T", but one of its activists
    ] as const) {
      for (const intent of ["preview", "register"] as const) {
        const refused = await post_(olu, intent, { groups: [...groups], from, to });
        expect(refused.status).toBe(409);
        const message = (refused.body as { errors: { groups: string } }).errors.groups;
        expect(message).toContain("“First of T”");
        expect(message).toContain(`${FROM} to ${TO}`);
        expect(message).toMatch(/Choose other groups, or a period starting after/);
      }
    }
    expect(await q<{ n: number }>(sql`select count(*)::int as n from evaluations`)).toEqual(before);
  });

  it("registers for other groups, or a period after the first's end", async () => {
    expect((await post_(olu, "register", { groups: [V.id] })).status).toBe(302);
    expect((await post_(olu, "register", { groups: [T.id], from: shiftDay(TO, 1), to: shiftDay(TO, 20) })).status).toBe(302);
  });

  it("registers once the first has been stopped", async () => {
    await run(detailRoute.action, post(`/reports/evaluations/${first}`, { reason: "The campaign changed course" }, olu.cookie), { id: first });
    expect((await post_(olu, "register", { groups: [U.id] })).status).toBe(302);
  });
});
