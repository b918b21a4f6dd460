import { ResidentSays, Transcript } from "./transcript";
import type { ActivityView } from "../../runtime/views";
import type { ReactNode } from "react";
import type { ScenarioActivity } from "../manifest";
import { CheckIcon } from "~/components/icons";
import { BarChart } from "~/components/live/bar-chart";
import { isPinned, shuffled } from "~/activities/order/shuffle";
import { useActivity, useRuntime, type LiveRuntime } from "~/activities/runtime/context";
import { LiveError, PresenterButton, useLive, useLiveAnswerForm } from "~/activities/runtime/live-forms";
import { EndingTag, endingDebrief, SCENARIO_PARTS } from "./endings";

// The scenario played by the room: everyone votes on each reply (participant) and the
// trainer takes one (presenter). A participant sees the replies in their own order
// (app/activities/order/shuffle.ts, seeded by the live session and the room's replay); the
// presenter keeps the author's order. The forms' fields are read by
// app/activities/scenario/form.server.ts.

export function LiveScenario({ id, children }: { id: string; children?: ReactNode }) {
  const scenario = useActivity(id, "scenario");
  const { live } = useLive();
  if (!scenario) return null;
  const room = live.scenarios[id];
  return (
    <section className="activity scenario scenario--live" id={id} aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} className="activity__title">
        Practice conversation, played together: {scenario.title}
      </h2>
      {scenario.setting ? <p className="scenario__setting">{scenario.setting}</p> : null}
      <p className="muted">
        {live.role === "presenter"
          ? "Everyone votes on the canvasser's next reply; you take the room's choice."
          : "You are all the canvasser. Vote for the reply you would give; the trainer takes the room's choice."}
      </p>
      {room ? <ScenarioRoom scenario={scenario} room={room} debrief={room.endingId ? endingDebrief(children, room.endingId) : null} /> : null}
    </section>
  );
}

function ScenarioRoom({ scenario, room, debrief }: { scenario: ScenarioActivity; room: LiveRuntime["scenarios"][string]; debrief: ReactNode }) {
  const { live, actionPath } = useLive();
  const seed = useRuntime().shuffleSeeds?.[scenario.id]?.current;
  const { fetcher, onSubmit, pending, failure, busy } = useLiveAnswerForm(`${scenario.id}-vote`, `${room.run}:${room.turn}:${live.votes[scenario.id]}`);
  const current = scenario.nodes[room.currentNode];
  const presenter = live.role === "presenter";
  // A vote sent on an earlier turn is no vote on this one.
  const pendingChoice = pending?.get("turn") === String(room.turn) ? pending.get("choice") : undefined;
  const myVote = typeof pendingChoice === "string" ? Number(pendingChoice) : live.votes[scenario.id];
  const votes = room.votes ?? {};
  const top = Math.max(0, ...Object.values(votes));
  return (
    <>
      <Transcript scenario={scenario} path={room.path} speaker="The room" />
      {current?.kind === "resident" ? (
        <div className="scenario__choices">
          <ResidentSays node={current} current />
          <p className="scenario__prompt">{presenter ? `What does the room say? ${room.voters} voted so far.` : `What would you say? ${room.voters} voted so far.`}</p>
          {presenter ? (
            <>
              <BarChart
                label="Votes for the next reply"
                total={room.voters}
                bars={current.choices.map((c) => ({ id: String(c.index), label: `${c.index + 1}. ${c.text}`, count: votes[c.index] ?? 0, leading: top > 0 && (votes[c.index] ?? 0) === top }))}
              />
              {live.open ? (
                <div className="choice-list">
                  {current.choices.map((c) => (
                    <PresenterButton key={c.index} formKey={`${scenario.id}-advance-${c.index}`} fields={{ intent: "advance", activityId: scenario.id, turn: room.turn, choice: c.index }}>
                      Take reply {c.index + 1}
                      {top > 0 && (votes[c.index] ?? 0) === top ? " (most votes)" : ""}
                      <span className="visually-hidden">: {c.text}</span>
                    </PresenterButton>
                  ))}
                </div>
              ) : null}
            </>
          ) : (
            <fetcher.Form method="post" action={actionPath} onSubmit={onSubmit}>
              <input type="hidden" name="intent" value="vote" />
              <input type="hidden" name="activityId" value={scenario.id} />
              <input type="hidden" name="turn" value={room.turn} />
              <LiveError message={failure} />
              <div className="choice-list">
                {shuffled(current.choices, seed, `${room.run}|${current.id}`, isPinned).map((c) => (
                  <button
                    key={c.index}
                    type="submit"
                    name="choice"
                    value={c.index}
                    className={`choice-button${myVote === c.index ? " choice-button--chosen" : ""}`}
                    aria-pressed={myVote === c.index}
                    disabled={busy || !live.open}
                  >
                    {/* Numbered as on the trainer's screen, so "reply 2" means the same to everyone. */}
                    {myVote === c.index ? <CheckIcon /> : null} <span className="choice-number">{c.index + 1}.</span> {c.text}
                  </button>
                ))}
              </div>
              {myVote !== undefined && !busy ? (
                <p role="status" className="muted">
                  <CheckIcon /> Your vote is in. You can change it until the trainer moves on.
                </p>
              ) : null}
            </fetcher.Form>
          )}
        </div>
      ) : current?.kind === "ending" ? (
        <div className={`ending ending--${current.outcome}`} role="status">
          <p>
            <EndingTag outcome={current.outcome} />
          </p>
          <h3>{current.title}</h3>
          <div className="debrief">{debrief}</div>
          {presenter && live.open ? (
            <PresenterButton formKey={`${scenario.id}-restart`} fields={{ intent: "restart", activityId: scenario.id }}>
              Play it again
            </PresenterButton>
          ) : null}
        </div>
      ) : null}
    </>
  );
}

/** The live view (participant and presenter): its own chunk (../../registry.tsx). */
export const view = { View: LiveScenario, parts: SCENARIO_PARTS } satisfies ActivityView<{ id: string; children?: ReactNode }>;
