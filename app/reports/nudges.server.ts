import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { db, rowsOf, type Transaction } from "../../db/client.server";
import { reportReach } from "../auth/policy";
import { enqueueMail } from "../mail/queue.server";
import { unsubscribeUrl } from "../auth/email-links.server";
import { comparisonNote, rateDifference, wilson, type Rate, type RateDifference } from "../stats/intervals";
import { accept, refuse, type Result } from "../lib/result";
import { matrixFilterSchema, parseFilters, type MatrixFilters } from "./filter-schemas.server";
import { ROLE_FILTER_LABEL, STATUS_LABEL, toQuery, type FilterErrors } from "./filters";
import { matrixPeople, matrixSetup, type MatrixContext } from "./matrix.server";
import {
  BODY_MAX,
  MAX_RECIPIENTS,
  PERSON_QUIET_DAYS,
  SUBJECT_MAX,
  escapeHtml,
  fillPlaceholders,
  isTemplateKey,
  unknownPlaceholders,
  type LeftOutReason,
  type NudgePerson,
} from "./nudge-text";
import { groupInScope, rows, type ReportModule, type Viewer } from "./scope.server";

// Nudges from the reports (issue 18): an organiser emails the people a matrix filter shows.
// "The people this filter shows" is matrixPeople, the matrix's own FROM … WHERE, so the
// count on the compose page, the matrix's count and the mail that goes out are one set.
// Throttles and the follow-up comparison are explained in ADR 030.

/** One organiser sends at most this many nudges an hour. */
export const SENDER_HOURLY_LIMIT = 5;
/** The follow-up windows, in days after the nudge. */
export const FOLLOW_UP_DAYS = [7, 14] as const;


// ---------------------------------------------------------------- the filter

export interface NudgeTarget {
  context: MatrixContext;
  /** The filter as it travels in the URL, without sort and page (which change nobody's inclusion). */
  filter: Record<string, string>;
  query: string;
  label: string;
}

export type NudgeTargetResult = { ok: true; target: NudgeTarget } | { ok: false; errors: FilterErrors };

/** The matrix filter in a query string, checked against what this viewer may see. */
export async function nudgeTarget(viewer: Viewer, params: URLSearchParams): Promise<NudgeTargetResult> {
  const parsed = parseFilters(matrixFilterSchema, params);
  if (!parsed.ok) return { ok: false, errors: parsed.errors };
  const filters: MatrixFilters = { ...parsed.value, sort: "name", dir: "asc", page: 1 };
  const setup = await matrixSetup(viewer, filters);
  if (!setup.ok) return { ok: false, errors: setup.errors };
  const filter: Record<string, string> = {};
  for (const key of ["q", "gq", "group", "module", "status", "from", "to", "role"] as const) {
    const value = filters[key];
    if (value !== undefined && value !== "") filter[key] = String(value);
  }
  return {
    ok: true,
    target: { context: setup.context, filter, query: toQuery(filter), label: filterLabel(filters, setup.context.modules, setup.groupFilter?.name ?? null) },
  };
}

/** "Not started · Safe at the door · Riverside · Activists": what the organiser chose, in words. */
export function filterLabel(filters: MatrixFilters, modules: ReportModule[], groupName: string | null): string {
  const parts: string[] = [];
  const moduleTitle = filters.module ? (modules.find((m) => m.slug === filters.module)?.title ?? filters.module) : null;
  if (filters.status) parts.push(STATUS_LABEL[filters.status]);
  parts.push(moduleTitle ?? "all modules");
  if (filters.from || filters.to) parts.push(`completed ${filters.from ?? "…"} to ${filters.to ?? "…"}`);
  parts.push(groupName ?? "all my groups");
  if (filters.gq) parts.push(`groups named “${filters.gq}”`);
  parts.push(ROLE_FILTER_LABEL[filters.role]);
  if (filters.q) parts.push(`“${filters.q}”`);
  return parts.join(" · ");
}

// ---------------------------------------------------------------- the audience

/**
 * SQL: person u's next module: the filter's module while they have not completed it,
 * else the first published module (catalogue order) they have not completed.
 */
