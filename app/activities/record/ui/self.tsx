import { RecordComparison, RecordFields } from "./fields";
import type { ActivityView } from "../../runtime/views";
import { useActivity, useRuntime } from "~/activities/runtime/context";
import { ActivityError, useActivityForm } from "~/activities/runtime/forms";

// The record's self-paced view: fill in the record as a canvassing app asks for it, then
// see each field beside what the resident said (the live views are ./live.tsx: each screen
// is its own chunk, ../../registry.tsx; the fields both post are ./fields.tsx).

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

/** The self-paced view: its own chunk, loaded by pages that show a record self-paced (../../registry.tsx). */
export const view = { View: SelfPacedRecord } satisfies ActivityView<{ id: string }>;
