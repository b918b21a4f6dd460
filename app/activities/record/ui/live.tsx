import { FIELD_LABELS, RecordComparison, RecordFields } from "./fields";
import type { ActivityView } from "../../runtime/views";
import { expectationFor, FIXED_CODES, RECORD_FIELDS, type RecordActivity } from "../manifest";
import { BarChart } from "~/components/live/bar-chart";
import { rightAnswerMark } from "~/components/verdict";
import { useActivity } from "~/activities/runtime/context";
import { answeredLine, LiveError, LiveSendRow, RevealButton, useLive, useLiveForm } from "~/activities/runtime/live-forms";

// The record's live views. Participant: send the record; the comparison once the trainer
// reveals it. Presenter: the room's records per field, and the reveal toggle. The
// self-paced view is ./self.tsx (each screen its own chunk, ../../registry.tsx).

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
          <BarChart rightMark={rightAnswerMark}
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

/** The live view (participant and presenter): its own chunk (../../registry.tsx). */
export const view = { View: LiveRecord } satisfies ActivityView<{ id: string }>;
