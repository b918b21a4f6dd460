import type { LiveShared } from "~/live/state";
import { DotIcon } from "../icons";
import { LiveTimer } from "./live-timer";
import type { LiveConnection } from "./use-live-state";

const CONNECTION_TEXT: Record<LiveConnection, string> = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
  closed: "Offline: refreshing every few seconds",
};

/** The strip at the top of a participant's screen: module, step, timer, connection. */
export function LiveStatusBar({ shared, offsetMs, connection }: { shared: LiveShared; offsetMs: number; connection: LiveConnection }) {
  const ended = shared.status === "ended";
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
      <LiveTimer timer={shared.timer} serverNow={shared.serverNow} offsetMs={offsetMs} />
      {ended ? null : (
        <p className={`live-bar__connection live-bar__connection--${connection}`}>
          <DotIcon className="live-bar__dot" /> {CONNECTION_TEXT[connection]}
        </p>
      )}
    </div>
  );
}
