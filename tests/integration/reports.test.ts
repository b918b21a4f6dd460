import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getModule, loadCatalog, syncModulesTable } from "~/content/catalog.server";
import type { CompiledModule } from "~/content/manifest";
import { createGroup } from "~/groups/groups.server";
import { vote } from "~/live/answers.server";
import { endSession, markAttendance } from "~/live/attendance.server";
import { joinWithCode } from "~/live/joining.server";
import { createLiveSession, setStep } from "~/live/lifecycle.server";
import { advanceScenario, restartScenario } from "~/live/scenario.server";
import { chooseReply, recordStepView, startScenario, submitQuiz } from "~/progress/record.server";
import { csvField } from "~/reports/filters";
import * as exportRoute from "~/routes/reports.export.$table";
import * as overviewRoute from "~/routes/reports._index";
import * as matrixRoute from "~/routes/reports.activists._index";
import * as activistRoute from "~/routes/reports.activists.$id";
import * as moduleRoute from "~/routes/reports.modules.$slug";
import { sql } from "drizzle-orm";
import { withTestDatabase } from "../setup/database";
import { get, makeUser, run, type TestUser } from "../setup/fixtures";

// A fixture movement with known progress; every figure below is worked out by hand.
//
// Modules: alpha (3 steps, a 2-question quiz, a scenario), beta (2 steps), gamma (draft,
// never counted). Groups: Alpha Branch (A), "Bravo, Seat" (B, target seat), Charlie (C).
//
//   person  groups  alpha                                      beta
//   Ann     A       complete self (quiz failed once; lost end)  complete self   → trained
//   Bob     A, B    in progress (1 of 3 steps)                 –
//   Cat     B       complete live                              –
//   =Dan    B       –                                          –
//   Eve     C       in progress (quiz passed)                  complete self
//
// Organiser Olu organises A and B; organiser Cleo organises C.
//
// Live: trainer Tess runs alpha with Ann, Bob, Cat, Dan and Eve; only Cat attends (the
// others are marked absent), so Cat's completion is the session's. The room plays the
// scenario; the votes (who voted for which reply at which point):
//   run 1, door:  Cat → 0 (warm), Bob → 1 (pitch); the room takes 0
//   run 1, warm:  Cat → 0 (good), Bob → 1, Dan → 1 (mixed); the room takes 0 → good
//   run 2, door:  Bob → 1 again, Ann → 1 (as in her self-paced run), Eve → 0 (group C)

const database = withTestDatabase();

const MODULES: Record<string, string> = {
  alpha: `---
title: Alpha listening
summary: Fixture module with a quiz and a scenario.
minutes: 10
order: 1
objectives:
  - Listen
---

<Step id="a1" title="One">

Hello.

</Step>

<Step id="a2" title="Two">

<Quiz id="alpha-quiz" passMark={100}>
  <Question id="q1" prompt="Which is open?">
    <Option id="x" correct feedback="Yes.">What is it like here?</Option>
    <Option id="y" feedback="Closed.">Do you like it here?</Option>
  </Question>
  <Question id="q2" prompt="Which shows listening?">
    <Option id="m" correct feedback="Yes.">So the damp is back.</Option>
    <Option id="n" feedback="No.">Anyway, our campaign…</Option>
  </Question>
</Quiz>

</Step>

<Step id="a3" title="Three">

<Scenario id="alpha-door" title="The door" start="door">
  <Resident id="door" says="Yes?">
    <Choice to="warm" feedback="Good.">Hi, how are things?</Choice>
    <Choice to="pitch" feedback="Fast.">Sign this?</Choice>
  </Resident>
  <Resident id="warm" says="The damp is back.">
    <Choice to="good" feedback="Good.">Will you come on Thursday?</Choice>
    <Choice to="mixed" feedback="Facts.">Forty per cent have damp.</Choice>
  </Resident>
  <Resident id="pitch" says="I'm busy.">
    <Choice to="warm" feedback="Recovered.">One question, then?</Choice>
    <Choice to="lost" feedback="Pushy.">It only takes ten minutes!</Choice>
  </Resident>
  <Ending id="good" outcome="good" title="Coming">

Good.

  </Ending>
  <Ending id="mixed" outcome="mixed" title="Maybe">

Mixed.

  </Ending>
  <Ending id="lost" outcome="lost" title="Closed">

Lost.

  </Ending>
</Scenario>

</Step>
`,
  beta: `---
title: Beta follow-up
summary: Fixture module, steps only.
minutes: 5
order: 2
objectives:
  - Follow up
---

<Step id="b1" title="One">

Hello.

</Step>

<Step id="b2" title="Two">

Bye.

</Step>
`,
  gamma: `---
title: Gamma draft
summary: A draft, never counted.
minutes: 5
order: 3
draft: true
objectives:
  - Nothing
---

<Step id="g1" title="One">

Draft.

</Step>
`,
};

let contentDir: string;
let cacheDir: string;
const previousCache = process.env.CONTENT_CACHE_DIR;
const people = {} as Record<"ann" | "bob" | "cat" | "dan" | "eve" | "olu" | "cleo" | "admin" | "trainer" | "activist", TestUser>;
const groupIds = {} as Record<"A" | "B" | "C", string>;
let alpha: CompiledModule;
let beta: CompiledModule;
const today = new Date().toISOString().slice(0, 10);

