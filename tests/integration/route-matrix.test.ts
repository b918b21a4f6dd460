// Who may open each page and use each action, for every role. The route files are read
// from app/routes: a file with a loader or an action and no row here (nor an explicit
// "covered in <file>" entry) fails the test, so a new route forces a decision.
import { readdirSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import type { UserRole } from "../../db/schema";
import { get, makeGroup, makeUser, post, run, type TestUser } from "../setup/fixtures";
import { withFixtureCatalog } from "../setup/content";
import { withTestDatabase } from "../setup/database";

withTestDatabase();
withFixtureCatalog(); // the module pages need a catalogue: tests/fixtures/modules

type Who = "anonymous" | UserRole;
type Users = Record<UserRole, TestUser>;
type Handler = Parameters<typeof run>[0];
const EVERYONE: Who[] = ["anonymous", "activist", "trainer", "organiser", "admin"];
const SIGNED_IN: Who[] = ["activist", "trainer", "organiser", "admin"];
// The matrix states who may do what in its own words, independently of app/auth/policy.ts,
// so a change to a ROLES list shows up here as a changed expectation.
const RUN_LIVE: Who[] = ["trainer", "admin"];
const REPORTS: Who[] = ["organiser", "admin"];
const SESSION_REPORTS: Who[] = ["trainer", "organiser", "admin"];
const ADMIN: Who[] = ["admin"];
const INVITE: Who[] = ["organiser", "admin"]; // organisers invite activists to their own groups
const PLAN_SHIFTS: Who[] = ["trainer", "organiser", "admin"]; // their own groups; admins any (field.test.ts)
const NUDGE: Who[] = ["organiser", "admin"]; // email the people a report filter shows (their groups; admins all)
const IMPACT: Who[] = ["organiser", "admin"]; // import canvass results, read the impact report
const EVALUATE: Who[] = ["organiser", "admin"]; // election results and randomised evaluations (their groups; admins all)

const UNKNOWN_CODE = "ZZZZZZ"; // a well-formed join code no session has
const UNKNOWN_ID = "00000000-0000-4000-8000-000000000000";
const SCHEDULE: Who[] = ["trainer", "admin"]; // schedule sessions ahead for their own groups; admins any

// A real group for /admin/groups/:id, made before the rows are run.
let groupId = "";
beforeAll(async () => {
  groupId = (await makeGroup()).id;
});

interface RouteCase {
  /** The route file in app/routes, without its extension. */
  file: string;
  path: string;
  params?: (users: Users) => Record<string, string>;
  /** Who gets the page (2xx, or the route's own redirect); everyone else is refused. */
  allowed: Who[];
  /** Status an allowed visitor gets, when it isn't 200. */
  allowedStatus?: number;
}

// Every page and resource route's loader.
const ROUTES: RouteCase[] = [
  { file: "_index", path: "/", allowed: EVERYONE },
  { file: "$", path: "/no/such/page", allowed: EVERYONE, allowedStatus: 404 },
  // 200 while the database answers; 503 with Retry-After during an outage (ADR 010, database-unavailable.test.ts).
  { file: "unavailable", path: "/unavailable", allowed: EVERYONE },
  { file: "bench.static", path: "/bench/static", allowed: EVERYONE, allowedStatus: 404 }, // only with DOORSTEP_BENCH=1
  { file: "login", path: "/login", allowed: ["anonymous"] },
  { file: "logout", path: "/logout", allowed: EVERYONE, allowedStatus: 302 }, // a GET is sent home; signing out is a POST
  { file: "account", path: "/account", allowed: SIGNED_IN },
  { file: "admin", path: "/admin", allowed: INVITE },
  { file: "admin._index", path: "/admin/", allowed: INVITE, allowedStatus: 302 },
  { file: "admin.users", path: "/admin/users", allowed: ADMIN },
  { file: "admin.users_.$id", path: "/admin/users/:id", params: (u) => ({ id: u.activist.id }), allowed: ADMIN },
  { file: "admin.groups", path: "/admin/groups", allowed: ADMIN },
  { file: "admin.groups_.$id", path: "/admin/groups/:id", params: () => ({ id: groupId }), allowed: ADMIN },
  { file: "admin.invites", path: "/admin/invites", allowed: INVITE },
  { file: "admin.invites_.bulk", path: "/admin/invites/bulk", allowed: INVITE },
  { file: "admin.privacy", path: "/admin/privacy", allowed: ADMIN },
  // An invite link works for anyone holding it; an unknown token is a 404 for all.
  { file: "invite.$token", path: "/invite/:token", params: () => ({ token: "no-such-invite" }), allowed: EVERYONE, allowedStatus: 404 },
  // Links mailed to people (ADR 029): anyone holding one may use it; an unknown one is a 404 for all.
  { file: "login_.link_.$token", path: "/login/link/:token", params: () => ({ token: "no-such-link-token" }), allowed: EVERYONE, allowedStatus: 404 },
  { file: "reset.$token", path: "/reset/:token", params: () => ({ token: "no-such-link-token" }), allowed: EVERYONE, allowedStatus: 404 },
  { file: "unsubscribe.$token", path: "/unsubscribe/:token", params: () => ({ token: "no-such-link-token" }), allowed: EVERYONE, allowedStatus: 404 },
  // The outbox holds sign-in links until they expire: admins only.
  { file: "admin.outbox", path: "/admin/outbox", allowed: ADMIN },
  {
    file: "admin.outbox_.$id",
    path: "/admin/outbox/:id",
    params: () => ({ id: "00000000-0000-4000-8000-000000000000" }),
    allowed: ADMIN,
    allowedStatus: 404,
  },
  { file: "live._index", path: "/live", allowed: RUN_LIVE },
  { file: "live.new", path: "/live/new", allowed: RUN_LIVE },
  { file: "live.scheduled.new", path: "/live/scheduled/new", allowed: SCHEDULE },
  // A scheduled session is seen by its group's members, its trainer and admins; an unknown id
  // is the same 404 for every signed-in person (members vs outsiders: scheduled-sessions.test.ts).
  { file: "live.scheduled.$id", path: "/live/scheduled/:id", params: () => ({ id: UNKNOWN_ID }), allowed: SIGNED_IN, allowedStatus: 404 },
  { file: "live.scheduled.$id.ics", path: "/live/scheduled/:id/ics", params: () => ({ id: UNKNOWN_ID }), allowed: SIGNED_IN, allowedStatus: 404 },
  // Change or cancel: trainers and admins by role; an unknown id is then a 404 (its owner only: scheduled-changes.test.ts).
  { file: "live.scheduled.$id_.edit", path: "/live/scheduled/:id/edit", params: () => ({ id: UNKNOWN_ID }), allowed: SCHEDULE, allowedStatus: 404 },
  // Per-session pages with a code nobody has: 404 for those let in. Who of those may see a
  // real session (participants, its trainer, admins) is live-routes.test.ts.
  { file: "live.$code._index", path: "/live/:code", params: () => ({ code: UNKNOWN_CODE }), allowed: SIGNED_IN, allowedStatus: 404 },
  { file: "live.$code.present", path: "/live/:code/present", params: () => ({ code: UNKNOWN_CODE }), allowed: RUN_LIVE, allowedStatus: 404 },
  // The projector and the phone remote follow the presenter's rule (live-projector.test.ts: whose session).
  { file: "live.$code.display", path: "/live/:code/display", params: () => ({ code: UNKNOWN_CODE }), allowed: RUN_LIVE, allowedStatus: 404 },
  { file: "live.$code.remote", path: "/live/:code/remote", params: () => ({ code: UNKNOWN_CODE }), allowed: RUN_LIVE, allowedStatus: 404 },
  { file: "live.$code.events", path: "/live/:code/events", params: () => ({ code: UNKNOWN_CODE }), allowed: SIGNED_IN, allowedStatus: 404 },
  { file: "live.$code.here", path: "/live/:code/here", params: () => ({ code: UNKNOWN_CODE }), allowed: EVERYONE, allowedStatus: 404 }, // check-ins are POSTs
  { file: "live.$code.answer", path: "/live/:code/answer", params: () => ({ code: UNKNOWN_CODE }), allowed: EVERYONE, allowedStatus: 404 }, // answers are POSTs
  // Newcomers without an account enter a code here too (per-session pages: live-routes.test.ts).
  { file: "join._index", path: "/join", allowed: EVERYONE },
  { file: "join.$code", path: "/join/:code", params: () => ({ code: UNKNOWN_CODE }), allowed: EVERYONE, allowedStatus: 404 },
  { file: "join.password", path: "/join/password", allowed: SIGNED_IN },
  { file: "modules._index", path: "/modules", allowed: SIGNED_IN },
  { file: "modules.$slug._index", path: "/modules/:slug", params: () => ({ slug: "doorstep-basics" }), allowed: SIGNED_IN },
  { file: "modules.$slug.$step", path: "/modules/:slug/:step", params: () => ({ slug: "doorstep-basics", step: "check" }), allowed: SIGNED_IN },
  { file: "modules.$slug.complete", path: "/modules/:slug/complete", params: () => ({ slug: "doorstep-basics" }), allowed: SIGNED_IN },
  // The printable session plan carries trainer notes: trainers and admins only (issue 15).
  { file: "modules.$slug.plan", path: "/modules/:slug/plan", params: () => ({ slug: "doorstep-basics" }), allowed: RUN_LIVE },
  { file: "me", path: "/me", allowed: SIGNED_IN },
  // Reports: organisers (their groups) and admins. Trainers pass the layout only for the
  // reports of their own live sessions; every organiser page still refuses them (403).
  // Scoping by group is tested in reports.test.ts, sessions by owner in reports-sessions.test.ts.
  { file: "reports", path: "/reports", allowed: SESSION_REPORTS },
  { file: "reports._index", path: "/reports/", allowed: REPORTS },
  { file: "reports.activists._index", path: "/reports/activists", allowed: REPORTS },
  // An id nobody can see: 404 for those allowed in (the same answer as an id outside their groups).
  { file: "reports.activists.$id", path: "/reports/activists/:id", params: () => ({ id: "no-such-person" }), allowed: REPORTS, allowedStatus: 404 },
  { file: "reports.modules.$slug", path: "/reports/modules/:slug", params: () => ({ slug: "doorstep-basics" }), allowed: REPORTS },
  { file: "reports.export.$table", path: "/reports/export/:table", params: () => ({ table: "weeks" }), allowed: REPORTS },
  // Nudges: who may send, and to whom (scope, opt-outs, throttles), is nudges.test.ts.
  { file: "reports.nudges._index", path: "/reports/nudges", allowed: NUDGE },
  { file: "reports.nudges.new", path: "/reports/nudges/new", allowed: NUDGE },
  // The impact report: ROLES.seeImpact (organisers, their groups; admins). Scoping in impact.test.ts.
  { file: "reports.impact._index", path: "/reports/impact", allowed: REPORTS },
  { file: "reports.impact.activists.$id", path: "/reports/impact/activists/:id", params: () => ({ id: "no-such-person" }), allowed: REPORTS, allowedStatus: 404 },
  { file: "reports.export.$table", path: "/reports/export/:table", params: () => ({ table: "impact-rates" }), allowed: REPORTS },
  { file: "reports.sessions._index", path: "/reports/sessions", allowed: SESSION_REPORTS },
  // Randomised evaluations (issue 17 part 4): scoping and immutability in evaluations.test.ts.
  { file: "reports.evaluations._index", path: "/reports/evaluations", allowed: EVALUATE },
  { file: "reports.evaluations.new", path: "/reports/evaluations/new", allowed: EVALUATE },
  { file: "reports.evaluations.$id", path: "/reports/evaluations/:id", params: () => ({ id: "00000000-0000-4000-8000-000000000000" }), allowed: EVALUATE, allowedStatus: 404 },
  { file: "reports.evaluations.$id.train-now", path: "/reports/evaluations/:id/train-now", params: () => ({ id: "00000000-0000-4000-8000-000000000000" }), allowed: EVALUATE, allowedStatus: 404 },
  { file: "reports.evaluations.$id.result[.]csv", path: "/reports/evaluations/:id/result.csv", params: () => ({ id: "00000000-0000-4000-8000-000000000000" }), allowed: EVALUATE, allowedStatus: 404 },
  // Canvass imports (issue 17): organisers their own imports, admins all; scoping in canvass-import.test.ts.
  { file: "reports.imports._index", path: "/reports/imports", allowed: IMPACT },
  { file: "reports.imports.new", path: "/reports/imports/new", allowed: IMPACT },
  { file: "reports.imports.$id", path: "/reports/imports/:id", params: () => ({ id: "00000000-0000-4000-8000-000000000000" }), allowed: IMPACT, allowedStatus: 404 },
  { file: "reports.imports.format", path: "/reports/imports/format", allowed: IMPACT },
  { file: "reports.imports.samples.$file", path: "/reports/imports/samples/:file", params: () => ({ file: "canvass-results.csv" }), allowed: IMPACT },
  // Election results (issue 17 part 5): ROLES.runEvaluations; coverage scoping in elections.test.ts.
  { file: "reports.elections", path: "/reports/elections", allowed: EVALUATE },
  { file: "reports.elections.sample[.]csv", path: "/reports/elections/sample.csv", allowed: EVALUATE },
  // No ?election=: the export's own 400 for those let in.
  { file: "reports.export.$table", path: "/reports/export/:table", params: () => ({ table: "election-results" }), allowed: REPORTS, allowedStatus: 400 },
  // A session id nobody can see: 404 for those allowed in (the same answer as someone else's session).
  {
    file: "reports.sessions.$id",
    path: "/reports/sessions/:id",
    params: () => ({ id: "00000000-0000-4000-8000-000000000000" }),
    allowed: SESSION_REPORTS,
    allowedStatus: 404,
  },
  {
    file: "reports.export.$table",
    path: "/reports/export/:table",
    params: () => ({ table: "session-attendance" }),
    allowed: SESSION_REPORTS,
    allowedStatus: 404,
  },
  // Field (issue 17): everyone signed in logs their own shifts; planners plan them and read
  // their reports. Whose debrief and which group's shift: field.test.ts.
  { file: "field._index", path: "/field", allowed: SIGNED_IN },
  { file: "field.log", path: "/field/log", allowed: SIGNED_IN },
  { file: "field.debriefs.$id", path: "/field/debriefs/:id", params: () => ({ id: "00000000-0000-4000-8000-000000000000" }), allowed: SIGNED_IN, allowedStatus: 404 },
  { file: "field.shifts.new", path: "/field/shifts/new", allowed: PLAN_SHIFTS },
  { file: "field.shifts.$id", path: "/field/shifts/:id", params: () => ({ id: "00000000-0000-4000-8000-000000000000" }), allowed: PLAN_SHIFTS, allowedStatus: 404 },
];

interface ActionCase {
  file: string;
  path: string;
  params?: (users: Users) => Record<string, string>;
  /** The form posted: empty or harmless, so an allowed caller gets a 4xx from the route itself. */
  form?: Record<string, string>;
  /** Who gets past the guard; the rest are refused (anonymous: sign in; others: 403). */
  allowed: Who[];
}

// Every action. Rows with `allowed: EVERYONE` are the deliberate public ones.
const ACTIONS: ActionCase[] = [
  { file: "$", path: "/no/such/page", allowed: EVERYONE },
  { file: "login", path: "/login", allowed: EVERYONE },
  { file: "invite.$token", path: "/invite/:token", params: () => ({ token: "no-such-invite" }), allowed: EVERYONE },
  // Asking for a sign-in or reset link, using one, unsubscribing: public, the link is the proof.
  { file: "login_.link", path: "/login/link", allowed: EVERYONE },
  { file: "login_.link_.$token", path: "/login/link/:token", params: () => ({ token: "no-such-link-token" }), allowed: EVERYONE },
  { file: "reset._index", path: "/reset", allowed: EVERYONE },
  { file: "reset.$token", path: "/reset/:token", params: () => ({ token: "no-such-link-token" }), allowed: EVERYONE },
  { file: "unsubscribe.$token", path: "/unsubscribe/:token", params: () => ({ token: "no-such-link-token" }), allowed: EVERYONE },
  { file: "join._index", path: "/join", allowed: EVERYONE }, // anonymous visitors are sent on to /join/:code
  // The newcomer form is public; "join as yourself" needs an account.
  { file: "join.$code", path: "/join/:code", params: () => ({ code: UNKNOWN_CODE }), form: { intent: "join" }, allowed: SIGNED_IN },
  { file: "join.password", path: "/join/password", allowed: SIGNED_IN },
  { file: "account", path: "/account", allowed: SIGNED_IN },
  { file: "modules.$slug.$step", path: "/modules/:slug/:step", params: () => ({ slug: "doorstep-basics", step: "check" }), allowed: SIGNED_IN },
  { file: "live.new", path: "/live/new", allowed: RUN_LIVE },
  // An empty form: the trainer's own 400 beside the fields; nothing is scheduled.
  { file: "live.scheduled.new", path: "/live/scheduled/new", allowed: SCHEDULE },
  // An unknown id: every signed-in person gets the same 404 (scoping: scheduled-sessions.test.ts).
  { file: "live.scheduled.$id", path: "/live/scheduled/:id", params: () => ({ id: UNKNOWN_ID }), form: { intent: "yes" }, allowed: SIGNED_IN },
  // Cancelling an unknown id: the trainer's or admin's 404; nothing is cancelled.
  { file: "live.scheduled.$id_.edit", path: "/live/scheduled/:id/edit", params: () => ({ id: UNKNOWN_ID }), form: { intent: "cancel" }, allowed: SCHEDULE },
  { file: "live.$code._index", path: "/live/:code", params: () => ({ code: UNKNOWN_CODE }), allowed: SIGNED_IN },
  { file: "live.$code.here", path: "/live/:code/here", params: () => ({ code: UNKNOWN_CODE }), form: { intent: "here" }, allowed: SIGNED_IN },
  // A page's script asks, not a page: anonymous gets a 401 in JSON (the script says "signed out"), not a redirect.
  { file: "live.$code.answer", path: "/live/:code/answer", params: () => ({ code: UNKNOWN_CODE }), allowed: EVERYONE },
  { file: "live.$code.present", path: "/live/:code/present", params: () => ({ code: UNKNOWN_CODE }), form: { intent: "next" }, allowed: RUN_LIVE },
  { file: "live.$code.remote", path: "/live/:code/remote", params: () => ({ code: UNKNOWN_CODE }), form: { intent: "next" }, allowed: RUN_LIVE },
  // No intent: the organiser gets the route's own 400, and nothing is sent.
  { file: "reports.nudges.new", path: "/reports/nudges/new", allowed: NUDGE },
  // No intent: the route's own 400, and nothing is registered.
  { file: "reports.evaluations.new", path: "/reports/evaluations/new", allowed: EVALUATE },
  // Stopping with no reason: the organiser's own 400; nothing is stopped.
  { file: "reports.evaluations.$id", path: "/reports/evaluations/:id", params: () => ({ id: "00000000-0000-4000-8000-000000000000" }), allowed: EVALUATE },
  { file: "admin.groups", path: "/admin/groups", allowed: ADMIN },
  // No intent: the admin gets the route's own 400, and nothing about the group changes.
  { file: "admin.groups_.$id", path: "/admin/groups/:id", params: () => ({ id: groupId }), allowed: ADMIN },
  { file: "admin.invites", path: "/admin/invites", allowed: INVITE },
  { file: "admin.invites_.bulk", path: "/admin/invites/bulk", allowed: INVITE },
  { file: "admin.privacy", path: "/admin/privacy", allowed: ADMIN },
  { file: "admin.users_.$id", path: "/admin/users/:id", params: (u) => ({ id: u.activist.id }), allowed: ADMIN },
  // An empty form: the caller's own 400 (no key, no area) or 400 (unknown intent); nothing is written.
  { file: "field._index", path: "/field", allowed: SIGNED_IN },
  { file: "field.log", path: "/field/log", allowed: SIGNED_IN },
  { file: "field.shifts.new", path: "/field/shifts/new", allowed: PLAN_SHIFTS },
  // Not multipart: an allowed caller gets the upload's own 415, and nothing is stored.
  { file: "reports.imports.new", path: "/reports/imports/new", allowed: IMPACT },
  { file: "reports.imports.$id", path: "/reports/imports/:id", params: () => ({ id: "00000000-0000-4000-8000-000000000000" }), form: { intent: "cancel" }, allowed: IMPACT },
  // An empty form: the import's own 400 (no election named); nothing is stored.
  { file: "reports.elections", path: "/reports/elections", allowed: EVALUATE },
  // Last: signing out ends the caller's session. Anyone may sign out.
  { file: "logout", path: "/logout", allowed: EVERYONE },
];

// Handlers whose who-may-see-what depends on more than the role, tested where that lives.
const COVERED_ELSEWHERE: Record<string, { loader?: string; action?: string }> = {
  "modules.$slug.code.$file": { loader: "live-routes.test.ts: public for published modules; a draft's code only for previewers and its live session's participants" },
};

type RouteModule = { loader?: Handler; action?: Handler };
const modules = new Map<string, RouteModule>();
const ROUTES_DIR = path.resolve("app/routes");

beforeAll(async () => {
  for (const name of readdirSync(ROUTES_DIR)) {
    const match = /^(.*)\.tsx?$/.exec(name);
    if (match) modules.set(match[1]!, (await import(pathToFileURL(path.join(ROUTES_DIR, name)).href)) as RouteModule);
  }
});

const handler = (file: string, kind: "loader" | "action"): Handler => {
  const found = modules.get(file)?.[kind];
  if (!found) throw new Error(`app/routes/${file} has no ${kind}`);
  return found;
};

const fill = (route: { path: string; params?: (users: Users) => Record<string, string> }, users: Users) => {
  const params = route.params?.(users) ?? {};
  return { params, path: route.path.replace(/:(\w+)/g, (_m, key: string) => params[key] ?? "") };
};

async function everyone(): Promise<Users> {
  return { activist: await makeUser("activist"), trainer: await makeUser("trainer"), organiser: await makeUser("organiser"), admin: await makeUser("admin") };
}

/** The guard's refusal: a sign-in redirect that comes back here, or a 403. */
const refusedByGuard = (res: { status: number; location?: string | null }) =>
  res.status === 403 || (res.status === 302 && /^\/login\?redirectTo=/.test(res.location ?? ""));

describe("route × role matrix", () => {
  it("has a row for every route file's loader and action", () => {
    expect(modules.size).toBeGreaterThan(30);
    const missing: string[] = [];
    for (const [file, mod] of modules) {
      if (mod.loader && !ROUTES.some((r) => r.file === file) && !COVERED_ELSEWHERE[file]?.loader) missing.push(`${file}: loader`);
      if (mod.action && !ACTIONS.some((r) => r.file === file) && !COVERED_ELSEWHERE[file]?.action) missing.push(`${file}: action`);
    }
    expect(missing, "add a row to ROUTES or ACTIONS (or COVERED_ELSEWHERE, naming the test)").toEqual([]);
    // And no row names a file or handler that is gone.
    for (const row of ROUTES) handler(row.file, "loader");
    for (const row of ACTIONS) handler(row.file, "action");
  });

  it("lets each role into exactly its pages; anonymous visitors go to sign in, others get 403", async () => {
    const users = await everyone();
    const table: string[] = [];
    for (const route of ROUTES) {
      for (const who of EVERYONE) {
        const cookie = who === "anonymous" ? undefined : users[who].cookie;
        const { path, params } = fill(route, users);
        const res = await run(handler(route.file, "loader"), get(path, cookie), params);
        let expected: number;
        const allowed = route.allowed.includes(who);
        if (allowed) expected = route.allowedStatus ?? 200;
        else if (route.path === "/login") expected = 302; // signed in already: sent home
        else expected = who === "anonymous" ? 302 : 403;
        if (res.status !== expected) table.push(`${route.path} as ${who}: got ${res.status}, expected ${expected}`);
        if (who === "anonymous" && !allowed && expected === 302) expect(res.location).toMatch(/^\/login/);
      }
    }
    expect(table).toEqual([]);
  }, 120_000); // every route × every role: 30 s was not enough on a loaded machine (one run timed out)

  it("refuses each action to everyone outside its roles: anonymous to sign in, others 403", async () => {
    const users = await everyone();
    const table: string[] = [];
    for (const action of ACTIONS) {
      for (const who of EVERYONE) {
        const cookie = who === "anonymous" ? undefined : users[who].cookie;
        const { path, params } = fill(action, users);
        const res = await run(handler(action.file, "action"), post(path, action.form ?? {}, cookie), params);
        const outcome = `POST ${path} as ${who}: got ${res.status}${res.location ? ` → ${res.location}` : ""}`;
        if (action.allowed.includes(who)) {
          if (refusedByGuard(res) || res.status >= 500) table.push(`${outcome}, expected to get past the guard`);
        } else if (who === "anonymous") {
          if (res.status !== 302 || !res.location?.startsWith(`/login?redirectTo=${encodeURIComponent(path)}`)) table.push(`${outcome}, expected 302 to sign in`);
        } else if (res.status !== 403) table.push(`${outcome}, expected 403`);
      }
    }
    expect(table).toEqual([]);
  });
});
