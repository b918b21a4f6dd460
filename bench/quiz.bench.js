// Quiz submissions from 50 signed-in people at once, on PostgreSQL (issue 3,
// docs/performance.md "Quiz submissions"). Each of 50 keep-alive connections is one
// activist (made in SQL with a session, like bench/live.bench.js) posting the module's
// quiz as the browser's fetcher does: `POST /modules/<slug>/<step>.data`, form-encoded,
// a fresh one-time attempt key per request. Each connection sends a fixed number of
// requests, so afterwards the database must hold exactly that many attempts per person.
//
// Baselines in the same run, round by round, also with 50 connections:
//   (a) bare node:http answering with the same bytes as a quiz submission
//   (b) the Remix static route, smallest page (`/bench/static?bytes=1`), no cookie: the
//       framework floor for a request, with no session and no database
//
//   npm run bench -- --only=quiz --db=postgres
import { createHash, randomBytes } from "node:crypto";
import autocannon from "autocannon";
import postgres from "postgres";
import { measure, median, processCpuMs, ratio, round } from "./lib.js";

const SLUG = "listening-questions";
const STEP = "check-listening";
const QUIZ = "listening-quiz";
const PEOPLE = 50;

export const title = "Quiz submissions — 50 people at once (PostgreSQL)";
export const description =
  `50 activists, one per keep-alive connection, each submitting the quiz of \`${SLUG}\` over and over (\`POST /modules/${SLUG}/${STEP}.data\`, a new attempt key each time). ` +
  "Against (a) bare node:http with the same response bytes and (b) `GET /bench/static?bytes=1` without a cookie, both with 50 connections, round by round. " +
  "Afterwards every attempt is counted in SQL. PostgreSQL only: see docs/performance.md, Quiz submissions.";
export const order = 60;

const sha256 = (s) => createHash("sha256").update(s).digest("hex");

/** `count` activists with a session cookie each, made in SQL (argon2 and sign-in are not what is measured). */
async function makePeople(sql, count) {
  const tag = randomBytes(3).toString("hex");
  const people = Array.from({ length: count }, (_, i) => {
    const token = randomBytes(20).toString("base64url");
    return { id: `bench-quiz-${tag}-${i}`, token, cookie: `doorstep_session=${token}` };
  });
  await sql`insert into users ${sql(people.map((p, i) => ({ id: p.id, email: `${p.id}@bench.test`, name: `Quiz taker ${i}`, password_hash: "!", role: "activist" })))}`;
  await sql`insert into sessions ${sql(people.map((p) => ({ id: sha256(p.token), user_id: p.id, expires_at: new Date(Date.now() + 20 * 86_400_000), user_agent: "bench" })))}`;
  return { tag, people };
}

/** The quiz's form fields, read from the step page as a browser sees it: the first option of every question. */
async function quizAnswers(ctx, cookie) {
  const page = await ctx.fetchPage(`/modules/${SLUG}/${STEP}`, { cookie });
  if (page.status !== 200) throw new Error(`GET /modules/${SLUG}/${STEP} answered ${page.status}`);
  const answers = new Map();
  for (const input of page.body.matchAll(/<input[^>]*name="answer\.[^>]*>/g)) {
    const question = /name="answer\.([^"]+)"/.exec(input[0])[1];
    const option = /value="([^"]+)"/.exec(input[0])?.[1];
    if (option && !answers.has(question)) answers.set(question, option);
  }
  if (answers.size === 0) throw new Error(`no quiz questions found on /modules/${SLUG}/${STEP}`);
  return [...answers].map(([question, option]) => `answer.${encodeURIComponent(question)}=${encodeURIComponent(option)}`).join("&");
}

function cannon(opts) {
  return new Promise((resolve, reject) => autocannon(opts, (error, result) => (error ? reject(error) : resolve(result))));
}

/**
 * `perConnection` submissions on each of 50 connections, connection i signed in as person i.
 * Returns load figures and how many answers were 2xx.
 */
async function submitAll(ctx, people, answers, perConnection, pid) {
  let next = 0;
  const cpuBefore = processCpuMs(pid);
  const result = await cannon({
    url: ctx.app.url(`/modules/${SLUG}/${STEP}.data`),
    connections: people.length,
    maxConnectionRequests: perConnection,
    duration: 600, // an upper bound: the run ends when every connection has sent its share
    timeout: 20,
    requests: [
      {
        method: "POST",
        setupRequest(request, context) {
          context.person ??= people[next++ % people.length];
          request.headers = {
            ...request.headers,
            cookie: context.person.cookie,
            origin: ctx.app.origin,
            "content-type": "application/x-www-form-urlencoded",
          };
          request.body = `intent=quiz&activityId=${QUIZ}&attemptKey=${randomBytes(12).toString("base64url")}&${answers}`;
          return request;
        },
      },
    ],
  });
  const cpuAfter = processCpuMs(pid);
  const seconds = result.duration;
  return {
    requestsPerSec: round(result.requests.total / seconds, 1),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    ok: result["2xx"],
    requests: result.requests.total,
    bytesPerResponse: result.requests.total ? Math.round(result.throughput.total / result.requests.total) : 0,
    cpuMsPerRequest: cpuBefore !== null && cpuAfter !== null && result.requests.total ? round((cpuAfter - cpuBefore) / result.requests.total, 3) : null,
  };
}

