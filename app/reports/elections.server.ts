import { createHash } from "node:crypto";
import { parse } from "csv-parse/sync";
import { eq, sql } from "drizzle-orm";
import { db } from "../../db/client.server";
import { electionResults, groups } from "../../db/schema";
import { may } from "../auth/policy";
import { hasControlCharacter } from "../lib/request.server";
import { accept, refuse, type Result } from "../lib/result";
import { comparisonNote, meanDifference, meanInterval, type MeanEstimate } from "../stats/intervals";
import { ELECTION_LABEL_MAX, SEATS_MAX } from "./elections";
import { coreModuleCount, coreModules, groupInScope, rows, scopeOf, type ReportScope, type Viewer } from "./scope.server";

// Election results per seat and the swing against the region (issue 17 part 5, ADR 032,
// docs/reports.md "Election results"). The results are public figures and shared by the
// whole movement; the training coverage beside them is the viewer's own groups' only.
// Every interval comes from app/stats/intervals.ts.

export const ELECTION_TABLES = ["election-results"] as const;
const NAME_MAX = 120;
/** Problems shown at once; every one is counted. */
const PROBLEMS_KEPT = 50;

const HEADER = ["seat", "region", "previous", "new", "electorate"] as const;
type Column = (typeof HEADER)[number];
const REQUIRED: Column[] = ["seat", "region", "previous", "new"];

/** Seat and group names compared with case, accents' composition and runs of spaces ignored. */
export const seatKey = (name: string) => name.normalize("NFC").trim().replace(/\s+/g, " ").toLocaleLowerCase("en-GB");
const tidy = (name: string) => name.normalize("NFC").trim().replace(/\s+/g, " ");

export interface ParsedSeat {
  line: number;
  seat: string;
  region: string;
  previous: number;
  next: number;
  electorate: number | null;
}

export interface LineError {
  line: number;
  message: string;
}

export type ParseResult = { ok: true; seats: ParsedSeat[] } | { ok: false; errors: LineError[]; total: number };

function share(value: string): number | undefined {
  const m = /^(\d{1,3}(?:\.\d+)?)\s*%?$/.exec(value.trim());
  if (!m) return undefined;
  const x = Number(m[1]);
  return x <= 100 ? x : undefined;
}

function electorateOf(value: string): number | undefined {
  const v = value.trim();
  if (!/^\d{1,3}(,\d{3})*$|^\d+$/.test(v)) return undefined;
  const x = Number(v.replace(/,/g, ""));
  return x > 0 && x <= 10_000_000 ? x : undefined;
}

/**
 * The CSV checked line by line: every problem is named by its line, and any problem means
 * nothing is stored (the caller writes only an `ok` result).
 */
export function parseResults(text: string): ParseResult {
  const errors: LineError[] = [];
  const fail = (line: number, message: string) => errors.push({ line, message });
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true, info: true, max_record_size: 4096 }) as unknown as typeof records;
  } catch (error) {
    const line = Number((error as { lines?: number }).lines ?? 1);
    return { ok: false, errors: [{ line, message: "This line is not valid CSV (check its quotes)." }], total: 1 };
  }
  if (records.length === 0) return { ok: false, errors: [{ line: 1, message: "The results are empty: paste or upload a CSV with a header line and one seat a line." }], total: 1 };
  const [head, ...body] = records;
  const names = head!.record.map((h) => h.toLowerCase());
  const at = new Map<Column, number>();
  names.forEach((name, i) => {
    if ((HEADER as readonly string[]).includes(name) && !at.has(name as Column)) at.set(name as Column, i);
  });
  const missing = REQUIRED.filter((c) => !at.has(c));
  if (missing.length > 0) {
    return { ok: false, errors: [{ line: head!.info.lines, message: `The header line needs the columns seat, region, previous and new (electorate is optional); missing: ${missing.join(", ")}.` }], total: 1 };
  }
  if (body.length === 0) return { ok: false, errors: [{ line: head!.info.lines, message: "There is a header but no seats below it." }], total: 1 };
  if (body.length > SEATS_MAX) return { ok: false, errors: [{ line: body[SEATS_MAX]!.info.lines, message: `At most ${SEATS_MAX.toLocaleString("en-GB")} seats per election.` }], total: 1 };

  const seats: ParsedSeat[] = [];
  const seen = new Map<string, number>();
  for (const { record, info } of body) {
    const line = info.lines;
    const cell = (c: Column) => {
      const i = at.get(c);
      return i === undefined ? "" : (record[i] ?? "");
    };
    const before = errors.length;
    const seat = tidy(cell("seat"));
    const region = tidy(cell("region"));
    if (!seat) fail(line, "The seat is empty.");
    else if (seat.length > NAME_MAX) fail(line, `The seat name is longer than ${NAME_MAX} characters.`);
    if (!region) fail(line, "The region is empty.");
    else if (region.length > NAME_MAX) fail(line, `The region name is longer than ${NAME_MAX} characters.`);
    const previous = share(cell("previous"));
    const next = share(cell("new"));
    if (previous === undefined) fail(line, `“previous” must be a share in percent from 0 to 100 (for example 31.4), not “${cell("previous").slice(0, 20)}”.`);
    if (next === undefined) fail(line, `“new” must be a share in percent from 0 to 100 (for example 28.9), not “${cell("new").slice(0, 20)}”.`);
    let electorate: number | null = null;
    if (cell("electorate") !== "") {
      const e = electorateOf(cell("electorate"));
      if (e === undefined) fail(line, "“electorate” must be a whole number of electors above 0 (or left empty).");
      else electorate = e;
    }
    if (seat) {
      const first = seen.get(seatKey(seat));
      if (first !== undefined) fail(line, `The seat “${seat}” is already on line ${first}.`);
      else seen.set(seatKey(seat), line);
    }
    if (errors.length === before) seats.push({ line, seat, region, previous: previous!, next: next!, electorate });
  }
  if (errors.length > 0) return { ok: false, errors: errors.slice(0, PROBLEMS_KEPT), total: errors.length };
  return { ok: true, seats };
}

