import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { DEMO_ELECTION, DEMO_ELECTION_SEATS, seedDemoElection } from "~/demo/elections.server";
import { parseResults } from "~/reports/elections.server";
import * as sampleRoute from "~/routes/reports.elections.sample[.]csv";
import { createGroup } from "~/groups/groups.server";
import type { ElectionReport } from "~/reports/elections.server";
import * as electionsRoute from "~/routes/reports.elections";
import * as exportRoute from "~/routes/reports.export.$table";
import { db, rowsOf } from "../../db/client.server";
import { withFixtureCatalog } from "../setup/content";
import { withTestDatabase } from "../setup/database";
import { get, makeUser, post, run, TEST_ORIGIN, type TestUser } from "../setup/fixtures";

// Election results (issue 17 part 5): the import's all-or-nothing checks, re-import, the
// swing figures and the interval recomputed here by hand, and the training coverage
// scoped to the viewer's groups.
//
// Groups: "North Hill" and "South Vale" are target seats; "Riverside Branch" is a branch
// (not a target seat, so a seat of that name stays unmatched). Olu organises North Hill only.
// North Hill: two trained activists, one half-trained, one trained organiser (not counted).
// South Vale: one trained activist.

withTestDatabase();
withFixtureCatalog();

const Z = 1.959963984540054;
const tag = randomBytes(3).toString("hex");
const NORTH = `North Hill ${tag}`;
const SOUTH = `South Vale ${tag}`;
const RIVER = `Riverside Branch ${tag}`;

// Seat names in other cases and spacing than the groups', as another tool would spell them.
const RESULTS = [
  "Seat,Region,Previous,New,Electorate",
  `"  north   HILL ${tag} ",East,30,34,"50,000"`,
  "Eastwick,East,40,38,60000",
  "Farley,East,20%,27,40000",
  `south vale ${tag},West,35,36,`,
  "Westbury,West,25,31,",
  `${RIVER},West,28,33,`,
].join("\n");

let olu: TestUser;
let ada: TestUser;
let activist: TestUser;
let trainer: TestUser;

async function count(election?: string): Promise<number> {
  const found = rowsOf<{ n: number }>(
    await db().execute(election ? sql`select count(*)::int as n from election_results where election = ${election}` : sql`select count(*)::int as n from election_results`),
  );
  return Number(found[0]!.n);
}

const importAs = (user: TestUser, election: string, results: string) => run(electionsRoute.action, post("/reports/elections", { election, results }, user.cookie));
/** Import over an existing election: the plan comes back first (nothing stored), then the confirmed replacement. */
async function replaceAs(user: TestUser, election: string, results: string) {
  const asked = await importAs(user, election, results);
  expect(asked.status, JSON.stringify(asked.body)).toBe(200);
  const token = (asked.body as { confirm: { token: string } }).confirm.token;
  return run(electionsRoute.action, post("/reports/elections", { election, results, confirm: token }, user.cookie));
}
const view = async (user: TestUser, election: string) => run(electionsRoute.loader, get(`/reports/elections?election=${encodeURIComponent(election)}`, user.cookie));

beforeAll(async () => {
  const make = async (name: string, kind: "constituency" | "branch", target: boolean) => {
    const g = await createGroup({ name, kind, isTargetSeat: target });
    if (!g.ok) throw new Error(g.message);
    return g.value.id;
  };
  const north = await make(NORTH, "constituency", true);
  const south = await make(SOUTH, "constituency", true);
  const river = await make(RIVER, "branch", false);
  olu = await makeUser("organiser", { groupIds: [north] });
  ada = await makeUser("admin");
  activist = await makeUser("activist", { groupIds: [north] });
  trainer = await makeUser("trainer", { groupIds: [north] });
  const slugs = rowsOf<{ slug: string }>(await db().execute(sql`select slug from modules where not draft order by slug`)).map((r) => r.slug);
  expect(slugs.length).toBe(2);
  const complete = async (userId: string, modules: string[]) => {
    for (const slug of modules) {
      await db().execute(sql`insert into module_completions (user_id, module_slug, content_hash, how, completed_at) values (${userId}, ${slug}, 'h', 'self', now())`);
    }
  };
  for (let i = 0; i < 2; i++) await complete((await makeUser("activist", { groupIds: [north] })).id, slugs);
  await complete((await makeUser("activist", { groupIds: [north] })).id, slugs.slice(0, 1));
  await complete((await makeUser("organiser", { groupIds: [north] })).id, slugs);
  await complete((await makeUser("activist", { groupIds: [south] })).id, slugs);
  await complete((await makeUser("activist", { groupIds: [river] })).id, slugs);
});

