// Every route file, every action and every intent, fed malformed input on a real database:
// missing, empty, huge, NUL and other control characters, prototype-like keys, 10,000
// repeats of a field, and bodies that are not forms at all. Whatever arrives, the answer
// is never a 5xx, and a refusal (4xx) never leaves a row changed.
//
// Nothing here is listed by hand that could go stale: route files are read from
// app/routes, intents and field names from the app's own source (forms and schemas). A new
// route, intent or field is fuzzed the day it lands. The one list kept here is how to fill
// a route's URL parameters; a parameter with no entry fails the test.
import { appendFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import fc from "fast-check";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestEmailLink, unsubscribeUrl } from "~/auth/email-links.server";
import { createInvite } from "~/auth/invites.server";
import { startSession } from "~/auth/session.server";
import { loadCatalog, syncModulesTable } from "~/content/catalog.server";
import { addDays, todayInMovement } from "~/field/debrief-fields";
import { recordDebrief } from "~/field/debriefs.server";
import { createShift } from "~/field/shifts.server";
import { uploadCanvassFile } from "~/field/import.server";
import { importElectionResults } from "~/reports/elections.server";
import { stopLive } from "~/live/hub.server";
import { joinWithCode } from "~/live/joining.server";
import { createLiveSession } from "~/live/lifecycle.server";
import { registerEvaluation, todayUtc } from "~/reports/evaluations.server";
import { createScheduledSession } from "~/live/scheduled.server";
import { db } from "../../db/client.server";
import { FIXTURE_MODULES } from "../setup/content";
import { LIVE_MODULES_DIR } from "../fixtures/live-modules/setup";
import { makeGroup, makeUser, TEST_ORIGIN, type TestUser } from "../setup/fixtures";
import { withTestDatabase } from "../setup/database";

withTestDatabase();
afterAll(() => stopLive());

const ROUTES_DIR = path.resolve("app/routes");
const APP_DIR = path.resolve("app");

// ------------------------------------------------------------------ what the app accepts

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx)$/.test(name) ? [full] : [];
  });
}

const APP_SOURCE = sourceFiles(APP_DIR)
  .map((file) => readFileSync(file, "utf8"))
  .join("\n");

const matchesOf = (pattern: RegExp) => [...APP_SOURCE.matchAll(pattern)].map((m) => m[1]!);

/** Every intent the app names: in schemas, in forms, in fetcher submissions, in comparisons. */
const INTENTS = [
  ...new Set([
    ...matchesOf(/intent:\s*z\.literal\("([^"]+)"\)/g),
    ...matchesOf(/name="intent"\s+value="([^"]+)"/g),
    ...matchesOf(/intent:\s*"([^"]+)"/g),
    ...matchesOf(/"intent"\)\s*===\s*"([^"]+)"/g),
  ]),
].sort();

