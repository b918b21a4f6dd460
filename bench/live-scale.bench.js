// Live sessions at a movement's scale, on PostgreSQL (issue 15; docs/performance.md,
// "Live sessions at scale"). Optional: heavy, so `npm run bench` runs it only when named.
//
//   1. one instance: 5,000 participants hold event streams on one app; the trainer changes
//      step; ms from just before the trainer's request to each participant's event
//      (p50/p95/p99). Baseline (a), same run, rounds interleaved: a bare Node SSE server
//      (bench/baseline-sse.js) broadcasting the same bytes to 5,000 clients.
//   2. two instances: 5,000 more on a second app on the same PostgreSQL (10,000 in all);
//      the step is changed on the first. Baseline: the bare server broadcasting to 10,000.
//   3. burst: the first instance's 5,000 answer one poll within 2 s over HTTP, as the
//      participant page's script posts (POST /live/:code/answer); every answer must be
//      stored and the presenter's tally exact; response-time p50/p95/p99 (aim: p99 < 1 s).
//
// The streams are held by bench/sse-swarm.js children (≤ 5,000 each), each with its
// open-file limit raised to the hard limit (bench/lib.js nodeCommand), as are the app
// servers and the baseline; the run stops with a clear message if the hard limit is too low.
//
//   npm run bench -- --only=live-scale --db=postgres --max-minutes=40
//   node bench/live-scale.bench.js [--participants=5000] [--burst=5000]   (alone: JSON)
//   LIVE_SCALE_PHASES=burst-two node bench/live-scale.bench.js   (the burst split over A and B, 10,000 in the room)
import { pathToFileURL } from "node:url";
import postgres from "postgres";
import { joinAll, makeParticipants, moduleShape, MODULE, percentile, sameCounts } from "./live.bench.js";
import { connectSse } from "./sse-client.js";
import { cpuSplit, createDatabase, DEFAULT_POSTGRES_URL, DEMO_USERS, ensureBuild, machineCpu, onInterrupt, postgresReachable, processCpuMs, round, seedPostgres, signIn, startApp, startProcess, startSwarm } from "./lib.js";

export const optional = true;
export const order = 51;
export const title = "Live sessions at scale — 5,000 on one instance, 10,000 on two, 5,000 answers in 2 s (PostgreSQL)";
export const description =
  "**Step change → participant** latency (p50/p99 columns, p95 in the name; bytes = one event) against (a) a bare Node SSE server " +
  "broadcasting the same bytes to as many clients in the same run, rounds interleaved; ÷ (a) is (a)'s p99 ÷ ours, so ≥ 0.33 means p99 " +
  "within 3×. **Burst**: 5,000 participants answer one poll within 2 s (req/s = answers/s; p50/p99 = response time; aim p99 < 1 s). " +
  "Every process's open-file limit is raised to the hard limit (`ulimit -n $(ulimit -Hn)`, 20,000 here). Optional: run with " +
  "`--only=live-scale`. See docs/performance.md, Live sessions at scale.";

const ROUNDS = Number(process.env.LIVE_BENCH_ROUNDS ?? 5);
const PER_SWARM = 5_000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.timeOrigin + performance.now();

function summarise(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const p = (q) => round(percentile(sorted, q), 1);
  return { n: sorted.length, p50: p(50), p95: p(95), p99: p(99), max: round(sorted[sorted.length - 1] ?? 0, 1) };
}

/** Streams of `cookies.length` participants (or anonymous `count`) at `url`, spread over swarms of ≤ PER_SWARM. */
async function openSwarms({ label, url, cookies = null, count, swarms: into, greet = null }) {
  const made = [];
  for (let from = 0; from < count; from += PER_SWARM) {
    const size = Math.min(PER_SWARM, count - from);
    const swarm = await startSwarm({ label: `${label} ${from / PER_SWARM + 1}`, openFiles: size + 256 });
    into.push(swarm);
    made.push(swarm);
    await swarm.call("open", { url, cookies: cookies ? cookies.slice(from, from + size) : null, count: size, concurrency: 50 });
  }
  if (!greet) {
    await Promise.all(made.map((s) => s.call("waitAny", { timeoutMs: 180_000 })));
    return made;
  }
  // The bare server sends nothing until asked: broadcast until every new stream has had an event.
  for (let attempt = 1; ; attempt++) {
    await greet();
    try {
      await Promise.all(made.map((s) => s.call("waitAny", { timeoutMs: 5_000 })));
      return made;
    } catch (error) {
      if (attempt >= 10) throw error;
    }
  }
}

