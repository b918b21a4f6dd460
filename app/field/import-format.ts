// The generic canvass-results format (docs/import.md) as the pages show it: which columns an
// import needs, in the organisers' words. Client-safe: the mapping page imports it.

import type { ContactResult } from "../../db/schema";

export const IMPORT_FIELDS = [
  {
    key: "externalId",
    label: "Contact id",
    required: true,
    hint: "The canvassing tool's own id for this contact attempt: what makes a re-import add nothing twice.",
    names: ["contact_id", "external_id", "id", "record_id", "attempt_id"],
  },
  {
    key: "person",
    label: "Canvasser",
    required: true,
    hint: "Who knocked: their email address, or their Doorstep person id.",
    names: ["canvasser_email", "email", "canvasser", "canvasser_id", "volunteer", "volunteer_email", "volunteer_id", "person", "person_id", "user_id"],
  },
  {
    key: "date",
    label: "Date",
    required: true,
    hint: "2026-05-02, 02/05/2026 (day first) or a timestamp.",
    names: ["date", "day", "contact_date", "canvass_date", "contacted_at", "timestamp"],
  },
  {
    key: "area",
    label: "Area",
    required: true,
    hint: "The Doorstep group the door is in, by name or id: one of your groups.",
    names: ["area", "group", "branch", "ward", "turf", "constituency", "area_name"],
  },
  {
    key: "result",
    label: "Contact result",
    required: true,
    hint: "no-answer, contact or conversation (and the usual spellings of each).",
    names: ["result", "contact_result", "outcome", "status"],
  },
  {
    key: "support",
    label: "Support level",
    required: false,
    hint: "1 (strong support) to 5 (strongly against), or blank.",
    names: ["support", "support_level", "support_score", "id_score"],
  },
  {
    key: "commitment",
    label: "Commitment",
    required: false,
    hint: "yes / no (also y, n, true, false, 1, 0), or blank for no.",
    names: ["commitment", "committed", "pledge", "commit"],
  },
] as const;

/**
 * A header name as the column guess compares it: any case, with or without spaces,
 * underscores or hyphens ("Contact ID", "contact-id" and "contact_id" are one name).
 */
export const headerKey = (name: string) => name.trim().toLowerCase().replace(/[ _-]/g, "");

/** Every spelling of a contact result the import reads (any case), and what it becomes. */
export const RESULT_SPELLINGS: Record<string, ContactResult> = {
  "no-answer": "no-answer",
  "no answer": "no-answer",
  noanswer: "no-answer",
  "not home": "no-answer",
  "not-home": "no-answer",
  nh: "no-answer",
  na: "no-answer",
  contact: "contact",
  contacted: "contact",
  answered: "contact",
  refused: "contact",
  "wrong number": "contact",
  conversation: "conversation",
  canvassed: "conversation",
  spoke: "conversation",
  talked: "conversation",
};

export type ImportFieldKey = (typeof IMPORT_FIELDS)[number]["key"];
export type PersonBy = "email" | "id";

export const IMPORT_STATUSES = ["staged", "checking", "refused", "importing", "done", "failed"] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

export const IMPORT_STATUS_LABEL: Record<string, string> = {
  staged: "Uploaded, not imported",
  checking: "Checking",
  refused: "Not imported: lines need fixing",
  importing: "Importing",
  done: "Imported",
  failed: "Stopped by an error",
};

/** Still running on the server: the page refreshes (or polls) until it is not. */
export const isRunning = (status: string) => status === "checking" || status === "importing";

export interface LineProblem {
  line: number;
  message: string;
}

/** What one line of the file will become, for the preview. */
export interface PreviewRow {
  line: number;
  /** The canvasser's name, the area's name, and the codes stored; or the problem. */
  outcome:
    | { ok: true; canvasser: string; area: string; day: string; result: string; support: number | null; commitment: boolean; alreadyThere: boolean }
    | { ok: false; message: string; unknownPerson: boolean };
}

/**
 * The check's counts. Each line read is counted once, so that rows = newRows + alreadyThere +
 * unknownPeople + errorCount, in this order of precedence: a line that cannot be read
 * against the mapping (wrong number of fields, a bad date, …), or whose contact id came
 * earlier in the file, needs fixing; then a canvasser we don't know is skipped (when the
 * organiser chose to) or needs fixing; then an area that is not the importer's needs fixing;
 * what is left is already imported or new.
 */
export interface CheckSummary {
  rows: number;
  newRows: number;
  alreadyThere: number;
  /** Lines to be skipped: their canvasser is unknown and the organiser chose to skip such lines. */
  unknownPeople: number;
  /** Lines that need fixing (each counted once, whatever else is wrong with it). */
  errorCount: number;
  /** Of errorCount, the lines needing fixing only because their canvasser is unknown (not skipped). */
  unknownToFix: number;
  errors: LineProblem[];
  preview: PreviewRow[];
}