describe("importing results", () => {
  it("names every bad line and stores nothing", async () => {
    const bad = [
      "seat,region,previous,new",
      "Alpha,East,30,34",
      "Beta,East,forty,38",
      "Gamma,,20,27",
      "alpha ,East,101,20",
    ].join("\n");
    const out = await importAs(ada, "Bad election", bad);
    expect(out.status).toBe(400);
    const body = out.body as { errors: { results: string }; lines: { line: number; message: string }[]; total: number };
    expect(body.errors.results).toMatch(/Nothing was stored/);
    expect(body.lines.map((l) => l.line)).toEqual([3, 4, 5, 5]);
    expect(body.lines.find((l) => l.line === 4)!.message).toMatch(/region is empty/);
    expect(body.lines.filter((l) => l.line === 5).map((l) => l.message).join(" ")).toMatch(/already on line 2/);
    expect(await count()).toBe(0);
  });

  it("refuses a header without the required columns, by its line", async () => {
    const out = await importAs(ada, "Bad election", "\nseat,area,before,after\nAlpha,East,30,34");
    expect(out.status).toBe(400);
    const body = out.body as { lines: { line: number; message: string }[] };
    expect(body.lines).toHaveLength(1);
    expect(body.lines[0]!.line).toBe(2);
    expect(body.lines[0]!.message).toMatch(/missing: region, previous, new/);
    expect(await count()).toBe(0);
  });

  it("refuses an activist and a missing election name", async () => {
    expect((await importAs(activist, "GE", RESULTS)).status).toBe(403);
    const out = await importAs(ada, "  ", RESULTS);
    expect(out.status).toBe(400);
    expect((out.body as { errors: { election?: string } }).errors.election).toBeTruthy();
    expect(await count()).toBe(0);
  });

  it("imports from an uploaded file, matching target seats by name only", async () => {
    const form = new FormData();
    form.set("election", "Test GE");
    form.set("results", "");
    form.set("file", new File([`\uFEFF${RESULTS}`], "results.csv", { type: "text/csv" }));
    const request = new Request(new URL("/reports/elections", TEST_ORIGIN), { method: "POST", body: form, headers: { Origin: TEST_ORIGIN, Cookie: olu.cookie } });
    const out = await run(electionsRoute.action, request);
    expect(out.status).toBe(302);
    expect(out.location).toBe("/reports/elections?election=Test+GE&imported=1");
    const linked = rowsOf<{ seat: string; name: string | null }>(
      await db().execute(sql`select r.seat, g.name from election_results r left join groups g on g.id = r.group_id where r.election = 'Test GE' order by r.seat`),
    );
    expect(linked).toHaveLength(6);
    const bySeat = Object.fromEntries(linked.map((r) => [r.seat, r.name]));
    expect(bySeat[`north HILL ${tag}`]).toBe(NORTH);
    expect(bySeat[`south vale ${tag}`]).toBe(SOUTH);
    expect(bySeat[RIVER]).toBeNull();
    expect(bySeat.Eastwick).toBeNull();
  });

  it("replaces an election on re-import, leaves other elections alone, and keeps it whole when the re-import fails", async () => {
    expect((await importAs(ada, "Other GE", "seat,region,previous,new\nEastwick,East,40,41\nFarley,East,20,21")).status).toBe(302);
    expect((await replaceAs(ada, "Other GE", "seat,region,previous,new\nEastwick,East,40,44")).status).toBe(302);
    expect(await count("Other GE")).toBe(1);
    expect((await importAs(ada, "Other GE", "seat,region,previous,new\nFarley,East,20,2x")).status).toBe(400);
    const kept = rowsOf<{ seat: string; next: number }>(await db().execute(sql`select seat, new_share as next from election_results where election = 'Other GE'`));
    expect(kept.map((r) => [r.seat, Number(r.next)])).toEqual([["Eastwick", 44]]);
    expect(await count("Test GE")).toBe(6);
  });
});

