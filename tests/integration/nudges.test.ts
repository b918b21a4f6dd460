import { checkUnsubscribe } from "~/auth/email-links.server";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import * as matrixRoute from "~/routes/reports.activists._index";
import * as listRoute from "~/routes/reports.nudges._index";
import * as composeRoute from "~/routes/reports.nudges.new";
import { deliverDueMail } from "~/mail/sender.server";
import { rowsOf, db } from "../../db/client.server";
import { withFixtureCatalog } from "../setup/content";
import { withTestDatabase } from "../setup/database";
import { get, makeGroup, makeUser, post, run, type TestUser } from "../setup/fixtures";

// Nudges from the matrix (issue 18 part 3), through the routes on a real database.
//
//   person        groups            doorstep-basics   nudge emails
//   Ann Able      Riverside         not started       on
//   Ben Bold      Riverside         not started       off  → left out: opted out
//   Cal Cook      Riverside         started           on   (not in "not started")
//   <Dee> Dunn    Riverside         not started       on   (a name that must be escaped in HTML)
//   Ola Old       Old (archived)    not started       on   → left out: archived
//   Hal Hill      Hill              not started       on   (another organiser's group)
//
// Olu organises Riverside and Old; Hana organises Hill.

withTestDatabase();
withFixtureCatalog();

const FILTER = "?module=doorstep-basics&status=not-started";
let riverside = "";
let hill = "";
let olu: TestUser;
let hana: TestUser;
const people = {} as Record<"ann" | "ben" | "cal" | "dee" | "ola" | "hal", TestUser>;

const query = async <T>(q: ReturnType<typeof sql>) => rowsOf<T>(await db().execute(q));
const count = async (q: ReturnType<typeof sql>) => Number((await query<{ n: number }>(q))[0]!.n);

beforeAll(async () => {
  riverside = (await makeGroup()).id;
  hill = (await makeGroup()).id;
  const old = (await makeGroup()).id;
  olu = await makeUser("organiser", { groupIds: [riverside, old], name: "Olu Organiser" });
  hana = await makeUser("organiser", { groupIds: [hill], name: "Hana Organiser" });
  people.ann = await makeUser("activist", { groupIds: [riverside], name: "Ann Able" });
  people.ben = await makeUser("activist", { groupIds: [riverside], name: "Ben Bold" });
  people.cal = await makeUser("activist", { groupIds: [riverside], name: "Cal Cook" });
  people.dee = await makeUser("activist", { groupIds: [riverside], name: "<Dee> Dunn" });
  people.ola = await makeUser("activist", { groupIds: [old], name: "Ola Old" });
  people.hal = await makeUser("activist", { groupIds: [hill], name: "Hal Hill" });
  await db().execute(sql`update users set nudge_emails = false where id = ${people.ben.id}`);
  await db().execute(sql`update groups set archived_at = now() where id = ${old}`);
  await db().execute(sql`insert into step_views (user_id, module_slug, step_id) values (${people.cal.id}, 'doorstep-basics', 'intro')`);
});

type Page = { ok: true; audience: { matched: number; recipients: number; leftOut: Record<string, number>; sample: { name: string } | null }; formKey: string };

async function composePage(user: TestUser, filter = FILTER) {
  return run(composeRoute.loader, get(`/reports/nudges/new${filter}`, user.cookie));
}

function send(user: TestUser, formKey: string, filter = FILTER, fields: Record<string, string> = {}) {
  return run(
    composeRoute.action,
    post(
      `/reports/nudges/new${filter}`,
      { intent: "send", template: "next-module", subject: "Your next module: {next module}", body: "Hi {first name},\n\nTry {next module} <script>x</script>.", formKey, ...fields },
      user.cookie,
    ),
  );
}

const KEY_1 = "first-nudge-form-key-0001";