function nextModule(filters: MatrixFilters): SQL {
  const firstOpen = sql`(select md.slug from modules md where not md.draft
    and not exists (select 1 from module_completions nc where nc.user_id = u.id and nc.module_slug = md.slug)
    order by md.position, md.title limit 1)`;
  if (!filters.module) return firstOpen;
  return sql`coalesce(case when not exists (select 1 from module_completions fc where fc.user_id = u.id and fc.module_slug = ${filters.module})
    then ${filters.module}::text end, ${firstOpen})`;
}

/**
 * SQL: why person u is left out of a nudge, or null. Opted out first (their own wish),
 * then only in archived groups of this scope (the group has wound up), then the quiet
 * period (someone nudged them in the last few days).
 */
function leftOut({ scope }: MatrixContext): SQL {
  const memberOf = (archived: boolean) => sql`exists (select 1 from memberships am join groups ag on ag.id = am.group_id
    where am.user_id = u.id and ${groupInScope(scope, sql`ag.id`)} ${archived ? sql`` : sql`and ag.archived_at is null`})`;
  return sql`case
    when not u.nudge_emails then 'opted-out'
    when ${memberOf(true)} and not ${memberOf(false)} then 'archived'
    when exists (select 1 from nudge_recipients rn where rn.user_id = u.id and rn.sent_at > now() - make_interval(days => ${PERSON_QUIET_DAYS})) then 'recently-nudged'
    end`;
}

/** Each person the filter shows, with their next module and why they are left out (null: nudged). */
const audienceRows = (context: MatrixContext) =>
  sql`select u.id, u.name, u.email, ${nextModule(context.filters)} as module, ${leftOut(context)} as left_out from ${matrixPeople(context)}`;

export interface NudgeAudience {
  /** Everyone the filter shows (the matrix's count). */
  matched: number;
  /** Who the nudge would go to. */
  recipients: number;
  leftOut: Record<LeftOutReason, number>;
  /** The first recipient by name, for the preview. */
  sample: NudgePerson | null;
}

/** How many a nudge with this filter would reach now, and how many it leaves out and why. */
export async function nudgeAudience(context: MatrixContext): Promise<NudgeAudience> {
  const [counts, sample] = await Promise.all([
    rows<{ matched: number; optedOut: number; archived: number; recent: number }>(sql`
      select count(*)::int as matched,
        count(*) filter (where a.left_out = 'opted-out')::int as "optedOut",
        count(*) filter (where a.left_out = 'archived')::int as archived,
        count(*) filter (where a.left_out = 'recently-nudged')::int as recent
      from (${audienceRows(context)}) a`),
    rows<{ name: string; title: string | null }>(sql`
      select a.name, m.title from (${audienceRows(context)}) a left join modules m on m.slug = a.module
      where a.left_out is null order by a.name, a.id limit 1`),
  ]);
  const c = counts[0] ?? { matched: 0, optedOut: 0, archived: 0, recent: 0 };
  const leftOutCounts = { "opted-out": Number(c.optedOut), archived: Number(c.archived), "recently-nudged": Number(c.recent) };
  const matched = Number(c.matched);
  return {
    matched,
    recipients: matched - leftOutCounts["opted-out"] - leftOutCounts.archived - leftOutCounts["recently-nudged"],
    leftOut: leftOutCounts,
    sample: sample[0] ? { name: sample[0].name, nextModule: sample[0].title } : null,
  };
}

// ---------------------------------------------------------------- the message

const oneLine = (label: string, max: number) =>
  z
    .string({ error: `Write a ${label}.` })
    .trim()
    .min(1, `Write a ${label}.`)
    .max(max, `Keep the ${label} to ${max} characters.`)
    .refine((s) => !/[\r\n]/.test(s), `The ${label} must be one line.`);

export const nudgeMessageSchema = z
  .object({
    template: z.string({ error: "Choose a template." }).refine((t) => t === "custom" || isTemplateKey(t), "Choose one of the templates, or write your own."),
    subject: oneLine("subject", SUBJECT_MAX),
    body: z.string({ error: "Write a message." }).trim().min(1, "Write a message.").max(BODY_MAX, `Keep the message to ${BODY_MAX.toLocaleString("en-GB")} characters.`),
    formKey: z.string({ error: "This form is out of date: reload the page." }).regex(/^[A-Za-z0-9_-]{16,64}$/, "This form is out of date: reload the page."),
  })
  .superRefine((m, ctx) => {
    for (const field of ["subject", "body"] as const) {
      const unknown = unknownPlaceholders(m[field]);
      if (unknown.length) {
        ctx.addIssue({ code: "custom", path: [field], message: `Only {first name} and {next module} are filled in; remove or fix ${unknown.join(", ")}.` });
      }
    }
  });
