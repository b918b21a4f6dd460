import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { practiceFor } from "~/content/practice.server";
import { todayInMovement, addDays } from "~/field/debrief-fields";
import { action as fieldAction, loader as fieldLoader } from "~/routes/field._index";
import { loader as debriefLoader } from "~/routes/field.debriefs.$id";
import { action as logAction, loader as logLoader } from "~/routes/field.log";
import { loader as shiftLoader } from "~/routes/field.shifts.$id";
import { action as newShiftAction } from "~/routes/field.shifts.new";
import { db } from "../../db/client.server";
import { debriefs, fieldDaily } from "../../db/schema";
import { withFixtureCatalog } from "../setup/content";
import { withTestDatabase } from "../setup/database";
import { get, makeGroup, makeUser, post, run, type TestUser } from "../setup/fixtures";

// Shift debriefs and shifts through their routes, on PGlite and PostgreSQL: a debrief is
// recorded once per form key and lands in field_daily in the same transaction; bad input
// is a 4xx with nothing written; deleting takes the counts away again; a shift's report
// is for planners of its group and admins only.

withTestDatabase();
withFixtureCatalog(); // doorstep-basics' first door is tagged no-time

const today = todayInMovement();
const yesterday = addDays(today, -1);
let groupId = "";
let otherGroupId = "";
let activist: TestUser;
let organiser: TestUser;
let otherOrganiser: TestUser;
let admin: TestUser;

beforeAll(async () => {
  groupId = (await makeGroup()).id;
  otherGroupId = (await makeGroup()).id;
  activist = await makeUser("activist", { groupIds: [groupId] });
  organiser = await makeUser("organiser", { groupIds: [groupId] });
  otherOrganiser = await makeUser("organiser", { groupIds: [otherGroupId] });
  admin = await makeUser("admin");
});

let keys = 0;
const newKey = () => `test-key-${Date.now()}-${keys++}`;

function debriefForm(overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    formKey: newKey(),
    groupId,
    day: yesterday,
    kind: "doors",
    attempts: "40",
    contacts: "15",
    conversations: "9",
    commitments: "2",
    "outcome.support-1": "3",
    "outcome.undecided": "4",
    objections: ["cost-of-living"],
    hardest: "no-time",
    differently: "Ask the open question sooner.",
    ...overrides,
  };
}

const rowsOf = (userId: string) => db().select().from(debriefs).where(eq(debriefs.userId, userId));
const dailyOf = (userId: string) =>
  db()
    .select({ day: fieldDaily.day, attempts: fieldDaily.attempts, contacts: fieldDaily.contacts, conversations: fieldDaily.conversations, commitments: fieldDaily.commitments })
    .from(fieldDaily)
    .where(eq(fieldDaily.userId, userId));

async function logDebrief(user: TestUser, fields: Record<string, string | string[]>) {
  return run(logAction as never, post("/field/log", fields, user.cookie));
}