export interface ImportValues {
  election: string;
  results: string;
}
/**
 * What importing an existing election's name again would do to its seats (by seat name, case
 * and spacing ignored): kept as they are, changed, dropped (not in the new file), added.
 * `token` names the results it was worked out from, so a confirmation applies to them only.
 */
export interface ReplacePlan {
  election: string;
  kept: number;
  changed: string[];
  dropped: string[];
  added: string[];
  token: string;
}
export type ImportOutcome =
  | { ok: true; election: string; seats: number; replaced: number; matched: number; unmatched: string[] }
  | { ok: false; status: 400 | 403 | 409; errors: Partial<Record<"election" | "results" | "form", string>>; lines: LineError[]; total: number; values: ImportValues }
  /** Not stored yet: the replacement, shown for the organiser to confirm (the CSV comes back in `values.results`). */
  | { ok: false; status: 200; confirm: ReplacePlan; errors: Record<string, never>; lines: LineError[]; total: number; values: ImportValues };

/** Stored rows of one election, as the replacement plan compares them. */
type StoredSeat = { seat: string; groupId: string | null; region: string; electorate: number | null; previousShare: number; newShare: number };

/** The plan of replacing `stored` by `seats`, and the seats it would drop or change in groups outside `scope`. */
function planOf(election: string, stored: StoredSeat[], seats: Omit<ParsedSeat, "line">[], scope: ReportScope): { plan: ReplacePlan; outside: string[] } {
  const incoming = new Map(seats.map((s) => [seatKey(s.seat), s]));
  const plan: ReplacePlan = { election, kept: 0, changed: [], dropped: [], added: [], token: "" };
  const outside: string[] = [];
  const mine = (groupId: string | null) => groupId === null || scope.all || scope.groupIds.includes(groupId);
  for (const old of stored) {
    const next = incoming.get(seatKey(old.seat));
    incoming.delete(seatKey(old.seat));
    const same = next && next.seat === old.seat && next.region === old.region && next.electorate === old.electorate && next.previous === Number(old.previousShare) && next.next === Number(old.newShare);
    if (same) plan.kept += 1;
    else (next ? plan.changed : plan.dropped).push(old.seat);
    if (!same && !mine(old.groupId)) outside.push(old.seat);
  }
  plan.added = [...incoming.values()].map((s) => s.seat);
  // The token: the stored rows as they are now, so a confirmation given for them does not
  // apply to results someone else has imported since.
  const canonical = stored.map((r) => [r.seat, r.groupId, r.region, r.electorate, Number(r.previousShare), Number(r.newShare)]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  plan.token = createHash("sha256").update(JSON.stringify(canonical)).digest("base64url").slice(0, 22);
  return { plan, outside };
}

const listed = (seats: string[]) => (seats.length > 5 ? `${seats.slice(0, 5).map((s) => `“${s}”`).join(", ")} and ${seats.length - 5} more` : seats.map((s) => `“${s}”`).join(", "));

/** The CSV from the form: a pasted text, or an uploaded file when one was chosen. */
async function resultsText(form: FormData): Promise<{ text: string } | { error: string }> {
  const file = form.get("file");
  if (file instanceof File && file.size > 0) {
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(await file.arrayBuffer());
    } catch {
      return { error: "The file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again." };
    }
    if (hasControlCharacter(text, "text")) return { error: "The file holds control characters (such as a NUL byte), so it is not a CSV of results." };
    return { text };
  }
  const pasted = form.get("results");
  return { text: typeof pasted === "string" ? pasted : "" };
}

