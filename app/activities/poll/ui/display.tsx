import type { ActivityView } from "../../runtime/views";
import { BarChart } from "~/components/live/bar-chart";
import { useActivity } from "~/activities/runtime/context";
import { useLive } from "~/activities/runtime/live-forms";

// The poll on the projector: the question, and the room's bars once the trainer shows
// them (as on every participant's device), in the author's order with the options' text.

export function DisplayPoll({ id }: { id: string }) {
  const poll = useActivity(id, "poll");
  const { live } = useLive();
  if (!poll) return null;
  const tally = live.tallies[id];
  return (
    <section className="activity poll display-activity" id={id} aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} className="activity__title">
        Poll: {poll.question}
      </h2>
      {tally?.kind === "poll" ? (
        <BarChart label="What the room said" total={tally.total} bars={poll.options.map((o) => ({ id: o.id, label: o.text, count: tally.counts[o.id] ?? 0 }))} />
      ) : (
        <>
          <ul className="display-options">
            {poll.options.map((o) => (
              <li key={o.id}>{o.text}</li>
            ))}
          </ul>
          <p className="display-hint">Answer on your phone. The results appear here when the trainer shows them.</p>
        </>
      )}
    </section>
  );
}

/** The projector's view: its own chunk (../../registry.tsx). */
export const view = { View: DisplayPoll } satisfies ActivityView<{ id: string }>;
