import { useEffect, useState } from "react";
import { accommodatedSeconds, TIMING_LABEL, type TimingAccommodation } from "~/auth/timing";
import { ClockIcon, PauseIcon, PlayIcon } from "./icons";

function format(seconds: number) {
  const s = Math.max(0, Math.ceil(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/**
 * A self-paced role-play's countdown, run by the learner, at their own timing (account →
 * Timers). It never ends anything: when it reaches zero it says so and the learner carries on
 * or stops. Without JavaScript the length is shown as text and there is no button to press.
 */
export function PracticeTimer({ minutes, timing = "standard" }: { minutes: number; timing?: TimingAccommodation }) {
  const total = accommodatedSeconds(minutes * 60, timing);
  const [hydrated, setHydrated] = useState(false);
  const [left, setLeft] = useState(total ?? 0);
  const [running, setRunning] = useState(false);
  useEffect(() => setHydrated(true), []);
  useEffect(() => {
    if (!running) return;
    // Counted from the wall clock, not from ticks: a phone that sleeps a tab still ends on time.
    const endsAt = Date.now() + left * 1000;
    const interval = setInterval(() => {
      const remaining = Math.max(0, (endsAt - Date.now()) / 1000);
      setLeft(remaining);
      if (remaining <= 0) setRunning(false);
    }, 250);
    return () => clearInterval(interval);
    // `left` is read once when the timer (re)starts, on purpose.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [running]);

  if (total === null) {
    return (
      <p className="practice-timer practice-timer--relaxed" data-testid="practice-timer">
        <ClockIcon /> About {minutes} minutes, but no timer for you (your setting): take your time.
      </p>
    );
  }
  const stretched = timing === "double" || timing === "triple";
  const done = left <= 0;
  return (
    <div className="practice-timer" data-testid="practice-timer">
      <p className="practice-timer__length">
        <ClockIcon /> {Math.round(total / 60)} minutes
        {stretched ? <span className="muted"> ({TIMING_LABEL[timing].toLowerCase()} as the usual {minutes}, your setting)</span> : null}
      </p>
      {hydrated ? (
        <div className="practice-timer__controls">
          <span className="practice-timer__value" role="timer" aria-label={done ? "Time's up" : `${format(left)} left`}>
            {format(left)}
          </span>
          {done ? (
            <>
              <span role="status">Time's up.</span>
              <button type="button" className="button button--quiet" onClick={() => setLeft(total)}>
                Reset
              </button>
            </>
          ) : (
            <button type="button" className="button button--secondary" aria-pressed={running} onClick={() => setRunning((r) => !r)}>
              {running ? <PauseIcon /> : <PlayIcon />} {running ? "Pause the timer" : left < total ? "Carry on" : "Start the timer"}
            </button>
          )}
        </div>
      ) : null}
    </div>
  );
}