describe("logging a debrief", () => {
  it("records it, adds its counts to field_daily, and sends the activist to the suggestion", async () => {
    const user = await makeUser("activist", { groupIds: [groupId] });
    const res = await logDebrief(user, debriefForm());
    expect(res.status).toBe(302);
    const [row] = await rowsOf(user.id);
    expect(res.location).toBe(`/field/debriefs/${row!.id}?saved=1`);
    expect(row).toMatchObject({
      groupId,
      day: yesterday,
      attempts: 40,
      contacts: 15,
      conversations: 9,
      commitments: 2,
      outcomes: { "support-1": 3, undecided: 4 },
      objections: ["cost-of-living", "no-time"],
      hardestObjection: "no-time",
      differently: "Ask the open question sooner.",
    });
    expect(await dailyOf(user.id)).toEqual([{ day: yesterday, attempts: 40, contacts: 15, conversations: 9, commitments: 2 }]);

    const page = await run(debriefLoader as never, get(res.location!, user.cookie), { id: row!.id });
    expect(page.status).toBe(200);
    const body = page.body as { objection: { code: string }; practice: { href: string; scenarioTitle: string }[]; justSaved: boolean };
    expect(body.justSaved).toBe(true);
    expect(body.objection.code).toBe("no-time");
    expect(body.practice).toEqual([expect.objectContaining({ href: "/modules/doorstep-basics/practice", scenarioTitle: "The first door" })]);
  });

  it("records a double submit once, whether the two posts come one after the other or together", async () => {
    const user = await makeUser("activist", { groupIds: [groupId] });
    const fields = debriefForm();
    const first = await logDebrief(user, fields);
    const again = await logDebrief(user, fields);
    expect(again.location).toBe(first.location);
    const form2 = debriefForm();
    const together = await Promise.all([logDebrief(user, form2), logDebrief(user, form2), logDebrief(user, form2)]);
    expect(new Set(together.map((r) => r.location)).size).toBe(1);
    expect(await rowsOf(user.id)).toHaveLength(2);
    expect(await dailyOf(user.id)).toEqual([{ day: yesterday, attempts: 80, contacts: 30, conversations: 18, commitments: 4 }]);
  });

  it("refuses bad input with a 4xx beside the field, and writes nothing", async () => {
    const user = await makeUser("activist", { groupIds: [groupId] });
    const cases: [Record<string, string | string[]>, string, number][] = [
      [{ contacts: "41" }, "contacts", 400],
      [{ commitments: "10" }, "commitments", 400],
      [{ "outcome.not-interested": "5" }, "outcomes", 400],
      [{ day: addDays(today, 2) }, "day", 400],
      [{ day: "2019-05-01" }, "day", 400],
      [{ objections: ["cost-of-living", "rude-resident"] }, "objections", 400],
      [{ differently: "x".repeat(500) }, "differently", 400],
      [{ attempts: "99999999999999999999" }, "attempts", 400],
      [{ formKey: "" }, "form", 400],
      // Not one of their groups: an area they are not in, and one that does not exist.
      [{ groupId: otherGroupId }, "groupId", 400],
      [{ groupId: "00000000-0000-4000-8000-000000000000" }, "groupId", 400],
      [{ shiftId: "00000000-0000-4000-8000-000000000000" }, "form", 404],
    ];
    for (const [overrides, field, status] of cases) {
      const res = await logDebrief(user, debriefForm(overrides));
      expect(res.status, JSON.stringify(overrides).slice(0, 80)).toBe(status);
      expect((res.body as { errors: Record<string, string> }).errors[field], field).toBeTruthy();
    }
    expect(await rowsOf(user.id)).toEqual([]);
    expect(await dailyOf(user.id)).toEqual([]);
  });

  it("offers only the person's own areas, and refuses a shift of another group", async () => {
    const page = await run(logLoader as never, get("/field/log", activist.cookie));
    const body = page.body as { areas: { id: string }[]; formKey: string };
    expect(body.areas.map((a) => a.id)).toEqual([groupId]);
    expect(body.formKey).toMatch(/^[0-9a-f-]{36}$/);

    const planned = await run(newShiftAction as never, post("/field/shifts/new", { groupId: otherGroupId, day: today, kind: "doors", meetingPoint: "The library" }, otherOrganiser.cookie));
    const otherShiftId = planned.location!.split("/").pop()!;
    expect((await run(logLoader as never, get(`/field/log?shift=${otherShiftId}`, activist.cookie))).status).toBe(404);
    expect((await run(logLoader as never, get("/field/log?shift=not-a-uuid", activist.cookie))).status).toBe(404);
    const res = await logDebrief(activist, debriefForm({ shiftId: otherShiftId }));
    expect(res.status).toBe(404);
  });
});

describe("the activist's own debriefs", () => {
  it("lists only their own, and deleting one takes exactly its counts out of field_daily", async () => {
    const user = await makeUser("activist", { groupIds: [groupId] });
    await logDebrief(user, debriefForm({ attempts: "30", contacts: "10", conversations: "5", commitments: "1", "outcome.support-1": "", "outcome.undecided": "" }));
    await logDebrief(user, debriefForm({ attempts: "12", contacts: "6", conversations: "4", commitments: "2", "outcome.support-1": "", "outcome.undecided": "" }));
    await logDebrief(activist, debriefForm());
    const list = await run(fieldLoader as never, get("/field", user.cookie));
    const mine = (list.body as { debriefs: { id: string; attempts: number }[] }).debriefs;
    expect(mine.map((d) => d.attempts).sort()).toEqual([12, 30]);
    expect(await dailyOf(user.id)).toEqual([{ day: yesterday, attempts: 42, contacts: 16, conversations: 9, commitments: 3 }]);

    const thirty = mine.find((d) => d.attempts === 30)!;
    // Someone else cannot delete or open it: the same 404 as for one that does not exist.
    const [theirs] = await rowsOf(activist.id);
    const notMine = await run(fieldAction as never, post("/field", { intent: "delete", debriefId: theirs!.id }, user.cookie));
    expect(notMine.status).toBe(404);
    expect((await run(debriefLoader as never, get(`/field/debriefs/${theirs!.id}`, user.cookie), { id: theirs!.id })).status).toBe(404);
    expect(await rowsOf(activist.id)).toHaveLength(1);

    const deleted = await run(fieldAction as never, post("/field", { intent: "delete", debriefId: thirty.id }, user.cookie));
    expect(deleted.status).toBe(200);
    expect(await dailyOf(user.id)).toEqual([{ day: yesterday, attempts: 12, contacts: 6, conversations: 4, commitments: 2 }]);
    const again = await run(fieldAction as never, post("/field", { intent: "delete", debriefId: thirty.id }, user.cookie));
    expect(again.status).toBe(404);
    expect(await dailyOf(user.id)).toEqual([{ day: yesterday, attempts: 12, contacts: 6, conversations: 4, commitments: 2 }]);

    const last = mine.find((d) => d.attempts === 12)!;
    await run(fieldAction as never, post("/field", { intent: "delete", debriefId: last.id }, user.cookie));
    expect(await dailyOf(user.id)).toEqual([]);
    expect((await run(fieldAction as never, post("/field", { intent: "delete", debriefId: "not-a-uuid" }, user.cookie))).status).toBe(404);
  });
});