export type NudgeMessage = z.output<typeof nudgeMessageSchema>;

export interface RenderedNudge {
  subject: string;
  text: string;
  html: string;
}

/** One person's mail: placeholders filled in, the HTML escaped throughout, the links at the end. */
export function renderNudge(message: Pick<NudgeMessage, "subject" | "body">, person: NudgePerson, links: { module: string | null; unsubscribe: string }): RenderedNudge {
  const subject = fillPlaceholders(message.subject, person);
  const body = fillPlaceholders(message.body, person);
  const start = links.module ? `Start here: ${links.module}` : null;
  const footer = `You get this because you train with Doorstep. To stop these emails: ${links.unsubscribe}`;
  const text = [body, start, "--", footer].filter(Boolean).join("\n\n");
  const paragraphs = body.split(/\n\s*\n/).map((p) => `<p>${escapeHtml(p).replace(/\n/g, "<br>")}</p>`);
  if (links.module) paragraphs.push(`<p><a href="${escapeHtml(links.module)}">Start ${escapeHtml(person.nextModule ?? "the module")}</a></p>`);
  paragraphs.push(`<p style="color:#555;font-size:0.9em">You get this because you train with Doorstep. <a href="${escapeHtml(links.unsubscribe)}">Stop these emails</a>.</p>`);
  return { subject, text, html: paragraphs.join("\n") };
}

// ---------------------------------------------------------------- sending

export interface SentNudge {
  nudgeId: string;
  recipients: number;
  /** True when this form had already sent its nudge (a double submit): nothing new went out. */
  repeated: boolean;
}

const execRows = async <T>(tx: Transaction, query: SQL) => rowsOf<T>(await tx.execute(query));

/**
 * Record the nudge, everyone the filter shows (nudged or left out, and why) and queue one
 * mail per recipient, in one transaction: a nudge is either wholly sent or not at all.
 */