/** @param {ReturnType<typeof import("./lib.js").createContext>} ctx */
export async function run(ctx) {
  if (ctx.db.kind !== "postgres") {
    ctx.log("  quiz: PostgreSQL only (50 people at once is a movement on a shared database); skipped on PGlite.");
    return [];
  }
  const sql = postgres(ctx.db.env.DATABASE_URL, { max: 2, onnotice: () => {} });
  try {
    const { tag, people } = await makePeople(sql, PEOPLE);
    const answers = await quizAnswers(ctx, people[0].cookie);

    // One submission by hand: the response the baseline (a) will send, and a check that it is accepted.
    const sample = await fetch(ctx.app.url(`/modules/${SLUG}/${STEP}.data`), {
      method: "POST",
      headers: { cookie: people[0].cookie, origin: ctx.app.origin, "content-type": "application/x-www-form-urlencoded", "accept-encoding": "identity" },
      body: `intent=quiz&activityId=${QUIZ}&attemptKey=${randomBytes(12).toString("base64url")}&${answers}`,
    });
    const sampleBody = await sample.text();
    if (sample.status !== 200 || !sampleBody.includes(`"ok",true`)) throw new Error(`a quiz submission answered ${sample.status}: ${sampleBody.slice(0, 300)}`);
    let sent = 1;
    const perPerson = new Map([[people[0].id, 1]]);
    const count = (share) => {
      for (const p of people) perPerson.set(p.id, (perPerson.get(p.id) ?? 0) + share);
      sent += share * people.length;
    };

    const floorPath = "/bench/static?bytes=1";
    const floorBytes = (await ctx.fetchPage(floorPath)).bytes;
    const bare = await ctx.startBaselineHttp(sampleBody);
    const load = { duration: ctx.options.duration, connections: PEOPLE, warmup: ctx.options.warmup };
    const rounds = [];
    let problems = 0;
    try {
      // Warm-up (also sizes the rounds): 10 submissions per person.
      ctx.log(`  ${ctx.db.label}: warming up, 10 quiz submissions per person`);
      const warm = await submitAll(ctx, people, answers, 10, ctx.app.pid);
      count(10);
      problems += warm.errors + warm.non2xx + warm.timeouts;
      const perConnection = Math.max(10, Math.round((warm.requestsPerSec * ctx.options.duration) / PEOPLE));
      for (let r = 0; r < ctx.options.rounds; r++) {
        const tagR = ctx.options.rounds > 1 ? ` [round ${r + 1}/${ctx.options.rounds}]` : "";
        ctx.log(`  ${ctx.db.label}: (a) bare http, ${PEOPLE} connections${tagR}`);
        const a = await measure({ url: bare.url("/"), ...load, pid: bare.pid });
        ctx.log(`  ${ctx.db.label}: (b) ${floorPath}, ${PEOPLE} connections${tagR}`);
        const b = await measure({ url: ctx.app.url(floorPath), ...load, pid: ctx.app.pid });
        ctx.log(`  ${ctx.db.label}: ${PEOPLE} people × ${perConnection} quiz submissions${tagR}`);
        const m = await submitAll(ctx, people, answers, perConnection, ctx.app.pid);
        count(perConnection);
        problems += m.errors + m.non2xx + m.timeouts;
        rounds.push({ a, b, m });
      }
    } finally {
      await bare.stop();
    }

    // Every attempt stored: exactly what each person sent.
    const stored = await sql`
      select user_id, count(*)::int as n from quiz_attempts
      where user_id like ${`bench-quiz-${tag}-%`} and module_slug = ${SLUG} and quiz_id = ${QUIZ}
      group by user_id`;
    const storedTotal = stored.reduce((sum, row) => sum + row.n, 0);
    const exact = problems === 0 && stored.length === PEOPLE && stored.every((row) => row.n === perPerson.get(row.user_id)) && storedTotal === sent;
    ctx.log(`  quiz: ${sent} submissions sent, ${storedTotal} attempts stored for ${stored.length} people; errors/non-2xx/timeouts ${problems}; exact: ${exact}`);

    const scored = rounds.map((x) => ({ ...x, vsB: ratio(x.m.requestsPerSec, x.b.requestsPerSec) })).sort((x, y) => x.vsB - y.vsB);
    const pick = scored[Math.floor((scored.length - 1) / 2)];
    const verdict = exact ? `all ${storedTotal} attempts stored, exact` : `⚠ ${storedTotal} of ${sent} attempts stored, ${problems} failed requests`;
    return [
      { kind: "baseline-a", name: `(a) bare node:http, same body, ${PEOPLE} connections`, db: "postgres", bytes: Buffer.byteLength(sampleBody), ...pick.a },
      { kind: "baseline-b", name: `(b) Remix static route (${floorPath}), ${PEOPLE} connections`, db: "postgres", bytes: floorBytes, ...pick.b },
      {
        kind: "measured",
        name: `POST quiz, ${PEOPLE} people at once (${verdict})`,
        db: "postgres",
        bytes: Buffer.byteLength(sampleBody),
        ...pick.m,
        vsA: ratio(pick.m.requestsPerSec, pick.a.requestsPerSec),
        vsB: ratio(pick.m.requestsPerSec, pick.b.requestsPerSec),
        sent,
        stored: storedTotal,
        exact,
        medianP99: median(rounds.map((x) => x.m.p99)),
        rounds: rounds.map((x) => ({ vsA: ratio(x.m.requestsPerSec, x.a.requestsPerSec), vsB: ratio(x.m.requestsPerSec, x.b.requestsPerSec), a: x.a, b: x.b, measured: x.m })),
      },
    ];
  } finally {
    await sql.end({ timeout: 5 });
  }
}
