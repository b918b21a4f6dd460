import type { DirectEventStream } from "@remix-run/node";
import { databaseHandle, type DatabaseHandle } from "../../db/client.server";
import { describeError } from "../lib/log.server";
import { announce, touchPresence } from "./attendance.server";
import { LIVE_CHANNEL } from "./core.server";
import { checkInSpreadMs, heartbeatSeconds } from "./presence.server";
import { LIVE_PING_EVENT, LIVE_STATE_EVENT, type LiveViewer } from "./state";
import { buildViews, loadSnapshot, type LiveViews } from "./state.server";

// One hub per process. It LISTENs once on doorstep_live and fans each change out to the
// Server-Sent-Events streams of that session connected to *this* instance. The database
// is the only source of truth: on `<sessionId>:<version>` the hub re-reads the session
// once and pushes each screen its own view. Bursts (a room answering a poll) are
// coalesced: at most one push per session per COALESCE_MS, always of the latest state.
// In a big room, a change of answers alone (a tally) waits longer, about TALLY_MS_PER_SCREEN
// per screen on this instance, between BIG_ROOM_TALLY_MS and BIG_ROOM_TALLY_MAX_MS: each
// push re-reads the room and writes to every screen, so its cost grows with the room, and
// during a burst of answers those pushes competed with the answers themselves
// (docs/decisions/025, 047). The trainer's changes keep the short window in every room.

export const COALESCE_MS = 100;
/** Streams of one session on this instance from which a room counts as big. */
export const BIG_ROOM_CLIENTS = 250;
export const BIG_ROOM_TALLY_MS = 250;
export const BIG_ROOM_TALLY_MAX_MS = 2_000;
export const TALLY_MS_PER_SCREEN = 1;

/** How long a big room's tally push waits after the last one: grows with the room, clamped (the floor wins a tie-break). */
export function bigRoomTallyWindow(screens: number, { floorMs = BIG_ROOM_TALLY_MS, ceilingMs = BIG_ROOM_TALLY_MAX_MS, msPerScreen = TALLY_MS_PER_SCREEN } = {}): number {
  return Math.max(floorMs, Math.min(ceilingMs, screens * msPerScreen));
}
/** New screens arriving together (a room joining, everyone reconnecting) share one read. */
const GREET_BATCH_MS = 10;
const RETRY_MS = 2_000;
/** A screen that stops reading (a dead phone) is dropped before it eats the server's memory. */
const MAX_QUEUED_BYTES = 1_000_000;

interface Client {
  viewer: LiveViewer;
  /** Highest version sent, so a slow first read never overwrites a newer push. */
  version: number;
  /** What this participant's screen last got (minus version and clock), to skip repeats. */
  lastShared: string | null;
  lastMe: string | null;
  /** The answers key (LiveViews.answersKey) of the `me` last sent: unchanged, `me` needs no rebuilding. */
  lastAnswersKey: string | null;
  /** Aborts when the connection is gone (server.js: the response's socket closed). */
  closed: AbortSignal;
  send(chunk: string): void;
  close(): void;
}

interface SessionClients {
  clients: Set<Client>;
  lastPushAt: number;
  timer: NodeJS.Timeout | null;
  running: boolean;
  dirty: boolean;
  /** Whether the change waiting (dirty, or timer) includes more than answers. */
  urgent: boolean;
  /** When the pending timer fires (ms since epoch). */
  timerDue: number;
  /** Screens that connected and still wait for their first state. */
  greeting: Set<Client>;
  greetTimer: NodeJS.Timeout | null;
}

const encoder = new TextEncoder();

const STREAM_HEADERS: Record<string, string> = {
  "Content-Type": "text/event-stream; charset=utf-8",
  "Cache-Control": "no-cache, no-transform",
  Connection: "keep-alive",
  // nginx: do not buffer this response.
  "X-Accel-Buffering": "no",
};

export function sseEvent(version: number, data: string): string {
  return `id: ${version}\nevent: ${LIVE_STATE_EVENT}\ndata: ${data}\n\n`;
}

/** DOORSTEP_LIVE_TRACE=1 logs each push's timings (diagnosis, benchmarks). */
const TRACE = Boolean(process.env.DOORSTEP_LIVE_TRACE);

// Never error.message: a failed query's message lists its parameters.
const message = (error: unknown) => describeError(error, { stack: false });

export class LiveHub {
  private sessions = new Map<string, SessionClients>();
  private unlisten: (() => Promise<void>) | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private stopped = false;
  /** Counters for tests and the benchmark. */
  readonly stats = { notifications: 0, pushes: 0, events: 0, meBuilt: 0 };