export async function sendNudge(
  viewer: Viewer,
  target: NudgeTarget,
  message: NudgeMessage,
  origin: string,
): Promise<Result<SentNudge, 400 | 409 | 429>> {
  return db().transaction(async (tx) => {
    // Nudges are rare and small: one lock serialises them, so two organisers sending at the
    // same moment cannot both pass the quiet period for the same person, and one organiser's
    // two tabs cannot both pass the hourly limit.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('doorstep:nudges'))`);
    const [earlier] = await execRows<{ id: string; n: number }>(
      tx,
      sql`select id, recipient_count as n from nudges where sender_id = ${viewer.id} and form_key = ${message.formKey}`,
    );
    if (earlier) return accept({ nudgeId: earlier.id, recipients: Number(earlier.n), repeated: true });
    const [recent] = await execRows<{ n: number }>(
      tx,
      sql`select count(*)::int as n from nudges where sender_id = ${viewer.id} and sent_at > now() - interval '1 hour'`,
    );
    if (Number(recent?.n ?? 0) >= SENDER_HOURLY_LIMIT) {
      return refuse(429, `You have sent ${SENDER_HOURLY_LIMIT} nudges in the last hour, the most we allow, so that people are not flooded with mail. Try again later.`);
    }
    const [nudge] = await execRows<{ id: string }>(
      tx,
      sql`insert into nudges (sender_id, filter, filter_label, template, subject, body, recipient_count, form_key)
        values (${viewer.id}, ${JSON.stringify(target.filter)}::jsonb, ${target.label}, ${message.template}, ${message.subject}, ${message.body}, 0, ${message.formKey})
        returning id`,
    );
    const nudgeId = nudge!.id;
    await tx.execute(sql`insert into nudge_recipients (nudge_id, user_id, module_slug, sent_at, left_out)
      select ${nudgeId}, a.id, a.module, case when a.left_out is null then now() end, a.left_out from (${audienceRows(target.context)}) a`);
    const recipients = await execRows<{ id: string; name: string; email: string; slug: string | null; title: string | null }>(
      tx,
      sql`select u.id, u.name, u.email, r.module_slug as slug, m.title from nudge_recipients r
        join users u on u.id = r.user_id left join modules m on m.slug = r.module_slug
        where r.nudge_id = ${nudgeId} and r.sent_at is not null`,
    );
    if (recipients.length === 0) {
      // Rolled back with the rest: a nudge to nobody is not recorded.
      throw new NothingToSend();
    }
    if (recipients.length > MAX_RECIPIENTS) throw new TooManyRecipients(recipients.length);
    for (const person of recipients) {
      const mail = renderNudge(message, { name: person.name, nextModule: person.title }, {
        module: person.slug ? new URL(`/modules/${encodeURIComponent(person.slug)}`, origin).toString() : null,
        // One-click, no sign-in needed (/unsubscribe/<token>, ADR 029); written in this transaction.
        unsubscribe: await unsubscribeUrl(tx, person.id, origin),
      });
      await enqueueMail(tx, { to: person.email, userId: person.id, template: "nudge", honoursOptOut: true, ...mail, dedupeKey: `nudge:${nudgeId}:${person.id}` });
    }
    await tx.execute(sql`update nudges set recipient_count = ${recipients.length} where id = ${nudgeId}`);
    return accept({ nudgeId, recipients: recipients.length, repeated: false });
  }).catch((error: unknown): Result<SentNudge, 400 | 409 | 429> => {
    if (error instanceof NothingToSend) return refuse(409, "Nobody this filter shows can be nudged right now (see who is left out, and why). Nothing was sent.");
    if (error instanceof TooManyRecipients) {
      return refuse(400, `This filter reaches ${error.count.toLocaleString("en-GB")} people; a nudge goes to at most ${MAX_RECIPIENTS.toLocaleString("en-GB")}. Narrow it to a group or a module first. Nothing was sent.`);
    }
    throw error;
  });
}

class NothingToSend extends Error {}
class TooManyRecipients extends Error {
  constructor(readonly count: number) {
    super(`too many recipients: ${count}`);
  }
}

// ---------------------------------------------------------------- what followed

export interface FollowUpSide {
  /** People on this side with a module to start (those who had finished everything are not counted). */
  people: number;
  started: Rate;
  completed: Rate;
}

export interface FollowUpWindow {
  days: number;
  /** False while the window is still running: the counts so far. */
  closed: boolean;
  nudged: FollowUpSide;
  notNudged: FollowUpSide;
  startedDifference: RateDifference;
  completedDifference: RateDifference;
}

export interface NudgeReport {
  id: string;
  sentAt: string;
  senderName: string | null;
  filterLabel: string;
  filterQuery: string;
  subject: string;
  recipients: number;
  leftOut: Record<LeftOutReason, number>;
  windows: FollowUpWindow[];
  note: string;
}

interface FollowUpCounts {
  nudgeId: string;
  nudged: boolean;
  people: number;
  leftOut: string | null;
  n: number;
  started7: number;
  completed7: number;
  started14: number;
  completed14: number;
}

const within = (days: number, column: SQL) => sql`${column} >= n.sent_at and ${column} < n.sent_at + make_interval(days => ${days})`;

/**
 * The nudges this viewer sent (an admin: every nudge), newest first, with what followed:
 * of the people nudged and of those the same filter showed but who were not nudged, how
 * many opened a step of their next module (started) and how many completed it within 7
 * and 14 days. Counted by SQL over the recipients' step views and completions.
 */