/** Every form field name the app renders, plus the keys its form schemas read. */
const FIELDS = [
  ...new Set([
    ...matchesOf(/\bname="([A-Za-z][\w.-]*)"/g),
    ...matchesOf(/\bname=\{?"([A-Za-z][\w.-]*)"/g),
    ...matchesOf(/text\(form,\s*"([^"]+)"\)/g),
    ...matchesOf(/form\.get(?:All)?\("([^"]+)"\)/g),
  ]),
]
  .filter((name) => name !== "intent")
  .sort();

/** Query parameters the loaders read. */
const QUERY_KEYS = [
  ...new Set([
    ...matchesOf(/searchParams\.get(?:All)?\("([^"]+)"\)/g),
    ...matchesOf(/params\.get(?:All)?\("([^"]+)"\)/g),
    ...matchesOf(/query\.get(?:All)?\("([^"]+)"\)/g),
    // Report filter schemas name their keys as object properties.
    ...["q", "gq", "group", "module", "status", "sort", "dir", "page", "from", "to", "role", "id", "slug", "weeks", "kind", "seat", "target"],
  ]),
].sort();

// ------------------------------------------------------------------ route files → URLs

interface RouteModule {
  loader?: (args: unknown) => unknown;
  action?: (args: unknown) => unknown;
}

interface RouteFile {
  file: string;
  /** e.g. /live/:code/present */
  pattern: string;
  paramNames: string[];
  module: RouteModule;
}

/** Remix v2 flat routes: dots are slashes, $x a parameter, _index and _layout segments add nothing. */
function patternOf(file: string): { pattern: string; paramNames: string[] } {
  const base = file.replace(/\.(ts|tsx)$/, "");
  const paramNames: string[] = [];
  const segments = base.split(".").flatMap((segment) => {
    if (segment === "_index") return [];
    if (segment === "$") {
      paramNames.push("*");
      return ["*"];
    }
    if (segment.startsWith("$")) {
      // A trailing "_" opts out of nesting ($id_.edit): not part of the parameter's name.
      const name = segment.slice(1).replace(/_$/, "");
      paramNames.push(name);
      return [`:${name}`];
    }
    if (segment.startsWith("_")) return []; // pathless layout
    return [segment.replace(/_$/, "")];
  });
  return { pattern: `/${segments.join("/")}`, paramNames };
}

async function loadRoutes(): Promise<RouteFile[]> {
  // FUZZ_ROUTES=admin (a pattern) fuzzes only the matching route files, for a quick run on what changed.
  const only = process.env.FUZZ_ROUTES ? new RegExp(process.env.FUZZ_ROUTES) : null;
  const files = readdirSync(ROUTES_DIR).filter((f) => /\.(ts|tsx)$/.test(f) && (!only || only.test(f)));
  return Promise.all(
    files.map(async (file) => {
      const module = (await import(/* @vite-ignore */ pathToFileURL(path.join(ROUTES_DIR, file)).href)) as RouteModule;
      return { file, ...patternOf(file), module };
    }),
  );
}

// ------------------------------------------------------------------ the world under test

interface World {
  users: Record<"anonymous" | "activist" | "participant" | "trainer" | "organiser" | "admin", TestUser | null>;
  params: Record<string, string[]>;
  /** Well-formed values the fuzzer mixes in, so it gets past the first checks. */
  plausible: string[];
}

let world: World;
let routes: RouteFile[];
let contentDir = "";
let cacheDir = "";

beforeAll(async () => {
  // One catalogue with both fixture sets: self-paced modules and the live module.
  contentDir = mkdtempSync(path.join(tmpdir(), "doorstep-fuzz-content-"));
  cacheDir = mkdtempSync(path.join(tmpdir(), "doorstep-fuzz-cache-"));
  process.env.CONTENT_CACHE_DIR = cacheDir;
  for (const dir of [FIXTURE_MODULES, LIVE_MODULES_DIR]) {
    for (const name of readdirSync(dir)) {
      if (statSync(path.join(dir, name)).isDirectory()) cpSync(path.join(dir, name), path.join(contentDir, name), { recursive: true });
    }
  }
  const loaded = await loadCatalog(contentDir);
  if (loaded.problems.length) throw new Error(`fixture modules have problems: ${JSON.stringify(loaded.problems)}`);
  await syncModulesTable();

  const group = await makeGroup("branch", true);
  const [activist, participant, trainer, organiser, admin] = await Promise.all([
    makeUser("activist", { groupIds: [group.id] }),
    makeUser("activist", { groupIds: [group.id] }),
    makeUser("trainer", { groupIds: [group.id] }),
    makeUser("organiser", { groupIds: [group.id] }),
    makeUser("admin"),
  ]);
  const live = await createLiveSession(trainer, { moduleSlug: "live-demo" });
  if (!live.ok) throw new Error(live.message);
  const joined = await joinWithCode(live.value.code, participant, "192.0.2.44");
  if (!joined.ok) throw new Error(joined.message);
  // A scheduled session the activist, participant and trainer are invited to / run, a month ahead.
  const scheduled = await createScheduledSession(
    trainer,
    { moduleSlug: "live-demo", groupId: group.id, date: addDays(todayInMovement(), 30), time: "18:00", minutes: 60, place: "The library", callUrl: undefined },
    TEST_ORIGIN,
  );
  if (!scheduled.ok) throw new Error(scheduled.message);
  const invite = await createInvite({ groupId: group.id, role: "activist", createdBy: admin.id });
  const shift = await createShift(organiser, { groupId: group.id, day: todayInMovement(), kind: "doors", meetingPoint: "The library" });
  if (!shift.ok) throw new Error(shift.message);
  const debrief = await recordDebrief(activist.id, {
    formKey: "fuzz-debrief-key",
    shiftId: shift.value.id,
    groupId: group.id,
    day: addDays(todayInMovement(), -1),
    kind: "doors",
    attempts: 10,
    contacts: 4,
    conversations: 2,
    commitments: 1,
    outcomes: { undecided: 1 },
    objections: ["no-time"],
    hardestObjection: "no-time",
    differently: "",
  });
  if (!debrief.ok) throw new Error(debrief.message);
  // Mailed links (sign-in, reset, unsubscribe): real tokens, read back from the queued mail.
  const emailLinkTokens = [(await unsubscribeUrl(db(), participant.id, TEST_ORIGIN)).split("/").pop()!];
  for (const purpose of ["sign-in", "reset"] as const) {
    const asked = await requestEmailLink({ purpose, email: participant.email, ip: "192.0.2.45", origin: TEST_ORIGIN });
    if (!asked.ok) throw new Error(asked.message);
  }
  const mailRows = (await rowsOf(await db().execute(sql`select id, text_body from mail_messages order by created_at`))) as { id: string; text_body: string }[];
  for (const mail of mailRows) emailLinkTokens.push(...[...mail.text_body.matchAll(/\/(?:login\/link|reset)\/([A-Za-z0-9_-]{20,})/g)].map((m) => m[1]!));
  // A staged canvass import (uploaded, not imported), so /reports/imports/:id gets past its 404.
  const upload = new FormData();
  upload.set("source", "FuzzTool");
  upload.set("file", new Blob([`contact_id,canvasser_email,date,area,result\nz1,${activist.email},2026-05-02,${group.name},contact\n`]), "fuzz.csv");
  const staged = await uploadCanvassFile(organiser, new Request(`${TEST_ORIGIN}/reports/imports/new`, { method: "POST", body: upload }));
  if (!staged.ok) throw new Error(JSON.stringify(staged.errors));
  // An imported election, so /reports/elections?election=… and its export get past their 404.
  const results = new FormData();
  results.set("election", "Fuzz GE");
  results.set("results", `seat,region,previous,new,electorate\n${group.name},East,30,34,50000\nElsewhere,East,20,18,\n`);
  const election = await importElectionResults(organiser, results);
  if (!election.ok) throw new Error(JSON.stringify(election.errors));

  // A registered evaluation of the group, so /reports/evaluations/:id gets past its 404.
  const evaluation = await registerEvaluation(organiser, { name: "Fuzz evaluation", groups: [group.id], outcome: "conversation", from: todayUtc(), to: addDays(todayUtc(), 30) }, "fuzz-evaluation-key-1");
  if (!evaluation.ok) throw new Error(evaluation.message);

  const activityIds = matchesOf(/(?:Quiz|Scenario|Poll|RolePlay|Reflect)\s+id="([^"]+)"/g);
  for (const dir of readdirSync(contentDir)) {
    const text = readFileSync(path.join(contentDir, dir, "index.mdx"), "utf8");
    activityIds.push(...[...text.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]!));
  }

  world = {
    users: { anonymous: null, activist, participant, trainer, organiser, admin },
    params: {
      code: [live.value.code, "ZZZZZZ"],
      slug: ["doorstep-basics", "live-demo", "no-such-module"],
      step: ["check", "intro", "no-such-step"],
      id: [activist.id, live.value.id, scheduled.value.id, group.id, shift.value.id, debrief.value.id, staged.id, evaluation.value.id, "no-such-id", ...mailRows.map((m) => m.id)],
      token: [invite.token, "no-such-token", ...emailLinkTokens],
      table: ["weeks", "matrix", "activist-modules", "session-attendance", "modules", "impact-rates", "impact-canvasser", "impact-objections", "election-results", "no-such-table"],
      file: ["x.js", "no-such.js"],
      "*": ["no/such/page"],
    },
    plausible: [
      ...new Set([
        ...activityIds,
        activist.id,
        participant.id,
        group.id,
        shift.value.id,
        debrief.value.id,
        live.value.code,
        scheduled.value.id,
        "0",
        "1",
        "2",
        "yes",
        "present",
        "preview",
        "register",
        "conversation",
        "module",
        todayInMovement(),
        "activist",
        "admin",
        "branch",
        "a",
        "b",
        activist.email,
        "Fuzz GE",
      ]),
    ],
  };
  routes = await loadRoutes();
}, 120_000);