/** Send, then collect every stream's arrival of `step` across `swarms`: latencies in ms. */
async function timedStep(swarms, step, send) {
  await Promise.all(swarms.map((s) => s.call("clear", { step })));
  const t0 = now();
  await send();
  const arrived = await Promise.all(swarms.map((s) => s.call("waitStep", { step, timeoutMs: 120_000 })));
  return arrived.flatMap((a) => a.times.map((at) => at - t0));
}

/** `phases`: which of "one", "two", "burst", "burst-two" to run (LIVE_SCALE_PHASES); all but "burst-two" by default. */
export async function runScaleBench({ participants = 5000, burst = 5000, burstWindowMs = 2000, log = console.log, adminUrl = DEFAULT_POSTGRES_URL, phases = (process.env.LIVE_SCALE_PHASES ?? "one,two,burst").split(",") } = {}) {
  const shape = moduleShape();
  const database = await createDatabase(adminUrl, "doorstep_scale_bench");
  const forget = onInterrupt(() => database.drop());
  const sql = postgres(database.url, { max: 4, onnotice: () => {} });
  const started = [];
  const swarms = [];
  let presenter = null;
  const result = { participants, burst, rounds: ROUNDS };
  const began = Date.now();
  const progress = (what) => log(`  live-scale: [${Math.round((Date.now() - began) / 1000)} s] ${what}`);
  try {
    log(`  live-scale: seeding ${database.name}…`);
    seedPostgres(database.url);
    const appEnv = {
      DATABASE_URL: database.url,
      ...(process.env.DOORSTEP_LIVE_TRACE ? { DOORSTEP_LIVE_TRACE: "1" } : {}),
    };
    // Diagnosis: LIVE_SCALE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles instance A.
    const nodeArgs = (process.env.LIVE_SCALE_NODE_ARGS ?? "").split(" ").filter(Boolean);
    // A holds every stream and, during the burst, up to one connection per answer as well:
    // at participants + 1,024 it ran out of descriptors and 3,087 of 5,000 answers' connections failed.
    const appA = await startApp({ env: appEnv, label: "app A (live scale)", openFiles: participants + burst + 1024, nodeArgs });
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
    const setStep = (to) => async () => {
      const res = await fetch(`${appA.origin}/live/${code}/present.data`, {
        method: "POST",
        headers: { Origin: appA.origin, Cookie: trainer, "Content-Type": "application/x-www-form-urlencoded", "Accept-Encoding": "identity" },
        body: new URLSearchParams({ intent: "step", to: String(to) }),
      });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`step change answered ${res.status}`);
    };

    log(`  live-scale: ${participants} participants join ${code} on instance A…`);
    const onA = await makeParticipants(sql, participants, "a");
    await joinAll(sql, sessionId, onA);
    let t = performance.now();
    const swarmsA = await openSwarms({ label: "streams A", url: `${appA.origin}/live/${code}/events`, cookies: onA.map((p) => p.cookie), count: participants, swarms });
    result.connectMsA = round(performance.now() - t);
    log(`  live-scale: ${participants} streams on A with their first state in ${result.connectMsA} ms`);
    const payload = (await swarmsA[0].call("last")).data;
    // The baseline's streams count an event only by its step, so the template must have one.
    if (!/"stepIndex":\d+/.test(payload ?? "")) throw new Error(`no state event to copy for the bare SSE server (got ${String(payload).slice(0, 80)})`);
    result.eventBytes = Buffer.byteLength(payload) + 40;

    const baseline = await startProcess({ label: "baseline SSE", script: "bench/baseline-sse.js", readyPath: "/health", openFiles: 2 * participants + 1024 });
    started.push(baseline);
    // The bare server's clients count as connected once they have had an event (greet).
    const broadcast = (to) => async () => {
      const res = await fetch(`${baseline.origin}/broadcast`, { method: "POST", body: payload.replace(/"stepIndex":\d+/, `"stepIndex":${to}`) });
      await res.arrayBuffer();
    };
    progress("bare SSE server up; opening its streams");
    const baseSwarms = await openSwarms({ label: "baseline streams", url: `${baseline.origin}/events`, count: participants, swarms, greet: broadcast(99) });

    let step = 0;
    let baseStep = 100;
    const measure = async (appSwarms, bareSwarms, label) => {
      for (let i = 0; i < 2; i++) {
        step = step === 1 ? 2 : 1;
        await timedStep(appSwarms, step, setStep(step));
        baseStep += 1;
        await timedStep(bareSwarms, baseStep, broadcast(baseStep));
      }
      const app = [];
      const base = [];
      for (let r = 0; r < ROUNDS; r++) {
        await sleep(500);
        baseStep += 1;
        const b = await timedStep(bareSwarms, baseStep, broadcast(baseStep));
        base.push(...b);
        await sleep(500);
        step = step === 1 ? 2 : 1;
        const a = await timedStep(appSwarms, step, setStep(step));
        app.push(...a);
        log(`  live-scale: ${label}, round ${r + 1}: app p99 ${summarise(a).p99} ms, bare SSE p99 ${summarise(b).p99} ms`);
      }
      return { app: summarise(app), baseline: summarise(base) };
    };

    // A burst of answers to the poll: each target's people answer through their own instance,
    // all within burstWindowMs; the presenter (on A) must reach the exact tally.
    const runBurst = async (targets, streaming) => {
      const { pollStep, pollId, options } = shape;
      const total = targets.reduce((n, target) => n + target.people.length, 0);
      progress("moving to the poll");
      await timedStep(streaming, pollStep, setStep(pollStep));
      const tallies = [];
      presenter = await connectSse(`${appA.origin}/live/${code}/events?as=presenter`, {
        headers: { Cookie: trainer },
        onEvent: ({ data, at }) => {
          const match = new RegExp(`"${pollId}":\\{"kind":"poll","total":(\\d+)`).exec(data);
          if (match) tallies.push({ total: Number(match[1]), at, data });
        },
      });
      let index = 0;
      const expected = Object.fromEntries(options.map((o) => [o, 0]));
      const sends = targets.map(({ app, people }) => ({
        app,
        items: people.map((person) => {
          const optionId = options[index++ % options.length];
          expected[optionId] += 1;
          return { cookie: person.cookie, body: new URLSearchParams({ intent: "answer", activityId: pollId, optionId }).toString() };
        }),
      }));
      const bursters = [];
      for (const [i, send] of sends.entries()) {
        const burster = await startSwarm({ label: `burst ${i + 1}`, openFiles: send.items.length + 256 });
        swarms.push(burster);
        bursters.push(burster);
      }
      progress(`burst of ${total} answers on ${targets.length} instance(s)`);
      const cpuBefore = targets.map(({ app }) => processCpuMs(app.pid));
      const machineBefore = machineCpu();
      const sent = performance.now();
      // LIVE_SCALE_ANSWER_PATH=page: the page's own action (the fetcher's path before ADR 043),
      // for a before/after in one run; by default the lean endpoint a participant's page uses.
      const answerPath = process.env.LIVE_SCALE_ANSWER_PATH === "page" ? `/live/${code}.data?index` : `/live/${code}/answer`;
      const answeredEach = await Promise.all(
        sends.map((send, i) => bursters[i].call("answer", { origin: send.app.origin, path: answerPath, items: send.items, windowMs: burstWindowMs })),
      );
      const answersDone = performance.now();
      const cpuAfter = targets.map(({ app }) => processCpuMs(app.pid));
      const machineAfter = machineCpu();
      const answered = {
        times: answeredEach.flatMap((a) => a.times),
        statuses: answeredEach.flatMap((a) => a.statuses),
        errors: Object.assign({}, ...answeredEach.map((a) => a.errors)),
      };
      const failed = answered.statuses.filter((s) => s !== 200).length;
      progress("answers sent; waiting for the presenter's tally");
      const deadline = Date.now() + 30_000;
      while (!tallies.some((x) => x.total === total) && Date.now() < deadline) await sleep(50);
      const settled = tallies.find((x) => x.total === total);
      presenter.close();
      presenter = null;
      const stored = await sql`select answer->>'optionId' as option, count(*)::int as n from live_responses where session_id = ${sessionId} and activity_id = ${pollId} group by 1`;
      const storedCounts = Object.fromEntries(stored.map((r) => [r.option, r.n]));
      const presenterCounts = settled ? JSON.parse(new RegExp(`"${pollId}":(\\{"kind":"poll"[^}]*\\}\\})`).exec(settled.data)[1]).counts : {};
      const cpu = cpuBefore.every((c) => c !== null) && cpuAfter.every((c) => c !== null) ? cpuAfter.reduce((a, c, i) => a + c - cpuBefore[i], 0) : null;
      const outcome = {
        answers: total,
        instances: targets.length,
        failed,
        statuses: [...new Set(answered.statuses)],
        // Status 0: no answer at all; which network error, by code (ETIMEDOUT: the connection was never accepted).
        errors: answered.errors,
        windowMs: round(answersDone - sent),
        answersPerSec: round((total / (answersDone - sent)) * 1000, 1),
        ...summarise(answered.times),
        allStored: Object.values(storedCounts).reduce((a, b) => a + b, 0) === total,
        tallyExact: Boolean(settled) && sameCounts(storedCounts, expected) && sameCounts(presenterCounts, expected),
        presenterSettledMs: settled ? round(settled.at - answersDone) : null,
        // Both instances' CPU when there are two.
        serverCpuMsPerAnswer: cpu === null ? null : round(cpu / total, 2),
        // Where the machine's cores went from the first answer sent to the last answered: the
        // server(s), the bench's own clients (they share the cores), PostgreSQL, and whatever
        // else ran on the machine then. Linux only.
        cpuSplit: cpuSplit(machineBefore, machineAfter, {
          server: targets.map(({ app }) => app.pid),
          benchAnswerClients: bursters.map((b) => b.pid),
          benchStreamClients: streaming.map((s) => s.pid),
          benchParent: [process.pid],
        }),
      };
      log(`  live-scale: burst on ${targets.length} instance(s): ${total} answers in ${outcome.windowMs} ms, p99 ${outcome.p99} ms, failed ${failed}, stored ${outcome.allStored}, tally exact ${outcome.tallyExact}`);
      if (outcome.cpuSplit) log(`  live-scale: cores' time in the burst (share of ${outcome.cpuSplit.cores} cores × ${outcome.cpuSplit.windowMs} ms): ${Object.entries(outcome.cpuSplit.shareOfCores).map(([k, v]) => `${k} ${Math.round(v * 100)} %`).join(", ")}`);
      if (process.env.DOORSTEP_LIVE_TRACE) log(appA.output().split("\n").filter((l) => l.startsWith("live:")).slice(-40).join("\n"));
      return outcome;
    };

    // ── 1. one instance
    progress("measuring one instance");
    if (phases.includes("one")) result.oneInstance = await measure(swarmsA, baseSwarms, `${participants} on one instance`);
    if (process.env.DOORSTEP_LIVE_TRACE) log(appA.output().split("\n").filter((l) => l.startsWith("live:")).slice(-8).join("\n"));

    // ── 2. two instances: as many again on B; the baseline broadcasts to twice as many
    // "burst-two": the burst split over A and B, half each, while both hold their rooms (it
    // answers the poll, so the one-instance burst is not run after it).
    if (phases.includes("two") || phases.includes("burst-two")) {
      progress("starting instance B");
      const appB = await startApp({ env: appEnv, label: "app B (live scale)", openFiles: participants + (phases.includes("burst-two") ? burst : 0) + 1024 });
      started.push(appB);
      const onB = await makeParticipants(sql, participants, "b");
      await joinAll(sql, sessionId, onB);
      t = performance.now();
      const swarmsB = await openSwarms({ label: "streams B", url: `${appB.origin}/live/${code}/events`, cookies: onB.map((p) => p.cookie), count: participants, swarms });
      result.connectMsB = round(performance.now() - t);
      baseSwarms.push(...(await openSwarms({ label: "more baseline streams", url: `${baseline.origin}/events`, count: participants, swarms, greet: broadcast(99) })));
      if (phases.includes("two")) result.twoInstances = await measure([...swarmsA, ...swarmsB], baseSwarms, `${2 * participants} on two instances`);
      if (phases.includes("burst-two")) {
        const half = Math.ceil(burst / 2);
        result.burstTwo = await runBurst(
          [
            { app: appA, people: onA.slice(0, half) },
            { app: appB, people: onB.slice(0, burst - half) },
          ],
          [...swarmsA, ...swarmsB],
        );
      }
      for (const s of swarmsB) {
        await s.call("close").catch(() => {});
        swarms.splice(swarms.indexOf(s), 1);
      }
      await appB.stop();
    }

    // B and the baseline go: the burst is one instance's room.
    for (const s of baseSwarms) {
      await s.call("close").catch(() => {});
      swarms.splice(swarms.indexOf(s), 1);
    }
    await baseline.stop();

    // ── 3. burst: `burst` answers to one poll within burstWindowMs, on instance A
    if (!phases.includes("burst") || result.burstTwo) return result;
    result.burst = await runBurst([{ app: appA, people: onA.slice(0, burst) }], swarmsA);
    return result;
  } finally {
    presenter?.close();
    for (const s of swarms) await s.stop().catch(() => {});
    await sql.end({ timeout: 2 }).catch(() => {});
    for (const app of started.reverse()) await app.stop().catch(() => {});
    await database.drop().catch((error) => log(`  live-scale: could not drop ${database.name}: ${error.message}`));
    forget();
  }
}

