import { afterEach, describe, expect, it } from "vitest";
import { openSharedStream, type SharedStream, type StreamConnection, type StreamEnvironment } from "~/components/live/shared-stream";

// The tab election of app/components/live/shared-stream.ts with Node's own BroadcastChannel
// (which delivers between instances in one process, as between a browser's tabs) and a
// lock manager that grants each name to one holder at a time, in request order, like the
// browser's Web Locks.

class FakeEventSource {
  static readonly CLOSED = 2;
  static open: FakeEventSource[] = [];
  readyState = 0;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  private listeners = new Map<string, ((event: { data: string }) => void)[]>();
  constructor(readonly url: string) {
    FakeEventSource.open.push(this);
  }
  addEventListener(type: string, fn: (event: { data: string }) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), fn]);
  }
  emit(type: string, data: string) {
    for (const fn of this.listeners.get(type) ?? []) fn({ data });
  }
  close() {
    this.readyState = FakeEventSource.CLOSED;
    FakeEventSource.open = FakeEventSource.open.filter((s) => s !== this);
  }
}

class FakeLocks {
  private held = new Set<string>();
  private queues = new Map<string, { grant: () => void; signal?: AbortSignal }[]>();
  request(name: string, options: { signal?: AbortSignal }, callback: () => unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const grant = () => {
        this.held.add(name);
        void Promise.resolve(callback()).then((value) => {
          this.held.delete(name);
          resolve(value);
          this.next(name);
        });
      };
      if (!this.held.has(name)) return grant();
      const waiter = { grant, signal: options.signal };
      this.queues.set(name, [...(this.queues.get(name) ?? []), waiter]);
      options.signal?.addEventListener("abort", () => {
        this.queues.set(name, (this.queues.get(name) ?? []).filter((w) => w !== waiter));
        reject(new DOMException("aborted", "AbortError"));
      });
    });
  }
  private next(name: string) {
    const [first, ...rest] = this.queues.get(name) ?? [];
    this.queues.set(name, rest);
    first?.grant();
  }
}

let clock = 0; // only the peer-forgetting test moves it
const timers = new Set<() => void>();
function environment(locks: FakeLocks): StreamEnvironment {
  return {
    EventSource: FakeEventSource as unknown as typeof EventSource,
    BroadcastChannel,
    locks: locks as unknown as LockManager,
    now: () => clock,
    setInterval: (fn) => (timers.add(fn), fn),
    clearInterval: (handle) => timers.delete(handle as () => void),
  };
}
const flush = () => new Promise((resolve) => setTimeout(resolve, 30));

interface Tab {
  stream: SharedStream;
  states: string[];
  pings: string[];
  connection: StreamConnection | null;
}
const tabs: Tab[] = [];
function openTab(locks: FakeLocks, key = "ABCDEF:participant"): Tab {
  const tab: Tab = { stream: null as unknown as SharedStream, states: [], pings: [], connection: null };
  tab.stream = openSharedStream(key, `/live/${key}/events`, {
    onState: (data) => tab.states.push(data),
    onPing: (data) => tab.pings.push(data),
    onConnection: (c) => (tab.connection = c),
  }, environment(locks));
  tabs.push(tab);
  return tab;
}

afterEach(() => {
  for (const tab of tabs.splice(0)) tab.stream.close();
  FakeEventSource.open = [];
  timers.clear();
});

describe("one event stream per browser", () => {
  it("eight tabs hold one stream; its events reach every tab, its pings only the leader", async () => {
    const locks = new FakeLocks();
    const eight = Array.from({ length: 8 }, () => openTab(locks));
    await flush();
    expect(FakeEventSource.open).toHaveLength(1);
    const leaders = eight.filter((t) => t.stream.leading());
    expect(leaders).toHaveLength(1);

    const source = FakeEventSource.open[0]!;
    source.onopen?.();
    source.emit("state", '{"v":1}');
    source.emit("ping", "750");
    await flush();
    for (const tab of eight) {
      expect(tab.states).toEqual(['{"v":1}']);
      expect(tab.connection).toBe("live");
    }
    expect(eight.filter((t) => t.pings.length)).toEqual(leaders);
    for (const tab of eight) expect(tab.stream.othersOpen()).toBe(true);
  });

  it("a tab opened later gets the newest state at once", async () => {
    const locks = new FakeLocks();
    openTab(locks);
    await flush();
    FakeEventSource.open[0]!.emit("state", '{"v":7}');
    const late = openTab(locks);
    await flush();
    expect(late.states).toEqual(['{"v":7}']);
    expect(FakeEventSource.open).toHaveLength(1);
  });

  it("a tab opened later also gets the newest own part, when later events left it out", async () => {
    const locks = new FakeLocks();
    openTab(locks);
    await flush();
    const source = FakeEventSource.open[0]!;
    // The hub sends a participant's own part only when it changed (hub.server.ts).
    source.emit("state", '{"me":{"n":1},"shared":{"v":7}}');
    source.emit("state", '{"shared":{"v":8}}');
    const late = openTab(locks);
    await flush();
    expect(late.states).toEqual(['{"me":{"n":1},"shared":{"v":7}}', '{"shared":{"v":8}}']);
    // Once an event carries it again, that one alone is the newest.
    source.emit("state", '{"me":{"n":2},"shared":{"v":9}}');
    const later = openTab(locks);
    await flush();
    expect(later.states).toEqual(['{"me":{"n":2},"shared":{"v":9}}']);
  });

  it("when the leader closes, another tab takes the stream over", async () => {
    const locks = new FakeLocks();
    const [first, second, third] = [openTab(locks), openTab(locks), openTab(locks)];
    await flush();
    expect(first!.stream.leading()).toBe(true);
    first!.stream.close();
    await flush();
    expect(FakeEventSource.open).toHaveLength(1);
    expect([second, third].filter((t) => t!.stream.leading())).toHaveLength(1);
    FakeEventSource.open[0]!.emit("state", '{"v":2}');
    await flush();
    expect(second!.states).toEqual(['{"v":2}']);
    expect(third!.states).toEqual(['{"v":2}']);
    expect(first!.states).toEqual([]);
  });

  it("a tab knows when it is the last one open, and forgets tabs gone silent", async () => {
    const locks = new FakeLocks();
    const a = openTab(locks);
    const b = openTab(locks);
    await flush();
    expect(a.stream.othersOpen()).toBe(true);
    b.stream.hide();
    await flush();
    expect(a.stream.othersOpen()).toBe(false);
    b.stream.show();
    await flush();
    expect(a.stream.othersOpen()).toBe(true);
    // b stops beating (a crashed tab): a forgets it after PEER_FORGET_MS.
    clock += 66_000;
    const aBeat = [...timers][0]!; // a opened first
    aBeat();
    expect(a.stream.othersOpen()).toBe(false);
  });

  it("screens of different sessions or viewers do not share", async () => {
    const locks = new FakeLocks();
    openTab(locks, "ABCDEF:participant");
    openTab(locks, "ABCDEF:presenter");
    openTab(locks, "GHJKMN:participant");
    await flush();
    expect(FakeEventSource.open).toHaveLength(3);
  });

  it("without Web Locks every tab keeps its own stream", async () => {
    const env = { ...environment(new FakeLocks()), locks: undefined };
    const one = openSharedStream("X:participant", "/a", { onState() {}, onPing() {}, onConnection() {} }, env);
    const two = openSharedStream("X:participant", "/a", { onState() {}, onPing() {}, onConnection() {} }, env);
    expect(FakeEventSource.open).toHaveLength(2);
    one.close();
    two.close();
  });
});
