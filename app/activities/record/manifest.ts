// A conversation record as the engine reads it from MDX (./extract.ts): after a scenario,
// the learner fills in what a canvassing app asks for, and each field is compared with
// what the resident actually said. Client-safe.

/** The four fields every record has, in the order a canvassing app asks them. */
export const RECORD_FIELDS = ["support", "issues", "commitment", "follow-up"] as const;
export type RecordField = (typeof RECORD_FIELDS)[number];

/** Codes, not prose: a record holds counts and codes, never a resident's name or address. */
export const SUPPORT_CODES = [
  { id: "1", label: "1 · Definitely supports" },
  { id: "2", label: "2 · Leaning towards" },
  { id: "3", label: "3 · Undecided" },
  { id: "4", label: "4 · Leaning against" },
  { id: "5", label: "5 · Definitely against" },
  { id: "unknown", label: "Not known (didn't say, or not asked)" },
] as const;

export const COMMITMENT_CODES = [
  { id: "none", label: "None" },
  { id: "vote", label: "Will vote" },
  { id: "meeting", label: "Will come to a meeting or event" },
  { id: "volunteer", label: "Will volunteer" },
  { id: "petition", label: "Signed up or added their name" },
] as const;

export const FOLLOW_UP_CODES = [
  { id: "none", label: "None needed" },
  { id: "callback", label: "Call back or knock again" },
  { id: "send-info", label: "Send the information they asked for" },
  { id: "organiser", label: "Pass to an organiser" },
  { id: "no-contact", label: "Do not contact again" },
] as const;

/** The fixed code lists, by field; issues are the author's own list. */
export const FIXED_CODES: Record<Exclude<RecordField, "issues">, readonly { id: string; label: string }[]> = {
  support: SUPPORT_CODES,
  commitment: COMMITMENT_CODES,
  "follow-up": FOLLOW_UP_CODES,
};

export const RECORD_NOTE_MAX = 200;

/** What the resident said, for one field: the accepted codes and the author's explanation. */
export interface RecordExpectation {
  /** Single-choice fields: any of these is right. Issues: exactly this set. */
  accepted: string[];
  explanation: string;
}

export interface RecordActivity {
  kind: "record";
  id: string;
  stepId: string;
  /** The scenario (earlier in the module) whose conversation is recorded. */
  scenarioId: string;
  title: string;
  issues: { id: string; text: string }[];
  /** Per field: what holds whichever way the conversation went. */
  expect: Record<RecordField, RecordExpectation>;
  /** Per ending of the scenario, the fields that differ when the conversation ended there. */
  byEnding: Record<string, Partial<Record<RecordField, RecordExpectation>>>;
}

/** A learner's record of the conversation, as posted and stored. */
export interface RecordEntry {
  support: string;
  issues: string[];
  commitment: string;
  "follow-up": string;
  note: string;
}

/** The comparison: per field, right or not; and which ending it was compared against. */
export interface RecordCheck {
  results: Record<RecordField, boolean>;
  right: number;
  endingId: string | null;
}

/** The expectation a field is compared with, for a conversation that ended at `endingId`. */
export function expectationFor(record: RecordActivity, field: RecordField, endingId: string | null): RecordExpectation {
  const override = endingId && Object.hasOwn(record.byEnding, endingId) ? record.byEnding[endingId]?.[field] : undefined;
  return override ?? record.expect[field];
}