async function complete(userId: string, module: CompiledModule, steps = module.manifest.steps.map((s) => s.id)) {
  for (const step of steps) {
    const result = await recordStepView(userId, module, step);
    if (!result.ok) throw new Error(result.message);
  }
}

async function play(userId: string, choices: number[]) {
  const started = await startScenario(userId, alpha, "alpha-door", `run-${userId}`.slice(0, 60));
  if (!started.ok) throw new Error(started.message);
  let run = started.value;
  for (const choice of choices) {
    const moved = await chooseReply(userId, alpha, "alpha-door", run.id, run.currentNode, run.path.length, choice);
    if (!moved.ok) throw new Error(moved.message);
    run = moved.value.run;
  }
}

/** The live session in the header comment: only Cat attends; everyone's votes count. */
async function liveSession() {
  const ok = (result: { ok: boolean; message?: string }) => expect(result, result.message).toMatchObject({ ok: true });
  const created = await createLiveSession(people.trainer, { moduleSlug: "alpha" });
  if (!created.ok) throw new Error(created.message);
  const { code } = created.value;
  const { ann, bob, cat, dan, eve, trainer } = people;
  for (const [i, person] of [ann, bob, cat, dan, eve].entries()) ok(await joinWithCode(code, person, `192.0.2.${i + 1}`));
  ok(await setStep(code, trainer, 2)); // the scenario's step
  ok(await vote(code, cat.id, "alpha-door", 0, 0));
  ok(await vote(code, bob.id, "alpha-door", 0, 1));
  ok(await advanceScenario(code, trainer, "alpha-door", 0, 0));
  ok(await vote(code, cat.id, "alpha-door", 1, 0));
  ok(await vote(code, bob.id, "alpha-door", 1, 1));
  ok(await vote(code, dan.id, "alpha-door", 1, 1));
  ok(await advanceScenario(code, trainer, "alpha-door", 1, 0));
  ok(await restartScenario(code, trainer, "alpha-door"));
  ok(await vote(code, bob.id, "alpha-door", 0, 1));
  ok(await vote(code, ann.id, "alpha-door", 0, 1));
  ok(await vote(code, eve.id, "alpha-door", 0, 0));
  for (const person of [ann, bob, dan, eve]) ok(await markAttendance(code, trainer, person.id, "absent"));
  ok(await endSession(code, trainer));
}

beforeAll(async () => {
  contentDir = mkdtempSync(path.join(tmpdir(), "doorstep-reports-content-"));
  cacheDir = mkdtempSync(path.join(tmpdir(), "doorstep-reports-cache-"));
  process.env.CONTENT_CACHE_DIR = cacheDir;
  for (const [slug, source] of Object.entries(MODULES)) {
    mkdirSync(path.join(contentDir, slug));
    writeFileSync(path.join(contentDir, slug, "index.mdx"), source);
  }
  const loaded = await loadCatalog(contentDir);
  if (loaded.problems.length) throw new Error(JSON.stringify(loaded.problems));
  await syncModulesTable();
  alpha = getModule("alpha")!;
  beta = getModule("beta")!;

  for (const [key, name, kind, target] of [
    ["A", "Alpha Branch", "branch", false],
    ["B", 'Bravo, "Seat"', "constituency", true],
    ["C", "Charlie Union", "union", false],
  ] as const) {
    const created = await createGroup({ name, kind, isTargetSeat: target });
    if (!created.ok) throw new Error(created.message);
    groupIds[key] = created.value.id;
  }
  const { A, B, C } = groupIds;
  people.ann = await makeUser("activist", { name: "Ann Archer", groupIds: [A] });
  people.bob = await makeUser("activist", { name: "Bob Baker", groupIds: [A, B] });
  people.cat = await makeUser("activist", { name: "Cat Cole", groupIds: [B] });
  people.dan = await makeUser("activist", { name: "=Dan Dee", groupIds: [B] });
  people.eve = await makeUser("activist", { name: "Eve Evans", groupIds: [C] });
  people.olu = await makeUser("organiser", { name: "Olu Organiser", groupIds: [A, B] });
  people.cleo = await makeUser("organiser", { name: "Cleo Organiser", groupIds: [C] });
  people.admin = await makeUser("admin", { name: "Ada Admin" });
  people.trainer = await makeUser("trainer", { name: "Tess Trainer", groupIds: [A] });
  people.activist = await makeUser("activist", { name: "Zed Nobody" });

  // Ann: alpha the long way round (quiz failed once, scenario lost), then beta.
  await complete(people.ann.id, alpha, ["a1", "a2"]);
  expect((await submitQuiz(people.ann.id, alpha, "alpha-quiz", { q1: ["y"], q2: ["m"] }, "ann-attempt-1")).ok).toBe(true);
  expect((await submitQuiz(people.ann.id, alpha, "alpha-quiz", { q1: ["x"], q2: ["m"] }, "ann-attempt-2")).ok).toBe(true);
  await complete(people.ann.id, alpha, ["a3"]);
  await play(people.ann.id, [1, 1]); // door → pitch → lost
  await complete(people.ann.id, beta);
  // Bob: only the first step of alpha.
  await complete(people.bob.id, alpha, ["a1"]);
  // Cat: alpha in a live session, through the live feature's own functions.
  await liveSession();
  // Eve (group C): alpha's first two steps with the quiz right first time; beta done.
  await complete(people.eve.id, alpha, ["a1", "a2"]);
  expect((await submitQuiz(people.eve.id, alpha, "alpha-quiz", { q1: ["x"], q2: ["m"] }, "eve-attempt-1")).ok).toBe(true);
  await complete(people.eve.id, beta);
  // Progress in the draft never counts.
  await recordStepView(people.dan.id, getModule("gamma")!, "g1");
});