describe("replacing an election", () => {
  const rows = async (election: string) =>
    rowsOf<{ seat: string; next: number }>(await db().execute(sql`select seat, new_share as next from election_results where election = ${election} order by seat`)).map((r) => [r.seat, Number(r.next)]);

  it("shows what a replacement keeps, changes, drops and adds, and stores it only once confirmed for those results", async () => {
    const first = ["seat,region,previous,new", `${NORTH},East,30,34`, "Eastwick,East,40,38", "Farley,East,20,27"].join("\n");
    expect((await importAs(olu, "Shared GE", first)).status).toBe(302);
    const second = ["seat,region,previous,new", `${NORTH},East,30,34`, "Eastwick,East,40,39", "Gorton,East,22,25"].join("\n");
    const asked = await importAs(olu, "Shared GE", second);
    expect(asked.status).toBe(200);
    const plan = (asked.body as { confirm: { kept: number; changed: string[]; dropped: string[]; added: string[]; token: string } }).confirm;
    expect(plan).toMatchObject({ kept: 1, changed: ["Eastwick"], dropped: ["Farley"], added: ["Gorton"] });
    expect(await rows("Shared GE")).toEqual([["Eastwick", 38], ["Farley", 27], [NORTH, 34]]);

    // A confirmation given for other results (someone imported meanwhile) only asks again.
    expect((await run(electionsRoute.action, post("/reports/elections", { election: "Shared GE", results: second, confirm: "stale-token" }, olu.cookie))).status).toBe(200);
    expect(await rows("Shared GE")).toEqual([["Eastwick", 38], ["Farley", 27], [NORTH, 34]]);

    const done = await run(electionsRoute.action, post("/reports/elections", { election: "Shared GE", results: second, confirm: plan.token }, olu.cookie));
    expect(done.status).toBe(302);
    expect(await rows("Shared GE")).toEqual([["Eastwick", 39], ["Gorton", 25], [NORTH, 34]]);
  });

  it("refuses an organiser's replacement that would change or drop seats of groups not theirs; an admin may", async () => {
    // South Vale is a target seat Olu (North Hill only) does not organise.
    const first = ["seat,region,previous,new", `${NORTH},East,30,34`, `${SOUTH},West,35,36`, "Eastwick,East,40,38"].join("\n");
    expect((await importAs(ada, "Movement GE", first)).status).toBe(302);
    const before = await rows("Movement GE");

    const dropping = ["seat,region,previous,new", `${NORTH},East,30,35`].join("\n");
    const changing = ["seat,region,previous,new", `${NORTH},East,30,35`, `${SOUTH},West,35,30`, "Eastwick,East,40,38"].join("\n");
    for (const results of [dropping, changing]) {
      const refused = await importAs(olu, "Movement GE", results);
      expect(refused.status).toBe(403);
      expect((refused.body as { errors: { form: string } }).errors.form).toMatch(new RegExp(`groups that are not yours: “${SOUTH}”.*Nothing was stored`));
      // Not even with a confirmation of the plan an admin would see.
      const token = ((await importAs(ada, "Movement GE", results)).body as { confirm: { token: string } }).confirm.token;
      expect((await run(electionsRoute.action, post("/reports/elections", { election: "Movement GE", results, confirm: token }, olu.cookie))).status).toBe(403);
      expect(await rows("Movement GE")).toEqual(before);
    }

    // Their own seat and seats of no group: the organiser may, once confirmed.
    const own = ["seat,region,previous,new", `${NORTH},East,30,35`, `${SOUTH},West,35,36`].join("\n");
    expect((await replaceAs(olu, "Movement GE", own)).status).toBe(302);
    expect(await rows("Movement GE")).toEqual([[NORTH, 35], [SOUTH, 36]]);

    expect((await replaceAs(ada, "Movement GE", dropping)).status).toBe(302);
    expect(await rows("Movement GE")).toEqual([[NORTH, 35]]);
  });
});

