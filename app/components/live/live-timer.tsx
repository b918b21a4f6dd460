import { useEffect, useState } from "react";

function format(seconds: number) {
  const s = Math.max(0, Math.ceil(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/**
 * The trainer's countdown, the same on every screen: it counts towards the server's end
 * time, corrected by this screen's clock offset (`offsetMs` = server clock − our clock).
 * The first render uses the server's own "now", so server and browser render the same.
 */
export function LiveTimer({
  timer,
  serverNow,
  offsetMs,
  large = false,
  extended = false,
}: {
  timer: { endsAt: string; seconds: number } | null;
  serverNow: string;
  offsetMs: number;
  large?: boolean;
  /** Stretched by this learner's accommodation: say so, so the longer time is no surprise. */
  extended?: boolean;
}) {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    if (!timer) return;
    const tick = () => setNow(Date.now() + offsetMs);
    tick();
    const interval = setInterval(tick, 250);
    return () => clearInterval(interval);
  }, [timer, offsetMs]);
  if (!timer) return null;
  const left = (Date.parse(timer.endsAt) - (now ?? Date.parse(serverNow))) / 1000;
  const done = left <= 0;
  return (
    <div className={`live-timer${large ? " live-timer--large" : ""}${done ? " live-timer--done" : ""}`}>
      <span className="live-timer__label">{done ? "Time's up" : extended ? "Your time left" : "Time left"}</span>{" "}
      <span className="live-timer__value" role="timer" aria-label={done ? "Time's up" : `${format(left)} left`}>
        {format(left)}
      </span>
      {done ? (
        <span className="visually-hidden" role="status">
          Time's up.
        </span>
      ) : null}
    </div>
  );
}
