import type { ActivityView } from "../../runtime/views";
import { ChosenIcon } from "~/components/icons";
import { useActivity, useRuntime } from "~/activities/runtime/context";
import { ActivityError, useActivityForm } from "~/activities/runtime/forms";

// The poll's self-paced view: answer, then see everyone's tally. The live views are in
// ./live.tsx, the projector's in ./display.tsx: each screen is its own chunk
// (../../registry.tsx). The form posts one field, optionId, read by
// app/activities/poll/form.server.ts.

export function SelfPacedPoll({ id }: { id: string }) {
  const poll = useActivity(id, "poll");
  const runtime = useRuntime();
  const { fetcher, failure, busy } = useActivityForm(id);
  const state = runtime.progress.polls[id];
  if (!poll) return null;
  const total = state ? Object.values(state.tally).reduce((a, b) => a + b, 0) : 0;
  return (
    <section className="activity poll" id={id} aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} className="activity__title">
        Poll
      </h2>
      <fetcher.Form method="post" action={runtime.actionPath}>
        <input type="hidden" name="intent" value="poll" />
        <input type="hidden" name="activityId" value={id} />
        <fieldset>
          <legend>{poll.question}</legend>
          {poll.options.map((o) => (
            <label key={o.id} className="option">
              <input type="radio" name="optionId" value={o.id} defaultChecked={state?.mine === o.id} required />
              <span>{o.text}</span>
            </label>
          ))}
        </fieldset>
        <ActivityError message={failure} />
        <button type="submit" className="button button--secondary" disabled={busy}>
          {state ? "Change my answer" : "Answer"}
        </button>
      </fetcher.Form>
      {state ? (
        <div className="poll__tally">
          <p className="muted">What everyone has said so far ({total}):</p>
          <ul className="bars">
            {poll.options.map((o) => {
              const n = state.tally[o.id] ?? 0;
              const pct = total ? Math.round((n / total) * 100) : 0;
              return (
                <li key={o.id}>
                  <span className="bars__label">
                    {state.mine === o.id ? <ChosenIcon /> : null} {o.text}
                    {state.mine === o.id ? " (you)" : ""}
                  </span>
                  <span className="bars__track" aria-hidden="true">
                    <span className="bars__fill" style={{ width: `${pct}%` }} />
                  </span>
                  <span className="bars__value">{pct}%</span>
                </li>
              );
            })}
          </ul>
        </div>
      ) : null}
    </section>
  );
}

/** The self-paced view: its own chunk, loaded by pages that show a poll self-paced (../../registry.tsx). */
export const view = { View: SelfPacedPoll } satisfies ActivityView<{ id: string }>;