afterAll(() => {
  delete process.env.CONTENT_CACHE_DIR;
  for (const dir of [contentDir, cacheDir]) if (dir) rmSync(dir, { recursive: true, force: true });
});

// ------------------------------------------------------------------ requests and answers

type Body =
  | { kind: "form"; fields: [string, string][] }
  | { kind: "json" }
  | { kind: "multipart-no-boundary" }
  | { kind: "text" }
  | { kind: "none" };

function urlOf(route: RouteFile, params: Record<string, string>, query: [string, string][] = []) {
  const pathname = route.pattern
    .split("/")
    .map((segment) => {
      if (segment === "*") return params["*"]!;
      if (segment.startsWith(":")) return encodeURIComponent(params[segment.slice(1)]!);
      return segment;
    })
    .join("/");
  const url = new URL(pathname || "/", TEST_ORIGIN);
  for (const [k, v] of query) url.searchParams.append(k, v);
  return url;
}

function requestOf(method: "GET" | "POST", url: URL, user: TestUser | null, body: Body, signal?: AbortSignal): Request {
  const headers: Record<string, string> = { Origin: TEST_ORIGIN };
  if (user) headers.Cookie = user.cookie;
  let payload: BodyInit | undefined;
  if (method === "POST") {
    switch (body.kind) {
      case "form": {
        const form = new URLSearchParams();
        for (const [k, v] of body.fields) form.append(k, v);
        payload = form;
        headers["Content-Type"] = "application/x-www-form-urlencoded";
        break;
      }
      case "json":
        payload = JSON.stringify({ intent: "answer", activityId: "x", __proto__: { admin: true } });
        headers["Content-Type"] = "application/json";
        break;
      case "multipart-no-boundary":
        payload = "--x\r\nContent-Disposition: form-data; name=\"intent\"\r\n\r\nanswer\r\n--x--\r\n";
        headers["Content-Type"] = "multipart/form-data";
        break;
      case "text":
        payload = "intent=answer";
        headers["Content-Type"] = "text/plain";
        break;
      case "none":
        break;
    }
  }
  return new Request(url, { method, headers, body: payload, signal });
}