describe("shifts", () => {
  it("an organiser plans one for their group, an activist logs against it, and its report shows who logged", async () => {
    const planned = await run(newShiftAction as never, post("/field/shifts/new", { groupId, day: today, kind: "phones", meetingPoint: "Union office, 6pm" }, organiser.cookie));
    expect(planned.status).toBe(302);
    const shiftId = planned.location!.split("/").pop()!;

    const listed = await run(fieldLoader as never, get("/field", activist.cookie));
    expect((listed.body as { shifts: { id: string; logged: boolean }[] }).shifts).toContainEqual(expect.objectContaining({ id: shiftId, logged: false }));
    const logPage = await run(logLoader as never, get(`/field/log?shift=${shiftId}`, activist.cookie));
    expect((logPage.body as { shift: { id: string } }).shift.id).toBe(shiftId);

    const res = await logDebrief(activist, debriefForm({ shiftId, day: today, kind: "phones", objections: ["why-my-details"], hardest: "" }));
    expect(res.status).toBe(302);
    const relisted = await run(fieldLoader as never, get("/field", activist.cookie));
    expect((relisted.body as { shifts: { id: string; logged: boolean }[] }).shifts).toContainEqual(expect.objectContaining({ id: shiftId, logged: true }));

    for (const viewer of [organiser, admin]) {
      const report = await run(shiftLoader as never, get(`/field/shifts/${shiftId}`, viewer.cookie), { id: shiftId });
      expect(report.status).toBe(200);
      const body = report.body as { loggers: { name: string; attempts: number }[]; totals: Record<string, number>; objections: { code: string; count: number }[] };
      expect(body.loggers).toEqual([expect.objectContaining({ name: activist.name, attempts: 40 })]);
      expect(body.totals).toEqual({ debriefs: 1, attempts: 40, contacts: 15, conversations: 9, commitments: 2 });
      expect(body.objections).toEqual([expect.objectContaining({ code: "why-my-details", count: 1 })]);
    }
    // An organiser of another group gets the same 404 as for no shift at all; an activist is refused by role.
    expect((await run(shiftLoader as never, get(`/field/shifts/${shiftId}`, otherOrganiser.cookie), { id: shiftId })).status).toBe(404);
    expect((await run(shiftLoader as never, get(`/field/shifts/${shiftId}`, activist.cookie), { id: shiftId })).status).toBe(403);
  });

  it("refuses a shift for another group or with bad fields, and plans nothing", async () => {
    const attempts: [Record<string, string>, string, number][] = [
      [{ groupId: otherGroupId, day: today, kind: "doors", meetingPoint: "Library" }, "groupId", 403],
      [{ groupId, day: "2026-13-01", kind: "doors", meetingPoint: "Library" }, "day", 400],
      [{ groupId, day: today, kind: "boats", meetingPoint: "Library" }, "kind", 400],
      [{ groupId, day: today, kind: "doors", meetingPoint: "" }, "meetingPoint", 400],
      [{ groupId, day: today, kind: "doors", meetingPoint: "x".repeat(300) }, "meetingPoint", 400],
    ];
    for (const [fields, field, status] of attempts) {
      const res = await run(newShiftAction as never, post("/field/shifts/new", fields, organiser.cookie));
      expect(res.status, field).toBe(status);
      expect((res.body as { errors: Record<string, string> }).errors[field]).toBeTruthy();
    }
    // An admin plans for any group.
    const byAdmin = await run(newShiftAction as never, post("/field/shifts/new", { groupId: otherGroupId, day: today, kind: "doors", meetingPoint: "Library" }, admin.cookie));
    expect(byAdmin.status).toBe(302);
  });
});

describe("practiceFor", () => {
  it("finds the published scenario steps tagged with a code, and nothing for an untagged or unknown one", () => {
    expect(practiceFor("no-time")).toEqual([
      {
        slug: "doorstep-basics",
        moduleTitle: expect.any(String),
        stepId: "practice",
        stepTitle: "A doorstep",
        scenarioId: "first-door",
        scenarioTitle: "The first door",
        href: "/modules/doorstep-basics/practice",
      },
    ]);
    expect(practiceFor("hostile")).toEqual([]);
    expect(practiceFor("no-such-code")).toEqual([]);
  });
});

