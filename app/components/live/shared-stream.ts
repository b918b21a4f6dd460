// One event stream per browser, however many tabs show the same live screen (issue 15).
// Browsers allow six HTTP/1.1 connections per site; each EventSource holds one for good,
// so a participant's seventh tab on a session used to freeze. Tabs of one screen now
// elect a leader with the Web Locks API: the tab holding the lock opens the only
// EventSource and rebroadcasts its events on a BroadcastChannel. When the leader closes
// (or crashes) the browser releases its lock and the next waiting tab takes over at once,
// opening its own stream, which sends the current state straight away (docs/live.md).
// Where either API is missing (an old browser, or a page not served over HTTPS or from
// localhost: Web Locks need a secure context), each tab keeps its own stream as before.
import { LIVE_PING_EVENT, LIVE_STATE_EVENT, OWN_PART_PREFIX } from "~/live/state";

export type StreamConnection = "connecting" | "live" | "reconnecting" | "closed";

export interface SharedStreamHandlers {
  /** Every `state` event's raw data, in every tab. */
  onState(data: string): void;
  /** Every `ping` event's data, in the one tab holding the stream (one check-in per browser). */
  onPing(data: string): void;
  onConnection(connection: StreamConnection): void;
}

/** The browser APIs this needs, passed in so the election can be tested outside a browser. */
export interface StreamEnvironment {
  EventSource: typeof EventSource;
  BroadcastChannel?: typeof BroadcastChannel;
  locks?: Pick<LockManager, "request">;
  now(): number;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export interface SharedStream {
  /** Leave: stop leading or waiting, tell the other tabs, close the stream if held. */
  close(): void;
  /** Whether another tab of this screen is known to be open (so leaving the session is not this tab's to say). */
  othersOpen(): boolean;
  /** The page is hidden for good or into the back/forward cache: the other tabs stop counting it. */
  hide(): void;
  /** Back from the back/forward cache. */
  show(): void;
  /** Whether this tab holds the stream (tests, diagnosis). */
  leading(): boolean;
}

/** Tabs say they are open this often… */
export const PEER_BEAT_MS = 10_000;
/**
 * …and are forgotten this long after they last did. Generous on purpose: Chromium runs a
 * hidden tab's timers once a minute, and forgetting a live tab only costs a needless
 * "leaving" that its next check-in undoes.
 */
export const PEER_FORGET_MS = 65_000;

type Message =
  | { t: "hello"; from: string }
  | { t: "here"; from: string }
  | { t: "bye"; from: string }
  | { t: "state"; from: string; data: string }
  | { t: "connection"; from: string; connection: StreamConnection };

export function browserStreamEnvironment(): StreamEnvironment {
  return {
    EventSource,
    BroadcastChannel: typeof BroadcastChannel === "undefined" ? undefined : BroadcastChannel,
    locks: typeof navigator !== "undefined" && navigator.locks ? navigator.locks : undefined,
    now: () => Date.now(),
    setInterval: (fn, ms) => setInterval(fn, ms),
    clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
  };
}

/** Open the stream at `url` for this tab, shared with every other tab that opens the same `key`. */
export function openSharedStream(key: string, url: string, handlers: SharedStreamHandlers, env: StreamEnvironment = browserStreamEnvironment()): SharedStream {
  if (!env.BroadcastChannel || !env.locks) return openOwnStream(url, handlers, env);

  const me = Math.random().toString(36).slice(2) + env.now().toString(36);
  const channel = new env.BroadcastChannel(`doorstep-live:${key}`);
  const peers = new Map<string, number>();
  const stopWaiting = new AbortController();
  let release: (() => void) | null = null;
  let source: EventSource | null = null;
  let lastState: string | null = null;
  /** The newest event that carried the participant's own part: later ones may leave it out. */
  let lastOwn: string | null = null;
  let connection: StreamConnection = "connecting";
  let closed = false;

  const post = (message: Message) => {
    try {
      channel.postMessage(message);
    } catch {
      // the channel is closed: this tab is leaving
    }
  };
  const setConnection = (next: StreamConnection) => {
    connection = next;
    handlers.onConnection(next);
    if (source) post({ t: "connection", from: me, connection: next });
  };

  channel.onmessage = (event: MessageEvent<Message>) => {
    const message = event.data;
    if (!message || typeof message !== "object" || message.from === me) return;
    if (message.t === "bye") {
      peers.delete(message.from);
      return;
    }
    peers.set(message.from, env.now());
    if (message.t === "hello") {
      post({ t: "here", from: me });
      // A new tab gets the leader's newest state and connection without waiting for a change.
      if (source) {
        if (lastOwn !== null && lastOwn !== lastState) post({ t: "state", from: me, data: lastOwn });
        if (lastState !== null) post({ t: "state", from: me, data: lastState });
        post({ t: "connection", from: me, connection });
      }
    } else if (message.t === "state" && !source) handlers.onState(message.data);
    else if (message.t === "connection" && !source) {
      connection = message.connection;
      handlers.onConnection(message.connection);
    }
  };

  const beat = env.setInterval(() => {
    const cutoff = env.now() - PEER_FORGET_MS;
    for (const [peer, seen] of peers) if (seen < cutoff) peers.delete(peer);
    post({ t: "here", from: me });
  }, PEER_BEAT_MS);

  const lead = () => {
    const stream = new env.EventSource(url);
    source = stream;
    stream.onopen = () => setConnection("live");
    stream.onerror = () => setConnection(stream.readyState === env.EventSource.CLOSED ? "closed" : "reconnecting");
    stream.addEventListener(LIVE_STATE_EVENT, (event) => {
      lastState = (event as MessageEvent<string>).data;
      if (lastState.startsWith(OWN_PART_PREFIX)) lastOwn = lastState;
      handlers.onState(lastState);
      post({ t: "state", from: me, data: lastState });
    });
    stream.addEventListener(LIVE_PING_EVENT, (event) => handlers.onPing((event as MessageEvent<string>).data));
  };

  env.locks
    .request(`doorstep-live:${key}`, { signal: stopWaiting.signal }, () => {
      if (closed) return undefined;
      lead();
      // Held until this tab leaves; the browser also releases it if the tab dies.
      return new Promise<void>((resolve) => {
        release = resolve;
      });
    })
    .catch(() => {
      // AbortError: this tab left while still waiting its turn
    });

  post({ t: "hello", from: me });

  return {
    close() {
      if (closed) return;
      closed = true;
      post({ t: "bye", from: me });
      env.clearInterval(beat);
      stopWaiting.abort();
      source?.close();
      source = null;
      release?.();
      channel.close();
    },
    othersOpen: () => peers.size > 0,
    hide: () => post({ t: "bye", from: me }),
    show: () => post({ t: "hello", from: me }),
    leading: () => source !== null,
  };
}

/** Without BroadcastChannel or Web Locks: this tab's own stream, as before issue 15. */
function openOwnStream(url: string, handlers: SharedStreamHandlers, env: StreamEnvironment): SharedStream {
  const stream = new env.EventSource(url);
  stream.onopen = () => handlers.onConnection("live");
  stream.onerror = () => handlers.onConnection(stream.readyState === env.EventSource.CLOSED ? "closed" : "reconnecting");
  stream.addEventListener(LIVE_STATE_EVENT, (event) => handlers.onState((event as MessageEvent<string>).data));
  stream.addEventListener(LIVE_PING_EVENT, (event) => handlers.onPing((event as MessageEvent<string>).data));
  return { close: () => stream.close(), othersOpen: () => false, hide() {}, show() {}, leading: () => true };
}
