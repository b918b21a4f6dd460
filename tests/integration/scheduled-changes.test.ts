import { and, eq, inArray, like, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { endSession } from "~/live/attendance.server";
import {
  answerInvitation,
  cancelScheduledSession,
  createScheduledSession,
  editScheduledSession,
  listUpcoming,
  scheduledIcs,
  startScheduled,
  type EditInput,
} from "~/live/scheduled.server";
import { closeTransports, deliverDueMail, OPTED_OUT_REASON } from "~/mail/sender.server";
import * as outbox from "~/routes/admin.outbox";
import * as outboxMessage from "~/routes/admin.outbox_.$id";
import * as editRoute from "~/routes/live.scheduled.$id_.edit";
import * as pageRoute from "~/routes/live.scheduled.$id";
import * as unsubscribePage from "~/routes/unsubscribe.$token";
import * as linkRequest from "~/routes/login_.link";
import { db } from "../../db/client.server";
import { mailMessages, scheduledSessions, users } from "../../db/schema";
import { LIVE_MODULE, withLiveCatalog } from "../fixtures/live-modules/setup";
import { get, makeGroup, makeUser, post, run, TEST_ORIGIN } from "../setup/fixtures";
import { withTestDatabase } from "../setup/database";
import { calendarOf, recipientOf, startTestSmtp, type TestSmtp } from "../setup/smtp";

// Changing and cancelling a scheduled session (issue 18 part 4, ADR 037), and the opt-out
// checked again when a queued reminder is sent. Mail goes through a real SMTP server.

withTestDatabase();
withLiveCatalog();

let smtp: TestSmtp;
beforeAll(async () => {
  smtp = await startTestSmtp();
});
afterAll(async () => {
  closeTransports();
  await smtp.close();
});

const send = () => deliverDueMail({ smtpUrl: smtp.url, log: () => {} });
// Each test starts with nothing due and nothing received.
beforeEach(async () => {
  await send();
  smtp.received.length = 0;
});

// Dates some weeks from today on the real clock: the sender's "due" is the database's now().
const ahead = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const mailsFor = (id: string) => db().select().from(mailMessages).where(like(mailMessages.dedupeKey, `%:${id}:%`));
const receivedBy = (email: string) => smtp.received.filter((m) => recipientOf(m) === email);
/** Time passes for the queue: the reminders of these sessions are due now. */
const remindersDue = (id: string) =>
  db()
    .update(mailMessages)
    .set({ nextAttemptAt: sql`now()` })
    .where(and(eq(mailMessages.status, "queued"), like(mailMessages.dedupeKey, `session-reminder:${id}:%`)));

async function world() {
  const group = await makeGroup();
  const trainer = await makeUser("trainer", { groupIds: [group.id] });
  const [a, b, c] = await Promise.all([1, 2, 3].map(() => makeUser("activist", { groupIds: [group.id] })));
  const outsider = await makeUser("activist");
  const otherTrainer = await makeUser("trainer", { groupIds: [group.id] });
  const created = await createScheduledSession(trainer, { moduleSlug: LIVE_MODULE, groupId: group.id, date: ahead(30), time: "18:30", minutes: 90, place: "Room 2", callUrl: undefined }, TEST_ORIGIN);
  if (!created.ok) throw new Error(created.message);
  return { group, trainer, a: a!, b: b!, c: c!, outsider, otherTrainer, id: created.value.id };
}

const change = (over: Partial<EditInput> = {}): EditInput => ({ moduleSlug: LIVE_MODULE, date: ahead(37), time: "19:00", minutes: 60, place: undefined, callUrl: "https://meet.example.org/abc", ...over });

describe("changing a scheduled session", () => {
  it("mails everyone invited an updated .ics (same UID, higher SEQUENCE) and moves the reminders to the new time", async () => {
    const w = await world();
    await db().update(users).set({ nudgeEmails: false }).where(eq(users.id, w.c.id));
    expect(await answerInvitation(w.a, w.id, true)).toMatchObject({ ok: true });
    await send(); // the invitations go out
    expect(smtp.received).toHaveLength(4); // a, b, c and the other trainer in the group
    const firstIcs = calendarOf(receivedBy(w.a.email)[0]!)!;
    expect(firstIcs).toContain("SEQUENCE:0");
    smtp.received.length = 0;

    const edited = await editScheduledSession(w.trainer, w.id, change());
    expect(edited).toEqual({ ok: true, value: { notified: 4 } });
    const [row] = await db().select().from(scheduledSessions).where(eq(scheduledSessions.id, w.id));
    expect(row).toMatchObject({ sequence: 1, place: null, callUrl: "https://meet.example.org/abc", minutes: 60 });

    await send();
    const [update] = receivedBy(w.a.email);
    expect(update?.subject).toMatch(/^Changed: /);
    expect(update?.text).toContain("https://meet.example.org/abc");
    expect(update?.text).toMatch(/it was /);
    const ics = calendarOf(update!)!;
    expect(ics).toContain("METHOD:REQUEST");
    expect(ics).toContain("SEQUENCE:1");
    expect(ics).toContain(`UID:${w.id}@doorstep`);
    expect(ics).toContain(`DTSTART:${row!.startsAt.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "")}`);
    expect(smtp.received).toHaveLength(4);

    // The old reminders are skipped, with a reason; new ones wait for the day before the new time.
    const mails = await mailsFor(w.id);
    const reminders = mails.filter((m) => m.template === "session-reminder");
    const old = reminders.filter((m) => m.dedupeKey!.split(":").length === 3);
    const fresh = reminders.filter((m) => m.dedupeKey!.split(":").length === 4);
    expect(old.every((m) => m.status === "skipped" && /changed/.test(m.skipReason ?? ""))).toBe(true);
    expect(fresh.map((m) => m.userId).sort()).toEqual([w.a.id, w.b.id, w.otherTrainer.id].sort()); // c opted out
    for (const m of fresh) expect(m.nextAttemptAt.getTime()).toBe(row!.startsAt.getTime() - 24 * 3_600_000);

    smtp.received.length = 0;
    await remindersDue(w.id);
    await send();
    const [reminder] = receivedBy(w.b.email);
    expect(reminder?.subject).toMatch(/^Tomorrow: /);
    expect(reminder?.text).toContain("https://meet.example.org/abc");
    expect(reminder?.text).not.toContain("Room 2");
    expect(smtp.received).toHaveLength(3); // one reminder each, none for the old time

    // The .ics download now carries the change too.
    const download = await scheduledIcs(w.a, w.id);
    expect(download.ok && download.value).toContain("SEQUENCE:1");
  });

  it("refuses bad input, outsiders and a session no longer open with a 4xx, changing nothing", async () => {
    const w = await world();
    const unchanged = async () => {
      const [row] = await db().select().from(scheduledSessions).where(eq(scheduledSessions.id, w.id));
      expect(row!.sequence).toBe(0);
      expect((await mailsFor(w.id)).filter((m) => m.template === "session-update")).toHaveLength(0);
    };
    expect(await editScheduledSession(w.a, w.id, change())).toMatchObject({ ok: false, status: 403 });
    expect(await editScheduledSession(w.outsider, w.id, change())).toMatchObject({ ok: false, status: 404 });
    expect(await editScheduledSession(w.trainer, "not-a-uuid", change())).toMatchObject({ ok: false, status: 404 });
    expect(await editScheduledSession(w.trainer, w.id, change({ date: "2020-01-01" }))).toMatchObject({ ok: false, status: 400, field: "date" });
    expect(await editScheduledSession(w.trainer, w.id, change({ date: "2027-02-30" }))).toMatchObject({ ok: false, status: 400, field: "date" });
    expect(await editScheduledSession(w.trainer, w.id, change({ moduleSlug: "no-such" }))).toMatchObject({ ok: false, status: 400, field: "moduleSlug" });
    // The same details again: nothing to tell anyone.
    expect(await editScheduledSession(w.trainer, w.id, { moduleSlug: LIVE_MODULE, date: ahead(30), time: "18:30", minutes: 90, place: "Room 2", callUrl: undefined })).toMatchObject({
      ok: false,
      status: 400,
    });
    // Through the route: fields checked beside the form, a wrong intent, a member's and an outsider's refusals.
    const bad = await run(editRoute.action, post(`/live/scheduled/${w.id}/edit`, { intent: "save", moduleSlug: LIVE_MODULE, date: "5/1/2027", time: "7pm", minutes: "5", place: "x", callUrl: "https://y.example" }, w.trainer.cookie), { id: w.id });
    expect(bad.status).toBe(400);
    expect(Object.keys((bad.body as { errors: object }).errors).sort()).toEqual(["callUrl", "date", "minutes", "time"]);
    expect((await run(editRoute.action, post(`/live/scheduled/${w.id}/edit`, { intent: "delete" }, w.trainer.cookie), { id: w.id })).status).toBe(400);
    expect((await run(editRoute.action, post(`/live/scheduled/${w.id}/edit`, { intent: "cancel" }, w.a.cookie), { id: w.id })).status).toBe(403);
    expect((await run(editRoute.loader, get(`/live/scheduled/${w.id}/edit`, w.a.cookie), { id: w.id })).status).toBe(403);
    const stranger = await makeUser("trainer");
    expect((await run(editRoute.loader, get(`/live/scheduled/${w.id}/edit`, stranger.cookie), { id: w.id })).status).toBe(404);
    expect((await run(editRoute.action, post(`/live/scheduled/${w.id}/edit`, { intent: "cancel" }, stranger.cookie), { id: w.id })).status).toBe(404);
    // Another trainer in the group sees it as a member, but it isn't theirs to change.
    expect(await editScheduledSession(w.otherTrainer, w.id, change())).toMatchObject({ ok: false, status: 403 });
    await unchanged();

    // Once started it can be neither changed nor cancelled.
    const started = await startScheduled(w.trainer, w.id);
    if (!started.ok) throw new Error(started.message);
    expect(await editScheduledSession(w.trainer, w.id, change())).toMatchObject({ ok: false, status: 409 });
    expect(await cancelScheduledSession(w.trainer, w.id)).toMatchObject({ ok: false, status: 409 });
    await unchanged();
    expect(await endSession(started.value.code, w.trainer)).toMatchObject({ ok: true });
  });

  it("lets an admin change any session, through the form, and shows how many were told", async () => {
    const w = await world();
    const admin = await makeUser("admin");
    const form = await run(editRoute.loader, get(`/live/scheduled/${w.id}/edit`, admin.cookie), { id: w.id });
    expect(form.body).toMatchObject({ closed: null, values: { time: "18:30", minutes: "90", place: "Room 2", date: ahead(30) } });
    const saved = await run(editRoute.action, post(`/live/scheduled/${w.id}/edit`, { intent: "save", moduleSlug: LIVE_MODULE, date: ahead(30), time: "18:30", minutes: "90", place: "Room 3" }, admin.cookie), { id: w.id });
    expect(saved.status).toBe(302);
    expect(saved.location).toBe(`/live/scheduled/${w.id}?updated=4`);
    const page = await run(pageRoute.loader, get(`/live/scheduled/${w.id}?updated=4`, w.trainer.cookie), { id: w.id });
    expect(page.body).toMatchObject({ place: "Room 3", updated: 4, cancelled: false });
  });
});

describe("cancelling a scheduled session", () => {
  it("sends METHOD:CANCEL to the invited and those coming, skips the reminders, and closes replies, joining and the follow-up", async () => {
    const w = await world();
    await answerInvitation(w.a, w.id, true);
    await answerInvitation(w.b, w.id, false);
    // a has since left the group: still invited, still said yes, so still told.
    await db().execute(sql`delete from memberships where user_id = ${w.a.id}`);
    await send();
    smtp.received.length = 0;

    const res = await run(editRoute.action, post(`/live/scheduled/${w.id}/edit`, { intent: "cancel" }, w.trainer.cookie), { id: w.id });
    expect(res.status).toBe(302);
    expect(res.location).toBe(`/live/scheduled/${w.id}?cancelled=4`);
    await send();
    expect(smtp.received.map(recipientOf).sort()).toEqual([w.a.email, w.b.email, w.c.email, w.otherTrainer.email].sort());
    const ics = calendarOf(receivedBy(w.a.email)[0]!)!;
    expect(ics).toContain("METHOD:CANCEL");
    expect(ics).toContain("STATUS:CANCELLED");
    expect(ics).toContain("SEQUENCE:1");
    expect(ics).toContain(`UID:${w.id}@doorstep`);
    expect(receivedBy(w.a.email)[0]!.subject).toMatch(/^Cancelled: /);

    const reminders = (await mailsFor(w.id)).filter((m) => m.template === "session-reminder");
    expect(reminders.length).toBeGreaterThan(0);
    expect(reminders.every((m) => m.status === "skipped" && m.skipReason === "The session was cancelled.")).toBe(true);
    smtp.received.length = 0;
    await remindersDue(w.id);
    await send();
    expect(smtp.received).toHaveLength(0);

    // The page says so; replies, starting and changes are refused with clear messages.
    const page = await run(pageRoute.loader, get(`/live/scheduled/${w.id}`, w.c.cookie), { id: w.id });
    expect(page.body).toMatchObject({ cancelled: true });
    const reply = await run(pageRoute.action, post(`/live/scheduled/${w.id}`, { intent: "yes" }, w.c.cookie), { id: w.id });
    expect(reply).toMatchObject({ status: 409, body: { message: "This session was cancelled." } });
    expect(await startScheduled(w.trainer, w.id)).toMatchObject({ ok: false, status: 409, message: "This session was cancelled." });
    expect(await editScheduledSession(w.trainer, w.id, change())).toMatchObject({ ok: false, status: 409 });
    expect((await listUpcoming(w.c, "mine")).map((u) => u.id)).not.toContain(w.id);
    const download = await scheduledIcs(w.c, w.id);
    expect(download.ok && download.value).toContain("METHOD:CANCEL");

    // Cancelling again is harmless: nothing more is sent.
    expect(await cancelScheduledSession(w.trainer, w.id)).toEqual({ ok: true, value: { notified: 0, already: true } });
    expect((await mailsFor(w.id)).filter((m) => m.template === "session-cancelled")).toHaveLength(4);
    // Nor does anything follow up: it never started.
    expect((await mailsFor(w.id)).filter((m) => m.template === "session-follow-up")).toHaveLength(0);
  });
});

describe("cancelling while the reminders are being sent", () => {
  it("stops every reminder not yet handed to the SMTP server; the one in its hands goes and is recorded as sent", async () => {
    const w = await world();
    await send(); // the invitations go out
    smtp.received.length = 0;
    await remindersDue(w.id);
    const due = (await mailsFor(w.id)).filter((m) => m.template === "session-reminder").length;
    expect(due).toBeGreaterThan(1);
    // The first reminder reaches the SMTP server; while it is there, the trainer cancels. The
    // rest of the round's reminders are already claimed ("sending") by then.
    let cancelled = false;
    smtp.beforeAccepting = async () => {
      if (cancelled) return;
      cancelled = true;
      expect(await cancelScheduledSession(w.trainer, w.id)).toMatchObject({ ok: true });
    };
    const lines: string[] = [];
    try {
      const report = await deliverDueMail({ smtpUrl: smtp.url, log: (l) => lines.push(l) });
      expect(report).toMatchObject({ sent: 1, skipped: due - 1 });
    } finally {
      smtp.beforeAccepting = null;
    }
    expect(cancelled).toBe(true);
    expect(smtp.received.map((m) => m.subject)).toEqual([expect.stringMatching(/^Tomorrow: /)]);
    const reminders = (await mailsFor(w.id)).filter((m) => m.template === "session-reminder");
    expect(reminders.map((m) => m.status).sort()).toEqual(["sent", ...Array<string>(due - 1).fill("skipped")]);
    expect(reminders.filter((m) => m.status === "skipped").every((m) => m.skipReason === "The session was cancelled.")).toBe(true);
    expect(lines.filter((l) => l.includes("template=session-reminder") && l.includes("status=skipped"))).toHaveLength(due - 1);
    // Nothing of it is retried later.
    await remindersDue(w.id);
    smtp.received.length = 0;
    await send();
    expect(smtp.received.filter((m) => /^Tomorrow: /.test(m.subject ?? ""))).toHaveLength(0);
  });
});

describe("opting out after a reminder was queued", () => {
  it("skips the reminder at send time with a reason the outbox shows; sign-in mail is never affected", async () => {
    const w = await world();
    const admin = await makeUser("admin");
    await send(); // the invitations go out
    smtp.received.length = 0;
    const [reminder] = (await mailsFor(w.id)).filter((m) => m.template === "session-reminder" && m.userId === w.a.id);
    expect(reminder).toMatchObject({ honoursOptOut: true, status: "queued" });
    const token = /\/unsubscribe\/([A-Za-z0-9_-]{20,})/.exec(reminder!.textBody)![1]!;
    expect((await run(unsubscribePage.action, post(`/unsubscribe/${token}`, {}), { token })).status).toBe(200);
    // b turns them off from the account page's preference instead.
    await db().update(users).set({ nudgeEmails: false }).where(eq(users.id, w.b.id));
    // a asks for a sign-in link meanwhile: it always arrives.
    expect((await run(linkRequest.action, post("/login/link", { email: w.a.email }), {}, "198.51.100.201")).status).toBe(200);

    await remindersDue(w.id);
    const lines: string[] = [];
    const report = await deliverDueMail({ smtpUrl: smtp.url, log: (l) => lines.push(l) });
    expect(report).toMatchObject({ skipped: 2 });
    expect(receivedBy(w.a.email).map((m) => m.subject)).toEqual(["Your Doorstep sign-in link"]);
    expect(receivedBy(w.b.email)).toHaveLength(0);
    expect(receivedBy(w.c.email).map((m) => m.subject)).toEqual([expect.stringMatching(/^Tomorrow: /)]);
    const rows = await db().select().from(mailMessages).where(and(eq(mailMessages.template, "session-reminder"), inArray(mailMessages.userId, [w.a.id, w.b.id])));
    expect(rows.map((r) => [r.status, r.skipReason])).toEqual([
      ["skipped", OPTED_OUT_REASON],
      ["skipped", OPTED_OUT_REASON],
    ]);
    expect(lines.filter((l) => l.includes("status=skipped"))).toHaveLength(2);

    const list = await run(outbox.loader, get("/admin/outbox", admin.cookie));
    expect(list.body).toMatchObject({ counts: { skipped: expect.any(Number) } });
    const shown = await run(outboxMessage.loader, get(`/admin/outbox/${rows[0]!.id}`, admin.cookie), { id: rows[0]!.id });
    expect(shown.body).toMatchObject({ status: "skipped", skipReason: OPTED_OUT_REASON });
  });
});
