import type { PollActivity } from "../manifest";
import { BarChart } from "~/components/live/bar-chart";
import { ChosenIcon } from "~/components/icons";
import { useActivity, useRuntime } from "~/activities/runtime/context";
import { ActivityError, answeredLine, LiveError, LiveSendRow, RevealButton, useActivityForm, useLive, useLiveAnswerForm } from "~/activities/runtime/forms";

// The poll's three views: self-paced (answer, then see everyone's tally), live
// participant (answer; the room's bars once the trainer reveals them) and presenter
// (the bars as they come in, and the reveal toggle). Both forms post one field, optionId,
// read by app/activities/poll/form.server.ts.

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


export function LivePoll({ id }: { id: string }) {
  const poll = useActivity(id, "poll");
  const { live } = useLive();
  if (!poll) return null;
  return (
    <section className="activity poll poll--live" id={id} aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} className="activity__title">
        Poll
      </h2>
      {live.role === "presenter" ? <PresenterPoll poll={poll} /> : <ParticipantPoll poll={poll} />}
    </section>
  );
}

function PresenterPoll({ poll }: { poll: PollActivity }) {
  const { live } = useLive();
  const tally = live.tallies[poll.id];
  const counts = tally?.kind === "poll" ? tally.counts : {};
  const shown = live.revealed.includes(poll.id);
  return (
    <>
      <p className="live-count" aria-live="polite">
        {answeredLine(tally?.total ?? 0, live.connectedCount)}
      </p>
      <BarChart label={poll.question} total={tally?.total} bars={poll.options.map((o) => ({ id: o.id, label: o.text, count: counts[o.id] ?? 0 }))} />
      <RevealButton activityId={poll.id} shown={shown} show="Show results to participants" hide="Hide results from participants" />
    </>
  );
}

function ParticipantPoll({ poll }: { poll: PollActivity }) {
  const { live, actionPath } = useLive();
  const mine = live.responses[poll.id];
  const { fetcher, onSubmit, pending: pendingForm, failure, busy } = useLiveAnswerForm(poll.id, mine);
  const pending = pendingForm?.get("optionId");
  const chosen = typeof pending === "string" ? pending : mine?.kind === "poll" ? mine.optionId : null;
  const chosenText = poll.options.find((o) => o.id === chosen)?.text;
  const tally = live.tallies[poll.id];
  const answered = live.answered[poll.id];
  return (
    <>
      {answered !== undefined ? <p className="live-count live-count--participant">{answeredLine(answered, live.connectedCount)}</p> : null}
      <fetcher.Form method="post" action={actionPath} onSubmit={onSubmit}>
        <input type="hidden" name="intent" value="answer" />
        <input type="hidden" name="activityId" value={poll.id} />
        <fieldset>
          <legend>{poll.question}</legend>
          {poll.options.map((o) => (
            <label key={o.id} className="option">
              <input type="radio" name="optionId" value={o.id} defaultChecked={chosen === o.id} required />
              <span>{o.text}</span>
            </label>
          ))}
        </fieldset>
        <LiveError message={failure} />
        <LiveSendRow busy={busy} label={chosen ? "Change my answer" : "Answer"} sent={chosenText ? <>You answered “{chosenText}”.</> : null} />
      </fetcher.Form>
      {tally?.kind === "poll" ? (
        <BarChart
          label="What the room said"
          total={tally.total}
          bars={poll.options.map((o) => ({ id: o.id, label: o.text, count: tally.counts[o.id] ?? 0, mine: o.id === chosen }))}
        />
      ) : null}
    </>
  );
}