  constructor(
    readonly handle: DatabaseHandle,
    private readonly options: {
      coalesceMs?: number;
      bigRoomClients?: number;
      /** A big room's tally window at least (its floor) and at most (its ceiling). */
      bigRoomTallyMs?: number;
      bigRoomTallyMaxMs?: number;
      tallyMsPerScreen?: number;
      heartbeatMs?: number;
      log?: (line: string) => void;
    } = {},
  ) {}

  async start(): Promise<void> {
    // Awaited before the server takes requests: PGlite drops notifications sent before LISTEN.
    this.unlisten = await this.handle.listen(LIVE_CHANNEL, (payload) => this.onNotify(payload));
    this.heartbeat = setInterval(() => void this.beat(), this.options.heartbeatMs ?? heartbeatSeconds() * 1000);
    this.heartbeat.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const entry of this.sessions.values()) {
      if (entry.timer) clearTimeout(entry.timer);
      if (entry.greetTimer) clearTimeout(entry.greetTimer);
      for (const client of entry.clients) client.close();
    }
    this.sessions.clear();
    await this.unlisten?.().catch(() => {});
    this.unlisten = null;
  }

  get clientCount(): number {
    let n = 0;
    for (const entry of this.sessions.values()) n += entry.clients.size;
    return n;
  }

  private onNotify(payload: string) {
    this.stats.notifications++;
    const [sessionId = "", , kind] = payload.split(":");
    if (this.sessions.has(sessionId)) this.schedule(sessionId, kind !== "answers");
  }

  private schedule(sessionId: string, urgent: boolean) {
    const entry = this.sessions.get(sessionId);
    if (!entry) return;
    if (entry.running) {
      entry.dirty = true; // push again when this one is done, with whatever is newest then
      entry.urgent ||= urgent;
      return;
    }
    entry.urgent ||= urgent;
    const big = entry.clients.size >= (this.options.bigRoomClients ?? BIG_ROOM_CLIENTS);
    const window =
      big && !entry.urgent
        ? bigRoomTallyWindow(entry.clients.size, { floorMs: this.options.bigRoomTallyMs, ceilingMs: this.options.bigRoomTallyMaxMs, msPerScreen: this.options.tallyMsPerScreen })
        : (this.options.coalesceMs ?? COALESCE_MS);
    const due = entry.lastPushAt + window;
    if (entry.timer) {
      if (due >= entry.timerDue) return; // a push is already due and will read the newest state
      clearTimeout(entry.timer); // a trainer's change does not wait for a tally's window
      entry.timer = null;
    }
    const wait = due - Date.now();
    if (wait <= 0) void this.push(sessionId, entry);
    else {
      entry.timerDue = due;
      entry.timer = setTimeout(() => {
        entry.timer = null;
        void this.push(sessionId, entry);
      }, wait);
    }
  }

  private async push(sessionId: string, entry: SessionClients) {
    entry.running = true;
    entry.dirty = false;
    // Only answers changed (every notification since the last push was tagged "answers"):
    // a participant's own part can then only have changed with their own rows.
    const answersOnly = !entry.urgent;
    entry.urgent = false;
    entry.lastPushAt = Date.now();
    try {
      const started = performance.now();
      const snapshot = await loadSnapshot(sessionId);
      if (!snapshot) {
        for (const client of entry.clients) client.close();
        return;
      }
      const read = performance.now();
      const views = buildViews(snapshot);
      this.stats.pushes++;
      this.deliver(views, entry.clients, { answersOnly });
      if (TRACE) {
        const done = performance.now();
        this.options.log?.(`live: v${views.version} → ${entry.clients.size} streams: read ${(read - started).toFixed(1)} ms, views+send ${(done - read).toFixed(1)} ms`);
      }
      if (views.status === "ended") for (const client of entry.clients) client.close();
    } catch (error) {
      this.options.log?.(`live: push for session ${sessionId} failed: ${message(error)}`);
    } finally {
      entry.running = false;
      if (entry.dirty && !this.stopped) this.schedule(sessionId, entry.urgent);
    }
  }

  /**
   * Serialise each shared part once; only a participant's own part is per screen, and only
   * for those whose own part changed. After a change of answers alone (`answersOnly`), a
   * participant whose answers key is the one last sent keeps their `me` unbuilt: they get
   * the one shared event (no `me`: the page keeps the one it has) if the shared part
   * changed, nothing if not. So a room's burst of answers costs, per push, one shared event
   * written to every screen and a `me` for each person who just answered, not a view for
   * every participant (docs/decisions/043). Any other change rebuilds and compares every
   * `me`, as does a screen's first state.
   */
  private deliver(views: LiveViews, clients: Iterable<Client>, { answersOnly = false }: { answersOnly?: boolean } = {}) {
    let participantShared: string | null = null;
    let participantSameness: string | null = null;
    let sharedOnlyEvent: string | null = null;
    let presenterEvent: string | null = null;
    let displayEvent: string | null = null;
    for (const client of clients) {
      if (views.version < client.version) continue;
      client.version = views.version;
      if (client.viewer.kind === "presenter") {
        presenterEvent ??= sseEvent(
          views.version,
          `{"shared":${JSON.stringify(views.presenterShared)},"me":null,"presenter":${JSON.stringify(views.presenter)}}`,
        );
        client.send(presenterEvent);
      } else if (client.viewer.kind === "display") {
        displayEvent ??= sseEvent(views.version, `{"shared":${JSON.stringify(views.displayShared)},"me":null,"presenter":null}`);
        client.send(displayEvent);
      } else {
        participantShared ??= JSON.stringify(views.participantShared);
        participantSameness ??= JSON.stringify({ ...views.participantShared, version: 0, serverNow: "" });
        const sharedChanged = client.lastShared !== participantSameness;
        const answersKey = views.answersKey(client.viewer.userId);
        if (answersOnly && client.lastMe !== null && client.lastAnswersKey === answersKey) {
          if (!sharedChanged) continue;
          client.lastShared = participantSameness;
          sharedOnlyEvent ??= sseEvent(views.version, `{"shared":${participantShared},"presenter":null}`);
          client.send(sharedOnlyEvent);
        } else {
          this.stats.meBuilt++;
          const me = JSON.stringify(views.me(client.viewer.userId));
          client.lastAnswersKey = answersKey;
          if (!sharedChanged && client.lastMe === me) continue;
          client.lastShared = participantSameness;
          client.lastMe = me;
          // `me` first: a page's tabs share one stream, and the tab holding it replays the
          // last event that carried `me` to a tab that opens later (shared-stream.ts).
          client.send(sseEvent(views.version, `{"me":${me},"shared":${participantShared},"presenter":null}`));
        }
      }
      this.stats.events++;
    }
  }

  /**
   * Every heartbeat: a ping on every participant's stream, which their page answers with a
   * check-in (that answer, not the open stream, is what keeps them "connected"), a comment
   * line on presenters' streams (so proxies keep idle connections open), and presenters
   * re-sent their view (someone may have stopped answering, on any instance). A stream
   * whose connection is known to be gone is dropped here too, in case its abort was missed.
   */
  private async beat() {
    const ping = `event: ${LIVE_PING_EVENT}\ndata: ${checkInSpreadMs()}\n\n`;
    for (const [sessionId, entry] of this.sessions) {
      let presenters = 0;
      for (const client of [...entry.clients]) {
        if (client.closed.aborted) {
          client.close();
          continue;
        }
        if (client.viewer.kind === "participant") client.send(ping);
        else {
          client.send(": heartbeat\n\n");
          if (client.viewer.kind === "presenter") presenters++;
        }
      }
      if (!presenters) continue;
      try {
        await this.refreshPresenters(sessionId, entry);
      } catch (error) {
        this.options.log?.(`live: heartbeat for session ${sessionId} failed: ${message(error)}`);
      }
    }
  }

  private async refreshPresenters(sessionId: string, entry: SessionClients) {
    const snapshot = await loadSnapshot(sessionId);
    if (!snapshot) return;
    this.deliver(
      buildViews(snapshot),
      [...entry.clients].filter((c) => c.viewer.kind === "presenter"),
    );
  }

  /**
   * Open an event stream for one screen: registered before the first read, so no change
   * between that read and the next NOTIFY can be missed; the current state goes out at
   * once (also after a reconnect with Last-Event-ID). Closed when `closed` aborts: pass the
   * connection's own signal (server.js), since Remix's request.signal can stop following
   * the connection once the Request is garbage collected (nodejs/undici#3644). A connection
   * that went away while the caller was still awaiting (closed already aborted, whose
   * "abort" event will never fire again) is never registered. `openDirect` (server.js's
   * socket) replaces the Response body when given.
   */
  connect(sessionId: string, viewer: LiveViewer, closed: AbortSignal, openDirect?: (headers: Record<string, string>) => DirectEventStream): Response {
    if (closed.aborted) return new Response(null, { status: 204 });
    let client: Client | null = null;
    const onClosed = () => client?.close();
    const remove = () => {
      const entry = this.sessions.get(sessionId);
      if (!entry || !client) return;
      entry.clients.delete(client);
      entry.greeting.delete(client);
      if (entry.clients.size === 0) {
        if (entry.timer) clearTimeout(entry.timer);
        if (entry.greetTimer) clearTimeout(entry.greetTimer);
        this.sessions.delete(sessionId);
      }
    };
    const register = (newClient: Client) => {
      client = newClient;
      let entry = this.sessions.get(sessionId);
      if (!entry) {
        entry = { clients: new Set(), lastPushAt: 0, timer: null, running: false, dirty: false, urgent: false, timerDue: 0, greeting: new Set(), greetTimer: null };
        this.sessions.set(sessionId, entry);
      }
      entry.clients.add(newClient);
      newClient.send(`retry: ${RETRY_MS}\n: connected\n\n`);
      closed.addEventListener("abort", onClosed, { once: true });
      entry.greeting.add(newClient);
      const waiting = entry;
      waiting.greetTimer ??= setTimeout(() => void this.greet(sessionId, waiting), GREET_BATCH_MS);
    };
    /** One screen over either transport: drops a screen that stops reading, and closes once. */
    const registerOver = (transport: { backlogged: () => boolean; write: (chunk: string) => void; end: () => void }) => {
      let open = true;
      register({
        viewer,
        version: 0,
        lastShared: null,
        lastMe: null,
        lastAnswersKey: null,
        closed,
        send(chunk) {
          if (!open) return;
          if (transport.backlogged()) {
            this.close();
            return;
          }
          transport.write(chunk);
        },
        close() {
          if (!open) return;
          open = false;
          closed.removeEventListener("abort", onClosed);
          remove();
          transport.end();
        },
      });
    };
    if (openDirect) {
      // server.js's socket: each event is one write of a string, as a bare SSE server
      // does, instead of an encode, an enqueue and Remix's async pipe per screen (ADR 025).
      const direct = openDirect(STREAM_HEADERS);
      registerOver({ backlogged: () => direct.queuedBytes() > MAX_QUEUED_BYTES, write: (chunk) => direct.write(chunk), end: () => direct.end() });
      return direct.response;
    }
    const stream = new ReadableStream<Uint8Array>({
      start: (controller) =>
        registerOver({
          backlogged: () => (controller.desiredSize ?? 0) < -MAX_QUEUED_BYTES,
          write: (chunk) => controller.enqueue(encoder.encode(chunk)),
          end: () => {
            try {
              controller.close();
            } catch {
              // already closed by the other side
            }
          },
        }),
      cancel: () => client?.close(),
    });
    return new Response(stream, { headers: STREAM_HEADERS });
  }

  /** The first state for every screen that connected since the last greeting, from one read. */
  private async greet(sessionId: string, entry: SessionClients) {
    const batch = [...entry.greeting];
    entry.greeting.clear();
    try {
      // Opening the stream is the browser asking: it counts as a check-in, if still open.
      const userIds = batch.flatMap((c) => (c.viewer.kind === "participant" && !c.closed.aborted ? [c.viewer.userId] : []));
      const back = await touchPresence(sessionId, [...new Set(userIds)]);
      // Presenters everywhere should see them reappear now, not at the next heartbeat.
      if (back.length) await announce(sessionId);
      const snapshot = await loadSnapshot(sessionId);
      if (!snapshot) {
        for (const client of batch) client.close();
        return;
      }
      const views = buildViews(snapshot);
      this.deliver(views, batch);
      if (views.status === "ended") for (const client of batch) client.close();
    } catch (error) {
      this.options.log?.(`live: first state for session ${sessionId} failed: ${message(error)}`);
      for (const client of batch) client.close();
    } finally {
      entry.greetTimer = null;
      if (entry.greeting.size && !this.stopped) entry.greetTimer = setTimeout(() => void this.greet(sessionId, entry), GREET_BATCH_MS);
    }
  }
}

// One hub per process; it survives dev rebuilds of the server bundle like the database.
const holder = globalThis as unknown as { __doorstepLiveHub?: { hub: LiveHub; ready: Promise<void> } };

/** Start the hub on the current database (boot calls this before serving). */
export async function startLiveHub(options: { log?: (line: string) => void } = {}): Promise<LiveHub> {
  const handle = databaseHandle();
  const current = holder.__doorstepLiveHub;
  if (current && current.hub.handle === handle) {
    await current.ready;
    return current.hub;
  }
  if (current) await current.hub.stop();
  const hub = new LiveHub(handle, { log: options.log ?? ((line) => console.error(line)) });
  const ready = hub.start();
  holder.__doorstepLiveHub = { hub, ready };
  await ready;
  return hub;
}

/** The running hub, started now if it isn't yet (tests that skip boot). */
export function liveHub(): Promise<LiveHub> {
  return startLiveHub();
}

/** Close every stream and stop listening (server shutdown). */
export async function stopLive(): Promise<void> {
  const current = holder.__doorstepLiveHub;
  holder.__doorstepLiveHub = undefined;
  await current?.hub.stop();
}
