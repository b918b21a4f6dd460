import { useRevalidator } from "@remix-run/react";
import { useEffect, useState } from "react";
import { liveCheckInPath, withEvent, type LiveEventData, type LiveView } from "~/live/state";
import { openSharedStream } from "./shared-stream";
import type { LiveRuntime, ModuleRuntime } from "~/activities/runtime/context";
import type { ShuffleSeeds } from "~/activities/order/shuffle";

export type LiveConnection = "connecting" | "live" | "reconnecting" | "closed";

interface Held {
  view: LiveView;
  /** Server clock − this browser's clock, from the moment the view arrived. */
  offsetMs: number;
}

const held = (view: LiveView, clientNow: number): Held => ({ view, offsetMs: Date.parse(view.shared.serverNow) - clientNow });

/**
 * The live state of a session for this screen. The loader's state paints first (so the
 * page works without JavaScript); an EventSource then keeps it current, one per browser
 * for all the tabs showing this screen (shared-stream.ts). The browser
 * reconnects by itself after a drop, sending Last-Event-ID, and gets the current state
 * at once. The newest version wins, whichever way it came (stream or loader revalidation).
 * If the stream cannot be kept open, the page re-asks the loader every few seconds.
 *
 * A participant's page also proves it is here: it answers every ping on the stream with a
 * check-in, and says it is leaving when it is hidden for good (closed, or another page
 * opened). Presence is only ever what the page proves (docs/live.md, "Presence").
 */
export function useLiveState(initial: LiveView, as: "presenter" | "display" | "participant"): Held & { connection: LiveConnection } {
  const [state, setState] = useState<Held>(() => ({ view: initial, offsetMs: 0 }));
  const [connection, setConnection] = useState<LiveConnection>("connecting");
  // Bumped to open the stream again after the browser gave it up (below).
  const [attempt, setAttempt] = useState(0);
  const code = initial.shared.code;
  const ended = state.view.shared.status === "ended";

  useEffect(() => {
    const now = Date.now();
    setState((current) => (initial.shared.version >= current.view.shared.version ? held(initial, now) : current));
  }, [initial]);

  useEffect(() => {
    if (typeof EventSource === "undefined" || ended) return;
    const path = liveCheckInPath(code);
    const checkIn = () => {
      void fetch(path, { method: "POST", body: new URLSearchParams({ intent: "here" }), credentials: "same-origin" }).catch(() => {});
    };
    let pending: ReturnType<typeof setTimeout> | null = null;
    // Tabs of this screen share one stream (shared-stream.ts): only the tab holding it
    // hears the pings, so a browser checks in once however many tabs it has open.
    const stream = openSharedStream(`${code}:${as}`, `/live/${code}/events${as === "participant" ? "" : `?as=${as}`}`, {
      onConnection: setConnection,
      onState(data) {
        const now = Date.now();
        let event: LiveEventData;
        try {
          event = JSON.parse(data) as LiveEventData;
        } catch {
          return;
        }
        setState((current) => (event.shared.version >= current.view.shared.version ? held(withEvent(current.view, event), now) : current));
      },
      onPing(data) {
        if (as !== "participant") return;
        // The server says how widely to spread a room's answers.
        const spread = Math.min(Math.max(Number(data) || 0, 0), 5_000);
        if (pending) clearTimeout(pending);
        pending = setTimeout(() => {
          pending = null;
          checkIn();
        }, Math.random() * spread);
      },
    });
    if (as !== "participant") return () => stream.close();
    // Hidden for good (persisted = false), or into the back/forward cache: gone either
    // way until it shows again. A beacon still goes out while the page unloads, unless
    // another tab of the session stays open: leaving is then not this tab's to say.
    const leave = () => {
      if (!stream.othersOpen()) navigator.sendBeacon?.(path, new URLSearchParams({ intent: "leaving" }));
      stream.hide();
    };
    const onPageShow = (event: PageTransitionEvent) => {
      if (!event.persisted) return;
      stream.show();
      checkIn();
    };
    window.addEventListener("pagehide", leave);
    window.addEventListener("pageshow", onPageShow);
    return () => {
      if (pending) clearTimeout(pending);
      window.removeEventListener("pagehide", leave);
      window.removeEventListener("pageshow", onPageShow);
      // Left the session's page within the app (or the session ended: then it is refused, harmlessly).
      leave();
      stream.close();
    };
  }, [code, as, ended, attempt]);

  // A stream the browser gave up on (closed, not reconnecting) is opened again as soon as
  // the network is back, and every 15 s meanwhile: a dropped session recovers on its own.
  useEffect(() => {
    if (connection !== "closed" || ended) return;
    const retry = () => setAttempt((n) => n + 1);
    window.addEventListener("online", retry);
    const timer = setTimeout(retry, 15_000);
    return () => {
      window.removeEventListener("online", retry);
      clearTimeout(timer);
    };
  }, [connection, ended]);

  const revalidator = useRevalidator();
  const polling = !ended && connection === "closed";
  useEffect(() => {
    if (!polling) return;
    const interval = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, 5_000);
    return () => clearInterval(interval);
  }, [polling, revalidator]);

  return { ...state, connection };
}

// Here, beside the hook whose state it turns into a runtime, rather than in a module of its
// own: every live screen but the phone remote loads this module's script, and as a module of
// its own (app/mdx/live-runtime.ts, which the remote does not use) it was one more script on
// the live participant page (issue 18 part 6, ADR 036).
/** The <ModuleContent> runtime for a live screen, from the current live state. */
export function liveModuleRuntime(
  view: LiveView,
  manifest: ModuleRuntime["manifest"],
  options: { role: LiveRuntime["role"]; actionPath: string; reflections?: Record<string, string>; shuffleSeeds?: Record<string, ShuffleSeeds> },
): ModuleRuntime {
  const { shared, me, presenter } = view;
  const step = shared.steps[shared.stepIndex] ?? shared.steps[0];
  return {
    mode: "live",
    currentStepId: step?.id ?? "",
    manifest,
    progress: { seenStepIds: [], quizzes: {}, scenarios: {}, polls: {}, reflections: options.reflections ?? {} },
    formKeys: {},
    // Participants only: the presenter's screen keeps the author's order for the whole room.
    ...(options.shuffleSeeds ? { shuffleSeeds: options.shuffleSeeds } : {}),
    actionPath: options.actionPath,
    retryQuizId: null,
    ...(me ? { timing: me.timing } : {}),
    live: {
      role: options.role,
      open: shared.status === "open",
      revealed: shared.revealed,
      tallies: shared.tallies,
      answered: shared.answered,
      scenarios: shared.scenarios,
      pairing: shared.pairing,
      connectedCount: shared.connectedCount,
      responses: me?.responses ?? {},
      votes: me?.votes ?? {},
      roleCard: me?.role ?? null,
      rubric: me?.rubric ?? null,
      groups: presenter?.groups ?? null,
      rubricSummary: presenter?.rubric ?? [],
    },
  };
}