afterAll(() => {
  if (previousCache === undefined) delete process.env.CONTENT_CACHE_DIR;
  else process.env.CONTENT_CACHE_DIR = previousCache;
  rmSync(contentDir, { recursive: true, force: true });
  rmSync(cacheDir, { recursive: true, force: true });
});

// ---------------------------------------------------------------- helpers

type Json = Record<string, unknown>;
const body = <T = Json>(outcome: { body: unknown }) => outcome.body as T;

async function overview(who: TestUser, query = "") {
  return run(overviewRoute.loader, get(`/reports${query}`, who.cookie));
}
async function matrix(who: TestUser, query = "") {
  return run(matrixRoute.loader, get(`/reports/activists${query}`, who.cookie));
}
const names = (outcome: { body: unknown }) => body<{ page: { rows: { name: string }[] } }>(outcome).page.rows.map((r) => r.name);

/** RFC 4180 parser for the tests: quoted fields, doubled quotes, CRLF rows. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else field += c;
  }
  if (field || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** The export route's Response itself (run() keeps only the status of a Response). */
async function exportCsv(who: TestUser, table: string, query = ""): Promise<Response> {
  const result = await exportRoute.loader({ request: get(`/reports/export/${table}${query}`, who.cookie), params: { table }, context: { clientIp: "203.0.113.7" } });
  return result as Response;
}
async function csvText(response: Response): Promise<string> {
  const bytes = new Uint8Array(await response.arrayBuffer());
  expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // UTF-8 BOM, for spreadsheet programs
  return new TextDecoder().decode(bytes.slice(3));
}

// ---------------------------------------------------------------- overview

describe("reports overview", () => {
  it("gives an organiser the exact figures for the groups they organise", async () => {
    const res = await overview(people.olu);
    expect(res.status).toBe(200);
    const o = body<{ overview: Json }>(res).overview as {
      activists: number;
      trained: number;
      moduleCount: number;
      groupCount: number;
      modules: { slug: string; started: number; self: number; live: number }[];
      weeks: { week: string; self: number; live: number }[];
      groups: { rows: { name: string; activists: number; trained: number; completions: number; rate: number; behind: boolean }[]; total: number };
    };
    expect(o).toMatchObject({ activists: 4, trained: 1, moduleCount: 2, groupCount: 2 });
    expect(o.modules).toEqual([
      { slug: "alpha", title: "Alpha listening", started: 3, self: 1, live: 1 },
      { slug: "beta", title: "Beta follow-up", started: 1, self: 1, live: 0 },
    ]);
    expect(o.weeks).toHaveLength(26);
    expect(o.weeks.slice(0, 25).every((w) => w.self === 0 && w.live === 0)).toBe(true);
    expect(o.weeks[25]).toMatchObject({ self: 2, live: 1 });
    // Target seat B (1 completion of 3 × 2 possible = 16.7%) is behind the 50% threshold and comes first.
    expect(o.groups.total).toBe(2);
    expect(o.groups.rows.map((g) => [g.name, g.activists, g.trained, g.completions, g.rate, g.behind])).toEqual([
      ['Bravo, "Seat"', 3, 0, 1, 16.7, true],
      ["Alpha Branch", 2, 1, 2, 50, false],
    ]);
  });

  it("gives an admin every group, and a lower threshold un-flags the target seat", async () => {
    const res = await overview(people.admin, "?threshold=10");
    const o = body<{ overview: { activists: number; trained: number; modules: { started: number; self: number; live: number }[]; groups: { rows: { name: string; behind: boolean }[] } } }>(res).overview;
    // Five activists in groups plus Zed (no group): admins see everyone.
    expect(o.activists).toBe(6);
    expect(o.trained).toBe(1);
    expect(o.modules.map((m) => [m.started, m.self, m.live])).toEqual([
      [4, 1, 1],
      [2, 2, 0],
    ]);
    expect(o.groups.rows.some((g) => g.behind)).toBe(false);
    const filtered = await overview(people.admin, "?kind=union");
    expect(body<{ overview: { groups: { rows: { name: string }[] } } }>(filtered).overview.groups.rows.map((g) => g.name)).toEqual(["Charlie Union"]);
  });

  it("answers bad filter values with 400 and a message, not a 500", async () => {
    for (const query of ["?threshold=150", "?threshold=lots", "?kind=parish", "?gpage=0", "?target=yes"]) {
      const res = await overview(people.olu, query);
      expect(res.status, query).toBe(400);
      expect(Object.values(body<{ errors: Record<string, string> }>(res).errors)[0], query).toMatch(/\w/);
    }
  });
});

// ---------------------------------------------------------------- matrix

