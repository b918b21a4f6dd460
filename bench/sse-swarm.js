// A child process of the live scale bench (bench/live-scale.bench.js) that holds thousands
// of Server-Sent-Events streams, or sends a burst of answers, for its parent. The streams
// live here rather than in the bench's own process because one process may hold only so
// many open files (`ulimit -n`): 10,000 app streams plus 10,000 baseline streams are more
// than a typical hard limit of 20,000. The parent starts it through `sh -c 'ulimit -n …'`
// (bench/lib.js startProcess's openFiles), so its soft limit is raised to what it needs.
//
// Times are absolute (performance.timeOrigin + performance.now(), ms): the parent's clock
// and this process's are the same machine's, so "request sent" there and "event arrived"
// here subtract.
//
// Protocol (IPC): parent → { id, cmd, ...args }, child → { id, ok, result } | { id, ok: false, error }.
//   open      { url, cookies?: string[], count, concurrency? } → { opened }
//   waitAny   { timeoutMs }                                    → every stream has had a step
//   waitStep  { step, timeoutMs }                              → arrival times of `step`, one per stream
//   clear     { step }                                         → forget `step` (to see it again)
//   last      {}                                               → the first stream's last state event's data
//   answer    { origin, path, items: [{ cookie, body }], windowMs } → { times, statuses, errors: { code: count } }
//   close     {}                                               → closes everything and exits
import http from "node:http";
import { connectMany, connectSse } from "./sse-client.js";

const now = () => performance.timeOrigin + performance.now();
const streams = [];
const counts = new Map(); // step → how many streams have seen it
const waiters = new Map(); // step → resolve
let anyCount = 0;
let anyWaiter = null;
let last = null;

function seenStep(stream, step, at) {
  if (stream.seen.has(step)) return;
  stream.seen.set(step, at);
  const n = (counts.get(step) ?? 0) + 1;
  counts.set(step, n);
  if (n === streams.length) waiters.get(step)?.();
  if (!stream.any) {
    stream.any = true;
    anyCount += 1;
    if (anyCount === streams.length) anyWaiter?.();
  }
}

async function open({ url, cookies = null, count, concurrency = 100 }) {
  const opened = await connectMany(
    count,
    async (i) => {
      const stream = { seen: new Map(), any: false, close: null };
      const first = streams.length === 0 && i === 0;
      const connection = await connectSse(url, {
        headers: cookies ? { Cookie: cookies[i] } : {},
        onEvent: ({ event, data }) => {
          const at = now();
          const match = /"stepIndex":(\d+)/.exec(data);
          // Only a state event is a template for the bare server's broadcast: a ping (every
          // heartbeat, 15 s) that arrived last carries no step, so the baseline's streams,
          // which count only events with a step, would never see one.
          if (first && event === "state" && match) last = data;
          if (match) seenStep(stream, Number(match[1]), at);
        },
      });
      stream.close = connection.close;
      return stream;
    },
    { concurrency },
  );
  streams.push(...opened);
  return { opened: opened.length };
}

function within(timeoutMs, what, wait) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
    wait(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
/** One answer as the browser's fetcher posts it; resolves with status and response time. */
function post(origin, path, cookie, body) {
  return new Promise((resolve) => {
    const started = now();
    const request = http.request(
      `${origin}${path}`,
      { method: "POST", agent, headers: { Origin: origin, Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded", "Content-Length": Buffer.byteLength(body) } },
      (response) => {
        response.resume();
        response.on("end", () => resolve({ status: response.statusCode, ms: now() - started }));
      },
    );
    request.on("error", (error) => resolve({ status: 0, ms: now() - started, error: error.code ?? error.message }));
    request.end(body);
  });
}

const commands = {
  open,
  async waitAny({ timeoutMs = 120_000 }) {
    if (anyCount < streams.length) await within(timeoutMs, `a first state on every stream (${anyCount} of ${streams.length} so far)`, (done) => (anyWaiter = done));
    anyWaiter = null;
    return { streams: streams.length };
  },
  async waitStep({ step, timeoutMs = 60_000 }) {
    if ((counts.get(step) ?? 0) < streams.length) await within(timeoutMs, `step ${step} on all ${streams.length} streams`, (done) => waiters.set(step, done));
    waiters.delete(step);
    return { times: streams.map((s) => s.seen.get(step)) };
  },
  async clear({ step }) {
    for (const s of streams) s.seen.delete(step);
    counts.delete(step);
    return {};
  },
  async last() {
    return { data: last };
  },
  async answer({ origin, path, items, windowMs }) {
    const start = now();
    const results = await Promise.all(
      items.map(async (item, i) => {
        const due = start + (i * windowMs) / items.length;
        const wait = due - now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        return post(origin, path, item.cookie, item.body);
      }),
    );
    const errors = {};
    for (const r of results) if (r.error) errors[r.error] = (errors[r.error] ?? 0) + 1;
    return { times: results.map((r) => r.ms), statuses: results.map((r) => r.status), errors, windowMs: now() - start };
  },
  async close() {
    for (const s of streams) s.close?.();
    setTimeout(() => process.exit(0), 50);
    return {};
  },
};

process.on("message", async (message) => {
  const { id, cmd, ...args } = message;
  try {
    const result = await commands[cmd](args);
    process.send({ id, ok: true, result });
  } catch (error) {
    process.send({ id, ok: false, error: String(error?.message ?? error) });
  }
});
process.on("disconnect", () => process.exit(0));
process.send({ ready: true });