let clientCounter = 0;

/** What the browser would get: the status, with a streamed body read to its end. */
async function statusOf(handler: (args: unknown) => unknown, request: Request, params: Record<string, string>, abort?: AbortController): Promise<number> {
  let value: unknown;
  try {
    // A new address each time: the throttles would otherwise answer 429 before the code under test runs.
    clientCounter += 1;
    const clientIp = `198.51.${(clientCounter >> 8) & 255}.${clientCounter & 255}`;
    value = await handler({ request, params, context: { clientIp, drained: async () => {} } });
  } catch (thrown) {
    value = thrown;
    if (!(thrown instanceof Response) && (thrown as { type?: string })?.type !== "DataWithResponseInit") {
      return 500; // an exception Remix would answer with 500
    }
  }
  if (value instanceof Response) {
    if (value.body && value.headers.get("Content-Type")?.startsWith("text/event-stream")) {
      abort?.abort(); // a live stream never ends on its own
      await value.body.cancel().catch(() => {});
    } else if (value.body) {
      try {
        await value.text(); // a CSV export that fails half-way is a 500 to its reader
      } catch {
        return 500;
      }
    }
    return value.status;
  }
  if (value && typeof value === "object" && (value as { type?: string }).type === "DataWithResponseInit") {
    return (value as { init?: ResponseInit | null }).init?.status ?? 200;
  }
  return 200;
}

// Rows a refusal must not change. Throttle counters (they count refusals by design) and
// sessions (lucia extends a session on any request) are left out.
const VOLATILE_TABLES = new Set(["sessions", "login_throttle", "live_join_throttle", "rate_limits", "__drizzle_migrations"]);
let fingerprintSql: string | null = null;