describe("activist × module matrix", () => {
  it("shows each person's status and date per module", async () => {
    const res = await matrix(people.olu);
    expect(res.status).toBe(200);
    const page = body<{ page: { total: number; rows: { name: string; groups: string; completed: number; cells: Record<string, { status: string; date: string | null }> }[] } }>(res).page;
    expect(page.total).toBe(4);
    const byName = Object.fromEntries(page.rows.map((r) => [r.name, r]));
    expect(Object.keys(byName).sort()).toEqual(["=Dan Dee", "Ann Archer", "Bob Baker", "Cat Cole"]);
    expect(byName["Ann Archer"]!.cells).toEqual({ alpha: { status: "self", date: today }, beta: { status: "self", date: today } });
    expect(byName["Ann Archer"]!.completed).toBe(2);
    expect(byName["Bob Baker"]!.cells).toEqual({ alpha: { status: "in-progress", date: today }, beta: { status: "not-started", date: null } });
    expect(byName["Bob Baker"]!.groups).toBe('Alpha Branch, Bravo, "Seat"');
    expect(byName["Cat Cole"]!.cells.alpha).toEqual({ status: "live", date: today });
    // Dan's progress in the draft module is not a column and does not count.
    expect(byName["=Dan Dee"]!.cells).toEqual({ alpha: { status: "not-started", date: null }, beta: { status: "not-started", date: null } });
  });

  it("filters by module and status, overall status, search, group, role and completion date", async () => {
    expect(names(await matrix(people.olu, "?module=alpha&status=in-progress"))).toEqual(["Bob Baker"]);
    expect(names(await matrix(people.olu, "?module=alpha&status=complete"))).toEqual(["Ann Archer", "Cat Cole"]);
    expect(names(await matrix(people.olu, "?module=alpha&status=complete-live"))).toEqual(["Cat Cole"]);
    expect(names(await matrix(people.olu, "?module=alpha&status=complete-self"))).toEqual(["Ann Archer"]);
    expect(names(await matrix(people.olu, "?module=beta&status=not-started")).sort()).toEqual(["=Dan Dee", "Bob Baker", "Cat Cole"]);
    expect(names(await matrix(people.olu, "?status=complete"))).toEqual(["Ann Archer"]); // trained
    expect(names(await matrix(people.olu, "?status=not-started"))).toEqual(["=Dan Dee"]);
    expect(names(await matrix(people.olu, "?status=in-progress")).sort()).toEqual(["Bob Baker", "Cat Cole"]);
    expect(names(await matrix(people.olu, "?q=ARCH"))).toEqual(["Ann Archer"]);
    expect(names(await matrix(people.olu, `?q=${encodeURIComponent(people.cat.email)}`))).toEqual(["Cat Cole"]);
    expect(names(await matrix(people.olu, "?q=%25"))).toEqual([]); // % is literal, not a wildcard
    expect(names(await matrix(people.olu, `?group=${groupIds.A}`)).sort()).toEqual(["Ann Archer", "Bob Baker"]);
    expect(names(await matrix(people.olu, "?gq=bravo")).sort()).toEqual(["=Dan Dee", "Bob Baker", "Cat Cole"]);
    expect(names(await matrix(people.olu, "?role=organiser"))).toEqual(["Olu Organiser"]);
    expect(names(await matrix(people.olu, "?role=all"))).toHaveLength(6); // + Olu and the trainer in A
    expect(names(await matrix(people.olu, `?module=alpha&from=${today}&to=${today}`)).sort()).toEqual(["Ann Archer", "Cat Cole"]);
    expect(names(await matrix(people.olu, "?module=alpha&from=2999-01-01"))).toEqual([]);
  });

  it("sorts by any column, both ways", async () => {
    expect(names(await matrix(people.olu, "?sort=m:alpha"))).toEqual(["=Dan Dee", "Bob Baker", "Ann Archer", "Cat Cole"]);
    expect(names(await matrix(people.olu, "?sort=m:alpha&dir=desc"))).toEqual(["Cat Cole", "Ann Archer", "Bob Baker", "=Dan Dee"]);
    expect(names(await matrix(people.olu, "?sort=completed&dir=desc")).slice(0, 2)).toEqual(["Ann Archer", "Cat Cole"]);
    const byEmail = names(await matrix(people.olu, "?sort=email"));
    const emails = [people.ann, people.bob, people.cat, people.dan].sort((a, b) => (a.email < b.email ? -1 : 1)).map((p) => p.name);
    expect(byEmail).toEqual(emails);
    const byGroups = names(await matrix(people.olu, "?sort=groups&dir=desc"));
    expect(byGroups.slice(0, 2).sort()).toEqual(["=Dan Dee", "Cat Cole"]); // only in “Bravo…”, which sorts last
  });

  it("pages, and says how many there are past the last page", async () => {
    const res = await matrix(people.olu, "?page=2");
    expect(res.status).toBe(200);
    expect(body<{ page: { rows: unknown[]; total: number; pageCount: number } }>(res).page).toMatchObject({ rows: [], total: 4, pageCount: 1 });
  });

  it("refuses invalid filters with 400 and a message per field, and never reveals another organiser's group", async () => {
    const cases: [string, string][] = [
      ["?status=finished", "status"],
      ["?module=Not A Slug", "module"],
      ["?module=gamma", "module"], // a draft
      ["?module=nope", "module"],
      ["?from=2025-02-30", "from"],
      ["?from=yesterday", "from"],
      ["?from=2025-03-02&to=2025-03-01", "to"],
      ["?status=complete-live", "status"], // needs a module
      ["?status=in-progress&from=2025-01-01", "status"],
      ["?role=emperor", "role"],
      ["?sort=shoe-size", "sort"],
      ["?sort=m:nope", "sort"],
      ["?dir=sideways", "dir"],
      ["?page=-1", "page"],
      ["?group=not-a-uuid", "group"],
      [`?group=${groupIds.C}`, "group"], // exists, but Olu does not organise it
      ["?group=00000000-0000-4000-8000-000000000000", "group"],
    ];
    for (const [query, field] of cases) {
      const res = await matrix(people.olu, query);
      expect(res.status, query).toBe(400);
      expect(body<{ errors: Record<string, string> }>(res).errors[field], query).toMatch(/\w/);
    }
    const outside = body<{ errors: Record<string, string> }>(await matrix(people.olu, `?group=${groupIds.C}`)).errors.group;
    const missing = body<{ errors: Record<string, string> }>(await matrix(people.olu, "?group=00000000-0000-4000-8000-000000000000")).errors.group;
    expect(outside).toBe(missing);
  });
});