describe("nudges from the matrix", () => {
  it("counts the same people as the matrix for the same filter, and says who is left out and why", async () => {
    const matrix = await run(matrixRoute.loader, get(`/reports/activists${FILTER}`, olu.cookie));
    const matrixPage = (matrix.body as { page: { total: number; rows: { id: string }[] } }).page;
    expect(new Set(matrixPage.rows.map((r) => r.id))).toEqual(new Set([people.ann.id, people.ben.id, people.dee.id, people.ola.id]));
    const page = await composePage(olu);
    expect(page.status).toBe(200);
    const { audience } = page.body as Page;
    expect(audience.matched).toBe(matrixPage.total);
    expect(audience.recipients).toBe(2);
    expect(audience.leftOut).toEqual({ "opted-out": 1, archived: 1, "recently-nudged": 0 });
    // The preview is for the first recipient by name: "<Dee> Dunn" sorts before "Ann Able".
    expect(audience.sample?.name).toBe("<Dee> Dunn");
  });

  it("refuses a message with an unknown placeholder beside its field, and writes nothing", async () => {
    const res = await send(olu, "some-other-form-key-0001", FILTER, { body: "Hi {firstname}" });
    expect(res.status).toBe(400);
    expect((res.body as { errors: Record<string, string> }).errors.body).toMatch(/\{firstname\}/);
    expect(await count(sql`select count(*)::int as n from nudges`)).toBe(0);
  });

  it("sends to the filter's people minus opt-outs and archived, queues one escaped mail each, and a double submit sends once", async () => {
    const first = await send(olu, KEY_1);
    expect(first.status).toBe(302);
    expect(first.location).toMatch(/^\/reports\/nudges\?sent=[0-9a-f-]{36}$/);
    const again = await send(olu, KEY_1);
    expect(again.status).toBe(302);
    expect(again.location).toMatch(/&repeated=1$/);
    expect(await count(sql`select count(*)::int as n from nudges`)).toBe(1);

    const mails = await query<{ userId: string; subject: string; text: string; html: string; dedupe: string }>(
      sql`select user_id as "userId", subject, text_body as text, html_body as html, dedupe_key as dedupe from mail_messages where template = 'nudge' order by to_address`,
    );
    expect(new Set(mails.map((m) => m.userId))).toEqual(new Set([people.ann.id, people.dee.id]));
    const ann = mails.find((m) => m.userId === people.ann.id)!;
    expect(ann.subject).toBe("Your next module: Doorstep basics (test fixture)");
    expect(ann.text).toContain("Hi Ann,");
    expect(ann.text).toContain("/modules/doorstep-basics");
    // A one-click link that works without signing in, and is Ann's own.
    const unsubscribe = /To stop these emails: http:\/\/doorstep\.test\/unsubscribe\/([A-Za-z0-9_-]{20,})/.exec(ann.text);
    expect(unsubscribe).not.toBeNull();
    const owner = await checkUnsubscribe(unsubscribe![1]!);
    expect(owner.ok && owner.value.email).toBe(people.ann.email);
    const dee = mails.find((m) => m.userId === people.dee.id)!;
    expect(dee.text).toContain("Hi <Dee>,");
    expect(dee.html).toContain("Hi &#60;Dee&#62;,");
    expect(dee.html).not.toMatch(/<Dee>|<script>/);
    expect(dee.html).toContain("&#60;script&#62;");

    const recorded = await query<{ userId: string; sent: boolean; leftOut: string | null; module: string }>(
      sql`select user_id as "userId", sent_at is not null as sent, left_out as "leftOut", module_slug as module from nudge_recipients`,
    );
    expect(recorded.map((r) => [r.userId, Boolean(r.sent), r.leftOut, r.module]).sort()).toEqual(
      [
        [people.ann.id, true, null, "doorstep-basics"],
        [people.dee.id, true, null, "doorstep-basics"],
        [people.ben.id, false, "opted-out", "doorstep-basics"],
        [people.ola.id, false, "archived", "doorstep-basics"],
      ].sort(),
    );
    expect(await count(sql`select recipient_count as n from nudges`)).toBe(2);
  });

  it("does not nudge a person twice within 3 days: a second nudge to the same people sends nothing", async () => {
    const page = (await composePage(olu)).body as Page;
    expect(page.audience.recipients).toBe(0);
    expect(page.audience.leftOut["recently-nudged"]).toBe(2);
    const res = await send(olu, "second-nudge-form-key-001");
    expect(res.status).toBe(409);
    expect(await count(sql`select count(*)::int as n from nudges`)).toBe(1);
    expect(await count(sql`select count(*)::int as n from mail_messages`)).toBe(2);
  });

  it("lets an organiser send at most 5 nudges an hour", async () => {
    // Four more real nudges, one person each (the quiet period keeps each to its own person).
    await db().execute(sql`update nudge_recipients set sent_at = now() - interval '4 days' where sent_at is not null`);
    for (const [i, who] of (["cal", "ann", "dee"] as const).entries()) {
      const res = await send(olu, `hourly-limit-form-key-${i}00`, `?q=${encodeURIComponent(people[who]!.name)}&role=activist`);
      expect(res.status, who).toBe(302);
    }
    // The fifth: Cal again, once his quiet period is over.
    await db().execute(sql`update nudge_recipients set sent_at = now() - interval '4 days' where sent_at is not null`);
    expect((await send(olu, "hourly-limit-form-key-300", `?q=Cal`)).status).toBe(302);
    expect(await count(sql`select count(*)::int as n from nudges where sender_id = ${olu.id}`)).toBe(5);
    await db().execute(sql`update nudge_recipients set sent_at = now() - interval '4 days' where sent_at is not null`);
    const mailsBefore = await count(sql`select count(*)::int as n from mail_messages`);
    const sixth = await send(olu, "hourly-limit-form-key-400", `?q=Ann`);
    expect(sixth.status).toBe(429);
    expect(await count(sql`select count(*)::int as n from nudges where sender_id = ${olu.id}`)).toBe(5);
    expect(await count(sql`select count(*)::int as n from mail_messages`)).toBe(mailsBefore);
    // Another organiser has their own hour.
    expect((await send(hana, "hana-form-key-0000000001", FILTER)).status).toBe(302);
  });

  it("refuses a crafted filter naming another organiser's group, with nothing sent", async () => {
    const mailsBefore = await count(sql`select count(*)::int as n from mail_messages`);
    const page = await composePage(olu, `?group=${hill}`);
    expect(page.status).toBe(400);
    const res = await send(olu, "crafted-filter-form-key-1", `?group=${hill}`);
    expect(res.status).toBe(400);
    expect((res.body as { errors: Record<string, string> }).errors.form).toMatch(/no group with that id/);
    expect(await count(sql`select count(*)::int as n from mail_messages`)).toBe(mailsBefore);
    // And "all my groups" never reaches Hal in Hill.
    expect(await count(sql`select count(*)::int as n from nudge_recipients r join nudges n on n.id = r.nudge_id where n.sender_id = ${olu.id} and r.user_id = ${people.hal.id}`)).toBe(0);
  });

  it("shows what followed each nudge against the same filter's people who were not nudged", async () => {
    const [nudge] = await query<{ id: string }>(sql`select id from nudges where form_key = ${KEY_1}`);
    await db().execute(sql`update nudges set sent_at = now() - interval '20 days' where id = ${nudge!.id}`);
    const at = (days: number) => sql`(select sent_at from nudges where id = ${nudge!.id}) + make_interval(days => ${days})`;
    const [module] = await query<{ hash: string }>(sql`select content_hash as hash from modules where slug = 'doorstep-basics'`);
    // Nudged: Ann opens a step on day 2 and completes on day 10; Dee does nothing.
    // Not nudged (same filter): Ben opens a step on day 3; Ola does nothing. And a view from
    // before the nudge must not count: Ola's on day −1.
    await db().execute(sql`insert into step_views (user_id, module_slug, step_id, first_seen_at) values
      (${people.ann.id}, 'doorstep-basics', 'intro', ${at(2)}),
      (${people.ben.id}, 'doorstep-basics', 'intro', ${at(3)}),
      (${people.ola.id}, 'doorstep-basics', 'intro', ${at(-1)})`);
    await db().execute(sql`insert into module_completions (user_id, module_slug, content_hash, how, completed_at)
      values (${people.ann.id}, 'doorstep-basics', ${module!.hash}, 'self', ${at(10)})`);

    const list = await run(listRoute.loader, get(`/reports/nudges?sent=${nudge!.id}`, olu.cookie));
    expect(list.status).toBe(200);
    type Side = { people: number; started: { successes: number; trials: number; low: number; high: number }; completed: { successes: number } };
    const body = list.body as { nudges: { id: string; windows: { days: number; closed: boolean; nudged: Side; notNudged: Side; startedDifference: { difference: number } }[]; note: string }[]; sent: unknown };
    expect(body.sent).toEqual({ recipients: 2, repeated: false });
    const report = body.nudges.find((n) => n.id === nudge!.id)!;
    const [week, fortnight] = report.windows;
    expect(week!.days).toBe(7);
    expect(week!.closed).toBe(true);
    expect([week!.nudged.people, week!.nudged.started.successes, week!.nudged.completed.successes]).toEqual([2, 1, 0]);
    expect([week!.notNudged.people, week!.notNudged.started.successes, week!.notNudged.completed.successes]).toEqual([2, 1, 0]);
    expect([fortnight!.nudged.started.successes, fortnight!.nudged.completed.successes]).toEqual([1, 1]);
    expect([fortnight!.notNudged.started.successes, fortnight!.notNudged.completed.successes]).toEqual([1, 0]);
    // Wilson 95% interval for 1 of 2, worked by hand: (0.5 + z²/4 ± z·√(0.125 + z²/16)) / (1 + z²/2).
    const z = 1.959963984540054;
    const centre = (0.5 + (z * z) / 4) / (1 + (z * z) / 2);
    const half = (z * Math.sqrt(0.125 + (z * z) / 16)) / (1 + (z * z) / 2);
    expect(week!.nudged.started.low).toBeCloseTo(centre - half, 6);
    expect(week!.nudged.started.high).toBeCloseTo(centre + half, 6);
    expect(centre - half).toBeCloseTo(0.0945, 3);
    expect(week!.startedDifference.difference).toBe(0);
    expect(report.note).toMatch(/2 people against 2\. Not randomised\./);
    expect(report.note).toMatch(/left out for a reason/);
    expect(report.note).toMatch(/not its cause/);

    // Hana sees her own nudge only; Olu's is not hers to see.
    const hanas = (await run(listRoute.loader, get("/reports/nudges", hana.cookie))).body as { nudges: { id: string }[] };
    expect(hanas.nudges.map((n) => n.id)).not.toContain(nudge!.id);
    expect(hanas.nudges).toHaveLength(1);
  });

  it("counts a person who opted out before their nudge was sent as left out, not as nudged", async () => {
    const group = (await makeGroup()).id;
    const sender = await makeUser("organiser", { groupIds: [group] });
    const [keen, changed] = await Promise.all(["Kay Keen", "Chas Changed"].map((name) => makeUser("activist", { groupIds: [group], name })));
    const filter = `${FILTER}&group=${group}`;
    const page = await composePage(sender, filter);
    expect(await send(sender, (page.body as Page).formKey, filter, { formKey: "opt-out-before-sending-0001" })).toMatchObject({ status: 302 });
    const [nudge] = await query<{ id: string; n: number }>(sql`select id, recipient_count as n from nudges where form_key = 'opt-out-before-sending-0001'`);
    expect(Number(nudge!.n)).toBe(2);
    // Chas turns nudges off while his is still queued; the sender skips it.
    await db().execute(sql`update users set nudge_emails = false where id = ${changed!.id}`);
    await deliverDueMail({ smtpUrl: undefined, log: () => {} });
    const statuses = await query<{ user_id: string; status: string }>(sql`select user_id, status from mail_messages where dedupe_key like ${`nudge:${nudge!.id}:%`}`);
    expect(Object.fromEntries(statuses.map((r) => [r.user_id, r.status]))).toEqual({ [keen!.id]: "sent", [changed!.id]: "skipped" });

    const list = (await run(listRoute.loader, get("/reports/nudges", sender.cookie))).body as {
      nudges: { id: string; recipients: number; leftOut: Record<string, number>; windows: { nudged: { people: number }; notNudged: { people: number } }[] }[];
    };
    const report = list.nudges.find((n) => n.id === nudge!.id)!;
    expect(report.recipients).toBe(1);
    expect(report.leftOut["opted-out"]).toBe(1);
    expect([report.windows[0]!.nudged.people, report.windows[0]!.notNudged.people]).toEqual([1, 1]);
  });

  it("refuses activists and trainers", async () => {
    for (const role of ["activist", "trainer"] as const) {
      const someone = await makeUser(role, { groupIds: [riverside] });
      expect((await composePage(someone)).status).toBe(403);
      expect((await send(someone, "refused-form-key-0000001")).status).toBe(403);
    }
  });
});