async function fingerprint(): Promise<string> {
  if (!fingerprintSql) {
    const tables = (await rowsOf(
      await db().execute(sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`),
    )) as { name: string }[];
    fingerprintSql = tables
      .filter((t) => !VOLATILE_TABLES.has(t.name))
      .map((t) => `select '${t.name}' as t, md5(coalesce(string_agg(x::text, '|' order by x::text), '')) as h from "${t.name}" x`)
      .join(" union all ");
  }
  const rows = (await rowsOf(await db().execute(sql.raw(fingerprintSql)))) as { t: string; h: string }[];
  return rows.map((r) => `${r.t}:${r.h}`).join(",");
}

const rowsOf = async (result: unknown) => (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows);

interface Case {
  route: RouteFile;
  who: keyof World["users"];
  params: Record<string, string>;
  body: Body;
  query?: [string, string][];
}

const failures: string[] = [];
let current = "";

/** Send one case; record a 5xx, or a refusal that changed rows. */
async function send(method: "GET" | "POST", c: Case): Promise<number> {
  const handler = method === "POST" ? c.route.module.action : c.route.module.loader;
  if (!handler) throw new Error(`${c.route.file} has no ${method === "POST" ? "action" : "loader"}`);
  const abort = new AbortController();
  const request = requestOf(method, urlOf(c.route, c.params, c.query), world.users[c.who], c.body, abort.signal);
  const status = await statusOf(handler, request, c.params, abort);
  const describeCase = () =>
    `${method} ${c.route.pattern} as ${c.who} params=${JSON.stringify(c.params).slice(0, 200)} body=${JSON.stringify(c.body).slice(0, 300)} query=${JSON.stringify(c.query ?? []).slice(0, 200)}`;
  if (process.env.FUZZ_LOG) appendFileSync(process.env.FUZZ_LOG, `${status} ${method} ${c.route.pattern}\n`);
  if (status >= 500) failures.push(`${status}: ${describeCase()}`);
  if (method === "POST") {
    const after = await fingerprint();
    if (status >= 400 && after !== current) failures.push(`${status} but rows changed: ${describeCase()}`);
    current = after;
  }
  return status;
}

// ------------------------------------------------------------------ the values

const CONTROL = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).filter((c) => !"\t\n\r".includes(c));
const PROTOTYPE_KEYS = ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "prototype"];

const nastyValue = () =>
  fc.oneof(
    fc.constantFrom("", " ", "\0", "a\0b", "x".repeat(100_000), "9".repeat(400), "-1", "1e309", "NaN", "Infinity", "1.5", "null", "undefined", "[]", "{}"),
    fc.constantFrom(...PROTOTYPE_KEYS),
    fc.constantFrom(...CONTROL).map((c) => `a${c}b`),
    fc.string({ maxLength: 40 }),
    fc.string({ unit: "binary", maxLength: 40 }),
    fc.constantFrom(...world.plausible),
  );

const fieldName = () =>
  fc.oneof(
    fc.constantFrom(...FIELDS),
    fc.constantFrom(...PROTOTYPE_KEYS),
    fc.constantFrom(...PROTOTYPE_KEYS.map((k) => `answer.${k}`)),
    fc.constantFrom(...world.plausible.map((id) => `answer.${id}`)),
  );

function paramsFor(route: RouteFile, pick: (options: string[]) => string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const name of route.paramNames) {
    const options = world.params[name];
    if (!options) throw new Error(`${route.file}: no values for the URL parameter "${name}": add them to world.params in this test`);
    params[name] = pick(options);
  }
  return params;
}

/**
 * Sign everyone in again. A fuzzed POST /logout or an admin's role change ends sessions,
 * and a signed-out user would be turned away before the code under test runs.
 */
async function freshSessions() {
  for (const user of Object.values(world.users)) {
    if (user) user.cookie = (await startSession(user.id, "vitest")).split(";")[0]!;
  }
}

const WHO: (keyof World["users"])[] = ["anonymous", "activist", "participant", "trainer", "organiser", "admin"];

// ------------------------------------------------------------------ the tests

describe("malformed input to every route", () => {
  it("finds the routes, intents and fields it fuzzes", () => {
    if (!process.env.FUZZ_ROUTES) {
      expect(routes.length).toBeGreaterThan(20);
      expect(routes.filter((r) => r.module.action).length).toBeGreaterThan(10);
    }
    // A sample of intents each route family uses: if the scan stops finding them, it is broken.
    for (const intent of ["quiz", "scenario-choose", "poll", "reflect", "answer", "vote", "step", "mark", "end", "join", "newcomer"]) {
      expect(INTENTS).toContain(intent);
    }
    for (const field of ["activityId", "email", "password", "name"]) expect(FIELDS).toContain(field);
  });

  it("every action and intent: each field NUL, control characters, huge, empty, prototype-like keys, 10,000 repeats, not-a-form bodies → never a 5xx, and a refusal changes no row", async () => {
    failures.length = 0;
    current = await fingerprint();
    const actions = routes.filter((r) => r.module.action);
    for (const route of actions) {
      await freshSessions();
      for (const [i, intent] of ["", "no-such-intent", ...INTENTS].entries()) {
        const who = WHO[i % WHO.length]!;
        const params = paramsFor(route, (options) => options[i % options.length]!);
        const withIntent = (fields: [string, string][]): Body => ({ kind: "form", fields: intent ? [["intent", intent], ...fields] : fields });
        const shapes: Body[] = [
          withIntent(FIELDS.map((f) => [f, "a\0b"])),
          withIntent(FIELDS.map((f, j) => [f, `${world.plausible[j % world.plausible.length]}${CONTROL[j % CONTROL.length]}`])),
          withIntent(FIELDS.map((f) => [f, ""])),
          withIntent(FIELDS.map((f): [string, string] => [f, "x".repeat(5_000)])),
          withIntent(PROTOTYPE_KEYS.flatMap((k): [string, string][] => [[k, "a"], [`answer.${k}`, "a"], ["activityId", world.plausible[0]!]])),
          withIntent(Array.from({ length: 10_000 }, (_, j): [string, string] => [FIELDS[j % FIELDS.length]!, String(j % 3)])),
        ];
        for (const body of shapes) await send("POST", { route, who, params, body });
      }
      for (const [i, who] of WHO.entries()) {
        const params = paramsFor(route, (options) => options[i % options.length]!);
        for (const kind of ["json", "multipart-no-boundary", "text", "none"] as const) await send("POST", { route, who, params, body: { kind } });
      }
    }
    expect(failures, failures.slice(0, 25).join("\n")).toEqual([]);
  }, 600_000);

  it("random malformed forms to every action (property-based) → never a 5xx, and a refusal changes no row", async () => {
    failures.length = 0;
    current = await fingerprint();
    const actions = routes.filter((r) => r.module.action);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...actions),
        fc.constantFrom(...WHO),
        fc.nat(),
        fc.option(fc.constantFrom(...INTENTS, "", "no-such-intent", ...PROTOTYPE_KEYS), { nil: undefined }),
        fc.array(fc.tuple(fieldName(), nastyValue()), { maxLength: 12 }),
        async (route, who, seed, intent, fields) => {
          if (seed % 50 === 0) await freshSessions();
          const params = paramsFor(route, (options) => options[seed % options.length]!);
          const body: Body = { kind: "form", fields: intent === undefined ? fields : [["intent", intent], ...fields] };
          const before = failures.length;
          await send("POST", { route, who, params, body });
          return failures.length === before;
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 400), seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined },
    );
    expect(failures, failures.slice(0, 25).join("\n")).toEqual([]);
  }, 600_000);

  it("every page and resource route: malformed URL parameters and query values → never a 5xx", async () => {
    failures.length = 0;
    const loaders = routes.filter((r) => r.module.loader);
    const values = ["", "\0", "a\0b", "x".repeat(5_000), "-1", "1e309", "NaN", "__proto__", "constructor", ...CONTROL.slice(0, 8).map((c) => `a${c}b`), "%00", "../..", "<script>"];
    for (const route of loaders) {
      await freshSessions();
      for (const [i, who] of WHO.entries()) {
        for (const value of values) {
          // The query: every key the app reads, all at once, with this value.
          const params = paramsFor(route, (options) => options[i % options.length]!);
          await send("GET", { route, who, params, body: { kind: "none" }, query: QUERY_KEYS.map((k) => [k, value]) });
          // Each URL parameter in turn.
          for (const name of route.paramNames) {
            if (name === "*") continue;
            await send("GET", { route, who, params: { ...params, [name]: value }, body: { kind: "none" } });
          }
        }
      }
    }
    expect(failures, failures.slice(0, 25).join("\n")).toEqual([]);
  }, 600_000);
});
