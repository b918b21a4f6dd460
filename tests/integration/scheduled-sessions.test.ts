import { and, eq, like } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { endSession, markAttendance } from "~/live/attendance.server";
import { joinWithCode } from "~/live/joining.server";
import { answerInvitation, createScheduledSession, editScheduledSession, listUpcoming, londonLabel, londonTime, scheduledIcs, scheduledPage, startScheduled, type ScheduleInput } from "~/live/scheduled.server";
import { sessionReport } from "~/reports/sessions.server";
import { db } from "../../db/client.server";
import { mailMessages, scheduledSessions, users } from "../../db/schema";
import { LIVE_MODULE, withLiveCatalog } from "../fixtures/live-modules/setup";
import { get, makeGroup, makeUser, post, run, TEST_ORIGIN } from "../setup/fixtures";
import { withTestDatabase } from "../setup/database";
import * as newRoute from "~/routes/live.scheduled.new";
import * as pageRoute from "~/routes/live.scheduled.$id";
import * as icsRoute from "~/routes/live.scheduled.$id.ics";

withTestDatabase();
withLiveCatalog();

const NOW = new Date("2026-12-01T12:00:00Z");
// Tests that run against the real clock take a date some weeks from today, in London.
const ahead = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const input = (over: Partial<ScheduleInput> = {}): ScheduleInput => ({
  moduleSlug: LIVE_MODULE,
  groupId: "",
  date: "2026-12-05",
  time: "18:30",
  minutes: 90,
  place: "Room 2, The Library",
  callUrl: undefined,
  ...over,
});

async function world() {
  const group = await makeGroup();
  const other = await makeGroup();
  const trainer = await makeUser("trainer", { groupIds: [group.id] });
  const [a, b, c] = await Promise.all([1, 2, 3].map(() => makeUser("activist", { groupIds: [group.id] })));
  const outsider = await makeUser("activist", { groupIds: [other.id] });
  return { group, other, trainer, a: a!, b: b!, c: c!, outsider };
}

const mailsFor = (scheduledId: string) => db().select().from(mailMessages).where(like(mailMessages.dedupeKey, `%:${scheduledId}:%`));

