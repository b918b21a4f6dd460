import { describe, expect, it } from "vitest";
import type { UserRole } from "../../db/schema";
import * as account from "~/routes/account";
import * as admin from "~/routes/admin";
import * as adminIndex from "~/routes/admin._index";
import * as adminGroups from "~/routes/admin.groups";
import * as adminInvites from "~/routes/admin.invites";
import * as adminUsers from "~/routes/admin.users";
import * as adminUser from "~/routes/admin.users_.$id";
import * as home from "~/routes/_index";
import * as join from "~/routes/join._index";
import * as joinPassword from "~/routes/join.password";
import * as live from "~/routes/live._index";
import * as liveNew from "~/routes/live.new";
import * as login from "~/routes/login";
import * as me from "~/routes/me";
import * as modulesIndex from "~/routes/modules._index";
import * as moduleOverview from "~/routes/modules.$slug._index";
import * as moduleStep from "~/routes/modules.$slug.$step";
import * as reports from "~/routes/reports";
import * as reportsIndex from "~/routes/reports._index";
import * as reportsActivists from "~/routes/reports.activists._index";
import * as reportsActivist from "~/routes/reports.activists.$id";
import * as reportsModule from "~/routes/reports.modules.$slug";
import * as reportsExport from "~/routes/reports.export.$table";
import * as reportsSessions from "~/routes/reports.sessions._index";
import * as reportsSession from "~/routes/reports.sessions.$id";
import { get, makeUser, run, type TestUser } from "../setup/fixtures";
import { withFixtureCatalog } from "../setup/content";
import { withTestDatabase } from "../setup/database";

withTestDatabase();
withFixtureCatalog(); // the module pages need a catalogue: tests/fixtures/modules

type Who = "anonymous" | UserRole;
const EVERYONE: Who[] = ["anonymous", "activist", "trainer", "organiser", "admin"];
const SIGNED_IN: Who[] = ["activist", "trainer", "organiser", "admin"];

interface RouteCase {
  path: string;
  loader: Parameters<typeof run>[0];
  params?: (users: Record<UserRole, TestUser>) => Record<string, string>;
  /** Who gets the page (2xx, or the route's own redirect); everyone else is refused. */
  allowed: Who[];
  /** Status an allowed visitor gets, when it isn't 200. */
  allowedStatus?: number;
}

// Every page route. A new route without a row here is a failing test in spirit:
// add it when you add the route.
const ROUTES: RouteCase[] = [
  { path: "/", loader: home.loader, allowed: EVERYONE },
  { path: "/login", loader: login.loader, allowed: ["anonymous"] },
  { path: "/account", loader: account.loader, allowed: SIGNED_IN },
  { path: "/admin", loader: admin.loader, allowed: ["admin"] },
  { path: "/admin/", loader: adminIndex.loader, allowed: ["admin"], allowedStatus: 302 },
  { path: "/admin/users", loader: adminUsers.loader, allowed: ["admin"] },
  { path: "/admin/users/:id", loader: adminUser.loader, params: (u) => ({ id: u.activist.id }), allowed: ["admin"] },
  { path: "/admin/groups", loader: adminGroups.loader, allowed: ["admin"] },
  { path: "/admin/invites", loader: adminInvites.loader, allowed: ["admin"] },
  { path: "/live", loader: live.loader, allowed: ["trainer", "admin"] },
  { path: "/live/new", loader: liveNew.loader, allowed: ["trainer", "admin"] },
  // Newcomers without an account enter a code here too (per-session pages: live-routes.test.ts).
  { path: "/join", loader: join.loader, allowed: EVERYONE },
  { path: "/join/password", loader: joinPassword.loader, allowed: SIGNED_IN },
  { path: "/modules", loader: modulesIndex.loader, allowed: SIGNED_IN },
  { path: "/modules/:slug", loader: moduleOverview.loader, params: () => ({ slug: "doorstep-basics" }), allowed: SIGNED_IN },
  { path: "/modules/:slug/:step", loader: moduleStep.loader, params: () => ({ slug: "doorstep-basics", step: "check" }), allowed: SIGNED_IN },
  { path: "/me", loader: me.loader, allowed: SIGNED_IN },
  // Reports: organisers (their groups) and admins. Trainers pass the layout only for the
  // reports of their own live sessions; every organiser page still refuses them (403).
  // Scoping by group is tested in reports.test.ts, sessions by owner in reports-sessions.test.ts.
  { path: "/reports", loader: reports.loader, allowed: ["trainer", "organiser", "admin"] },
  { path: "/reports/", loader: reportsIndex.loader, allowed: ["organiser", "admin"] },
  { path: "/reports/activists", loader: reportsActivists.loader, allowed: ["organiser", "admin"] },
  // An id nobody can see: 404 for those allowed in (the same answer as an id outside their groups).
  { path: "/reports/activists/:id", loader: reportsActivist.loader, params: () => ({ id: "no-such-person" }), allowed: ["organiser", "admin"], allowedStatus: 404 },
  { path: "/reports/modules/:slug", loader: reportsModule.loader, params: () => ({ slug: "doorstep-basics" }), allowed: ["organiser", "admin"] },
  { path: "/reports/export/:table", loader: reportsExport.loader, params: () => ({ table: "weeks" }), allowed: ["organiser", "admin"] },
  { path: "/reports/sessions", loader: reportsSessions.loader, allowed: ["trainer", "organiser", "admin"] },
  // A session id nobody can see: 404 for those allowed in (the same answer as someone else's session).
  {
    path: "/reports/sessions/:id",
    loader: reportsSession.loader,
    params: () => ({ id: "00000000-0000-4000-8000-000000000000" }),
    allowed: ["trainer", "organiser", "admin"],
    allowedStatus: 404,
  },
  {
    path: "/reports/export/:table",
    loader: reportsExport.loader,
    params: () => ({ table: "session-attendance" }),
    allowed: ["trainer", "organiser", "admin"],
    allowedStatus: 404,
  },
];

describe("route × role matrix", () => {
  it("lets each role into exactly its pages; anonymous visitors go to sign in, others get 403", async () => {
    const users = {
      activist: await makeUser("activist"),
      trainer: await makeUser("trainer"),
      organiser: await makeUser("organiser"),
      admin: await makeUser("admin"),
    };
    const table: string[] = [];
    for (const route of ROUTES) {
      for (const who of EVERYONE) {
        const cookie = who === "anonymous" ? undefined : users[who].cookie;
        const params = route.params?.(users) ?? {};
        const path = route.path.replace(/:(\w+)/g, (_m, key: string) => params[key] ?? "");
        const res = await run(route.loader, get(path, cookie), params);
        let expected: number;
        if (route.allowed.includes(who)) expected = route.allowedStatus ?? 200;
        else if (route.path === "/login") expected = 302; // signed in already: sent home
        else expected = who === "anonymous" ? 302 : 403;
        if (res.status !== expected) table.push(`${route.path} as ${who}: got ${res.status}, expected ${expected}`);
        if (who === "anonymous" && expected === 302 && route.path !== "/admin/") {
          expect(res.location).toMatch(/^\/login/);
        }
      }
    }
    expect(table).toEqual([]);
  });
});
