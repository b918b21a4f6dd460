import { z } from "zod";
import { RECORD_NOTE_MAX, type RecordEntry } from "./manifest";

// The record's form fields, read the same way by the self-paced step page
// (app/progress/submissions.server.ts, intent "record") and the live page
// (app/live/commands.server.ts, intent "record"): one field per single-choice code, one
// "issue" field per issue ticked (repeated), and an optional note. Whether a code is one
// the record offers is scoring's check (./scoring.ts).

export const RECORD_ISSUE_FIELD = "issue";

const code = (what: string) => z.string({ error: `Choose ${what}.` }).min(1, `Choose ${what}.`).max(64, `Choose ${what} from the list.`);

export const recordFields = {
  support: code("a support level"),
  commitment: code("the commitment made (or None)"),
  "follow-up": code("a follow-up (or None needed)"),
  note: z
    .string()
    .max(RECORD_NOTE_MAX, `The note is at most ${RECORD_NOTE_MAX} characters.`)
    .optional()
    .transform((n) => (n ?? "").trim()),
};

/** The issues ticked, in the order posted (values, never keys: a posted "__proto__" is just an unknown issue). */
export function readRecordIssues(form: FormData): string[] {
  const issues: string[] = [];
  for (const value of form.getAll(RECORD_ISSUE_FIELD)) {
    if (typeof value === "string" && value) issues.push(value.slice(0, 64));
    if (issues.length > 100) break;
  }
  return issues;
}

export function recordEntryOf(fields: { support: string; commitment: string; "follow-up": string; note: string }, form: FormData): RecordEntry {
  return { support: fields.support, commitment: fields.commitment, "follow-up": fields["follow-up"], note: fields.note, issues: readRecordIssues(form) };
}
