// Planned minutes against elapsed time for a live session (issue 15). Pure and client-safe:
// the presenter ticks it every second, the printable plan uses the running clock.

/** Minutes planned for the whole session: steps without `liveMinutes` count as none. */
export function plannedTotal(planned: readonly (number | null)[]): number {
  return planned.reduce<number>((sum, m) => sum + (m ?? 0), 0);
}

/** Where each step starts on the plan's clock, in minutes from the start: 0, 8, 20, … */
export function runningClock(planned: readonly (number | null)[]): number[] {
  const starts: number[] = [];
  let at = 0;
  for (const m of planned) {
    starts.push(at);
    at += m ?? 0;
  }
  return starts;
}

/** 0:00, 8:05, 1:02:30: minutes and seconds, hours only when there are some. */
export function formatClock(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = String(s % 60).padStart(2, "0");
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, "0")}:${seconds}` : `${minutes}:${seconds}`;
}

/** A plan offset in minutes as a clock: 0:00, 0:08, 1:05 (hours:minutes). */
export function formatPlanClock(minutes: number): string {
  return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, "0")}`;
}

export interface ElapsedAgainstPlan {
  elapsedSeconds: number;
  /** null: nothing planned, so there is nothing to be over. */
  plannedMinutes: number | null;
  /** Seconds past the plan; 0 while within it. */
  overSeconds: number;
}

export interface LiveTiming {
  step: ElapsedAgainstPlan;
  session: ElapsedAgainstPlan;
}

export interface LiveTimingInput {
  /** The clock to measure to (the server's, corrected); an ended session stops at its end. */
  now: number;
  startedAt: string;
  stepStartedAt: string;
  endedAt: string | null;
  stepIndex: number;
  planned: readonly (number | null)[];
}

function against(elapsedSeconds: number, plannedMinutes: number | null): ElapsedAgainstPlan {
  const elapsed = Math.max(0, Math.floor(elapsedSeconds));
  return { elapsedSeconds: elapsed, plannedMinutes, overSeconds: plannedMinutes === null ? 0 : Math.max(0, elapsed - plannedMinutes * 60) };
}

export function liveTiming(input: LiveTimingInput): LiveTiming {
  const end = input.endedAt ? Math.min(input.now, Date.parse(input.endedAt)) : input.now;
  const total = plannedTotal(input.planned);
  return {
    step: against((end - Date.parse(input.stepStartedAt)) / 1000, input.planned[input.stepIndex] ?? null),
    session: against((end - Date.parse(input.startedAt)) / 1000, total > 0 ? total : null),
  };
}

/** "2 min over", "45 s over": said in words, so over-time never rests on colour. */
export function overText(overSeconds: number): string {
  return overSeconds < 60 ? `${overSeconds} s over` : `${Math.floor(overSeconds / 60)} min over`;
}