/**
 * Imports one election's results: checked whole first, then the election's old rows
 * replaced by the new in one transaction. Seats are linked to the target-seat group of the
 * same name; the ones that match none are listed back.
 */
export async function importElectionResults(viewer: Viewer, form: FormData): Promise<ImportOutcome> {
  const election = typeof form.get("election") === "string" ? tidy(String(form.get("election"))) : "";
  const pasted = typeof form.get("results") === "string" ? String(form.get("results")) : "";
  const values: ImportValues = { election: election.slice(0, ELECTION_LABEL_MAX), results: pasted.slice(0, 200_000) };
  const refused = (errors: Partial<Record<"election" | "results" | "form", string>>, lines: LineError[] = [], total = 0) =>
    ({ ok: false as const, status: 400 as const, errors, lines, total, values });
  if (!may.runEvaluations(viewer.role)) return { ok: false, status: 403, errors: { form: "Election results are imported by organisers and admins." }, lines: [], total: 0, values };
  if (!election) return refused({ election: "Name the election, for example “General election 2026”." });
  if (election.length > ELECTION_LABEL_MAX) return refused({ election: `The election’s name must be ${ELECTION_LABEL_MAX} characters or fewer.` });
  const source = await resultsText(form);
  if ("error" in source) return refused({ results: source.error });
  if (!source.text.trim()) return refused({ results: "Paste the results or choose a CSV file." });
  const parsed = parseResults(source.text);
  if (!parsed.ok) {
    const s = parsed.total === 1 ? "" : "s";
    return refused({ results: `${parsed.total} problem${s} in the results, listed below by line. Nothing was stored.` }, parsed.errors, parsed.total);
  }

  // Importing an existing name again replaces that election for the whole movement: never
  // silently (the plan is shown and confirmed), and an organiser never past their groups.
  const scope = await scopeOf(viewer);
  const confirmed = typeof form.get("confirm") === "string" ? String(form.get("confirm")) : "";
  let answer: ImportOutcome | undefined;
  const stored = await storeElection(election, parsed.seats, (rows) => {
    if (rows.length === 0) return true;
    const { plan, outside } = planOf(election, rows, parsed.seats, scope);
    if (outside.length > 0) {
      answer = {
        ok: false,
        status: 403,
        errors: {
          form: `“${election}” is shared by the movement, and this file would change or drop ${outside.length === 1 ? "a seat" : `${outside.length} seats`} in groups that are not yours: ${listed(outside)}. Import a file that keeps ${outside.length === 1 ? "it" : "them"} as ${outside.length === 1 ? "it is" : "they are"} (or a new election name), or ask an admin. Nothing was stored.`,
        },
        lines: [],
        total: 0,
        values,
      };
      return false;
    }
    if (confirmed === plan.token) return true;
    answer = { ok: false, status: 200, confirm: plan, errors: {}, lines: [], total: 0, values: { election, results: source.text } };
    return false;
  });
  if (!stored) return answer!;
  return { ok: true, election, seats: parsed.seats.length, ...stored };
}

/**
 * Replaces an election's rows by `seats` in one transaction, each linked to the
 * target-seat group of the same name. The caller has checked the seats (parseResults).
 * `mayReplace` sees the stored rows (under the election's lock, so they cannot change
 * before the write) and may stop the write: then nothing is stored and the result is null.
 */