// ---------------------------------------------------------------- drill-down

describe("one activist's record", () => {
  it("shows groups, module status, quiz best scores, scenario endings and live sessions", async () => {
    const ann = await run(activistRoute.loader, get(`/reports/activists/${people.ann.id}`, people.olu.cookie), { id: people.ann.id });
    expect(ann.status).toBe(200);
    const record = body<{
      person: { name: string };
      groups: { name: string }[];
      modules: { slug: string; status: string; date: string; stepsSeen: number; stepCount: number }[];
      quizzes: unknown[];
      endings: unknown[];
      liveSessions: unknown[];
    }>(ann);
    expect(record.person.name).toBe("Ann Archer");
    expect(record.groups.map((g) => g.name)).toEqual(["Alpha Branch"]);
    expect(record.modules).toEqual([
      { slug: "alpha", title: "Alpha listening", status: "self", date: today, stepsSeen: 3, stepCount: 3, version: null, liveSession: null },
      { slug: "beta", title: "Beta follow-up", status: "self", date: today, stepsSeen: 2, stepCount: 2, version: null, liveSession: null },
    ]);
    expect(record.quizzes).toEqual([{ moduleSlug: "alpha", moduleTitle: "Alpha listening", quizId: "alpha-quiz", quizLabel: "Quiz in “Two” (2 questions)", bestScore: 100, attempts: 2, passed: true, lastAttempt: today }]);
    expect(record.endings).toEqual([
      { moduleSlug: "alpha", moduleTitle: "Alpha listening", scenarioId: "alpha-door", scenarioTitle: "The door", endingId: "lost", endingTitle: "Closed", outcome: "lost", times: 1, lastReached: today },
    ]);
    expect(record.liveSessions).toEqual([]);

    const cat = body<{ liveSessions: { moduleSlug: string; date: string; sessionId: string }[]; modules: { status: string; stepsSeen: number; liveSession: Json | null }[] }>(
      await run(activistRoute.loader, get(`/reports/activists/${people.cat.id}`, people.olu.cookie), { id: people.cat.id }),
    );
    expect(cat.liveSessions).toMatchObject([{ moduleSlug: "alpha", date: today }]);
    expect(cat.modules.map((m) => m.status)).toEqual(["live", "not-started"]);
    // Completed live: the page names the session instead of "steps seen 0 of 3".
    expect(cat.modules[0]!.liveSession).toEqual({ id: cat.liveSessions[0]!.sessionId, date: today, trainerName: people.trainer.name, groupName: null });
    expect(cat.modules[1]!.liveSession).toBeNull();
  });

  it("answers 404, not 403, when an organiser guesses the id of someone outside their groups", async () => {
    const guess = await run(activistRoute.loader, get(`/reports/activists/${people.eve.id}`, people.olu.cookie), { id: people.eve.id });
    const nobody = await run(activistRoute.loader, get("/reports/activists/no-such-person", people.olu.cookie), { id: "no-such-person" });
    expect(guess.status).toBe(404);
    expect(nobody.status).toBe(404);
    expect(guess.body).toEqual(nobody.body); // indistinguishable
    // Eve's own organiser and the admin can read her record.
    expect((await run(activistRoute.loader, get(`/reports/activists/${people.eve.id}`, people.cleo.cookie), { id: people.eve.id })).status).toBe(200);
    expect((await run(activistRoute.loader, get(`/reports/activists/${people.eve.id}`, people.admin.cookie), { id: people.eve.id })).status).toBe(200);
    // Nor do the matrix or an export show her to Olu.
    expect(names(await matrix(people.olu, "?role=all"))).not.toContain("Eve Evans");
    const refused = await exportCsv(people.olu, "activist-modules", `?id=${people.eve.id}`);
    expect(refused.status).toBe(404);
    expect(await refused.text()).not.toContain("Eve");
    const matrixCsv = await csvText(await exportCsv(people.olu, "matrix", "?role=all"));
    expect(matrixCsv).not.toContain("Eve");
  });

  it("refuses trainers and activists (trainers see only their own live sessions: reports-sessions.test.ts)", async () => {
    for (const who of [people.trainer, people.activist]) {
      const res = await run(activistRoute.loader, get(`/reports/activists/${people.ann.id}`, who.cookie), { id: people.ann.id });
      expect(res.status).toBe(403);
    }
  });
});