describe("scheduling a live session ahead", () => {
  it("invites each member once with an .ics and queues the reminder for the day before, in UK time", async () => {
    const w = await world();
    await db().update(users).set({ nudgeEmails: false }).where(eq(users.id, w.c.id));
    const created = await createScheduledSession(w.trainer, input({ groupId: w.group.id }), TEST_ORIGIN, NOW);
    if (!created.ok) throw new Error(created.message);
    expect(created.value.invited).toBe(3); // the trainer invites the others, not themself
    const [row] = await db().select().from(scheduledSessions).where(eq(scheduledSessions.id, created.value.id));
    // 5 December is GMT: 18:30 in London is 18:30Z.
    expect(row!.startsAt.toISOString()).toBe("2026-12-05T18:30:00.000Z");

    const mails = await mailsFor(created.value.id);
    const invitations = mails.filter((m) => m.template === "session-invitation");
    const reminders = mails.filter((m) => m.template === "session-reminder");
    expect(invitations.map((m) => m.userId).sort()).toEqual([w.a.id, w.b.id, w.c.id].sort());
    // The opt-out drops the reminder, never the invitation.
    expect(reminders.map((m) => m.userId).sort()).toEqual([w.a.id, w.b.id].sort());
    for (const r of reminders) expect(r.nextAttemptAt.toISOString()).toBe("2026-12-04T18:30:00.000Z");
    expect(reminders[0]!.textBody).toContain(`${TEST_ORIGIN}/unsubscribe/`);
    const ics = invitations[0]!.attachments[0]!;
    expect(ics.contentType).toMatch(/^text\/calendar/);
    expect(ics.content).toContain("\r\nDTSTART:20261205T183000Z\r\n");
    expect(ics.content).toContain("\r\nDTEND:20261205T200000Z\r\n");
    expect(ics.content).toContain("LOCATION:Room 2\\, The Library");
    expect(ics.content).toContain(`UID:${created.value.id}@doorstep`);
    expect(invitations[0]!.textBody).toContain(`${TEST_ORIGIN}/live/scheduled/${created.value.id}`);
  });

  it("converts summer dates from BST and skips the reminder inside the last day", async () => {
    const w = await world();
    const summer = await createScheduledSession(w.trainer, input({ groupId: w.group.id, date: "2027-07-01", time: "19:00" }), TEST_ORIGIN, NOW);
    if (!summer.ok) throw new Error(summer.message);
    const [row] = await db().select().from(scheduledSessions).where(eq(scheduledSessions.id, summer.value.id));
    expect(row!.startsAt.toISOString()).toBe("2027-07-01T18:00:00.000Z");
    const soon = await createScheduledSession(w.trainer, input({ groupId: w.group.id, date: "2026-12-02", time: "09:00" }), TEST_ORIGIN, NOW);
    if (!soon.ok) throw new Error(soon.message);
    const mails = await mailsFor(soon.value.id);
    expect(mails.filter((m) => m.template === "session-invitation")).toHaveLength(3);
    expect(mails.filter((m) => m.template === "session-reminder")).toHaveLength(0);
  });

  it("refuses the past, other people's groups, drafts' absence and both place and link, writing nothing", async () => {
    const w = await world();
    const before = (await db().select().from(scheduledSessions)).length;
    expect(await createScheduledSession(w.trainer, input({ groupId: w.group.id, date: "2026-12-01", time: "11:59" }), TEST_ORIGIN, NOW)).toMatchObject({ ok: false, status: 400, field: "date" });
    expect(await createScheduledSession(w.trainer, input({ groupId: w.other.id }), TEST_ORIGIN, NOW)).toMatchObject({ ok: false, status: 400, field: "groupId" });
    expect(await createScheduledSession(w.trainer, input({ groupId: w.group.id, moduleSlug: "no-such" }), TEST_ORIGIN, NOW)).toMatchObject({ ok: false, field: "moduleSlug" });
    expect(await createScheduledSession(w.a, input({ groupId: w.group.id }), TEST_ORIGIN, NOW)).toMatchObject({ ok: false, status: 403 });
    expect((await db().select().from(scheduledSessions)).length).toBe(before);
    // Admins may schedule for any group.
    const admin = await makeUser("admin");
    expect(await createScheduledSession(admin, input({ groupId: w.other.id }), TEST_ORIGIN, NOW)).toMatchObject({ ok: true });
  });

  it("refuses a time the clocks skip, and takes the first of a time they show twice, saying which", async () => {
    const w = await world();
    const before = (await db().select().from(scheduledSessions)).length;
    // 28 March 2027: the clocks go forward 01:00 → 02:00, so 01:30 never happens (it was saved as 02:30).
    const skipped = await createScheduledSession(w.trainer, input({ groupId: w.group.id, date: "2027-03-28", time: "01:30" }), TEST_ORIGIN, NOW);
    expect(skipped).toEqual({ ok: false, status: 400, field: "time", message: "01:30 does not exist on 28 March: the clocks go forward from 01:00 to 02:00. Choose another time." });
    expect((await db().select().from(scheduledSessions)).length).toBe(before);
    expect(londonTime("2027-03-28", "00:59")).toEqual({ ok: true, at: new Date("2027-03-28T00:59:00Z"), repeated: false });
    expect(londonTime("2027-03-28", "02:00")).toEqual({ ok: true, at: new Date("2027-03-28T01:00:00Z"), repeated: false });
    // 31 October 2027: the clocks go back 02:00 → 01:00, so 01:30 happens twice; the first (BST) is taken.
    expect(londonTime("2027-10-31", "01:30")).toEqual({ ok: true, at: new Date("2027-10-31T00:30:00Z"), repeated: true });
    expect(londonTime("2027-10-31", "02:00")).toEqual({ ok: true, at: new Date("2027-10-31T02:00:00Z"), repeated: false });
    const twice = await createScheduledSession(w.trainer, input({ groupId: w.group.id, date: "2027-10-31", time: "01:30" }), TEST_ORIGIN, NOW);
    if (!twice.ok) throw new Error(twice.message);
    const [row] = await db().select().from(scheduledSessions).where(eq(scheduledSessions.id, twice.value.id));
    expect(row!.startsAt.toISOString()).toBe("2027-10-31T00:30:00.000Z");
    expect(londonLabel(row!.startsAt)).toBe("Sunday, 31 October 2027 at 01:30 BST (the first 01:30: the clocks go back at 02:00)");
    expect(londonLabel(new Date("2027-10-31T01:30:00Z"))).toBe("Sunday, 31 October 2027 at 01:30 GMT (the second 01:30: the clocks have gone back)");
    expect(londonLabel(new Date("2027-10-31T02:30:00Z"))).toBe("Sunday, 31 October 2027 at 02:30");
    const [invitation] = await db().select().from(mailMessages).where(and(like(mailMessages.dedupeKey, `%:${twice.value.id}:%`), eq(mailMessages.template, "session-invitation")));
    expect(invitation?.subject ?? "").toContain("01:30 BST (the first 01:30");
    // One saved in the second 01:30 (as the old code did) keeps its instant when the form is
    // saved with the time it shows left as it was.
    await db().update(scheduledSessions).set({ startsAt: new Date("2027-10-31T01:30:00Z") }).where(eq(scheduledSessions.id, twice.value.id));
    const { moduleSlug, minutes, callUrl } = input();
    expect(await editScheduledSession(w.trainer, twice.value.id, { moduleSlug, minutes, callUrl, date: "2027-10-31", time: "01:30", place: "Room 3" }, NOW)).toMatchObject({ ok: true });
    const [kept] = await db().select().from(scheduledSessions).where(eq(scheduledSessions.id, twice.value.id));
    expect(kept!.startsAt.toISOString()).toBe("2027-10-31T01:30:00.000Z");
    expect(kept!.place).toBe("Room 3");
  });

  it("the form answers bad input with 400s beside the fields", async () => {
    const w = await world();
    const bad = await run(newRoute.action, post("/live/scheduled/new", { moduleSlug: LIVE_MODULE, groupId: w.group.id, date: "05/12/2026", time: "25:00", minutes: "5", place: "", callUrl: "http://x.example" }, w.trainer.cookie));
    expect(bad.status).toBe(400);
    expect(Object.keys((bad.body as { errors: object }).errors).sort()).toEqual(["callUrl", "date", "minutes", "time"]);
    const neither = await run(newRoute.action, post("/live/scheduled/new", { moduleSlug: LIVE_MODULE, groupId: w.group.id, date: ahead(30), time: "10:00", minutes: "60" }, w.trainer.cookie));
    expect(neither.status).toBe(400);
    expect((neither.body as { errors: Record<string, string> }).errors.place).toMatch(/place/);
    const ok = await run(newRoute.action, post("/live/scheduled/new", { moduleSlug: LIVE_MODULE, groupId: w.group.id, date: ahead(30), time: "10:00", minutes: "60", callUrl: "https://meet.example.org/x" }, w.trainer.cookie));
    expect(ok.status).toBe(302);
    expect(ok.location).toMatch(/^\/live\/scheduled\/[0-9a-f-]{36}$/);
  });
});