export async function storeElection(
  election: string,
  seats: Omit<ParsedSeat, "line">[],
  mayReplace: (stored: StoredSeat[]) => boolean = () => true,
): Promise<{ replaced: number; matched: number; unmatched: string[] } | null> {
  const targets = await db().select({ id: groups.id, name: groups.name }).from(groups).where(eq(groups.isTargetSeat, true));
  const byKey = new Map(targets.map((g) => [seatKey(g.name), g.id]));
  const linked = seats.map((s) => ({ ...s, groupId: byKey.get(seatKey(s.seat)) ?? null }));
  const replaced = await db().transaction(async (tx) => {
    // Two imports of the same election at once queue here instead of colliding on the
    // unique (election, seat) key halfway through.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`election_results:${election}`}))`);
    const stored = await tx
      .select({
        seat: electionResults.seat,
        groupId: electionResults.groupId,
        region: electionResults.region,
        electorate: electionResults.electorate,
        previousShare: electionResults.previousShare,
        newShare: electionResults.newShare,
      })
      .from(electionResults)
      .where(eq(electionResults.election, election));
    if (!mayReplace(stored)) return null;
    const gone = await tx.delete(electionResults).where(eq(electionResults.election, election)).returning({ id: electionResults.id });
    await tx.insert(electionResults).values(
      linked.map((s) => ({ election, seat: s.seat, groupId: s.groupId, region: s.region, electorate: s.electorate, previousShare: s.previous, newShare: s.next })),
    );
    return gone.length;
  });
  if (replaced === null) return null;
  return { replaced, matched: linked.filter((s) => s.groupId).length, unmatched: linked.filter((s) => !s.groupId).map((s) => s.seat) };
}

// ---------------------------------------------------------------- the report

export interface ElectionSummary {
  election: string;
  seats: number;
  importedAt: string;
}

export async function listElections(): Promise<ElectionSummary[]> {
  const found = await rows<{ election: string; seats: number; importedAt: string }>(sql`
    select election, count(*)::int as seats, to_char(max(imported_at) at time zone 'UTC', 'YYYY-MM-DD') as "importedAt"
    from election_results group by election order by max(imported_at) desc, election`);
  return found.map((e) => ({ ...e, seats: Number(e.seats) }));
}

export type RegionBasis = "electorate-weighted" | "mean of seats";

export interface SeatRow {
  seat: string;
  region: string;
  electorate: number | null;
  previous: number;
  next: number;
  /** new − previous, percentage points */
  swing: number;
  regionSwing: number;
  regionBasis: RegionBasis;
  regionSeats: number;
  /** swing − regionSwing */
  difference: number;
  /** The linked target-seat group's name, whoever views; null when no target seat matched. */
  groupName: string | null;
  /** Trained activists in the seat's group; null when that group is not one of the viewer's. */
  trained: number | null;
  /** Per 1,000 electors, when the electorate is known and the count is visible. */
  trainedPerThousand: number | null;
}

export interface SwingComparison {
  label: string;
  withTrained: MeanEstimate;
  withoutTrained: MeanEstimate;
  difference: MeanEstimate & { difference: number | null };
  note: string;
}

export interface ElectionReport {
  election: string;
  seats: SeatRow[];
  /** Seats linked to groups outside the viewer's reach: left out of the comparison. */
  hiddenSeats: number;
  comparisons: SwingComparison[];
}

const num = (v: unknown) => Number(v ?? 0);