describe("the report", () => {
  const meanCi = (xs: number[]) => {
    const m = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
    return { m, se2: variance / xs.length };
  };

  it("shows each seat's swing against its region's, and training coverage, for an admin", async () => {
    const out = await view(ada, "Test GE");
    expect(out.status).toBe(200);
    const r = (out.body as { report: ElectionReport }).report;
    const seat = (name: string) => r.seats.find((s) => s.seat === name)!;
    // East: every seat has an electorate, so the region swing is weighted by it.
    const east = (4 * 50_000 + -2 * 60_000 + 7 * 40_000) / 150_000;
    expect(seat(`north HILL ${tag}`).swing).toBeCloseTo(4, 10);
    expect(seat(`north HILL ${tag}`).regionSwing).toBeCloseTo(east, 10);
    expect(seat(`north HILL ${tag}`).regionBasis).toBe("electorate-weighted");
    expect(seat(`north HILL ${tag}`).difference).toBeCloseTo(4 - east, 10);
    expect(seat(`north HILL ${tag}`).trained).toBe(2);
    expect(seat(`north HILL ${tag}`).trainedPerThousand).toBeCloseTo((2 * 1000) / 50_000, 10);
    // West: no electorates, so the plain mean of its three seats.
    expect(seat("Westbury").regionSwing).toBeCloseTo((1 + 6 + 5) / 3, 10);
    expect(seat("Westbury").regionBasis).toBe("mean of seats");
    expect(seat(`south vale ${tag}`).trained).toBe(1);
    expect(seat(RIVER).trained).toBe(0);
    expect(r.hiddenSeats).toBe(0);

    const [swing] = r.comparisons;
    const a = meanCi([4, 1]);
    const b = meanCi([-2, 7, 6, 5]);
    expect(swing!.withTrained.n).toBe(2);
    expect(swing!.withoutTrained.n).toBe(4);
    expect(swing!.difference.mean).toBeCloseTo(a.m - b.m, 10);
    const half = Z * Math.sqrt(a.se2 + b.se2);
    expect(swing!.difference.low).toBeCloseTo(a.m - b.m - half, 8);
    expect(swing!.difference.high).toBeCloseTo(a.m - b.m + half, 8);
    expect(swing!.note).toMatch(/2 seats against 4/);
    expect(swing!.note).toMatch(/Seats where organisers worked were not chosen at random/);
    expect(swing!.note).toMatch(/the 2 with trained activists are all target seats the movement chose, while 4 of the 4 without are not target seats at all; this shows a difference, not its cause/);
  });

  it("scopes training coverage to an organiser's groups and leaves hidden seats out of the comparison", async () => {
    const out = await view(olu, "Test GE");
    const r = (out.body as { report: ElectionReport }).report;
    expect(r.seats.find((s) => s.seat === `north HILL ${tag}`)!.trained).toBe(2);
    expect(r.seats.find((s) => s.seat === `south vale ${tag}`)!.trained).toBeNull();
    expect(r.hiddenSeats).toBe(1);
    expect(r.comparisons[0]!.withTrained.n).toBe(1);
    expect(r.comparisons[0]!.withoutTrained.n).toBe(4);
    expect(r.comparisons[0]!.note).toMatch(/1 seat in groups you cannot see left out/);
    expect(r.comparisons[0]!.note).toMatch(/the 1 with trained activists is a target seat the movement chose/);
  });

  it("answers an unknown election 404 and refuses activists and trainers", async () => {
    expect((await view(ada, "No such election")).status).toBe(404);
    expect((await view(activist, "Test GE")).status).toBe(403);
    expect((await view(trainer, "Test GE")).status).toBe(403);
  });

  it("exports the seat table as CSV, to organisers and admins only", async () => {
    const csv = async (user: TestUser, election: string) => {
      // A refusal is thrown (a plain-text Response Remix answers as is), a table returned.
      const res = (await exportRoute
        .loader({
          request: get(`/reports/export/election-results?election=${encodeURIComponent(election)}`, user.cookie),
          params: { table: "election-results" },
          context: { clientIp: "203.0.113.7" },
        })
        .catch((thrown: unknown) => {
          if (thrown instanceof Response) return thrown;
          throw thrown;
        })) as Response;
      return { status: res.status, text: await res.text() };
    };
    const got = await csv(olu, "Test GE");
    expect(got.status).toBe(200);
    const lines = got.text.replace(/^\uFEFF/, "").trim().split("\r\n");
    expect(lines).toHaveLength(7);
    expect(lines[0]).toMatch(/^Seat,Region,Target-seat group/);
    expect(lines.find((l) => l.startsWith("south vale"))).toMatch(/not one of your groups/);
    expect((await csv(olu, "No such election")).status).toBe(404);
    expect((await csv(trainer, "Test GE")).status).toBe(403);
  });
});

describe("the demo election", () => {
  it("is seeded once, with the same figures every time", async () => {
    await seedDemoElection();
    const first = rowsOf<{ seat: string; previous: number; next: number }>(
      await db().execute(sql`select seat, previous_share as previous, new_share as next from election_results where election = ${DEMO_ELECTION} order by seat`),
    );
    expect(first).toHaveLength(7);
    await seedDemoElection();
    const again = rowsOf<{ seat: string; previous: number; next: number }>(
      await db().execute(sql`select seat, previous_share as previous, new_share as next from election_results where election = ${DEMO_ELECTION} order by seat`),
    );
    expect(again).toEqual(first);
    const northgate = first.find((r) => r.seat === "Northgate")!;
    expect(Number(northgate.next) - Number(northgate.previous)).toBeCloseTo(-3.0, 10);
  });
});

describe("the sample file", () => {
  it("is the demo election's seats, offered as a download to organisers and admins only", async () => {
    const text = readFileSync("docs/samples/election-results.csv", "utf8");
    const parsed = parseResults(text);
    if (!parsed.ok) throw new Error(`sample does not parse: ${JSON.stringify(parsed.errors)}`);
    expect(parsed.seats.map(({ line: _line, ...seat }) => seat)).toEqual(DEMO_ELECTION_SEATS);

    const organiser = await makeUser("organiser");
    const handler = sampleRoute.loader as unknown as (args: { request: Request; params: Record<string, string>; context: { clientIp: string } }) => Promise<Response>;
    const response = await handler({ request: get("/reports/elections/sample.csv", organiser.cookie), params: {}, context: { clientIp: "203.0.113.7" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Disposition")).toBe('attachment; filename="election-results.csv"');
    expect(await response.text()).toBe(text);
    const activist = await makeUser("activist");
    const refused = await run(sampleRoute.loader, get("/reports/elections/sample.csv", activist.cookie));
    expect(refused.status).toBe(403);
  });
});