export async function nudgeReports(viewer: Viewer, limit = 20): Promise<NudgeReport[]> {
  // Admins (reach: everything) see every nudge; an organiser the ones they sent.
  const everything = reportReach(viewer.role) === "everything";
  const list = await rows<{ id: string; sentAt: string; open7: boolean; open14: boolean; senderName: string | null; filterLabel: string; filter: unknown; subject: string; recipients: number }>(sql`
    select n.id, to_char(n.sent_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "sentAt",
      now() < n.sent_at + interval '7 days' as open7, now() < n.sent_at + interval '14 days' as open14,
      s.name as "senderName", n.filter_label as "filterLabel", n.filter, n.subject, n.recipient_count as recipients
    from nudges n left join users s on s.id = n.sender_id
    where ${everything ? sql`true` : sql`n.sender_id = ${viewer.id}`}
    order by n.sent_at desc, n.id limit ${limit}`);
  if (list.length === 0) return [];
  const ids = sql.join(list.map((n) => sql`${n.id}::uuid`), sql`, `);
  const started = (days: number) =>
    // A step of the module's variant counts (a learner drawn into version B works in it, ADR 046).
    sql`(r.module_slug is not null and (exists (select 1 from step_views sv where sv.user_id = r.user_id
        and (sv.module_slug = r.module_slug or sv.module_slug in (select vm.slug from modules vm where vm.variant_of = r.module_slug)) and ${within(days, sql`sv.first_seen_at`)})
      or ${completed(days)}))`;
  const completed = (days: number) =>
    sql`exists (select 1 from module_completions mc where mc.user_id = r.user_id and mc.module_slug = r.module_slug and ${within(days, sql`mc.completed_at`)})`;
  const counts = await rows<FollowUpCounts>(sql`
    select r.nudge_id as "nudgeId", (r.sent_at is not null) as nudged, r.left_out as "leftOut", count(*)::int as n,
      count(*) filter (where r.module_slug is not null)::int as people,
      count(*) filter (where ${started(7)})::int as started7,
      count(*) filter (where r.module_slug is not null and ${completed(7)})::int as completed7,
      count(*) filter (where ${started(14)})::int as started14,
      count(*) filter (where r.module_slug is not null and ${completed(14)})::int as completed14
    from nudge_recipients r join nudges n on n.id = r.nudge_id
    where r.nudge_id in (${ids})
    group by r.nudge_id, (r.sent_at is not null), r.left_out`);
  return list.map((n) => {
    const mine = counts.filter((c) => c.nudgeId === n.id);
    const side = (nudged: boolean) => {
      const rowsOfSide = mine.filter((c) => Boolean(c.nudged) === nudged);
      const sum = (key: keyof Pick<FollowUpCounts, "people" | "started7" | "completed7" | "started14" | "completed14">) =>
        rowsOfSide.reduce((s, c) => s + Number(c[key]), 0);
      return { sum };
    };
    const yes = side(true);
    const no = side(false);
    const windows = FOLLOW_UP_DAYS.map((days): FollowUpWindow => {
      const build = (s: typeof yes): FollowUpSide => ({
        people: s.sum("people"),
        started: wilson(s.sum(days === 7 ? "started7" : "started14"), s.sum("people")),
        completed: wilson(s.sum(days === 7 ? "completed7" : "completed14"), s.sum("people")),
      });
      const nudged = build(yes);
      const notNudged = build(no);
      return {
        days,
        closed: days === 7 ? !n.open7 : !n.open14,
        nudged,
        notNudged,
        startedDifference: rateDifference(nudged.started, notNudged.started),
        completedDifference: rateDifference(nudged.completed, notNudged.completed),
      };
    });
    const leftOutCounts: Record<LeftOutReason, number> = { "opted-out": 0, archived: 0, "recently-nudged": 0 };
    for (const c of mine) if (c.leftOut && c.leftOut in leftOutCounts) leftOutCounts[c.leftOut as LeftOutReason] += Number(c.n);
    const filter = (typeof n.filter === "string" ? JSON.parse(n.filter) : n.filter) as Record<string, string>;
    return {
      id: n.id,
      sentAt: n.sentAt,
      senderName: n.senderName,
      filterLabel: n.filterLabel,
      filterQuery: toQuery(filter),
      subject: n.subject,
      recipients: Number(n.recipients),
      leftOut: leftOutCounts,
      windows,
      note: comparisonNote({
        compares: "people nudged with people the same filter showed who were not nudged (opted out, in archived groups only, or nudged days before)",
        people: [windows[0]!.nudged.people, windows[0]!.notNudged.people],
        randomised: false,
        caveat:
          "The people not nudged were left out for a reason (they turned nudges off, are only in archived groups, or had a nudge days before), so they may differ from those nudged in other ways: this shows a difference, not its cause.",
      }),
    };
  });
}