/** @param {ReturnType<typeof import("./lib.js").createContext>} ctx */
export async function run(ctx) {
  if (ctx.db.kind !== "postgres") {
    ctx.log("  live-scale: measured on PostgreSQL only; skipped on PGlite.");
    return [];
  }
  const n = Number(process.env.LIVE_SCALE_PARTICIPANTS ?? 5000);
  const burst = Math.min(n, Number(process.env.LIVE_SCALE_BURST ?? 5000));
  const r = await runScaleBench({ participants: n, burst, log: ctx.log });
  const row = (kind, name, fields) => ({ kind, name, db: "postgres", ...fields });
  const fanout = (count, where, m) => [
    row("baseline-a", `(a) bare Node SSE broadcast → ${count} clients: p95 ${m.baseline.p95} ms`, { bytes: r.eventBytes, p50: m.baseline.p50, p99: m.baseline.p99 }),
    row("measured", `step change → ${count} participants (${where}): p95 ${m.app.p95} ms`, {
      bytes: r.eventBytes,
      p50: m.app.p50,
      p99: m.app.p99,
      vsA: round(m.baseline.p99 / m.app.p99, 3),
      aim: { of: "a", min: 0.33 },
    }),
  ];
  const b = r.burst;
  const ok = b.allStored && b.tallyExact && !b.failed;
  return [
    ...fanout(n, "1 instance", r.oneInstance),
    ...fanout(2 * n, "2 instances", r.twoInstances),
    row("measured", `${burst} poll answers in 2 s: response p95 ${b.p95} ms${ok ? " (all stored, tally exact)" : " ⚠ NOT all stored / tally wrong"}${b.p99 < 1000 ? "" : " ⚠ p99 ≥ 1 s"}`, {
      requestsPerSec: b.answersPerSec,
      p50: b.p50,
      p99: b.p99,
      cpuMsPerRequest: b.serverCpuMsPerAnswer,
      errors: b.failed,
    }),
  ];
}

// Alone: `node bench/live-scale.bench.js [--participants=N] [--burst=N]` prints the result as JSON.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const arg = (name, fallback) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
  if (!(await postgresReachable())) {
    console.error(`PostgreSQL is not reachable at ${DEFAULT_POSTGRES_URL} (set BENCH_POSTGRES_URL).`);
    process.exit(1);
  }
  ensureBuild();
  const participants = arg("participants", 5000);
  const result = await runScaleBench({ participants, burst: Math.min(participants, arg("burst", 5000)) });
  console.log(JSON.stringify(result, null, 2));
  process.exit(0);
}