// ---------------------------------------------------------------- module detail

describe("module detail", () => {
  it("gives completion by group, quiz questions people get wrong, endings and choices at each point", async () => {
    const res = await run(moduleRoute.loader, get("/reports/modules/alpha", people.olu.cookie), { slug: "alpha" });
    expect(res.status).toBe(200);
    const r = body<{ report: Json }>(res).report as {
      totals: Json;
      groups: { rows: { name: string; activists: number; self: number; live: number; rate: number }[] };
      quizzes: { learners: number; passed: number; averageBest: number; hardest: string; questions: { id: string; attempts: number; right: number; percentRight: number; commonWrong: Json | null }[] }[];
      scenarios: {
        endings: { id: string; runs: number; learners: number; liveRuns: number; liveLearners: number }[];
        nodes: { id: string; learners: number; selfPaced: number; live: number; choices: { index: number; learners: number; selfPaced: number; live: number; share: number | null; wrong: boolean }[] }[];
        commonWrongTurn: Json;
      }[];
    };
    expect(r.totals).toEqual({ activists: 4, self: 1, live: 1 });
    expect(r.groups.rows.map((g) => [g.name, g.activists, g.self, g.live, g.rate])).toEqual([
      ['Bravo, "Seat"', 3, 0, 1, 33.3],
      ["Alpha Branch", 2, 1, 0, 50],
    ]);
    const quiz = r.quizzes[0]!;
    expect(quiz).toMatchObject({ label: "Quiz in “Two” (2 questions)", learners: 1, passed: 1, averageBest: 100, hardest: "q1" });
    // Ann missed q1 on her first attempt and got it on the second: half her attempts, none of her first ones.
    const firstTry = { firstTime: null };
    expect(quiz.questions).toEqual([
      { id: "q1", prompt: "Which is open?", attempts: 2, right: 1, percentRight: 50, firstAttempts: 1, firstRight: 0, percentRightFirst: 0, ...firstTry, commonWrong: { optionId: "y", text: "Do you like it here?", times: 1 } },
      { id: "q2", prompt: "Which shows listening?", attempts: 2, right: 2, percentRight: 100, firstAttempts: 1, firstRight: 1, percentRightFirst: 100, ...firstTry, commonWrong: null },
    ]);
    const scenario = r.scenarios[0]!;
    // Live: the room's first run ended well with Cat, Bob and Dan voting; its second run
    // (Bob, Ann, Eve) never ended.
    expect(scenario.endings.map((e) => [e.id, e.runs, e.learners, e.liveRuns, e.liveLearners])).toEqual([
      ["good", 0, 0, 1, 3],
      ["mixed", 0, 0, 0, 0],
      ["lost", 1, 1, 0, 0],
    ]);
    // Points and replies: self-paced runs and live votes together, each learner once.
    const figures = (id: string) => {
      const node = scenario.nodes.find((n) => n.id === id)!;
      return [[node.learners, node.selfPaced, node.live], ...node.choices.map((c) => [c.index, c.learners, c.selfPaced, c.live, c.share, c.wrong])];
    };
    expect(scenario.nodes[0]!.id).toBe("door"); // the start comes first
    expect(figures("door")).toEqual([
      [3, 1, 3], // Ann (self-paced and live), Bob, Cat (live)
      [0, 1, 0, 1, 33.3, false], // Cat's vote
      [1, 2, 1, 2, 66.7, false], // Ann (both ways, once), Bob (twice, once); pitch can still be saved
    ]);
    expect(figures("warm")).toEqual([
      [3, 0, 3],
      [0, 1, 0, 1, 33.3, false],
      [1, 2, 0, 2, 66.7, true], // Bob and Dan voted for the facts: a worse ending
    ]);
    expect(figures("pitch")).toEqual([
      [1, 1, 0],
      [0, 0, 0, 0, 0, false],
      [1, 1, 1, 0, 100, true],
    ]);
    expect(scenario.commonWrongTurn).toEqual({ node: "warm", choice: 1 });
  });

  it("counts live votes against the raw tables: every vote of an activist in scope, at the point it was cast", async () => {
    // Cross-check with a plain query over live_responses and the stored paths.
    const raw = await database().db.execute(sql`
      select count(distinct (r.user_id, r.slot, r.answer ->> 'choice'))::int as n from live_responses r where r.answer ->> 'kind' = 'vote'`);
    const votes = Number(((Array.isArray(raw) ? raw : (raw as { rows: unknown[] }).rows) as { n: number }[])[0]!.n);
    expect(votes).toBe(8);
    const admin = body<{ report: { scenarios: { nodes: { id: string; learners: number; selfPaced: number; live: number; choices: { learners: number; live: number }[] }[] }[] } }>(
      await run(moduleRoute.loader, get("/reports/modules/alpha", people.admin.cookie), { slug: "alpha" }),
    ).report.scenarios[0]!;
    const door = admin.nodes.find((n) => n.id === "door")!;
    expect([door.learners, door.selfPaced, door.live]).toEqual([4, 1, 4]); // + Eve, group C
    expect(door.choices.map((c) => [c.learners, c.live])).toEqual([
      [2, 2],
      [2, 2],
    ]);
    // Cleo (group C) sees only Eve's vote.
    const cleo = body<{ report: { scenarios: { nodes: { id: string; learners: number; live: number; choices: { learners: number }[] }[] }[] } }>(
      await run(moduleRoute.loader, get("/reports/modules/alpha", people.cleo.cookie), { slug: "alpha" }),
    ).report.scenarios[0]!;
    expect(cleo.nodes.map((n) => [n.id, n.learners, n.live, n.choices.map((c) => c.learners)])).toEqual([
      ["door", 1, 1, [1, 0]],
      ["warm", 0, 0, [0, 0]],
      ["pitch", 0, 0, [0, 0]],
    ]);
  });

  it("counts everyone for an admin, and narrows to one group on request", async () => {
    const all = body<{
      report: {
        totals: Json;
        groups: { rows: { name: string; activists: number; self: number; live: number; rate: number | null }[] };
        quizzes: { questions: { attempts: number; right: number; firstAttempts: number; firstRight: number; percentRightFirst: number | null }[] }[];
        scenarios: { endings: { id: string; liveRuns: number; liveLearners: number }[] }[];
      };
    }>(await run(moduleRoute.loader, get("/reports/modules/alpha", people.admin.cookie), { slug: "alpha" })).report;
    expect(all.totals).toEqual({ activists: 6, self: 1, live: 1 });
    // Every group, lowest completion first (trigger-kept per group × module tallies).
    const fixtureGroups = ["Alpha Branch", 'Bravo, "Seat"', "Charlie Union"];
    expect(all.groups.rows.filter((g) => fixtureGroups.includes(g.name)).map((g) => [g.name, g.activists, g.self, g.live, g.rate])).toEqual([
      ["Charlie Union", 1, 0, 0, 0],
      ['Bravo, "Seat"', 3, 0, 1, 33.3],
      ["Alpha Branch", 2, 1, 0, 50],
    ]);
    expect(all.scenarios[0]!.endings.map((e) => [e.id, e.liveRuns, e.liveLearners])).toEqual([
      ["good", 1, 3],
      ["mixed", 0, 0],
      ["lost", 0, 0],
    ]);
    // Cleo's only voter (Eve) voted in the run that never ended.
    const cleo = body<{ report: { scenarios: { endings: { liveRuns: number }[] }[] } }>(
      await run(moduleRoute.loader, get("/reports/modules/alpha", people.cleo.cookie), { slug: "alpha" }),
    ).report;
    expect(cleo.scenarios[0]!.endings.map((e) => e.liveRuns)).toEqual([0, 0, 0]);
    expect(all.quizzes[0]!.questions.map((q) => [q.attempts, q.right])).toEqual([
      [3, 2],
      [3, 3],
    ]);
    // From the trigger-kept first attempts (migration 0011): Ann's first and Eve's only one.
    expect(all.quizzes[0]!.questions.map((q) => [q.firstAttempts, q.firstRight, q.percentRightFirst])).toEqual([
      [2, 1, 50],
      [2, 2, 100],
    ]);
    const onlyB = body<{ report: { totals: Json; focus: { name: string } } }>(
      await run(moduleRoute.loader, get(`/reports/modules/alpha?group=${groupIds.B}`, people.olu.cookie), { slug: "alpha" }),
    ).report;
    expect(onlyB.totals).toEqual({ activists: 3, self: 0, live: 1 });
    expect(onlyB.focus.name).toBe('Bravo, "Seat"');
    const refused = await run(moduleRoute.loader, get(`/reports/modules/alpha?group=${groupIds.C}`, people.olu.cookie), { slug: "alpha" });
    expect(refused.status).toBe(400);
  });

  it("is 404 for drafts and unknown modules", async () => {
    for (const slug of ["gamma", "nope"]) {
      expect((await run(moduleRoute.loader, get(`/reports/modules/${slug}`, people.olu.cookie), { slug })).status).toBe(404);
    }
  });
});

