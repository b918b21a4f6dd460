import { useEffect, useRef, useState } from "react";
import type { Activity } from "~/content/manifest";
import type { LiveShared } from "~/live/state";
import { announcementDelay, holdTallies, summariseTallies } from "~/live/tally-announce";
import { PauseIcon } from "../icons";

// A participant's live results, pausable (WCAG 2.2.2: moving, updating content can be
// paused) and announced politely, summarised rather than per answer (WCAG 4.1.3).
// Only the counts are held: the step, the timer and the trainer's reveals carry on.

type Held = Parameters<typeof holdTallies>[1];

/** `shared` as this screen shows it: while paused, every count stays as it was. */
export function useHeldTallies(shared: LiveShared, paused: boolean): LiveShared {
  const held = useRef<Held | null>(null);
  if (!paused) {
    held.current = null;
    return shared;
  }
  const { shown, held: next } = holdTallies(shared, held.current ?? { tallies: {}, answered: {}, voters: {} });
  held.current = next;
  return shown;
}

export function useHydrated() {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}

/**
 * The pause toggle and the polite announcer for one step's tallies. Without JavaScript
 * there is nothing to pause (the page only changes when it is reloaded), so no button.
 */
export function LiveResultsControl({
  shown,
  current,
  activities,
  activityIds,
  paused,
  onPausedChange,
}: {
  shown: LiveShared;
  current: LiveShared;
  activities: Record<string, Activity | undefined>;
  activityIds: readonly string[];
  paused: boolean;
  onPausedChange: (paused: boolean) => void;
}) {
  const hydrated = useHydrated();
  const summary = summariseTallies(shown, activities, activityIds);
  const waiting = paused && summariseTallies(current, activities, activityIds) !== summary;
  if (!summary) return null;
  return (
    <div className="live-results-control">
      {hydrated ? (
        <button type="button" className="button button--secondary tally-pause" aria-pressed={paused} onClick={() => onPausedChange(!paused)}>
          <PauseIcon /> Pause live results
        </button>
      ) : null}
      {paused ? (
        <p className="muted tally-pause__state">
          Paused: the counts below stay as they are{waiting ? ". New answers are waiting" : ""}. Press again to catch up.
        </p>
      ) : null}
      <PoliteSummary summary={summary} quiet={paused} />
    </div>
  );
}

/** A polite live region that says the latest summary after a change, at most every few seconds. */
function PoliteSummary({ summary, quiet }: { summary: string; quiet: boolean }) {
  const [said, setSaid] = useState("");
  const first = useRef(summary);
  const latest = useRef(summary);
  const lastAt = useRef<number | null>(null);
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  latest.current = summary;
  useEffect(() => {
    // The state on arrival is on the screen already; only changes are announced.
    if (quiet || summary === first.current || pending.current) return;
    pending.current = setTimeout(() => {
      pending.current = null;
      lastAt.current = Date.now();
      first.current = "";
      setSaid(latest.current);
    }, announcementDelay(Date.now(), lastAt.current));
  }, [summary, quiet]);
  useEffect(
    () => () => {
      if (pending.current) clearTimeout(pending.current);
    },
    [],
  );
  useEffect(() => {
    if (quiet && pending.current) {
      clearTimeout(pending.current);
      pending.current = null;
    }
  }, [quiet]);
  return (
    <p className="visually-hidden" aria-live="polite" data-testid="tally-announcer">
      {said}
    </p>
  );
}
