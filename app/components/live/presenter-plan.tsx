import { useEffect, useState } from "react";
import type { TrainerStep } from "~/content/manifest";
import type { LivePresenter, LiveShared } from "~/live/state";
import { formatClock, liveTiming, overText, type ElapsedAgainstPlan } from "~/live/timing";
import { ClockIcon } from "../icons";
import { TrainerNotesBlocks } from "../trainer-notes";

// The presenter's own plan for the current step (issue 15): elapsed against planned minutes
// and the trainer notes. Kept apart from presenter.tsx, which other views share.

/** The server's clock, ticking: the first render uses the server's "now", so SSR and hydration agree. */
function useServerNow(serverNow: string, offsetMs: number, running: boolean): number {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    if (!running) return;
    const tick = () => setNow(Date.now() + offsetMs);
    tick();
    const interval = setInterval(tick, 1000);
    return () => clearInterval(interval);
  }, [offsetMs, running]);
  return now ?? Date.parse(serverNow);
}

function Figure({ label, figure, testId }: { label: string; figure: ElapsedAgainstPlan; testId: string }) {
  const over = figure.overSeconds > 0;
  return (
    <div className={`timing__row${over ? " timing__row--over" : ""}`} data-testid={testId}>
      <dt>{label}</dt>
      <dd>
        <span className="timing__elapsed">{formatClock(figure.elapsedSeconds)}</span>{" "}
        {figure.plannedMinutes !== null ? <span className="timing__planned">of {figure.plannedMinutes} min planned</span> : <span className="muted">no time planned</span>}
        {over ? (
          <>
            {" "}
            <span className="timing__over">
              <ClockIcon /> {overText(figure.overSeconds)}
            </span>
          </>
        ) : null}
      </dd>
    </div>
  );
}

export function PresenterPlan({
  shared,
  presenter,
  trainerSteps,
  offsetMs,
}: {
  shared: LiveShared;
  presenter: LivePresenter | null;
  trainerSteps: TrainerStep[];
  offsetMs: number;
}) {
  const ended = shared.status === "ended";
  const now = useServerNow(shared.serverNow, offsetMs, !ended);
  const step = trainerSteps[shared.stepIndex];
  const timing = presenter
    ? liveTiming({ now, ...presenter.timing, stepIndex: shared.stepIndex, planned: trainerSteps.map((s) => s.liveMinutes) })
    : null;
  return (
    <section className="present-plan" aria-labelledby="present-plan-heading">
      <h2 id="present-plan-heading" className="present-plan__heading">
        Your plan
      </h2>
      {timing ? (
        <dl className="timing">
          <Figure label="This step" figure={timing.step} testId="timing-step" />
          <Figure label="Session" figure={timing.session} testId="timing-session" />
        </dl>
      ) : null}
      <div className="trainer-notes trainer-notes--presenter" aria-label="Trainer notes for this step" role="region">
        <h3 className="trainer-notes__title">Trainer notes</h3>
        {step && step.notesHtml.length > 0 ? <TrainerNotesBlocks notesHtml={step.notesHtml} /> : <p className="muted">No notes for this step.</p>}
      </div>
      <p>
        <a href={`/modules/${shared.module.slug}/plan`} target="_blank" rel="noopener">
          Printable session plan <span className="visually-hidden">(opens in a new tab)</span>
        </a>
      </p>
    </section>
  );
}