// ---------------------------------------------------------------- CSV

describe("CSV export", () => {
  it("streams the filtered matrix with a header row, RFC 4180 quoting and formula guarding", async () => {
    const res = await exportCsv(people.olu, "matrix", "?sort=completed&dir=desc");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("Content-Disposition")).toMatch(/^attachment; filename="doorstep-activists-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(res.body).toBeInstanceOf(ReadableStream);
    const text = await csvText(res);
    expect(text.endsWith("\r\n")).toBe(true);
    const [header, ...rows] = parseCsv(text);
    expect(header).toEqual([
      "Name", "Email", "Role", "Groups", "Modules complete (of 2)",
      "Alpha listening: status", "Alpha listening: date", "Beta follow-up: status", "Beta follow-up: date",
    ]);
    // Exports are in name order whatever the on-screen sort; "=Dan Dee" is guarded.
    expect(rows.map((r) => r[0]).sort()).toEqual(["'=Dan Dee", "Ann Archer", "Bob Baker", "Cat Cole"]);
    const bob = rows.find((r) => r[0] === "Bob Baker")!;
    expect(bob).toEqual(["Bob Baker", people.bob.email, "activist", 'Alpha Branch, Bravo, "Seat"', "0", "in progress", today, "not started", ""]);
    expect(text).toContain('"Alpha Branch, Bravo, ""Seat"""');
    const ann = rows.find((r) => r[0] === "Ann Archer")!;
    expect(ann.slice(4)).toEqual(["2", "complete (self-paced)", today, "complete (self-paced)", today]);
    const cat = rows.find((r) => r[0] === "Cat Cole")!;
    expect(cat.slice(5, 7)).toEqual(["complete (live session)", today]);
  });

  it("applies the page's filters, and refuses bad ones with 400 and a message", async () => {
    const [, ...rows] = parseCsv(await csvText(await exportCsv(people.olu, "matrix", "?module=alpha&status=in-progress")));
    expect(rows.map((r) => r[0])).toEqual(["Bob Baker"]);
    const bad = await exportCsv(people.olu, "matrix", "?status=nope");
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/Status must be/);
    const outside = await exportCsv(people.olu, "matrix", `?group=${groupIds.C}`);
    expect(outside.status).toBe(400);
    expect((await exportCsv(people.olu, "nothing-like-this")).status).toBe(404);
  });

  it("reads the matrix in batches, so any size streams at the same memory", async () => {
    const { matrixExportBatches, matrixSetup } = await import("~/reports/matrix.server");
    const setup = await matrixSetup(people.admin, { role: "all", sort: "name", dir: "asc", page: 1 } as never);
    if (!setup.ok) throw new Error("setup failed");
    const words = { "not-started": "none", "in-progress": "going", self: "self", live: "live" };
    const sizes: number[] = [];
    const seen: string[] = [];
    for await (const batch of matrixExportBatches(setup.context, words, 3)) {
      sizes.push(batch.length);
      seen.push(...batch.map((r) => r.name));
      const ann = batch.find((r) => r.id === people.ann.id);
      if (ann) expect(ann.cells).toBe(`self,${today},self,${today}`);
    }
    expect(sizes).toEqual([3, 3, 3, 1]); // ten people in batches of three
    expect(new Set(seen).size).toBe(10);
    // Words that would need quoting are refused rather than written raw into the CSV.
    await expect(matrixExportBatches(setup.context, { ...words, live: "live, in a room" }).next()).rejects.toThrow(/quoting/);
  });

  it("exports every other table with its header row", async () => {
    const tables: [string, string, string[], number][] = [
      ["groups", "", ["Group", "Kind", "Target seat", "Activists", "Trained (all modules)", "Module completions", "Completion rate %", "Target seat below 50%"], 2],
      ["modules", "", ["Module", "Started", "Completed self-paced", "Completed live", "Completed", "Completed of started %"], 2],
      ["weeks", "", ["Week starting", "Completed self-paced", "Completed live", "Completed"], 26],
      ["module-groups", "?slug=alpha", ["Group", "Kind", "Target seat", "Activists", "Completed self-paced", "Completed live", "Completion rate %"], 2],
      ["module-questions", "?slug=alpha", ["Module", "Quiz", "Question", "Attempts", "Answered right", "Right %", "Most picked wrong answer", "Times picked", "First attempts", "Right first time %"], 2],
      ["module-endings", "?slug=alpha", ["Module", "Scenario", "Ending", "Outcome", "Self-paced runs", "Self-paced learners", "Live room runs", "Live voters"], 3],
      ["module-choices", "?slug=alpha", ["Module", "Scenario", "Point (node)", "Resident says", "Learners at this point", "Reply", "Learners who took it", "Took it self-paced", "Voted for it live", "Share %", "Wrong turn"], 6],
      ["activist-modules", `?id=${people.ann.id}`, ["Name", "Email", "Module", "Status", "Date", "Steps seen", "Steps"], 2],
    ];
    for (const [table, query, header, count] of tables) {
      const res = await exportCsv(people.olu, table, query);
      expect(res.status, table).toBe(200);
      const [head, ...rows] = parseCsv(await csvText(res));
      expect(head, table).toEqual(header);
      expect(rows, table).toHaveLength(count);
    }
    const groups = parseCsv(await csvText(await exportCsv(people.olu, "groups"))).slice(1);
    expect(groups).toEqual([
      ["Alpha Branch", "branch", "no", "2", "1", "2", "50", "no"],
      ['Bravo, "Seat"', "constituency", "yes", "3", "0", "1", "16.7", "yes"],
    ]);
    const questions = parseCsv(await csvText(await exportCsv(people.olu, "module-questions", "?slug=alpha"))).slice(1);
    expect(questions[0]).toEqual(["Alpha listening", "alpha-quiz", "Which is open?", "2", "1", "50", "Do you like it here?", "1", "1", "0"]);
    expect((await exportCsv(people.olu, "module-groups", "?slug=gamma")).status).toBe(404);
  });
});

// Pin the helper the export relies on, independently of any database.
describe("csvField", () => {
  it("quotes, doubles quotes and neutralises formulas", () => {
    expect(csvField('Bravo, "Seat"')).toBe('"Bravo, ""Seat"""');
    expect(csvField("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvField("+1")).toBe("'+1");
    expect(csvField("-x")).toBe("'-x");
    expect(csvField("@a")).toBe("'@a");
    expect(csvField("line\nbreak")).toBe('"line\nbreak"');
    expect(csvField(12)).toBe("12");
    expect(csvField(-3)).toBe("-3");
    expect(csvField(null)).toBe("");
  });
});
