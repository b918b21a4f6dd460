import { isObjectionCode, OBJECTIONS } from "../content/objections";
import type { FieldErrors } from "../lib/http.server";
import {
  addDays,
  COUNT_MAX,
  debriefOutcomes,
  DIFFERENTLY_MAX,
  fieldKinds,
  isCalendarDay,
  OLDEST_DAYS,
  todayInMovement,
  type DebriefOutcome,
  type FieldKind,
} from "./debrief-fields";

// The debrief form (app/routes/field.log.tsx) read into counts and codes, every rule
// checked at once so the page can show each message beside its field. What needs the
// database (is the area one of theirs, is the shift in it) is checked by
// app/field/debriefs.server.ts.

export interface DebriefInput {
  formKey: string;
  shiftId: string | null;
  groupId: string;
  day: string;
  kind: FieldKind;
  attempts: number;
  contacts: number;
  conversations: number;
  commitments: number;
  outcomes: Partial<Record<DebriefOutcome, number>>;
  objections: string[];
  hardestObjection: string | null;
  differently: string;
}

/** `values`: what was posted, cut to size, to fill the form again beside its messages. */
export type DebriefFormResult = { ok: true; value: DebriefInput; values: Record<string, string> } | { ok: false; errors: FieldErrors; values: Record<string, string> };

const FORM_KEY = /^[A-Za-z0-9_-]{8,64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string) => UUID.test(value);

/** One text field: absent, or posted twice (a tampered form), is undefined. */
function single(form: FormData, name: string): string | undefined {
  const all = form.getAll(name);
  return all.length === 1 && typeof all[0] === "string" ? all[0] : undefined;
}

function count(raw: string | undefined, label: string, errors: FieldErrors, field: string, required = false): number {
  const value = (raw ?? "").trim();
  if (value === "") {
    if (required) errors[field] ??= `Enter ${label} (0 if none).`;
    return 0;
  }
  if (!/^\d{1,6}$/.test(value)) {
    errors[field] ??= `${label[0]!.toUpperCase()}${label.slice(1)} must be a whole number, 0 or more.`;
    return 0;
  }
  const n = Number(value);
  if (n > COUNT_MAX) errors[field] ??= `${label[0]!.toUpperCase()}${label.slice(1)} can be at most ${COUNT_MAX} for one shift. Check for an extra 0.`;
  return n;
}

// A cheap net, not a guarantee: the field's hint asks for no residents' details, and these
// are the ones a pattern can catch (UK postcodes, phone numbers, email addresses).
const POSTCODE = /\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b/i;
const PHONE = /(?:\d[\s-]?){9,}/;
const EMAIL = /\S+@\S+\.\S+/;
export const looksLikeContactDetails = (line: string) => POSTCODE.test(line) || PHONE.test(line) || EMAIL.test(line);

