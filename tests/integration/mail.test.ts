import type { AddressInfo } from "node:net";
import { eq, sql } from "drizzle-orm";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { LINK_LIMITS, unsubscribeUrl } from "~/auth/email-links.server";
import { currentSession } from "~/auth/session.server";
import { enqueueMail } from "~/mail/queue.server";
import { backoffSeconds, closeTransports, deliverDueMail, MAX_ATTEMPTS, type SenderOptions } from "~/mail/sender.server";
import * as account from "~/routes/account";
import * as outbox from "~/routes/admin.outbox";
import * as outboxMessage from "~/routes/admin.outbox_.$id";
import * as login from "~/routes/login";
import * as linkRequest from "~/routes/login_.link";
import * as linkPage from "~/routes/login_.link_.$token";
import * as resetRequest from "~/routes/reset._index";
import * as resetPage from "~/routes/reset.$token";
import * as unsubscribePage from "~/routes/unsubscribe.$token";
import { emailLinks, mailMessages, users } from "../../db/schema";
import { get, makeUser, post, run, TEST_PASSWORD } from "../setup/fixtures";
import { withTestDatabase } from "../setup/database";
import { recipientOf, startTestSmtp, type TestSmtp } from "../setup/smtp";

// Mail for real (issue 18): a real SMTP server runs in this process, nodemailer delivers
// to it, mailparser reads what arrived. Nothing about the transport is mocked.

const database = withTestDatabase();

let smtp: TestSmtp;
let smtpUrl = "";

beforeAll(async () => {
  smtp = await startTestSmtp();
  smtpUrl = smtp.url;
});

afterAll(async () => {
  closeTransports();
  await smtp.close();
});

// Each test starts with nothing due: what earlier tests left queued is delivered first.
beforeEach(async () => {
  smtp.refuseRecipients = false;
  await deliverDueMail({ smtpUrl, log: () => {} });
  smtp.received.length = 0;
});

