import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { variantProblems } from "~/content/catalog.server";
import { todayUtc } from "~/reports/evaluations.server";
import * as detailRoute from "~/routes/reports.evaluations.$id";
import * as csvRoute from "~/routes/reports.evaluations.$id.result[.]csv";
import * as newRoute from "~/routes/reports.evaluations.new";
import * as moduleRoute from "~/routes/modules.$slug._index";
import * as catalogueRoute from "~/routes/modules._index";
import * as recordRoute from "~/routes/me";
import * as moduleReportRoute from "~/routes/reports.modules.$slug";
import * as overviewRoute from "~/routes/reports._index";
import * as exportRoute from "~/routes/reports.export.$table";
import { homeView } from "~/home/home.server";
import * as stepRoute from "~/routes/modules.$slug.$step";
import { db } from "../../db/client.server";
import { followUpVariantMdx, withEditedCatalog, withFixtureCatalog } from "../setup/content";
import { shiftDay } from "~/reports/impact-filters.server";
import { withTestDatabase, queryRows as q } from "../setup/database";
import { get, makeGroup, makeUser, post, run, type TestUser } from "../setup/fixtures";

// Module variants and A/B evaluations (issue 17 part 4, ADR 039): the stratified split
// between the original and its variant, each learner seeing only their own version,
// completing either version counting once as the original, stopping early with a reason,
// the result as CSV, and bad input refused with nothing written.

withTestDatabase();
withFixtureCatalog();

// The period starts today, so the assignment is in force while the test runs.
const FROM = todayUtc();
const TO = shiftDay(todayUtc(), 30);

const VARIANT = followUpVariantMdx("Following up, by example (test fixture)", [
  { id: "example-visit", title: "An example second knock", body: "Sam went back to number 12 on Thursday, as promised." },
]);

let restore: () => Promise<void>;
let G: { id: string };
let H: { id: string };
let olu: TestUser;
let cy: TestUser;
let trainer: TestUser;
let outsider: TestUser;
const people = new Map<string, TestUser>();

let keys = 0;
async function register(who: TestUser, fields: Record<string, string | string[]>) {
  const formKey = `variant-form-key-${++keys}`;
  return run(
    newRoute.action,
    post("/reports/evaluations/new", { intent: "register", name: "Follow-up A/B", design: "variant", variant: "follow-up-b", outcome: "module", from: FROM, to: TO, formKey, ...fields }, who.cookie),
  );
}
const idOf = (location: string | null | undefined) => location!.split("/").pop()!.split("?")[0]!;

beforeAll(async () => {
  restore = await withEditedCatalog((dir) => {
    mkdirSync(path.join(dir, "follow-up-b"));
    writeFileSync(path.join(dir, "follow-up-b", "index.mdx"), VARIANT);
  });
  [G, H] = await Promise.all([makeGroup("branch"), makeGroup("branch")]);
  olu = await makeUser("organiser", { groupIds: [G.id, H.id] });
  cy = await makeUser("organiser", { groupIds: [] });
  trainer = await makeUser("trainer", { groupIds: [G.id] });
  outsider = await makeUser("activist", { groupIds: [] });
  for (let i = 0; i < 6; i++) people.set(`g${i}`, await makeUser("activist", { groupIds: [G.id], name: `G activist ${i}` }));
  for (let i = 0; i < 4; i++) people.set(`h${i}`, await makeUser("activist", { groupIds: [H.id], name: `H activist ${i}` }));
});
afterAll(async () => restore());

const userById = (id: string) => [...people.values()].find((p) => p.id === id)!;

describe("a variant in the catalogue", () => {
  it("is mirrored as a draft with its original, so published-module reports leave it out", async () => {
    const [row] = await q<{ draft: boolean; variantOf: string }>(sql`select draft, variant_of as "variantOf" from modules where slug = 'follow-up-b'`);
    expect(row).toEqual({ draft: true, variantOf: "follow-up" });
  });

  it("content:check's cross-module rule: the original must exist and not be a variant itself", () => {
    const fm = (of?: string) => ({ frontmatter: { variant: of ? { of } : undefined } });
    const found = variantProblems(new Map([["a", fm()], ["b", fm("a")], ["c", fm("b")], ["d", fm("missing")], ["e", fm("e")]]));
    expect(found.map((p) => p.slug)).toEqual(["c", "d", "e"]);
  });
});