describe("replies, scoping, starting, follow-up and the report", () => {
  it("keeps one answer per person, shows them to the trainer only, and hides the session from outsiders", async () => {
    const w = await world();
    const created = await createScheduledSession(w.trainer, input({ groupId: w.group.id, date: ahead(60) }), TEST_ORIGIN);
    if (!created.ok) throw new Error(created.message);
    const id = created.value.id;
    expect(await answerInvitation(w.a, id, false)).toMatchObject({ ok: true });
    expect(await answerInvitation(w.a, id, true)).toMatchObject({ ok: true });
    expect(await answerInvitation(w.a, id, true)).toMatchObject({ ok: true });
    expect(await answerInvitation(w.b, id, false)).toMatchObject({ ok: true });
    expect(await answerInvitation(w.outsider, id, true)).toMatchObject({ ok: false, status: 404 });

    const trainerView = await scheduledPage(w.trainer, id);
    if (!trainerView.ok) throw new Error(trainerView.message);
    expect(trainerView.value.answers).toEqual([
      { name: w.a.name, coming: true },
      { name: w.b.name, coming: false },
    ]);
    expect(trainerView.value.unanswered).toBe(1);
    const memberView = await scheduledPage(w.a, id);
    expect(memberView).toMatchObject({ ok: true, value: { myAnswer: true, answers: null, manages: false } });
    expect(await scheduledPage(w.outsider, id)).toMatchObject({ ok: false, status: 404 });
    expect(await scheduledPage(w.a, "not-a-uuid")).toMatchObject({ ok: false, status: 404 });

    // Through the routes: an outsider's 404, the member's POST, the .ics download.
    expect((await run(pageRoute.loader, get(`/live/scheduled/${id}`, w.outsider.cookie), { id })).status).toBe(404);
    expect((await run(pageRoute.action, post(`/live/scheduled/${id}`, { intent: "maybe" }, w.c.cookie), { id })).status).toBe(400);
    expect((await run(pageRoute.action, post(`/live/scheduled/${id}`, { intent: "yes" }, w.c.cookie), { id })).status).toBe(200);
    const ics = await scheduledIcs(w.c, id);
    expect(ics.ok && ics.value.startsWith("BEGIN:VCALENDAR\r\n")).toBe(true);
    const download = await run(icsRoute.loader, get(`/live/scheduled/${id}/ics`, w.c.cookie), { id });
    expect(download.headers.get("Content-Type")).toMatch(/^text\/calendar/);
    expect((await run(icsRoute.loader, get(`/live/scheduled/${id}/ics`, w.outsider.cookie), { id })).status).toBe(404);

    expect((await listUpcoming(w.a, "mine")).map((u) => u.id)).toContain(id);
    expect((await listUpcoming(w.outsider, "mine")).map((u) => u.id)).not.toContain(id);
    expect((await listUpcoming(w.trainer, "mine")).find((u) => u.id === id)?.yes).toBe(2);
  });

  it("starts once, follows up attendees when the session ends, and compares sign-ups with attendance", async () => {
    const w = await world();
    const created = await createScheduledSession(w.trainer, input({ groupId: w.group.id, date: ahead(61) }), TEST_ORIGIN);
    if (!created.ok) throw new Error(created.message);
    const id = created.value.id;
    await answerInvitation(w.a, id, true); // says yes, comes
    await answerInvitation(w.b, id, true); // says yes, doesn't come
    // c says nothing and comes.
    expect(await startScheduled(w.a, id)).toMatchObject({ ok: false, status: 403 });
    const started = await startScheduled(w.trainer, id);
    if (!started.ok) throw new Error(started.message);
    expect(await startScheduled(w.trainer, id)).toEqual({ ok: true, value: { code: started.value.code } });
    for (const [i, person] of [w.a, w.c].entries()) {
      expect(await joinWithCode(started.value.code, person, `198.51.100.${90 + i}`)).toMatchObject({ ok: true });
      expect(await markAttendance(started.value.code, w.trainer, person.id, "present")).toMatchObject({ ok: true });
    }
    await db().update(users).set({ nudgeEmails: false }).where(eq(users.id, w.c.id));
    expect(await endSession(started.value.code, w.trainer)).toMatchObject({ ok: true });

    const followUps = (await mailsFor(id)).filter((m) => m.template === "session-follow-up");
    // c attended but turned the extra emails off.
    expect(followUps.map((m) => m.userId)).toEqual([w.a.id]);
    expect(followUps[0]!.textBody).toContain("counts as completed");
    expect(followUps[0]!.textBody).toContain("/unsubscribe/");

    const [row] = await db().select().from(scheduledSessions).where(eq(scheduledSessions.id, id));
    const report = await sessionReport(w.trainer, row!.liveSessionId!);
    expect(report?.signUps).toEqual({ scheduledId: id, saidYes: 2, saidNo: 0, yesAndCame: 1, yesNotCame: 1, cameWithoutYes: 1 });
    // Replies close once the session is over.
    expect(await answerInvitation(w.a, id, false, new Date(Date.now() + 63 * 86_400_000))).toMatchObject({ ok: false, status: 409 });
    const stillOne = await db().select().from(mailMessages).where(and(eq(mailMessages.template, "session-follow-up"), eq(mailMessages.userId, w.a.id)));
    expect(stillOne).toHaveLength(1);
  });
});