/** A port nothing listens on: an SMTP server that is down. */
async function deadSmtpUrl(): Promise<string> {
  const probe = new SMTPServer({ logger: false });
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const port = (probe.server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `smtp://127.0.0.1:${port}`;
}

const logLines: string[] = [];
const send = (options: SenderOptions = {}) => deliverDueMail({ smtpUrl, from: "Doorstep <doorstep@example.org>", log: (line) => logLines.push(line), ...options });

const askForLink = (email: string, ip = "198.51.100.1") => run(linkRequest.action, post("/login/link", { email }), {}, ip);
const askForReset = (email: string, ip = "198.51.100.2") => run(resetRequest.action, post("/reset", { email }), {}, ip);

const mailTo = (email: string) => smtp.received.filter((m) => recipientOf(m) === email);
const tokenIn = (text: string | undefined, path: string) => new RegExp(`${path}/([A-Za-z0-9_-]{20,})`).exec(text ?? "")?.[1];

const rowsTo = (email: string) => database().db.select().from(mailMessages).where(eq(mailMessages.toAddress, email));
/** Time passes for the queue: every waiting mail is due now. */
const makeDue = () => database().db.update(mailMessages).set({ nextAttemptAt: sql`now()` }).where(eq(mailMessages.status, "queued"));

async function signInLinkFor(email: string): Promise<string> {
  expect((await askForLink(email)).status).toBe(200);
  await send();
  const [mail] = mailTo(email);
  const token = tokenIn(mail?.text, "/login/link");
  if (!token) throw new Error("no sign-in link arrived");
  return token;
}

describe("sign-in links through a real SMTP server", () => {
  it("mails a plain-text and HTML link that signs in once, and wipes the body once sent", async () => {
    const user = await makeUser("activist");
    const asked = await askForLink(user.email.toUpperCase());
    expect(asked).toMatchObject({ status: 200, body: { ok: true, email: user.email, minutes: 15 } });
    // Queued, not sent: the request never waits for SMTP.
    expect(smtp.received).toHaveLength(0);
    expect(await rowsTo(user.email)).toMatchObject([{ status: "queued", template: "sign-in-link", sensitive: true }]);

    expect(await send()).toMatchObject({ sent: 1, retrying: 0, failed: 0 });
    const [mail] = mailTo(user.email);
    expect(mail?.subject).toBe("Your Doorstep sign-in link");
    expect(mail?.from?.text).toContain("doorstep@example.org");
    const token = tokenIn(mail?.text, "http://doorstep.test/login/link");
    expect(token).toBeTruthy();
    expect(mail?.html).toContain(`/login/link/${token}`);
    expect(mail?.text).not.toMatch(/unsubscribe/i); // sign-in mail never carries one
    // Stored only as a hash; the sent body is gone.
    const [row] = await rowsTo(user.email);
    expect(row).toMatchObject({ status: "sent", textBody: "", htmlBody: "", attempts: 1 });
    const links = await database().db.select().from(emailLinks).where(eq(emailLinks.userId, user.id));
    expect(links.map((l) => l.tokenHash)).not.toContain(token);
    expect(logLines.join("\n")).not.toContain(token!);
    expect(logLines.at(-1)).toMatch(new RegExp(`to=${user.email} template=sign-in-link status=sent`));

    // The GET only shows the button (a mail scanner opening it spends nothing).
    const page = await run(linkPage.loader, get(`/login/link/${token}`), { token: token! });
    expect(page).toMatchObject({ status: 200, body: { email: user.email } });
    expect((await run(linkPage.loader, get(`/login/link/${token}`), { token: token! })).status).toBe(200);

    const signedIn = await run(linkPage.action, post(`/login/link/${token}`, {}), { token: token! });
    expect(signedIn.status).toBe(302);
    const session = await currentSession(get("/", signedIn.headers.get("Set-Cookie")!.split(";")[0]));
    expect(session?.user.id).toBe(user.id);

    const again = await run(linkPage.action, post(`/login/link/${token}`, {}), { token: token! });
    expect(again.status).toBe(410);
    expect(JSON.stringify(again.body)).toMatch(/already been used/);
    expect((await run(linkPage.loader, get(`/login/link/${token}`), { token: token! })).status).toBe(410);
    // The password still works.
    expect((await run(login.action, post("/login", { email: user.email, password: TEST_PASSWORD }))).status).toBe(302);
  });

  it("refuses an expired link, an unknown one and a malformed one with clear 4xx messages", async () => {
    const user = await makeUser("activist");
    const token = await signInLinkFor(user.email);
    await database().db.update(emailLinks).set({ expiresAt: sql`now() - interval '1 second'` }).where(eq(emailLinks.userId, user.id));
    const expired = await run(linkPage.action, post(`/login/link/${token}`, {}), { token });
    expect(expired.status).toBe(410);
    expect(JSON.stringify(expired.body)).toMatch(/expired: it worked for 15 minutes/);
    for (const bad of ["A".repeat(27), "short", "x".repeat(5000), "../../etc"]) {
      const shown = await run(linkPage.loader, get(`/login/link/${encodeURIComponent(bad)}`), { token: bad });
      expect(shown.status).toBe(404);
      expect(JSON.stringify(shown.body)).toMatch(/isn't valid/);
      expect((await run(linkPage.action, post(`/login/link/${encodeURIComponent(bad)}`, {}), { token: bad })).status).toBe(404);
    }
  });

  it("answers a known and an unknown email the same way, and tells only the mailbox", async () => {
    const user = await makeUser("activist");
    const nobody = `nobody-${Date.now()}@example.org`;
    const known = await askForLink(user.email, "198.51.100.50");
    const unknown = await askForLink(nobody, "198.51.100.50");
    expect(unknown.status).toBe(known.status);
    expect({ ...(unknown.body as object), email: "x" }).toEqual({ ...(known.body as object), email: "x" });
    // Both queued exactly one mail in one transaction; only its words differ.
    expect(await rowsTo(user.email)).toHaveLength(1);
    expect(await rowsTo(nobody)).toMatchObject([{ template: "no-account-sign-in", sensitive: false }]);
    await send();
    expect(mailTo(nobody)[0]?.text).toMatch(/no account uses it/);
    expect(tokenIn(mailTo(nobody)[0]?.text, "/login/link")).toBeUndefined();
  });

  it("throttles per email and per address, the same for unknown emails", async () => {
    const user = await makeUser("activist");
    const ip = "198.51.100.77";
    for (let i = 0; i < LINK_LIMITS.emailAtAddress; i++) expect((await askForLink(user.email, ip)).status).toBe(200);
    const refused = await askForLink(user.email, ip);
    expect(refused.status).toBe(429);
    expect(JSON.stringify(refused.body)).toMatch(/Too many requests for links/);
    // The refusal queued nothing.
    expect(await rowsTo(user.email)).toHaveLength(LINK_LIMITS.emailAtAddress);
    const stranger = `stranger-${Date.now()}@example.org`;
    for (let i = 0; i < LINK_LIMITS.emailAtAddress; i++) expect((await askForLink(stranger, ip)).status).toBe(200);
    expect((await askForLink(stranger, ip)).status).toBe(429);
    // From elsewhere the same email may ask until its own ceiling.
    let accepted = LINK_LIMITS.emailAtAddress;
    for (let i = 0; i < 20; i++) {
      const { status } = await askForLink(user.email, `203.0.113.${100 + i}`);
      if (status !== 200) {
        expect(status).toBe(429);
        break;
      }
      accepted++;
    }
    expect(accepted).toBe(LINK_LIMITS.email);
  });

  it("refuses invalid addresses with a message beside the field and queues nothing", async () => {
    const before = await database().db.select({ n: sql<number>`count(*)::int` }).from(mailMessages);
    for (const email of ["", "not-an-email", "a@", `${"x".repeat(300)}@example.org`]) {
      const res = await askForLink(email);
      expect(res.status).toBe(400);
      expect((res.body as { errors: { email?: string } }).errors.email).toMatch(/email address|at most 254/);
    }
    expect((await askForLink("bad\u0001@example.org")).status).toBe(400);
    const after = await database().db.select({ n: sql<number>`count(*)::int` }).from(mailMessages);
    expect(after[0]!.n).toBe(before[0]!.n);
  });
});

describe("delivery when the SMTP server fails", () => {
  it("never fails the request, retries with backoff, then delivers", async () => {
    const user = await makeUser("activist");
    const down = await deadSmtpUrl();
    expect((await askForLink(user.email, "198.51.100.90")).status).toBe(200);

    expect(await send({ smtpUrl: down })).toMatchObject({ sent: 0, retrying: 1 });
    let [row] = await rowsTo(user.email);
    expect(row).toMatchObject({ status: "queued", attempts: 1 });
    expect(row!.lastError).toMatch(/ECONNREFUSED|connect/i);
    const wait = (row!.nextAttemptAt.getTime() - Date.now()) / 1000;
    expect(wait).toBeGreaterThan(backoffSeconds(1) - 5);
    expect(wait).toBeLessThan(backoffSeconds(1) + 5);
    // Not due yet: a round now leaves it alone.
    expect(await send()).toMatchObject({ sent: 0, retrying: 0 });

    // Up again, but refusing recipients for now (451): still retried, waiting longer.
    smtp.refuseRecipients = true;
    await makeDue();
    expect(await send()).toMatchObject({ retrying: 1 });
    [row] = await rowsTo(user.email);
    expect(row).toMatchObject({ status: "queued", attempts: 2 });
    expect(row!.lastError).toMatch(/Mailbox busy/);
    expect(row!.nextAttemptAt.getTime() - Date.now()).toBeGreaterThan((backoffSeconds(2) - 5) * 1000);

    smtp.refuseRecipients = false;
    await makeDue();
    expect(await send()).toMatchObject({ sent: 1 });
    const token = tokenIn(mailTo(user.email)[0]?.text, "/login/link");
    expect(token).toBeTruthy();
    expect(await rowsTo(user.email)).toMatchObject([{ status: "sent", attempts: 3, lastError: null, textBody: "" }]);
    expect(logLines.join("\n")).not.toContain(token!);
    expect(logLines.some((l) => l.includes(`to=${user.email}`) && l.includes("status=retrying"))).toBe(true);
    // The link that finally arrived works.
    expect((await run(linkPage.action, post(`/login/link/${token}`, {}), { token: token! })).status).toBe(302);
  });

  it("gives up after the last attempt, marks the mail failed and wipes its secret", async () => {
    const user = await makeUser("activist");
    const down = await deadSmtpUrl();
    await askForLink(user.email, "198.51.100.91");
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      await makeDue();
      await send({ smtpUrl: down });
    }
    expect(await rowsTo(user.email)).toMatchObject([{ status: "failed", attempts: MAX_ATTEMPTS, textBody: "", htmlBody: "" }]);
    await makeDue();
    expect(await send({ smtpUrl: down })).toMatchObject({ sent: 0, retrying: 0, failed: 0 });
    expect(backoffSeconds(30)).toBe(3600);
  });
});

describe("several senders at once", () => {
  it("deliver each mail exactly once, and take over a mail whose sender died mid-send", async () => {
    const to = Array.from({ length: 12 }, (_, i) => `many-${i}-${Date.now()}@example.org`);
    await database().db.transaction(async (tx) => {
      for (const address of to) await enqueueMail(tx, { to: address, template: "test", subject: "One of many", text: "Hello", html: "<p>Hello</p>" });
    });
    // Two instances' rounds at the same moment (on PostgreSQL, two connections racing for rows).
    const rounds = await Promise.all([send(), send(), send()]);
    expect(rounds.reduce((n, r) => n + r.sent, 0)).toBe(to.length);
    expect(smtp.received.map((m) => (Array.isArray(m.to) ? "" : m.to?.value[0]?.address)).sort()).toEqual([...to].sort());

    // A sender that claimed a mail and died: its lease runs out, another sends it.
    await enqueueMail(database().db, { to: "orphan@example.org", template: "test", subject: "Orphan", text: "Hello", html: "<p>Hello</p>" });
    await database().db.update(mailMessages).set({ status: "sending", attempts: 1, nextAttemptAt: sql`now() + interval '5 minutes'` }).where(eq(mailMessages.toAddress, "orphan@example.org"));
    expect(await send()).toMatchObject({ sent: 0 }); // still leased
    await database().db.update(mailMessages).set({ nextAttemptAt: sql`now() - interval '1 second'` }).where(eq(mailMessages.toAddress, "orphan@example.org"));
    expect(await send()).toMatchObject({ sent: 1 });
    expect(await rowsTo("orphan@example.org")).toMatchObject([{ status: "sent", attempts: 2 }]);
  });
});

describe("password reset by email", () => {
  it("sets a new password with the usual rules, ends every other session and spends the link", async () => {
    const user = await makeUser("trainer");
    expect((await askForReset(user.email)).status).toBe(200);
    await send();
    const mail = mailTo(user.email)[0];
    expect(mail?.subject).toBe("Reset your Doorstep password");
    const token = tokenIn(mail?.text, "/reset")!;
    expect(token).toBeTruthy();
    expect(mail?.html).toContain(`/reset/${token}`);

    expect((await run(resetPage.loader, get(`/reset/${token}`), { token })).body).toEqual({ email: user.email });
    // A weak password: refused beside the field, and the link still works.
    const weak = await run(resetPage.action, post(`/reset/${token}`, { password: "short" }), { token });
    expect(weak.status).toBe(400);
    expect(JSON.stringify(weak.body)).toMatch(/at least 10/);
    const huge = await run(resetPage.action, post(`/reset/${token}`, { password: "p".repeat(10_000) }), { token });
    expect(huge.status).toBe(400);

    const done = await run(resetPage.action, post(`/reset/${token}`, { password: "a brand new passphrase" }), { token });
    expect(done.status).toBe(302);
    expect(await currentSession(get("/", user.cookie))).toBeNull(); // the old session is gone
    expect((await currentSession(get("/", done.headers.get("Set-Cookie")!.split(";")[0])))?.user.id).toBe(user.id);
    expect((await run(login.action, post("/login", { email: user.email, password: TEST_PASSWORD }), {}, "198.51.100.3")).status).toBe(401);
    expect((await run(login.action, post("/login", { email: user.email, password: "a brand new passphrase" }), {}, "198.51.100.3")).status).toBe(302);

    const reused = await run(resetPage.action, post(`/reset/${token}`, { password: "yet another passphrase" }), { token });
    expect(reused.status).toBe(410);
    expect(JSON.stringify(reused.body)).toMatch(/already been used/);
    const [stored] = await database().db.select({ hash: users.passwordHash }).from(users).where(eq(users.id, user.id));
    expect(stored?.hash).toMatch(/^\$argon2id\$/);
  });

  it("answers an unknown email like a known one", async () => {
    const user = await makeUser("activist");
    const known = await askForReset(user.email, "198.51.100.60");
    const unknown = await askForReset(`ghost-${Date.now()}@example.org`, "198.51.100.60");
    expect([unknown.status, (unknown.body as { minutes: number }).minutes]).toEqual([known.status, (known.body as { minutes: number }).minutes]);
  });
});

describe("the outbox (no SMTP_URL)", () => {
  it("keeps the link readable by admins only, prints it to the server log (outbox mode only), then wipes it when the link has expired", async () => {
    const [user, admin, organiser] = [await makeUser("activist"), await makeUser("admin"), await makeUser("organiser")];
    await askForLink(user.email, "198.51.100.120");
    const lines: string[] = [];
    expect(await deliverDueMail({ smtpUrl: undefined, log: (l) => lines.push(l) })).toMatchObject({ sent: 1 });
    expect(smtp.received).toHaveLength(0);
    const [row] = await rowsTo(user.email);
    expect(row).toMatchObject({ status: "sent" });
    const token = tokenIn(row!.textBody, "/login/link")!;
    expect(token).toBeTruthy();
    expect(lines.join("\n")).toContain(`/admin/outbox/${row!.id}`);
    // Issue 18: without SMTP (local use) each message's link is printed to the server log,
    // so a sign-in link can be followed from the terminal. With SMTP it never is (above).
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(` link=http`);
    expect(lines[0]).toContain(`/login/link/${token}`);

    const list = await run(outbox.loader, get("/admin/outbox", admin.cookie));
    expect(JSON.stringify(list.body)).toContain(row!.id);
    const shown = await run(outboxMessage.loader, get(`/admin/outbox/${row!.id}`, admin.cookie), { id: row!.id });
    expect(shown.body).toMatchObject({ wiped: false, template: "sign-in-link" });
    expect((shown.body as { text: string }).text).toContain(token);
    expect((await run(outboxMessage.loader, get(`/admin/outbox/${row!.id}`, organiser.cookie), { id: row!.id })).status).toBe(403);
    expect((await run(outbox.loader, get("/admin/outbox", user.cookie))).status).toBe(403);
    expect((await run(outboxMessage.loader, get("/admin/outbox/not-a-uuid", admin.cookie), { id: "not-a-uuid" })).status).toBe(404);

    await database().db.update(mailMessages).set({ createdAt: sql`now() - interval '61 minutes'` }).where(eq(mailMessages.id, row!.id));
    await deliverDueMail({ smtpUrl: undefined, log: () => {} });
    const after = await run(outboxMessage.loader, get(`/admin/outbox/${row!.id}`, admin.cookie), { id: row!.id });
    expect(after.body).toMatchObject({ wiped: true, text: "" });
  });
});

describe("unsubscribe and the nudge preference", () => {
  it("turns nudges off in one click from the link, and back on from the account page", async () => {
    const user = await makeUser("activist");
    const url = await database().db.transaction(async (tx) => {
      const link = await unsubscribeUrl(tx, user.id, "http://doorstep.test");
      await enqueueMail(tx, { to: user.email, userId: user.id, template: "nudge", subject: "A nudge", text: `Hi\n\nStop these emails: ${link}`, html: "<p>Hi</p>" });
      return link;
    });
    const token = tokenIn(url, "/unsubscribe")!;
    const shown = await run(unsubscribePage.loader, get(`/unsubscribe/${token}`), { token });
    expect(shown.body).toEqual({ email: user.email, nudgeEmails: true });
    expect((await run(unsubscribePage.action, post(`/unsubscribe/${token}`, {}), { token })).status).toBe(200);
    // Followed again: still fine, still off.
    expect((await run(unsubscribePage.action, post(`/unsubscribe/${token}`, {}), { token })).status).toBe(200);
    expect((await run(account.loader, get("/account", user.cookie))).body).toMatchObject({ nudgeEmails: false });
    expect((await run(unsubscribePage.loader, get("/unsubscribe/nope-nope-nope"), { token: "nope-nope-nope" })).status).toBe(404);

    expect((await run(account.action, post("/account", { intent: "nudges", nudgeEmails: "on" }, user.cookie))).body).toMatchObject({ on: true });
    expect((await run(account.loader, get("/account", user.cookie))).body).toMatchObject({ nudgeEmails: true });
    expect((await run(account.action, post("/account", { intent: "nudges", nudgeEmails: ["on", "on"] }, user.cookie))).status).toBe(400);
    expect((await run(account.action, post("/account", { intent: "nudges" }, user.cookie))).body).toMatchObject({ on: false });
  });
});
