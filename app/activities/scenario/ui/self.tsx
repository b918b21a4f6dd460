import { ResidentSays, Transcript } from "./transcript";
import type { ActivityView } from "../../runtime/views";
import { useSyncExternalStore, type ReactNode } from "react";
import type { ScenarioActivity } from "../manifest";
import { isPinned, shuffled } from "~/activities/order/shuffle";
import { useActivity, useRuntime, type RuntimeProgress } from "~/activities/runtime/context";
import { ActivityError, useActivityForm } from "~/activities/runtime/forms";
import { EndingTag, endingDebrief, SCENARIO_PARTS } from "./endings";

// The scenario's self-paced view: one learner plays the canvasser to an ending (the live
// views are ./live.tsx, the projector's ./display.tsx: each screen is its own chunk,
// ../../registry.tsx). The <Ending> children carry the debriefs. The form's fields are read
// by app/activities/scenario/form.server.ts. A learner sees the replies in their own order
// (app/activities/order/shuffle.ts, seeded by the run) and posts the reply's index in the
// scenario.

const onSignalChange = (changed: () => void) => {
  window.addEventListener("online", changed);
  window.addEventListener("offline", changed);
  return () => {
    window.removeEventListener("online", changed);
    window.removeEventListener("offline", changed);
  };
};
/** Whether the browser says it has no network; false on the server and in the first render. */
const useOffline = () =>
  useSyncExternalStore(
    onSignalChange,
    () => !navigator.onLine,
    () => false,
  );

/**
 * Offline, a quiz answer can wait in the queue (app/components/offline-support.tsx), but a
 * practice conversation cannot: each resident's line comes back from the server with the
 * reply that led to it. So its buttons wait for the signal, and the learner is told why.
 */
function NeedsSignal() {
  return (
    <p className="alert alert--info scenario__offline" role="status">
      You’re offline. This practice conversation needs a signal: the resident answers from the server. It carries on where you are when you’re back
      online; the rest of the step works now.
    </p>
  );
}

export function SelfPacedScenario({ id, children }: { id: string; children?: ReactNode }) {
  const scenario = useActivity(id, "scenario");
  const runtime = useRuntime();
  const { fetcher, failure, busy: sending } = useActivityForm(id);
  const offline = useOffline();
  const busy = sending || offline;
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
          {offline ? <NeedsSignal /> : null}
          <ActivityError message={failure} />
          <button type="submit" className="button" disabled={busy}>
            Knock on the door
          </button>
        </fetcher.Form>
      ) : (
        <>
          {offline ? <NeedsSignal /> : null}
          <ScenarioRun scenario={scenario} run={run} endingsReached={state.endingsReached} debrief={run.endingId ? endingDebrief(children, run.endingId) : null} fetcher={fetcher} failure={failure} busy={busy} />
        </>
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
            <EndingTag outcome={current.outcome} />
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

/** The self-paced view: its own chunk, loaded by pages that show a scenario self-paced (../../registry.tsx). */
export const view = { View: SelfPacedScenario, parts: SCENARIO_PARTS } satisfies ActivityView<{ id: string; children?: ReactNode }>;