export async function electionReport(viewer: Viewer, election: string): Promise<Result<ElectionReport, 404>> {
  const scope = await scopeOf(viewer);
  const found = await rows<Record<string, unknown>>(sql`
    with r as (select * from ${electionResults} where election = ${election}),
    regions as (
      select region, count(*)::int as seats, avg(new_share - previous_share)::float8 as mean_swing,
             bool_and(electorate is not null) as weighted,
             (sum((new_share - previous_share) * electorate) / nullif(sum(electorate), 0))::float8 as weighted_swing
      from r group by region
    ),
    -- Members of the linked groups in scope only: the completions read are theirs, not
    -- the whole movement's.
    coverage as (
      select m.group_id, count(*)::int as trained
      from memberships m join users u on u.id = m.user_id and u.role = 'activist'
      where m.group_id in (select group_id from r where group_id is not null) and ${groupInScope(scope, sql`m.group_id`)}
        and ${coreModuleCount} > 0
        and (select count(*) from module_completions c where c.user_id = m.user_id and c.module_slug in ${coreModules}) = ${coreModuleCount}
      group by m.group_id
    )
    select r.seat, r.region, r.electorate, r.previous_share::float8 as previous, r.new_share::float8 as next, g.name as "groupName",
           (r.group_id is not null and ${groupInScope(scope, sql`r.group_id`)}) as visible,
           coalesce(cv.trained, 0)::int as trained,
           rg.seats as "regionSeats", rg.weighted, rg.mean_swing as "meanSwing", rg.weighted_swing as "weightedSwing"
    from r join regions rg on rg.region = r.region
    left join groups g on g.id = r.group_id
    left join coverage cv on cv.group_id = r.group_id
    order by r.region, r.seat`);
  if (found.length === 0) return refuse(404, "No results are imported for that election.");

  let hiddenSeats = 0;
  const seats = found.map((r): SeatRow => {
    const previous = num(r.previous);
    const next = num(r.next);
    const swing = next - previous;
    const weighted = Boolean(r.weighted) && r.weightedSwing !== null;
    const regionSwing = weighted ? num(r.weightedSwing) : num(r.meanSwing);
    const electorate = r.electorate === null || r.electorate === undefined ? null : num(r.electorate);
    const groupName = (r.groupName as string | null) ?? null;
    // An unlinked seat has no target-seat group, so no organised activists of ours: zero is
    // known. A linked seat's count is the viewer's only if the group is one of theirs.
    const trained = groupName === null ? 0 : r.visible ? num(r.trained) : null;
    if (trained === null) hiddenSeats += 1;
    return {
      seat: String(r.seat),
      region: String(r.region),
      electorate,
      previous,
      next,
      swing,
      regionSwing,
      regionBasis: weighted ? "electorate-weighted" : "mean of seats",
      regionSeats: num(r.regionSeats),
      difference: swing - regionSwing,
      groupName,
      trained,
      trainedPerThousand: trained !== null && electorate ? (trained * 1000) / electorate : null,
    };
  });

  const known = seats.filter((s) => s.trained !== null);
  const withTrained = known.filter((s) => s.trained! > 0);
  const without = known.filter((s) => s.trained === 0);
  const targetsWithout = without.filter((s) => s.groupName !== null).length;
  // Built from the data so the reader sees how unlike the two sides were chosen to be.
  const chosen =
    withTrained.length === 0
      ? "no seat you can see has a trained activist yet, so one side is empty"
      : `the ${withTrained.length} with trained activists ${withTrained.length === 1 ? "is a target seat" : "are all target seats"} the movement chose`;
  const caveat =
    `Seats where organisers worked were not chosen at random: ${chosen}, ` +
    (without.length === 0 ? "and no seat you can see is without one; " : `while ${without.length - targetsWithout} of the ${without.length} without are not target seats at all; `) +
    `this shows a difference, not its cause. ` +
    `Training is counted as it stands today, not on polling day.`;
  const compare = (label: string, value: (s: SeatRow) => number, compares: string): SwingComparison => {
    const a = meanInterval(withTrained.map(value));
    const b = meanInterval(without.map(value));
    return {
      label,
      withTrained: a,
      withoutTrained: b,
      difference: meanDifference(a, b),
      note: comparisonNote({ compares, people: [a.n, b.n], randomised: false, unit: ["seat", "seats"], caveat }),
    };
  };
  const left = hiddenSeats > 0 ? ` (${hiddenSeats} ${hiddenSeats === 1 ? "seat" : "seats"} in groups you cannot see left out)` : "";
  return accept({
    election,
    seats,
    hiddenSeats,
    comparisons: [
      compare("Swing", (s) => s.swing, `the mean swing (new share − previous share) in seats with at least one trained activist with that in seats with none, ${election}${left}`),
      compare(
        "Swing against the region",
        (s) => s.difference,
        `the mean of (seat swing − its region’s swing) in seats with at least one trained activist with that in seats with none, ${election}${left}`,
      ),
    ],
  });
}

type Cell = string | number | null;
const round = (x: number | null, digits = 2) => (x === null || !Number.isFinite(x) ? null : Math.round(x * 10 ** digits) / 10 ** digits);

/** The page's table as CSV rows (/reports/export/election-results?election=…). */
export async function exportElectionTable(viewer: Viewer, params: URLSearchParams): Promise<Result<{ name: string; header: string[]; rows: Cell[][] }, 400 | 403 | 404>> {
  if (!may.runEvaluations(viewer.role)) return refuse(403, "Election results are for organisers and admins.");
  const election = params.get("election") ?? "";
  if (!election || election.length > ELECTION_LABEL_MAX) return refuse(400, "Name the election: ?election=…");
  const report = await electionReport(viewer, election);
  if (!report.ok) return report;
  return accept({
    name: `election-results-${election.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "").toLowerCase() || "election"}`,
    header: [
      "Seat",
      "Region",
      "Target-seat group",
      "Electorate",
      "Previous share (%)",
      "New share (%)",
      "Swing (points)",
      "Region swing (points)",
      "Region swing basis",
      "Seats in region",
      "Seat minus region (points)",
      "Trained activists",
      "Trained per 1,000 electors",
    ],
    rows: report.value.seats.map((s) => [
      s.seat,
      s.region,
      s.groupName,
      s.electorate,
      s.previous,
      s.next,
      round(s.swing),
      round(s.regionSwing),
      s.regionBasis,
      s.regionSeats,
      round(s.difference),
      s.trained === null ? "not one of your groups" : s.trained,
      round(s.trainedPerThousand, 3),
    ]),
  });
}
