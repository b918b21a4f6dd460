import { refuse, type Result } from "../../lib/result";
import { expectationFor, FIXED_CODES, RECORD_FIELDS, RECORD_NOTE_MAX, type RecordActivity, type RecordCheck, type RecordEntry, type RecordField } from "./manifest";

// Comparing a learner's record with what the resident said, the same for the self-paced
// step page (app/progress/record.server.ts) and a live session (app/live/answers.server.ts).

const FIELD_NAMES: Record<RecordField, string> = { support: "support level", issues: "issues raised", commitment: "commitment", "follow-up": "follow-up" };

/**
 * Refuses codes the record does not offer (a stale or tampered form, "__proto__"), then
 * compares each field with the expectation for the ending the conversation reached (or,
 * with none, the one that holds however it went). Issues are right only as the exact set.
 */
export function checkRecord(record: RecordActivity, entry: RecordEntry, endingId: string | null): Result<RecordCheck, 400> {
  for (const field of ["support", "commitment", "follow-up"] as const) {
    const value = entry[field];
    if (!value) return refuse(400, `Choose a ${FIELD_NAMES[field]} before saving the record.`);
    if (!FIXED_CODES[field].some((c) => c.id === value)) return refuse(400, `"${value.slice(0, 64)}" is not a ${FIELD_NAMES[field]} code. Reload the page and choose again.`);
  }
  const issueIds = new Set(record.issues.map((i) => i.id));
  const unknown = entry.issues.find((i) => !issueIds.has(i));
  if (unknown !== undefined) return refuse(400, `This record has no issue "${unknown.slice(0, 64)}". Reload the page and choose again.`);
  if (new Set(entry.issues).size !== entry.issues.length) return refuse(400, "An issue was ticked twice. Reload the page and choose again.");
  if (entry.note.length > RECORD_NOTE_MAX) return refuse(400, `The note is at most ${RECORD_NOTE_MAX} characters (yours has ${entry.note.length}).`);

  const results = {} as Record<RecordField, boolean>;
  for (const field of RECORD_FIELDS) {
    const { accepted } = expectationFor(record, field, endingId);
    results[field] =
      field === "issues"
        ? accepted.length === entry.issues.length && accepted.every((i) => entry.issues.includes(i))
        : accepted.includes(entry[field]);
  }
  return { ok: true, value: { results, right: RECORD_FIELDS.filter((f) => results[f]).length, endingId } };
}

