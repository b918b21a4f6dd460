import type { ReactNode } from "react";
import type { ScenarioActivity } from "../manifest";
import { CheckIcon } from "~/components/icons";
import { BarChart } from "~/components/live/bar-chart";
import { isPinned, shuffled } from "~/activities/order/shuffle";
import { useActivity, useRuntime, type LiveRuntime, type RuntimeProgress } from "~/activities/runtime/context";
import { ActivityError, LiveError, PresenterButton, useActivityForm, useLive, useLiveAnswerForm } from "~/activities/runtime/forms";
import { ENDING_OUTCOMES, endingDebrief } from "./endings";

// The scenario's views. Self-paced: one learner plays the canvasser to an ending.
// Live: the room votes on each reply (participant) and the trainer takes one (presenter).
// The <Ending> children carry the debriefs. The forms' fields are read by
// app/activities/scenario/form.server.ts. A learner sees the replies in their own order
// (app/activities/order/shuffle.ts, seeded by the run, or the live session and the room's replay)
// and posts the reply's index in the scenario; the presenter keeps the author's order.

export function SelfPacedScenario({ id, children }: { id: string; children?: ReactNode }) {
  const scenario = useActivity(id, "scenario");
  const runtime = useRuntime();
  const { fetcher, failure, busy } = useActivityForm(id);
  if (!scenario) return null;
  const state = runtime.progress.scenarios[id];
  const run = state?.latest;
  const headingId = `${id}-heading`;
  return (
    <section className="activity scenario" id={id} aria-labelledby={headingId}>
      <h2 id={headingId} className="activity__title">
        Practice conversation: {scenario.title}
      </h2>
      {scenario.setting ? <p className="scenario__setting">{scenario.setting}</p> : null}
      {!run ? (
        <fetcher.Form method="post" action={runtime.actionPath}>
          <input type="hidden" name="intent" value="scenario-start" />
          <input type="hidden" name="activityId" value={id} />
          <input type="hidden" name="runKey" value={runtime.formKeys[id] ?? ""} />
          <p>You are the canvasser. Read what the resident says and pick your reply.</p>
          <ActivityError message={failure} />
          <button type="submit" className="button" disabled={busy}>
            Knock on the door
          </button>
        </fetcher.Form>
      ) : (
        <ScenarioRun scenario={scenario} run={run} endingsReached={state.endingsReached} debrief={run.endingId ? endingDebrief(children, run.endingId) : null} fetcher={fetcher} failure={failure} busy={busy} />
      )}
    </section>
  );
}

function ScenarioRun({
  scenario,
  run,
  endingsReached,
  debrief,
  fetcher,
  failure,
  busy,
}: {
  scenario: ScenarioActivity;
  run: RuntimeProgress["scenarios"][string]["latest"];
  endingsReached: string[];
  debrief: ReactNode;
  fetcher: ReturnType<typeof useActivityForm>["fetcher"];
  failure: string | null;
  busy: boolean;
}) {
  const runtime = useRuntime();
  const current = scenario.nodes[run.currentNode];
  const pendingChoice = fetcher.formData?.get("intent") === "scenario-choose" ? Number(fetcher.formData.get("choice")) : null;
  const totalEndings = Object.values(scenario.nodes).filter((n) => n.kind === "ending").length;
  return (
    <>
      <Transcript scenario={scenario} path={run.path} speaker="You" />
      {current?.kind === "resident" ? (
        <fetcher.Form method="post" action={runtime.actionPath} className="scenario__choices">
          <ResidentSays node={current} current />
          <input type="hidden" name="intent" value="scenario-choose" />
          <input type="hidden" name="activityId" value={scenario.id} />
          <input type="hidden" name="runId" value={run.id} />
          <input type="hidden" name="fromNode" value={current.id} />
          <input type="hidden" name="step" value={run.path.length} />
          <p className="scenario__prompt">What do you say?</p>
          <ActivityError message={failure} />
          <div className="choice-list">
            {shuffled(current.choices, runtime.shuffleSeeds?.[scenario.id]?.current, current.id, isPinned).map((choice) => (
              <button key={choice.index} type="submit" name="choice" value={choice.index} className="choice-button" disabled={busy}>
                {pendingChoice === choice.index ? "… " : null}
                {choice.text}
              </button>
            ))}
          </div>
        </fetcher.Form>
      ) : current?.kind === "ending" ? (
        <div className={`ending ending--${current.outcome}`} role="status">
          <p>
            <span className={`tag ${ENDING_OUTCOMES[current.outcome]?.tag ?? ""}`}>{ENDING_OUTCOMES[current.outcome]?.label ?? current.outcome}</span>
          </p>
          <h3>{current.title}</h3>
          <div className="debrief">{debrief}</div>
          <p className="muted">
            Endings found: {endingsReached.length} of {totalEndings}.
          </p>
          <fetcher.Form method="post" action={runtime.actionPath}>
            <input type="hidden" name="intent" value="scenario-start" />
            <input type="hidden" name="activityId" value={scenario.id} />
            <input type="hidden" name="runKey" value={runtime.formKeys[scenario.id] ?? ""} />
            <ActivityError message={failure} />
            <button type="submit" className="button button--secondary" disabled={busy}>
              Play it again
            </button>
          </fetcher.Form>
        </div>
      ) : null}
    </>
  );
}

// ---------------------------------------------------------------- Live: played by the room

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
            <span className={`tag ${ENDING_OUTCOMES[current.outcome]?.tag ?? ""}`}>{ENDING_OUTCOMES[current.outcome]?.label ?? current.outcome}</span>
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

type ResidentNode = Extract<ScenarioActivity["nodes"][string], { kind: "resident" }>;

/** What the resident says; the current line is announced as it changes. */
export function ResidentSays({ node, current = false }: { node: ResidentNode; current?: boolean }) {
  return (
    <p className={`line line--resident${current ? " line--current" : ""}`} aria-live={current ? "polite" : undefined}>
      <span className="speaker">Resident{node.mood ? ` (${node.mood})` : ""}:</span> {node.says}
    </p>
  );
}

/** The conversation so far, self-paced ("You") or played by a room ("The room", with its votes). */
export function Transcript({ scenario, path, speaker }: { scenario: ScenarioActivity; path: { node: string; choice: number; votes?: Record<string, number> }[]; speaker: string }) {
  return (
    <ol className="transcript" aria-label="The conversation so far">
      {path.map((move, i) => {
        const node = scenario.nodes[move.node];
        if (!node || node.kind !== "resident") return null;
        const choice = node.choices[move.choice];
        const total = move.votes ? Object.values(move.votes).reduce((a, b) => a + b, 0) : 0;
        return (
          <li key={i} className="transcript__turn">
            <ResidentSays node={node} />
            <p className="line line--you">
              <span className="speaker">{speaker}:</span> {choice?.text}
            </p>
            {choice ? (
              <p className="coaching">
                {choice.feedback}
                {move.votes ? (
                  <>
                    {" "}
                    <span className="muted">
                      ({move.votes[move.choice] ?? 0} of {total} votes)
                    </span>
                  </>
                ) : null}
              </p>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}