describe("an A/B evaluation", () => {
  let id: string;
  let arms: { userId: string; stratum: string; arm: string }[];

  it("refuses bad input with a 4xx and writes nothing", async () => {
    const before = await q<{ n: number }>(sql`select count(*)::int as n from evaluations`);
    expect((await register(olu, { groups: [G.id], variant: "" })).status).toBe(400);
    expect((await register(olu, { groups: [G.id], variant: "doorstep-basics" })).status).toBe(400);
    expect((await register(olu, { groups: [G.id], variant: "../etc" })).status).toBe(400);
    expect((await register(olu, { groups: [G.id], design: "sideways" })).status).toBe(400);
    expect((await register(cy, { groups: [G.id] })).status).toBe(403);
    const after = await q<{ n: number }>(sql`select count(*)::int as n from evaluations`);
    expect(after[0]!.n).toBe(before[0]!.n);
  });

  it("splits each group half and half between the original and the variant", async () => {
    const done = await register(olu, { groups: [G.id, H.id] });
    expect(done.status).toBe(302);
    id = idOf(done.location);
    const [e] = await q<{ design: string; variantModule: string; outcomeModule: string }>(
      sql`select design, variant_module as "variantModule", outcome_module as "outcomeModule" from evaluations where id = ${id}`,
    );
    // The module outcome is the original: completing either version counts.
    expect(e).toEqual({ design: "variant", variantModule: "follow-up-b", outcomeModule: "follow-up" });
    arms = await q(sql`select user_id as "userId", stratum_group_id as stratum, arm from evaluation_assignments where evaluation_id = ${id}`);
    for (const [group, size] of [[G.id, 6], [H.id, 4]] as const) {
      const inGroup = arms.filter((a) => a.stratum === group);
      expect(inGroup).toHaveLength(size);
      expect(inGroup.filter((a) => a.arm === "original")).toHaveLength(size / 2);
      expect(inGroup.filter((a) => a.arm === "variant")).toHaveLength(size / 2);
    }
  });

  it("shows each learner only their own version, wherever they open the module", async () => {
    const a = userById(arms.find((x) => x.arm === "original")!.userId);
    const b = userById(arms.find((x) => x.arm === "variant")!.userId);
    const open = (who: TestUser, slug: string) => run(moduleRoute.loader, get(`/modules/${slug}`, who.cookie), { slug });
    expect((await open(a, "follow-up")).status).toBe(200);
    expect(await open(a, "follow-up-b")).toMatchObject({ status: 303, location: "/modules/follow-up" });
    expect((await open(b, "follow-up-b")).status).toBe(200);
    expect(await open(b, "follow-up")).toMatchObject({ status: 303, location: "/modules/follow-up-b" });
    // A step of the other version leads to the module page of their own.
    const step = await run(stepRoute.loader, get("/modules/follow-up/why-follow-up", b.cookie), { slug: "follow-up", step: "why-follow-up" });
    expect(step).toMatchObject({ status: 303, location: "/modules/follow-up-b" });
    // Not in the evaluation: the original; a trainer reviewing content may open the variant.
    expect(await open(outsider, "follow-up-b")).toMatchObject({ status: 303, location: "/modules/follow-up" });
    expect((await open(trainer, "follow-up-b")).status).toBe(200);
  });

  it("shows each learner's own version on the catalogue, home and record: title, link and progress", async () => {
    const a = userById(arms.find((x) => x.arm === "original")!.userId);
    // Not the learner the next test completes with: this one's progress is theirs alone.
    const b = userById(arms.filter((x) => x.arm === "variant")[1]!.userId);
    type Card = { slug: string; title: string; status: { status: string } };
    const cards = async (who: TestUser) => ((await run(catalogueRoute.loader, get("/modules", who.cookie))).body as { modules: Card[] }).modules;
    expect((await cards(a)).map((m) => [m.slug, m.title])).toEqual([
      ["doorstep-basics", "Doorstep basics (test fixture)"],
      ["follow-up", "Following up (test fixture)"],
    ]);
    // Version B in the original's place, with its own title and link.
    expect((await cards(b)).map((m) => [m.slug, m.title, m.status.status])).toEqual([
      ["doorstep-basics", "Doorstep basics (test fixture)", "not-started"],
      ["follow-up-b", "Following up, by example (test fixture)", "not-started"],
    ]);

    // b completes the variant: its card, home and record read the variant's own progress.
    const view = await run(stepRoute.loader, get("/modules/follow-up-b/example-visit", b.cookie), { slug: "follow-up-b", step: "example-visit" });
    expect(view.status).toBe(200);
    expect((await cards(b)).find((m) => m.slug === "follow-up-b")!.status.status).toBe("complete");
    const home = await homeView({ id: b.id, role: "activist" });
    expect(home.learner.completed.map((c) => [c.slug, c.title])).toEqual([["follow-up-b", "Following up, by example (test fixture)"]]);
    expect(home.learner.nextStep).toMatchObject({ kind: "start", module: { slug: "doorstep-basics" } });
    expect(home.learner.moduleCount).toBe(2);
    const record = (await run(recordRoute.loader, get("/me", b.cookie))).body as { complete: { slug: string }[] };
    expect(record.complete.map((c) => c.slug)).toEqual(["follow-up-b"]);
    // Version A's learner is untouched by b's completion.
    expect((await cards(a)).map((m) => m.status.status)).toEqual(["not-started", "not-started"]);
  });

  it("counts completing the variant as completing the original, once, and per arm as assigned", async () => {
    const b = userById(arms.find((x) => x.arm === "variant")!.userId);
    const view = await run(stepRoute.loader, get("/modules/follow-up-b/example-visit", b.cookie), { slug: "follow-up-b", step: "example-visit" });
    expect(view.status).toBe(200);
    const completions = await q<{ slug: string }>(sql`select module_slug as slug from module_completions where user_id = ${b.id} order by module_slug`);
    expect(completions.map((c) => c.slug)).toEqual(["follow-up", "follow-up-b"]);
    // The summary every completion report reads counts published modules: one, not two.
    const [summed] = await q<{ n: number }>(
      sql`select count(*)::int as n from module_completions c join modules m on m.slug = c.module_slug and not m.draft where c.user_id = ${b.id}`,
    );
    expect(summed!.n).toBe(1);
    const page = await run(detailRoute.loader, get(`/reports/evaluations/${id}`, olu.cookie), { id });
    const body = page.body as { arms: { arm: string; people: number; trained: number; rate: { successes: number; trials: number } }[] };
    expect(body.arms.map((x) => [x.arm, x.people, x.rate.successes, x.trained])).toEqual([
      // The learner of the catalogue test above completed version B too.
      ["variant", 5, 2, 2],
      ["original", 5, 0, 0],
    ]);
  });

  it("reports a variant inside its evaluation only: its address points there, and no list counts it as a module", async () => {
    type Pointer = { kind: string; variant: { title: string; original: { slug: string }; evaluations: { id: string }[] } };
    const page = await run(moduleReportRoute.loader, get("/reports/modules/follow-up-b", olu.cookie), { slug: "follow-up-b" });
    expect(page.status).toBe(200);
    const body = page.body as Pointer;
    expect(body.kind).toBe("variant");
    expect(body.variant.original.slug).toBe("follow-up");
    expect(body.variant.evaluations.map((e) => e.id)).toEqual([id]);
    // Another organiser learns only that it is a version of the original, not of an evaluation outside their groups.
    const other = await run(moduleReportRoute.loader, get("/reports/modules/follow-up-b", cy.cookie), { slug: "follow-up-b" });
    expect((other.body as Pointer).variant.evaluations).toEqual([]);
    // No figures of its own to download either: they would count its completions a second time.
    const csv = (await exportRoute.loader({ request: get("/reports/export/module-groups?slug=follow-up-b", olu.cookie), params: { table: "module-groups" }, context: { clientIp: "203.0.113.7" } } as never)) as Response;
    expect(csv.status).toBe(404);
    // The overview lists the original once, its completions counting either version once each.
    const overview = (await run(overviewRoute.loader, get("/reports", olu.cookie))).body as { overview: { modules: { slug: string; self: number }[] } };
    expect(overview.overview.modules.map((m) => m.slug)).toEqual(["doorstep-basics", "follow-up"]);
    expect(overview.overview.modules.find((m) => m.slug === "follow-up")!.self).toBe(2);
  });

  it("gives the result table as CSV, to its organiser only", async () => {
    const response = (await csvRoute.loader({ request: get(`/reports/evaluations/${id}/result.csv`, olu.cookie), params: { id }, context: { clientIp: "203.0.113.7" } } as never)) as Response;
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toMatch(/^text\/csv/);
    const lines = (await response.text()).trim().split("\r\n");
    expect(lines[0]).toBe("evaluation,arm,people,successes,trials,rate,ci_low,ci_high,compliance,counted_from,counted_to,status,left_out,not_drawn");
    expect(lines[1]).toMatch(/^Follow-up A\/B,Version B \(variant\),5,2,5,0\.4,/);
    expect(lines[2]).toMatch(/^Follow-up A\/B,Version A \(original\),5,0,5,0,/);
    expect(lines[3]).toMatch(/^Follow-up A\/B,Difference \(Version B \(variant\) − Version A \(original\)\),,,,0\.4,/);
    const other = (await csvRoute.loader({ request: get(`/reports/evaluations/${id}/result.csv`, cy.cookie), params: { id }, context: { clientIp: "203.0.113.7" } } as never)) as Response;
    expect(other.status).toBe(404);
  });

  it("stops early once, with a reason and a time, after which everyone sees the original", async () => {
    const stop = (who: TestUser, reason: string) => run(detailRoute.action, post(`/reports/evaluations/${id}`, { reason }, who.cookie), { id });
    expect((await stop(olu, "   ")).status).toBe(400);
    expect((await stop(cy, "Not mine")).status).toBe(404);
    expect((await q<{ status: string }>(sql`select status from evaluations where id = ${id}`))[0]!.status).toBe("registered");
    expect(await stop(olu, "The campaign moved the ballot forward.")).toMatchObject({ status: 303, location: `/reports/evaluations/${id}?stopped=1` });
    expect((await stop(olu, "Again")).status).toBe(409);
    const page = await run(detailRoute.loader, get(`/reports/evaluations/${id}`, olu.cookie), { id });
    const body = page.body as { evaluation: { status: string; stopReason: string; stoppedAt: string }; countedTo: string; periodOver: boolean };
    expect(body.evaluation.status).toBe("stopped");
    expect(body.evaluation.stopReason).toBe("The campaign moved the ballot forward.");
    expect(body.evaluation.stoppedAt.slice(0, 10)).toBe(todayUtc());
    expect(body.countedTo).toBe(todayUtc());
    expect(body.periodOver).toBe(true);
    // The stop is fixed like the design.
    await expect(db().execute(sql`update evaluations set stop_reason = 'changed' where id = ${id}`)).rejects.toThrow();
    await expect(db().execute(sql`update evaluations set status = 'registered', stopped_at = null, stop_reason = null where id = ${id}`)).rejects.toThrow();
    const b = userById(arms.find((x) => x.arm === "variant")!.userId);
    const again = await run(moduleRoute.loader, get("/modules/follow-up-b", b.cookie), { slug: "follow-up-b" });
    expect(again).toMatchObject({ status: 303, location: "/modules/follow-up" });
  });
});
