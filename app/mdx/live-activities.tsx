import type { ReactNode } from "react";
import { BarChart } from "~/components/live/bar-chart";
import type { ScenarioActivity } from "~/content/manifest";
import { RUBRIC_ITEMS } from "~/live/state";
import { ENDING_OUTCOMES, endingDebrief } from "./endings";
import { RolePlayContext, useActivity, type LiveRuntime } from "~/activities/runtime/context";
import { LiveError, PresenterButton, useLive, useLiveForm } from "~/activities/runtime/forms";

// The MDX activities in a live session (ModuleRuntime mode "live"). Presenter and
// participants render the same step; what each sees differs. Every control is a real
// form posting to the live page; with JavaScript it goes through a fetcher, and the
// event stream brings everyone the new state.

// ---------------------------------------------------------------- Scenario, played by the room

export function LiveScenario({ id, children }: { id: string; children?: ReactNode }) {
  const scenario = useActivity(id, "scenario");
  const { live } = useLive();
  if (!scenario) return null;
  const room = live.scenarios[id];
  return (
    <section className="activity scenario scenario--live" id={id} aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} className="activity__title">
        Play it together: {scenario.title}
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
  const { fetcher, failure, busy } = useLiveForm(`${scenario.id}-vote`);
  const current = scenario.nodes[room.currentNode];
  const presenter = live.role === "presenter";
  const pendingChoice = fetcher.formData?.get("choice");
  const myVote = typeof pendingChoice === "string" ? Number(pendingChoice) : live.votes[scenario.id];
  const votes = room.votes ?? {};
  const top = Math.max(0, ...Object.values(votes));
  return (
    <>
      <ol className="transcript" aria-label="The conversation so far">
        {room.path.map((move, i) => {
          const node = scenario.nodes[move.node];
          if (!node || node.kind !== "resident") return null;
          const choice = node.choices[move.choice];
          const total = Object.values(move.votes).reduce((a, b) => a + b, 0);
          return (
            <li key={i} className="transcript__turn">
              <p className="line line--resident">
                <span className="speaker">Resident{node.mood ? ` (${node.mood})` : ""}:</span> {node.says}
              </p>
              <p className="line line--you">
                <span className="speaker">The room:</span> {choice?.text}
              </p>
              <p className="coaching">
                {choice?.feedback} <span className="muted">({move.votes[move.choice] ?? 0} of {total} votes)</span>
              </p>
            </li>
          );
        })}
      </ol>
      {current?.kind === "resident" ? (
        <div className="scenario__choices">
          <p className="line line--resident line--current" aria-live="polite">
            <span className="speaker">Resident{current.mood ? ` (${current.mood})` : ""}:</span> {current.says}
          </p>
          <p className="scenario__prompt">{presenter ? `What does the room say? ${room.voters} voted so far.` : "What would you say?"}</p>
          {presenter ? (
            <>
              <BarChart
                label="Votes for the next reply"
                total={room.voters}
                bars={current.choices.map((c) => ({ id: String(c.index), label: c.text, count: votes[c.index] ?? 0, leading: top > 0 && (votes[c.index] ?? 0) === top }))}
              />
              {live.open ? (
                <div className="choice-list">
                  {current.choices.map((c) => (
                    <PresenterButton key={c.index} formKey={`${scenario.id}-advance-${c.index}`} fields={{ intent: "advance", activityId: scenario.id, turn: room.turn, choice: c.index }}>
                      Take reply {c.index + 1}
                      {top > 0 && (votes[c.index] ?? 0) === top ? " (most votes)" : ""}
                    </PresenterButton>
                  ))}
                </div>
              ) : null}
            </>
          ) : (
            <fetcher.Form method="post" action={actionPath}>
              <input type="hidden" name="intent" value="vote" />
              <input type="hidden" name="activityId" value={scenario.id} />
              <input type="hidden" name="turn" value={room.turn} />
              <LiveError message={failure} />
              <div className="choice-list">
                {current.choices.map((c) => (
                  <button
                    key={c.index}
                    type="submit"
                    name="choice"
                    value={c.index}
                    className={`choice-button${myVote === c.index ? " choice-button--chosen" : ""}`}
                    aria-pressed={myVote === c.index}
                    disabled={busy || !live.open}
                  >
                    {c.text}
                  </button>
                ))}
              </div>
              {myVote !== undefined && !busy ? (
                <p role="status" className="muted">
                  ✓ Your vote is in. You can change it until the trainer moves on.
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

// ---------------------------------------------------------------- RolePlay

const ROLE_LABEL = { canvasser: "canvasser", resident: "resident", observer: "observer" } as const;

export function LiveRolePlay({ id, title, minutes, children }: { id: string; title: string; minutes: number; children?: ReactNode }) {
  const { live } = useLive();
  const card = live.roleCard?.activityId === id ? live.roleCard : null;
  return (
    <section className="activity roleplay roleplay--live" id={id} aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} className="activity__title">
        Pair role-play: {title}
      </h2>
      <p className="muted">{minutes} minutes.</p>
      {live.role === "presenter" ? (
        <PairingControls activityId={id} minutes={minutes} />
      ) : card ? (
        <div className="my-role" role="status">
          <p className="my-role__title">
            You are the <strong>{ROLE_LABEL[card.role]}</strong>
            {card.round > 1 ? ` (round ${card.round})` : ""}
          </p>
          <p>
            {card.partners.length === 1 ? "Your partner: " : "Your group: "}
            {card.partners.map((p) => `${p.name} (${ROLE_LABEL[p.role]})`).join(", ")}
          </p>
        </div>
      ) : (
        <p className="alert alert--info">Your trainer will pair you up in a moment. Your role card will appear here.</p>
      )}
      {card?.role === "observer" ? <ObserverChecklist activityId={id} /> : null}
      <RolePlayContext.Provider value={id}>
        <div className="grid grid--2">{children}</div>
      </RolePlayContext.Provider>
    </section>
  );
}

function PairingControls({ activityId, minutes }: { activityId: string; minutes: number }) {
  const { live } = useLive();
  const paired = live.pairing?.activityId === activityId ? live.pairing : null;
  return (
    <div className="pairing">
      {live.open ? (
        <div className="button-row">
          <PresenterButton formKey={`pair-${activityId}`} fields={{ intent: "pair", activityId, trios: "0" }} variant={paired ? "secondary" : "primary"}>
            {paired ? "Pair again" : "Pair participants"}
          </PresenterButton>
          <PresenterButton formKey={`trios-${activityId}`} fields={{ intent: "pair", activityId, trios: "1" }}>
            Make trios (with an observer)
          </PresenterButton>
          {paired ? (
            <>
              <PresenterButton formKey={`swap-${activityId}`} fields={{ intent: "swap", activityId }}>
                Swap roles (round {paired.round + 1})
              </PresenterButton>
              <PresenterButton formKey={`unpair-${activityId}`} fields={{ intent: "unpair" }} variant="quiet">
                Unpair
              </PresenterButton>
            </>
          ) : null}
          <PresenterButton formKey={`timer-${activityId}`} fields={{ intent: "timer-start", seconds: minutes * 60 }} variant="quiet">
            Start the {minutes}-minute timer
          </PresenterButton>
        </div>
      ) : null}
      {paired && live.groups ? (
        <>
          <h3>
            Pairs, round {paired.round} ({live.groups.length})
          </h3>
          <ol className="pairs">
            {live.groups.map((group, i) => (
              <li key={i}>
                {group.map((m, j) => (
                  <span key={m.userId}>
                    {j > 0 ? " · " : ""}
                    {m.name} <span className={`role-tag role-tag--${m.role}`}>{ROLE_LABEL[m.role]}</span>
                    {m.connected ? null : <span className="muted"> (away)</span>}
                  </span>
                ))}
              </li>
            ))}
          </ol>
          {live.rubricSummary.length ? <RubricSummary /> : paired.trios || live.groups.some((g) => g.length === 3) ? <p className="muted">Observers' checklists will appear here.</p> : null}
        </>
      ) : null}
    </div>
  );
}

function RubricSummary() {
  const { live } = useLive();
  return (
    <div className="table-wrap">
      <table>
        <caption>What the observers saw</caption>
        <thead>
          <tr>
            <th scope="col">Canvasser</th>
            {RUBRIC_ITEMS.map((item) => (
              <th key={item.id} scope="col">
                {item.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {live.rubricSummary.map((row) => (
            <tr key={`${row.canvasserName}-${row.observerName}`}>
              <th scope="row">
                {row.canvasserName} <span className="muted">(seen by {row.observerName})</span>
              </th>
              {RUBRIC_ITEMS.map((item) => (
                <td key={item.id}>{row.items.includes(item.id) ? <span aria-label="yes">✓</span> : <span aria-label="no">·</span>}</td>
              ))}
            </tr>
          ))}
          <tr>
            <th scope="row">Total</th>
            {RUBRIC_ITEMS.map((item) => (
              <td key={item.id}>{live.rubricSummary.filter((r) => r.items.includes(item.id)).length}</td>
            ))}
          </tr>
        </tbody>
      </table>
    </div>
  );
}

function ObserverChecklist({ activityId }: { activityId: string }) {
  const { live, actionPath } = useLive();
  const { fetcher, failure, busy } = useLiveForm(`rubric-${activityId}`);
  const rubric = live.rubric;
  if (!rubric) return null;
  const saved = fetcher.state === "idle" && fetcher.data?.ok;
  return (
    <fetcher.Form method="post" action={actionPath} className="observer-checklist card" key={`${rubric.round}`}>
      <input type="hidden" name="intent" value="rubric" />
      <input type="hidden" name="activityId" value={activityId} />
      <fieldset>
        <legend>Watch {rubric.canvasserName}. Did they…</legend>
        {RUBRIC_ITEMS.map((item) => (
          <label key={item.id} className="option">
            <input
              type="checkbox"
              name="item"
              value={item.id}
              defaultChecked={rubric.items.includes(item.id)}
              onChange={(event) => fetcher.submit(event.currentTarget.form)}
            />
            <span>{item.label}</span>
          </label>
        ))}
      </fieldset>
      <LiveError message={failure} />
      <div className="button-row">
        <button type="submit" className="button button--secondary" disabled={busy || !live.open}>
          Save the checklist
        </button>
        {saved ? (
          <span role="status" className="muted">
            Saved.
          </span>
        ) : null}
      </div>
    </fetcher.Form>
  );
}
