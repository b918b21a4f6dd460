import { useId } from "react";
import { expectationFor, FIXED_CODES, RECORD_FIELDS, RECORD_NOTE_MAX, type RecordActivity, type RecordEntry, type RecordField } from "../manifest";

// The record's fields and the comparison with what the resident said, shared by the
// self-paced and live participant views. Both post the same fields (support, issue…,
// commitment, follow-up, note), read by app/activities/record/form.server.ts.

export const FIELD_LABELS: Record<RecordField, string> = {
  support: "Support level",
  issues: "Issues raised",
  commitment: "Commitment made",
  "follow-up": "Follow-up",
};

/** What a code or set of issues reads as on screen. */
function describe(record: RecordActivity, field: RecordField, values: readonly string[]): string {
  if (field === "issues") return values.length ? values.map((v) => record.issues.find((i) => i.id === v)?.text ?? v).join(", ") : "None raised";
  return values.map((v) => FIXED_CODES[field].find((c) => c.id === v)?.label ?? v).join(" or ");
}

export function RecordFields({ record, saved }: { record: RecordActivity; saved: RecordEntry | null }) {
  const noteId = useId();
  const single = (field: Exclude<RecordField, "issues">) => (
    <fieldset className="question record__field">
      <legend>{FIELD_LABELS[field]}</legend>
      {FIXED_CODES[field].map((c) => (
        <label key={c.id} className="option">
          <input type="radio" name={field} value={c.id} required defaultChecked={saved?.[field] === c.id} />
          <span>{c.label}</span>
        </label>
      ))}
    </fieldset>
  );
  return (
    <>
      {single("support")}
      <fieldset className="question record__field">
        <legend>
          {FIELD_LABELS.issues} <span className="question__hint">(tick all that came up; none if none did)</span>
        </legend>
        {record.issues.map((i) => (
          <label key={i.id} className="option">
            <input type="checkbox" name="issue" value={i.id} defaultChecked={saved?.issues.includes(i.id) ?? false} />
            <span>{i.text}</span>
          </label>
        ))}
      </fieldset>
      {single("commitment")}
      {single("follow-up")}
      <div className="field">
        <label htmlFor={noteId}>Note (optional)</label>
        <p className="field__hint" id={`${noteId}-hint`}>
          Facts for whoever knocks next, at most {RECORD_NOTE_MAX} characters. No names, addresses or health details.
        </p>
        <input id={noteId} name="note" type="text" maxLength={RECORD_NOTE_MAX} defaultValue={saved?.note ?? ""} aria-describedby={`${noteId}-hint`} />
      </div>
    </>
  );
}

/** Each field beside what the resident said, with the author's explanation. */
export function RecordComparison({ record, entry, results, endingId }: { record: RecordActivity; entry: RecordEntry; results: Partial<Record<RecordField, boolean>>; endingId: string | null }) {
  const right = RECORD_FIELDS.filter((f) => results[f]).length;
  return (
    <div className="record__comparison">
      <p className={`score ${right === RECORD_FIELDS.length ? "score--pass" : "score--fail"}`} role="status">
        Your record matches what the resident said in <strong>{right} of {RECORD_FIELDS.length}</strong> fields.
      </p>
      <ol className="question-results">
        {RECORD_FIELDS.map((field) => {
          const ok = Boolean(results[field]);
          const expected = expectationFor(record, field, endingId);
          const mine = field === "issues" ? entry.issues : [entry[field]];
          return (
            <li key={field} className={ok ? "question-result--right" : "question-result--wrong"}>
              <p className="question-result__prompt">
                <span className={`tag ${ok ? "tag--good" : "tag--bad"}`}>{ok ? "Right" : "Not quite"}</span> {FIELD_LABELS[field]}
              </p>
              <ul className="feedback-list">
                <li>
                  <strong>You recorded:</strong> {describe(record, field, mine)}
                </li>
                {ok ? null : (
                  <li>
                    <strong>The record should say:</strong> {describe(record, field, expected.accepted)}
                  </li>
                )}
              </ul>
              <p className="explanation">{expected.explanation}</p>
            </li>
          );
        })}
      </ol>
    </div>
  );
}
