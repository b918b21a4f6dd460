import type { ActivityView } from "../../runtime/views";
import type { PollActivity } from "../manifest";
import { BarChart } from "~/components/live/bar-chart";
import { useActivity } from "~/activities/runtime/context";
import { answeredLine, LiveError, LiveSendRow, RevealButton, useLive, useLiveAnswerForm } from "~/activities/runtime/live-forms";

// The poll's live views: participant (answer; the room's bars once the trainer reveals
// them) and presenter (the bars as they come in, and the reveal toggle). The self-paced
// view is ./self.tsx (each screen its own chunk, ../../registry.tsx). The form posts one
// field, optionId, read by app/activities/poll/form.server.ts.

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

/** The live view (participant and presenter): its own chunk (../../registry.tsx). */
export const view = { View: LivePoll } satisfies ActivityView<{ id: string }>;
