import type { ActivityView } from "../../runtime/views";
import { useActivity } from "~/activities/runtime/context";

// A conversation record on the projector: what to record, never anyone's answers (each
// participant's comparison is their own, on their phone).

const FIELD_LABELS = ["Support level", "Issues raised", "Commitment made", "Follow-up"];

export function DisplayRecord({ id }: { id: string }) {
  const record = useActivity(id, "record");
  if (!record) return null;
  return (
    <section className="activity record display-activity" id={id} aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} className="activity__title">
        {record.title}
      </h2>
      <ul className="display-options">
        {FIELD_LABELS.map((label) => (
          <li key={label}>{label}</li>
        ))}
      </ul>
      <p className="display-hint">Record the conversation on your phone, as you would in a canvassing app. Codes only: never a name or an address.</p>
    </section>
  );
}

/** The projector's view: its own chunk (../../registry.tsx). */
export const view = { View: DisplayRecord } satisfies ActivityView<{ id: string }>;
