// Live sessions under load, on PostgreSQL (docs/performance.md, "Live sessions"):
//
//   1. fan-out: 1,000 participants hold Server-Sent-Events streams on one app instance;
//      the trainer changes step; time from the trainer's request to each participant
//      receiving the new step (p50, p99, last). Baseline (a) in the same run: a bare Node
//      SSE server (bench/baseline-sse.js) broadcasting the same bytes to as many clients.
//   2. poll: all 1,000 answer one poll within 5 s over HTTP, as the browser's fetcher does;
//      every answer must be stored and the presenter's tally exact; response-time p50/p99.
//   3. two instances: 2,000 participants, half on each of two app instances on the same
//      PostgreSQL; the trainer changes step on one; time to reach all 2,000.
//
// Participants are made directly in the database (accounts, sessions, session
// membership), so the benchmark measures live fan-out rather than argon2 or sign-in.
//
//   npm run bench -- --only=live --db=postgres        (through the runner: table + docs)
//   node bench/live.bench.js [--participants=1000]      (alone: detailed report)
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import postgres from "postgres";
import { connectMany, connectSse } from "./sse-client.js";
import { createDatabase, DEFAULT_POSTGRES_URL, DEMO_USERS, ensureBuild, onInterrupt, postgresReachable, processCpuMs, ROOT, round, seedPostgres, signIn, startApp, startProcess } from "./lib.js";

export const title = "Live sessions — SSE fan-out and poll answers (PostgreSQL)";
export const description =
  "1,000 participants on one instance: **step change → participant** latency (p50/p99 columns; bytes = one event; req/s = events delivered per second " +
  "of the slowest round) against (a) a bare Node SSE server broadcasting the same bytes to 1,000 clients; ÷ (a) is (a)'s p99 ÷ ours, " +
  "so ≥ 0.33 means within 3×. **Poll**: 1,000 answers spread over 5 s (req/s = answers/s; p50/p99 = response time). " +
  "**Two instances**: 2,000 participants, 1,000 on each, step changed on one. PostgreSQL only: see docs/performance.md, Live sessions.";
export const order = 50;

export const MODULE = "example"; // the authors' reference module: every activity, fixed ids
const ROUNDS = Number(process.env.LIVE_BENCH_ROUNDS ?? 5);
const POLL_WINDOW_MS = 5_000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function percentile(sorted, p) {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
function summarise(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return { n: sorted.length, p50: round(percentile(sorted, 50), 1), p99: round(percentile(sorted, 99), 1), max: round(sorted[sorted.length - 1] ?? 0, 1) };
}

/** Steps and the poll of the reference module, read from its MDX. */
export function moduleShape() {
  const source = readFileSync(path.join(ROOT, "content/modules", MODULE, "index.mdx"), "utf8");
  const steps = [...source.matchAll(/<Step id="([^"]+)"/g)].map((m) => m[1]);
  const pollStep = steps.findIndex((id) => {
    const start = source.indexOf(`<Step id="${id}"`);
    const end = source.indexOf("</Step>", start);
    return source.slice(start, end).includes("<Poll ");
  });
  const poll = /<Poll id="([^"]+)"[\s\S]*?<\/Poll>/.exec(source);
  const options = [...poll[0].matchAll(/<Option id="([^"]+)"/g)].map((m) => m[1]);
  return { steps, pollStep, pollId: poll[1], options };
}

export const sameCounts = (x, y) => {
  const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
  return [...keys].every((k) => (x[k] ?? 0) === (y[k] ?? 0));
};

const sha256 = (s) => createHash("sha256").update(s).digest("hex");

/** `count` activists with a live session cookie each, made in SQL. */
export async function makeParticipants(sql, count, tag) {
  const people = [];
  for (let i = 0; i < count; i++) {
    const token = randomBytes(20).toString("base64url");
    people.push({ id: `bench-${tag}-${i}-${randomBytes(4).toString("hex")}`, token, cookie: `doorstep_session=${token}` });
  }
  for (let i = 0; i < people.length; i += 500) {
    const chunk = people.slice(i, i + 500);
    await sql`insert into users ${sql(chunk.map((p) => ({ id: p.id, email: `${p.id}@bench.test`, name: `Participant ${p.id.split("-")[2]}`, password_hash: "!", role: "activist" })))}`;
    await sql`insert into sessions ${sql(chunk.map((p) => ({ id: sha256(p.token), user_id: p.id, expires_at: new Date(Date.now() + 20 * 86_400_000), user_agent: "bench" })))}`;
  }
  return people;
}

export async function joinAll(sql, sessionId, people) {
  for (let i = 0; i < people.length; i += 500) {
    await sql`insert into live_participants ${sql(people.slice(i, i + 500).map((p) => ({ session_id: sessionId, user_id: p.id })))} on conflict do nothing`;
  }
}

