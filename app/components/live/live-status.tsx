import { useMemo } from "react";
import { accommodatedTimer, type TimingAccommodation } from "~/auth/timing";
import type { LiveShared } from "~/live/state";
import { ClockIcon, DotIcon } from "../icons";
import { useHydrated } from "./held-tallies";
import { LiveTimer } from "./live-timer";
import type { LiveConnection } from "./use-live-state";

const CONNECTION_TEXT: Record<LiveConnection, string> = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Connection dropped: reconnecting by itself…",
  closed: "Connection lost: trying again every few seconds",
};

/** The strip at the top of a participant's screen: module, step, timer, connection. */
export function LiveStatusBar({
  shared,
  offsetMs,
  connection,
  timing = "standard",
  refreshSeconds,
}: {
  shared: LiveShared;
  offsetMs: number;
  connection: LiveConnection;
  /** This participant's own accommodation: the trainer's timer, stretched or replaced. */
  timing?: TimingAccommodation;
  /** How often the page reloads itself without JavaScript (its noscript meta refresh). */
  refreshSeconds: number;
}) {
  // The server's text, kept until the page's script runs: without JavaScript there is no
  // stream to connect to, so "Connecting…" would never become true (the page reloads instead).
  const hydrated = useHydrated();
  const ended = shared.status === "ended";
  // Memoised: LiveTimer restarts its clock whenever it gets a new timer object.
  const timer = useMemo(() => (shared.timer ? accommodatedTimer(shared.timer, timing) : null), [shared.timer, timing]);
  return (
    <div className="live-bar">
      <p className="live-bar__where">
        <span className="live-bar__module">{shared.module.title}</span>{" "}
        {ended ? null : (
          <span className="muted">
            · Step {shared.stepIndex + 1} of {shared.steps.length}
          </span>
        )}
      </p>
      {shared.timer && !timer ? (
        <p className="live-timer live-timer--relaxed" data-testid="take-your-time">
          <ClockIcon /> No countdown for you: take your time.
        </p>
      ) : (
        <LiveTimer timer={timer} serverNow={shared.serverNow} offsetMs={offsetMs} extended={timing === "double" || timing === "triple"} />
      )}
      {ended ? null : (
        <p className={`live-bar__connection live-bar__connection--${hydrated ? connection : "reloading"}`} aria-live="polite">
          <DotIcon className="live-bar__dot" /> {hydrated ? CONNECTION_TEXT[connection] : `This page refreshes every ${refreshSeconds} seconds`}
        </p>
      )}
    </div>
  );
}
