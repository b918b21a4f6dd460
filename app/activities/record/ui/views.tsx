import { useId } from "react";
import { expectationFor, FIXED_CODES, RECORD_FIELDS, RECORD_NOTE_MAX, type RecordActivity, type RecordEntry, type RecordField } from "../manifest";
import { BarChart } from "~/components/live/bar-chart";
import { useActivity, useRuntime } from "~/activities/runtime/context";
import { ActivityError, answeredLine, LiveError, LiveSendRow, RevealButton, useActivityForm, useLive, useLiveForm } from "~/activities/runtime/forms";

// The record's three views. Self-paced: fill in the record as a canvassing app asks for it,
// then see each field beside what the resident said. Live participant: send the record;
// the comparison once the trainer reveals it. Presenter: the room's records per field,
// and the reveal toggle. Both forms post the same fields (support, issue…, commitment,
// follow-up, note), read by app/activities/record/form.server.ts.

const FIELD_LABELS: Record<RecordField, string> = {
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

function RecordFields({ record, saved }: { record: RecordActivity; saved: RecordEntry | null }) {
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
function RecordComparison({ record, entry, results, endingId }: { record: RecordActivity; entry: RecordEntry; results: Partial<Record<RecordField, boolean>>; endingId: string | null }) {
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

export function SelfPacedRecord({ id }: { id: string }) {
  const record = useActivity(id, "record");
  const runtime = useRuntime();
  const { fetcher, failure, busy } = useActivityForm(id);
  if (!record) return null;
  const saved = runtime.progress.records?.[id] ?? null;
  return (
    <section className="activity record" id={id} aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} className="activity__title">
        {record.title}
      </h2>
      <p className="muted">Record the conversation you just had, as you would in the canvassing app on the pavement. Codes only.</p>
      <fetcher.Form method="post" action={runtime.actionPath} className="quiz__form">
        <input type="hidden" name="intent" value="record" />
        <input type="hidden" name="activityId" value={id} />
        <RecordFields record={record} saved={saved?.entry ?? null} />
        <ActivityError message={failure} />
        <div className="button-row">
          <button type="submit" className="button" disabled={busy}>
            {busy ? "Saving…" : saved ? "Save the record again" : "Save the record"}
          </button>
        </div>
      </fetcher.Form>
      {saved ? <RecordComparison record={record} entry={saved.entry} results={saved.results} endingId={saved.endingId} /> : null}
    </section>
  );
}

// ---------------------------------------------------------------- Live

export function LiveRecord({ id }: { id: string }) {
  const record = useActivity(id, "record");
  const { live } = useLive();
  if (!record) return null;
  return (
    <section className="activity record record--live" id={id} aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} className="activity__title">
        {record.title}
      </h2>
      {live.role === "presenter" ? <PresenterRecord record={record} /> : <ParticipantRecord record={record} />}
    </section>
  );
}

function ParticipantRecord({ record }: { record: RecordActivity }) {
  const { live, actionPath } = useLive();
  const { fetcher, failure, busy } = useLiveForm(record.id);
  const mine = live.responses[record.id];
  const sent = mine?.kind === "record" ? mine : null;
  const revealed = live.revealed.includes(record.id);
  return (
    <>
      <fetcher.Form method="post" action={actionPath} className="quiz__form">
        <input type="hidden" name="intent" value="record" />
        <input type="hidden" name="activityId" value={record.id} />
        <RecordFields record={record} saved={sent?.entry ?? null} />
        <LiveError message={failure} />
        <LiveSendRow
          busy={busy}
          label={sent ? "Send my record again" : "Send my record"}
          sent={sent && !revealed ? "Record sent. The trainer will show what the resident said." : null}
        />
      </fetcher.Form>
      {sent && revealed ? <RecordComparison record={record} entry={sent.entry} results={sent.results} endingId={sent.endingId} /> : null}
    </>
  );
}

function PresenterRecord({ record }: { record: RecordActivity }) {
  const { live } = useLive();
  const tally = live.tallies[record.id];
  const counts = tally?.kind === "record" ? tally : null;
  const revealed = live.revealed.includes(record.id);
  const endingId = counts?.endingId ?? null;
  return (
    <>
      <p className="live-count" aria-live="polite">
        {answeredLine(counts?.total ?? 0, live.connectedCount)}
      </p>
      {RECORD_FIELDS.map((field) => {
        const accepted = expectationFor(record, field, endingId).accepted;
        const options = field === "issues" ? record.issues.map((i) => ({ id: i.id, label: i.text })) : FIXED_CODES[field];
        return (
          <BarChart
            key={field}
            label={FIELD_LABELS[field]}
            total={counts?.total}
            bars={options.map((o) => ({ id: o.id, label: o.label, count: counts?.fields[field]?.[o.id] ?? 0, correct: revealed && accepted.includes(o.id) }))}
          />
        );
      })}
      <RevealButton activityId={record.id} shown={revealed} show="Show what the resident said" hide="Hide what the resident said" />
    </>
  );
}