/** Each participant's stream, remembering when it first saw each step. */
async function openParticipantStreams(origin, code, people) {
  return connectMany(people.length, async (i) => {
    const seen = new Map(); // stepIndex → performance.now()
    let last = null;
    const stream = await connectSse(`${origin}/live/${code}/events`, {
      headers: { Cookie: people[i].cookie },
      onEvent: ({ data, at }) => {
        last = data;
        const match = /"stepIndex":(\d+)/.exec(data);
        if (match && !seen.has(Number(match[1]))) seen.set(Number(match[1]), at);
      },
    });
    return { ...stream, seen, last: () => last };
  });
}

async function until(test, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

async function post(origin, pathname, cookie, fields) {
  const started = performance.now();
  const response = await fetch(`${origin}${pathname}`, {
    method: "POST",
    redirect: "manual",
    // Like every bench here: no Accept-Encoding, so the figures are the server's work, not gzip's.
    headers: { Origin: origin, Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded", "Accept-Encoding": "identity" },
    body: new URLSearchParams(fields),
  });
  await response.arrayBuffer();
  return { status: response.status, ms: performance.now() - started };
}

/** One step change, measured at every stream: ms from just before the request to arrival. */
async function stepRound({ streams, to, change }) {
  const t0 = performance.now();
  await change(to);
  await until(() => streams.every((s) => s.seen.has(to)), 30_000, `step ${to} on all ${streams.length} streams`);
  return streams.map((s) => s.seen.get(to) - t0);
}

async function baselineRound({ streams, origin, payload, to }) {
  const body = payload.replace(/"stepIndex":\d+/, `"stepIndex":${to}`);
  const t0 = performance.now();
  const res = await fetch(`${origin}/broadcast`, { method: "POST", body });
  await res.arrayBuffer();
  await until(() => streams.every((s) => s.seen.has(to)), 30_000, `baseline step ${to}`);
  return streams.map((s) => s.seen.get(to) - t0);
}

export async function runLiveBench({ participants = 1000, log = console.log, adminUrl = DEFAULT_POSTGRES_URL } = {}) {
  const shape = moduleShape();
  const database = await createDatabase(adminUrl, "doorstep_live_bench");
  const forget = onInterrupt(() => database.drop());
  const sql = postgres(database.url, { max: 4, onnotice: () => {} });
  const started = [];
  const streams = [];
  const result = { participants };
  try {
    log(`  live: seeding ${database.name}…`);
    seedPostgres(database.url);
    const appA = await startApp({ env: { DATABASE_URL: database.url, ...(process.env.DOORSTEP_LIVE_TRACE ? { DOORSTEP_LIVE_TRACE: "1" } : {}), ...(process.env.LIVE_BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.LIVE_BENCH_NODE_OPTIONS } : {}) }, label: "app A (live bench)" });
    started.push(appA);
    const trainer = await signIn(appA.origin, DEMO_USERS.trainer);
    const created = await fetch(`${appA.origin}/live/new`, {
      method: "POST",
      redirect: "manual",
      headers: { Origin: appA.origin, Cookie: trainer, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ moduleSlug: MODULE }),
    });
    const code = /\/live\/([A-Z]{6})\/present$/.exec(created.headers.get("location") ?? "")?.[1];
    if (!code) throw new Error(`could not start a session: HTTP ${created.status}`);
    const [{ id: sessionId }] = await sql`select id from live_sessions where code = ${code}`;
    // The trainer's controls post like the browser's fetcher: the action only, no page render.
    const presenterAction = `/live/${code}/present.data`;
    const setStep = (origin) => async (to) => {
      const res = await post(origin, presenterAction, trainer, { intent: "step", to: String(to) });
      if (res.status !== 200) throw new Error(`step change answered ${res.status}`);
    };

    log(`  live: ${participants} participants join ${code}…`);
    const people = await makeParticipants(sql, participants, "a");
    await joinAll(sql, sessionId, people);
    const t = performance.now();
    const onA = await openParticipantStreams(appA.origin, code, people);
    streams.push(...onA);
    await until(() => onA.every((s) => s.seen.has(0)), 60_000, "first state on every stream");
    result.connectMs = round(performance.now() - t);
    log(`  live: ${participants} streams open with their first state in ${result.connectMs} ms`);
    const payload = onA[0].last();
    result.eventBytes = Buffer.byteLength(payload) + 40;

    // ── baseline (a): a bare SSE server, same clients, same bytes
    const baseline = await startProcess({ label: "baseline SSE", script: "bench/baseline-sse.js", readyPath: "/health" });
    started.push(baseline);
    const baseStreams = await connectMany(participants, async () => {
      const seen = new Map();
      const s = await connectSse(`${baseline.origin}/events`, {
        onEvent: ({ data, at }) => {
          const match = /"stepIndex":(\d+)/.exec(data);
          if (match && !seen.has(Number(match[1]))) seen.set(Number(match[1]), at);
        },
      });
      return { ...s, seen };
    });
    streams.push(...baseStreams);

    // Warm up both (JIT, pools), then interleave rounds so both see the same machine.
    let step = 0;
    let baseStep = 100;
    for (let i = 0; i < 2; i++) {
      step = step === 1 ? 2 : 1;
      await stepRound({ streams: onA, to: step, change: setStep(appA.origin) });
      await baselineRound({ streams: baseStreams, origin: baseline.origin, payload, to: ++baseStep });
      for (const s of onA) s.seen.clear();
    }
    const app = [];
    const base = [];
    const lastApp = [];
    const lastBase = [];
    for (let r = 0; r < ROUNDS; r++) {
      await sleep(300);
      const b = await baselineRound({ streams: baseStreams, origin: baseline.origin, payload, to: ++baseStep });
      base.push(...b);
      lastBase.push(Math.max(...b));
      await sleep(300);
      step = step === 1 ? 2 : 1;
      for (const s of onA) s.seen.delete(step);
      const a = await stepRound({ streams: onA, to: step, change: setStep(appA.origin) });
      app.push(...a);
      lastApp.push(Math.max(...a));
      log(`  live: round ${r + 1}: app p99 ${round(summarise(a).p99, 1)} ms (last ${round(Math.max(...a), 1)}), baseline p99 ${round(summarise(b).p99, 1)} ms`);
    }
    for (const s of baseStreams) s.close();
    await baseline.stop();
    result.fanout = { ...summarise(app), lastMedian: round(lastApp.sort((x, y) => x - y)[Math.floor(lastApp.length / 2)], 1), rounds: ROUNDS };
    result.baseline = { ...summarise(base), lastMedian: round(lastBase.sort((x, y) => x - y)[Math.floor(lastBase.length / 2)], 1) };

    // ── poll: everyone answers within 5 s
    const { pollStep, pollId, options } = shape;
    for (const s of onA) s.seen.delete(pollStep);
    await stepRound({ streams: onA, to: pollStep, change: setStep(appA.origin) });
    const presenterTallies = [];
    const presenter = await connectSse(`${appA.origin}/live/${code}/events?as=presenter`, {
      headers: { Cookie: trainer },
      onEvent: ({ data, at }) => {
        const match = new RegExp(`"${pollId}":\\{"kind":"poll","total":(\\d+)`).exec(data);
        if (match) presenterTallies.push({ total: Number(match[1]), at, data });
      },
    });
    streams.push(presenter);
    const answerPath = `/live/${code}.data?index`;
    const times = [];
    const failures = [];
    const pollStart = performance.now();
    const cpuBefore = processCpuMs(appA.pid);
    await Promise.all(
      people.map(async (person, i) => {
        await sleep((i * POLL_WINDOW_MS) / participants);
        const res = await post(appA.origin, answerPath, person.cookie, { intent: "answer", activityId: pollId, optionId: options[i % options.length] });
        times.push(res.ms);
        if (res.status !== 200) failures.push(res.status);
      }),
    );
    const answersDone = performance.now();
    const cpuAfter = processCpuMs(appA.pid);
    await until(() => presenterTallies.some((t) => t.total === participants), 10_000, "the presenter's tally to reach every answer");
    const settled = presenterTallies.find((t) => t.total === participants);
    const expected = Object.fromEntries(options.map((o, k) => [o, Array.from({ length: participants }, (_, i) => i).filter((i) => i % options.length === k).length]));
    const stored = await sql`select answer->>'optionId' as option, count(*)::int as n from live_responses where session_id = ${sessionId} and activity_id = ${pollId} group by 1`;
    const storedCounts = Object.fromEntries(stored.map((r) => [r.option, r.n]));
    const presenterCounts = JSON.parse(new RegExp(`"${pollId}":(\\{"kind":"poll"[^}]*\\}\\})`).exec(settled.data)[1]).counts;
    result.poll = {
      answers: participants,
      failed: failures.length,
      windowMs: round(answersDone - pollStart),
      answersPerSec: round((participants / (answersDone - pollStart)) * 1000, 1),
      ...summarise(times),
      allStored: Object.values(storedCounts).reduce((a, b) => a + b, 0) === participants,
      tallyExact: sameCounts(storedCounts, expected) && sameCounts(presenterCounts, expected),
      presenterSettledMs: round(settled.at - answersDone),
      serverCpuMsPerAnswer: cpuBefore === null || cpuAfter === null ? null : round((cpuAfter - cpuBefore) / participants, 2),
      pushes: presenterTallies.length,
    };
    log(`  live: poll: ${participants} answers in ${result.poll.windowMs} ms, p99 ${result.poll.p99} ms, stored ${result.poll.allStored}, tally exact ${result.poll.tallyExact}`);

    // ── two instances: 2,000 participants, half on each
    const appB = await startApp({ env: { DATABASE_URL: database.url }, label: "app B (live bench)" });
    started.push(appB);
    const more = await makeParticipants(sql, participants, "b");
    await joinAll(sql, sessionId, more);
    const onB = await openParticipantStreams(appB.origin, code, more);
    streams.push(...onB);
    await until(() => onB.every((s) => s.seen.size > 0), 60_000, "first state on instance B");
    const everyone = [...onA, ...onB];
    const two = [];
    const lastTwo = [];
    for (let r = 0; r < ROUNDS; r++) {
      await sleep(300);
      step = step === 1 ? 2 : 1;
      for (const s of everyone) s.seen.delete(step);
      const a = await stepRound({ streams: everyone, to: step, change: setStep(appA.origin) });
      two.push(...a);
      lastTwo.push(Math.max(...a));
      log(`  live: two instances, round ${r + 1}: p99 ${round(summarise(a).p99, 1)} ms (last ${round(Math.max(...a), 1)})`);
    }
    result.twoInstances = { participants: everyone.length, ...summarise(two), lastMedian: round(lastTwo.sort((x, y) => x - y)[Math.floor(lastTwo.length / 2)], 1) };
    if (process.env.DOORSTEP_LIVE_TRACE) log(appA.output().split("\n").filter((l) => l.startsWith("live:")).slice(-40).join("\n"));
    return result;
  } finally {
    for (const s of streams) s.close();
    await sql.end({ timeout: 2 }).catch(() => {});
    for (const app of started.reverse()) await app.stop().catch(() => {});
    await database.drop().catch((error) => log(`  live: could not drop ${database.name}: ${error.message}`));
    forget();
  }
}