/** `today` is the movement's date (tests pass their own). */
export function parseDebriefForm(form: FormData, today: string = todayInMovement()): DebriefFormResult {
  const errors: FieldErrors = {};
  const raw = (name: string) => single(form, name);
  const objectionsPosted = form.getAll("objections").filter((v): v is string => typeof v === "string");
  const values: Record<string, string> = {};
  for (const name of ["shiftId", "groupId", "day", "kind", "attempts", "contacts", "conversations", "commitments", "hardest", "differently", ...debriefOutcomes.map((o) => `outcome.${o}`)]) {
    values[name] = (raw(name) ?? "").slice(0, name === "differently" ? DIFFERENTLY_MAX + 50 : 64);
  }
  values.objections = objectionsPosted.filter(isObjectionCode).join(",");

  const formKey = raw("formKey") ?? "";
  if (!FORM_KEY.test(formKey)) errors.form = "This form is missing its one-time key. Reload the page and enter the shift again.";

  const shiftRaw = (raw("shiftId") ?? "").trim();
  if (shiftRaw && !isUuid(shiftRaw)) errors.form ??= "That shift doesn't exist. Log without a shift, or choose it from the field page.";

  const groupId = (raw("groupId") ?? "").trim();
  if (!groupId) errors.groupId = "Choose the area you were out in.";
  else if (!isUuid(groupId)) errors.groupId = "Choose one of your areas from the list.";

  const day = (raw("day") ?? "").trim();
  if (!isCalendarDay(day)) errors.day = "Enter the date of the shift (for example 2026-11-28).";
  else if (day > today) errors.day = "That date is in the future. Log a shift after it has happened.";
  else if (day < addDays(today, -OLDEST_DAYS)) errors.day = "That date is more than a year ago. Check the year.";

  const kindRaw = raw("kind") ?? "";
  const kind = (fieldKinds as readonly string[]).includes(kindRaw) ? (kindRaw as FieldKind) : undefined;
  if (!kind) errors.kind = "Say whether you were on the doors or the phones.";

  const attempts = count(raw("attempts"), kind === "phones" ? "calls made" : "doors knocked", errors, "attempts", true);
  const contacts = count(raw("contacts"), "people who answered", errors, "contacts");
  const conversations = count(raw("conversations"), "conversations", errors, "conversations");
  const commitments = count(raw("commitments"), "commitments", errors, "commitments");
  // The counts nest: every commitment came from a conversation, every conversation from
  // someone answering, every answer from a knock or a call (the database checks it too).
  if (!errors.attempts && !errors.contacts && contacts > attempts) errors.contacts = `More people answered (${contacts}) than ${kind === "phones" ? "calls made" : "doors knocked"} (${attempts}).`;
  if (!errors.contacts && !errors.conversations && conversations > contacts) errors.conversations = `More conversations (${conversations}) than people who answered (${contacts}).`;
  if (!errors.conversations && !errors.commitments && commitments > conversations) errors.commitments = `More commitments (${commitments}) than conversations (${conversations}).`;

  const outcomes: Partial<Record<DebriefOutcome, number>> = {};
  let outcomeSum = 0;
  for (const outcome of debriefOutcomes) {
    const n = count(raw(`outcome.${outcome}`), "each outcome", errors, "outcomes");
    if (n > 0) outcomes[outcome] = n;
    outcomeSum += n;
  }
  if (!errors.outcomes && !errors.conversations && outcomeSum > conversations) {
    errors.outcomes = `The outcomes add up to ${outcomeSum}, more than your ${conversations} conversations. Count each conversation once.`;
  }

  const objections = [...new Set(objectionsPosted)];
  if (objections.length > OBJECTIONS.length || objections.some((code) => !isObjectionCode(code))) errors.objections = "Pick objections from the list.";
  const hardestRaw = (raw("hardest") ?? "").trim();
  let hardestObjection: string | null = null;
  if (hardestRaw) {
    if (!isObjectionCode(hardestRaw)) errors.hardest = "Pick the hardest objection from the list.";
    else {
      hardestObjection = hardestRaw;
      // The hardest one was met, even if its box was left unticked.
      if (!objections.includes(hardestRaw)) objections.push(hardestRaw);
    }
  }

  const differently = (raw("differently") ?? "").trim().replace(/\s+/g, " ");
  if (raw("differently") === undefined && form.getAll("differently").length > 1) errors.differently = "Write one line.";
  else if (differently.length > DIFFERENTLY_MAX) errors.differently = `Keep it to one line of at most ${DIFFERENTLY_MAX} characters (you wrote ${differently.length}).`;
  else if (looksLikeContactDetails(differently)) errors.differently = "That looks like a postcode, phone number or email address. Leave out anything that could identify a resident.";

  if (Object.keys(errors).length > 0 || !kind) return { ok: false, errors, values };
  return {
    ok: true,
    values,
    value: {
      formKey,
      shiftId: shiftRaw || null,
      groupId,
      day,
      kind,
      attempts,
      contacts,
      conversations,
      commitments,
      outcomes,
      objections: objections.filter(isObjectionCode),
      hardestObjection,
      differently,
    },
  };
}
