import { env } from "../lib/env.server";

// How long presence lasts (docs/live.md, "Presence"). A participant is "connected now"
// only while their own screen keeps proving it: it answers the stream's ping every
// heartbeat with a check-in. The window allows one missed or late answer (a phone on a
// weak signal), not two, so someone who left silently drops off within two heartbeats and
// a margin; one who left properly (closed the tab, went to another page) says so at once.

/** Seconds between pings on the event stream (DOORSTEP_LIVE_HEARTBEAT_SECONDS, default 15). */
export const heartbeatSeconds = (): number => env().DOORSTEP_LIVE_HEARTBEAT_SECONDS;

/** "Connected now" and "present at the end": checked in within this many seconds (35 by default). */
export const connectedWindowSeconds = (): number => {
  const heartbeat = heartbeatSeconds();
  return 2 * heartbeat + Math.max(1, Math.ceil(heartbeat / 3));
};

/**
 * Screens wait up to this long (at random) before answering a ping, so a whole room does
 * not check in in the same millisecond.
 */
export const checkInSpreadMs = (): number => Math.min(3_000, heartbeatSeconds() * 250);