/** @param {ReturnType<typeof import("./lib.js").createContext>} ctx */
export async function run(ctx) {
  if (ctx.db.kind !== "postgres") {
    ctx.log("  live: measured on PostgreSQL only (the multi-instance design it exists for); skipped on PGlite.");
    return [];
  }
  const n = Number(process.env.LIVE_BENCH_PARTICIPANTS ?? 1000);
  const r = await runLiveBench({ participants: n, log: ctx.log });
  const row = (kind, name, fields) => ({ kind, name, db: "postgres", ...fields });
  const perSec = (summary, count) => round((count / Math.max(summary.max, 1)) * 1000);
  return [
    row("baseline-a", `(a) bare Node SSE broadcast → ${n} clients`, { bytes: r.eventBytes, requestsPerSec: perSec(r.baseline, n), p50: r.baseline.p50, p99: r.baseline.p99 }),
    row("measured", `step change → ${n} participants (1 instance)`, {
      bytes: r.eventBytes,
      requestsPerSec: perSec(r.fanout, n),
      p50: r.fanout.p50,
      p99: r.fanout.p99,
      vsA: round(r.baseline.p99 / r.fanout.p99, 3),
      aim: { of: "a", min: 0.33 },
    }),
    row("measured", `${n} poll answers in 5 s: response time${r.poll.allStored && r.poll.tallyExact && !r.poll.failed ? " (all stored, tally exact)" : " ⚠ NOT all stored / tally wrong"}`, {
      requestsPerSec: r.poll.answersPerSec,
      p50: r.poll.p50,
      p99: r.poll.p99,
      cpuMsPerRequest: r.poll.serverCpuMsPerAnswer,
      errors: r.poll.failed,
    }),
    row("measured", `step change → ${r.twoInstances.participants} participants (2 instances)`, {
      bytes: r.eventBytes,
      requestsPerSec: perSec(r.twoInstances, r.twoInstances.participants),
      p50: r.twoInstances.p50,
      p99: r.twoInstances.p99,
      vsA: round(r.baseline.p99 / r.twoInstances.p99, 3),
    }),
  ];
}

// Alone: `node bench/live.bench.js [--participants=N]` prints the full result as JSON.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const arg = process.argv.find((a) => a.startsWith("--participants="));
  if (!(await postgresReachable())) {
    console.error(`PostgreSQL is not reachable at ${DEFAULT_POSTGRES_URL} (set BENCH_POSTGRES_URL).`);
    process.exit(1);
  }
  ensureBuild();
  const result = await runLiveBench({ participants: arg ? Number(arg.split("=")[1]) : 1000 });
  console.log(JSON.stringify(result, null, 2));
  process.exit(0);
}
