// `npm run bench` — load-test the production build on loopback, on PGlite and (when one is
// reachable) PostgreSQL, and report every figure as a ratio to baselines measured in the
// same run. Benches are modules bench/<name>.bench.js exporting `async function run(ctx)`
// that return rows (see createContext in bench/lib.js); this file finds and runs them.
//
//   npm run bench                          all benches, both databases
//   npm run bench -- --only=home           only bench/home.bench.js (comma-separate several)
//   npm run bench -- --db=pglite           one database (pglite | postgres)
//   npm run bench -- --duration=8 --connections=20 --warmup=2 --first-warmup=6 --rounds=3
//                                          (defaults; a fresh server is first warmed up for
//                                          --first-warmup s per URL, then each round measures
//                                          (a), (b) and the page back to back, each after its
//                                          own --warmup; the median round is reported)
//   npm run bench -- --build               rebuild first (otherwise only when build/ is missing)
//   npm run bench -- --no-docs             do not touch docs/performance.md
//   npm run bench -- --only=live-scale --db=postgres --max-minutes=40
//                                          optional (not in a plain run): 5,000 / 10,000
//                                          participants and a 5,000-answer burst
//
// Results: a table on stdout, bench/out/results-<timestamp>.json, and one section per
// bench in docs/performance.md (between `<!-- bench:<name> start/end -->` markers).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import {
  createContext,
  createDatabase,
  DEFAULT_POSTGRES_URL,
  ensureBuild,
  onInterrupt,
  postgresReachable,
  ROOT,
  seedPostgres,
  startApp,
  tempPgliteDir,
} from "./lib.js";

// ─── options ────────────────────────────────────────────────────────────────────────────

const argv = process.argv.slice(2);
const flags = new Map(
  argv.map((arg) => {
    const match = /^--([^=]+)(?:=(.*))?$/.exec(arg);
    if (!match) {
      console.error(`Unknown argument ${arg}. See the top of bench/run.js.`);
      process.exit(2);
    }
    return [match[1], match[2] ?? "true"];
  }),
);
const KNOWN = ["only", "db", "duration", "connections", "warmup", "first-warmup", "rounds", "build", "no-docs", "max-minutes"];
for (const key of flags.keys()) {
  if (!KNOWN.includes(key)) {
    console.error(`Unknown option --${key}. Known: ${KNOWN.map((k) => `--${k}`).join(" ")}`);
    process.exit(2);
  }
}
function numberFlag(name, fallback, min, max) {
  if (!flags.has(name)) return fallback;
  const n = Number(flags.get(name));
  if (!Number.isFinite(n) || n < min || n > max) {
    console.error(`--${name} must be a number from ${min} to ${max}`);
    process.exit(2);
  }
  return n;
}
const listFlag = (name) => (flags.has(name) ? flags.get(name).split(",").map((s) => s.trim()).filter(Boolean) : null);

const options = {
  duration: numberFlag("duration", 8, 1, 120),
  connections: numberFlag("connections", 20, 1, 500),
  warmup: numberFlag("warmup", 2, 0, 30),
  firstWarmup: numberFlag("first-warmup", 6, 0, 60),
  rounds: Math.round(numberFlag("rounds", 3, 1, 9)),
};
const only = listFlag("only");
const dbFilter = listFlag("db");
const writeDocs = !flags.has("no-docs");
const maxMinutes = numberFlag("max-minutes", 20, 1, 120);
const command = `npm run bench${argv.length ? ` -- ${argv.join(" ")}` : ""}`;

// Bounded in time whatever happens: a stuck server or database cannot hang the run.
setTimeout(() => {
  console.error(`\nbench: gave up after ${maxMinutes} minutes (--max-minutes).`);
  process.exit(1); // lib.js kills every child process group on exit
}, maxMinutes * 60_000).unref();

// ─── discover benches ───────────────────────────────────────────────────────────────────

const benchDir = path.join(ROOT, "bench");
const files = readdirSync(benchDir)
  .filter((f) => f.endsWith(".bench.js"))
  .sort();
const benches = [];
for (const file of files) {
  const name = file.slice(0, -".bench.js".length);
  if (only && !only.includes(name)) continue;
  const mod = await import(pathToFileURL(path.join(benchDir, file)).href);
  // Heavy benches (bench/live-scale.bench.js) run only when named: --only=<name>.
  if (mod.optional && !only) {
    console.log(`bench/${file}: optional, run it with --only=${name}`);
    continue;
  }
  if (typeof mod.run !== "function") {
    console.error(`bench/${file} does not export \`async function run(ctx)\`; skipped.`);
    continue;
  }
  benches.push({ name, file, title: mod.title ?? name, description: mod.description ?? "", order: mod.order ?? 100, run: mod.run });
}
benches.sort((x, y) => x.order - y.order || x.name.localeCompare(y.name));
if (!benches.length) {
  console.error(only ? `No bench matches --only=${only.join(",")} (have: ${files.join(", ")})` : "No bench/*.bench.js found.");
  process.exit(2);
}
if (only) for (const name of only) if (!benches.some((b) => b.name === name)) console.warn(`warning: no bench/${name}.bench.js`);

// ─── databases ──────────────────────────────────────────────────────────────────────────

const wants = (kind) => !dbFilter || dbFilter.includes(kind);
const databases = [];
if (wants("pglite")) {
  databases.push({
    kind: "pglite",
    label: "PGlite",
    async setup() {
      const dir = tempPgliteDir();
      return { env: { PGLITE_DIR: dir.dir }, teardown: async () => dir.rm() };
    },
  });
}
if (wants("postgres")) {
  if (await postgresReachable()) {
    databases.push({
      kind: "postgres",
      label: "PostgreSQL",
      async setup() {
        const database = await createDatabase(DEFAULT_POSTGRES_URL);
        const forget = onInterrupt(() => database.drop());
        try {
          seedPostgres(database.url);
        } catch (error) {
          await database.drop();
          forget();
          throw error;
        }
        return {
          env: { DATABASE_URL: database.url },
          note: `fresh database ${database.name}`,
          teardown: async () => {
            await database.drop();
            forget();
          },
        };
      },
    });
  } else if (dbFilter?.includes("postgres")) {
    console.error(`PostgreSQL is not reachable at ${DEFAULT_POSTGRES_URL} (set BENCH_POSTGRES_URL).`);
    process.exit(1);
  } else {
    console.log(`PostgreSQL not reachable at ${DEFAULT_POSTGRES_URL}: PGlite only.`);
  }
}

// ─── run ────────────────────────────────────────────────────────────────────────────────

function git(...args) {
  try {
    return execFileSync("git", args, { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return null;
  }
}

const startedAt = new Date();
const meta = {
  date: startedAt.toISOString(),
  command,
  commit: git("rev-parse", "--short", "HEAD"),
  dirty: Boolean(git("status", "--porcelain")),
  node: process.version,
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model?.trim() ?? "unknown",
  loadAverage: os.loadavg().map((n) => Math.round(n * 100) / 100),
  options,
};

ensureBuild({ force: flags.has("build") });
console.log(
  `\nbench: ${benches.map((b) => b.name).join(", ")} on ${databases.map((d) => d.label).join(", ")}; ` +
    `${options.duration} s per measurement after a ${options.warmup} s warm-up (${options.firstWarmup} s on a fresh server), ` +
    `${options.connections} connections, ${options.rounds} round(s). Load average ${meta.loadAverage.join(" ")}.\n`,
);

const results = []; // { bench, db, rows, error? }
let failed = false;
for (const database of databases) {
  console.log(`━━ ${database.label}`);
  let prepared;
  let app;
  try {
    prepared = await database.setup();
    app = await startApp({ env: prepared.env, label: `app (${database.label})` });
    for (const bench of benches) {
      console.log(`▶ ${bench.name}`);
      const ctx = createContext({ db: { kind: database.kind, label: database.label, env: prepared.env }, app, options });
      try {
        const rows = await bench.run(ctx);
        results.push({ bench: bench.name, db: database.kind, rows: Array.isArray(rows) ? rows : [] });
      } catch (error) {
        failed = true;
        console.error(`✗ ${bench.name} on ${database.label}: ${error.stack ?? error}`);
        results.push({ bench: bench.name, db: database.kind, rows: [], error: String(error.message ?? error) });
      }
    }
  } catch (error) {
    failed = true;
    console.error(`✗ ${database.label}: ${error.stack ?? error}`);
    for (const bench of benches) results.push({ bench: bench.name, db: database.kind, rows: [], error: String(error.message ?? error) });
  } finally {
    await app?.stop();
    await prepared?.teardown().catch((error) => console.error(`cleanup (${database.label}): ${error.message}`));
  }
}

// ─── report ─────────────────────────────────────────────────────────────────────────────

meta.loadAverageEnd = os.loadavg().map((n) => Math.round(n * 100) / 100);
const busy = Math.max(meta.loadAverage[0], meta.loadAverageEnd[0]) > meta.cpus;
if (busy) console.warn(`\nwarning: load average above ${meta.cpus} (the CPU count) during the run: other work shared the cores; ratios are less reliable.`);

const dbLabel = (kind) => databases.find((d) => d.kind === kind)?.label ?? kind;
const fmt = {
  ratio: (n) => (n === null || n === undefined ? "" : n.toFixed(2)),
  rps: (n) => (n === undefined ? "" : Math.round(n).toLocaleString("en-GB")),
  ms: (n) => (n === undefined ? "" : String(n)),
};
const flagsOf = (row) => [row.errors ? `${row.errors} errors` : "", row.non2xx ? `${row.non2xx} non-2xx` : "", row.timeouts ? `${row.timeouts} timeouts` : ""].filter(Boolean).join(", ");

function tableRows(bench) {
  const lines = [];
  for (const result of results.filter((r) => r.bench === bench.name)) {
    if (result.error) {
      lines.push([dbLabel(result.db), `failed: ${result.error}`, ...HEADER.slice(2).map(() => "")]);
      continue;
    }
    for (const row of result.rows) {
      const name = row.kind === "measured" ? `**${row.name}**` : row.name;
      const problems = flagsOf(row);
      lines.push([
        dbLabel(result.db),
        problems ? `${name} ⚠ ${problems}` : name,
        String(row.bytes ?? ""),
        fmt.rps(row.requestsPerSec),
        fmt.ms(row.p50),
        fmt.ms(row.p99),
        row.cpuMsPerRequest === null || row.cpuMsPerRequest === undefined ? "" : row.cpuMsPerRequest.toFixed(2),
        row.kind === "baseline-a" ? "1" : fmt.ratio(row.vsA),
        row.kind === "baseline-b" ? "1" : fmt.ratio(row.vsB),
      ]);
    }
  }
  return lines;
}
const HEADER = ["Database", "Measurement", "HTML bytes", "req/s", "p50 ms", "p99 ms", "server CPU ms/req", "÷ (a)", "÷ (b)"];

function verdicts(bench) {
  const out = [];
  for (const result of results.filter((r) => r.bench === bench.name && !r.error)) {
    for (const row of result.rows.filter((r) => r.kind === "measured" && r.aim)) {
      const value = row.aim.of === "a" ? row.vsA : row.vsB;
      const ok = value !== null && value >= row.aim.min;
      // The same comparison by server CPU per request: (b)'s CPU ÷ the page's, which a
      // noisy machine disturbs far less than req/s.
      const base = result.rows.find((r) => r.kind === (row.aim.of === "a" ? "baseline-a" : "baseline-b"));
      const cpu = base?.cpuMsPerRequest && row.cpuMsPerRequest ? Math.round((base.cpuMsPerRequest / row.cpuMsPerRequest) * 100) / 100 : null;
      out.push({ db: result.db, name: row.name, value, ok, aim: row.aim, rounds: row.rounds, cpu });
    }
  }
  return out;
}

// b's ratio to a is useful context too: how much of the transport limit the framework keeps.
for (const result of results) {
  const a = result.rows.find((r) => r.kind === "baseline-a");
  const b = result.rows.find((r) => r.kind === "baseline-b");
  if (a && b && a.requestsPerSec) b.vsA = Math.round((b.requestsPerSec / a.requestsPerSec) * 1000) / 1000;
}

console.log("");
for (const bench of benches) {
  const rows = tableRows(bench);
  const widths = HEADER.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i] ?? "").replace(/\*\*/g, "").length)));
  const line = (cells) => cells.map((c, i) => String(c ?? "").replace(/\*\*/g, "").padEnd(widths[i])).join("  ");
  console.log(`${bench.title}`);
  console.log(line(HEADER));
  console.log(widths.map((w) => "─".repeat(w)).join("  "));
  for (const r of rows) console.log(line(r));
  for (const v of verdicts(bench)) {
    const spread = v.rounds ? ` (rounds ${v.rounds.map((r) => fmt.ratio(r.vsB)).join(", ")})` : "";
    const cpu = v.cpu !== null && v.aim.of === "b" ? `; by server CPU per request ${fmt.ratio(v.cpu)}` : "";
    console.log(`  ${dbLabel(v.db)}: ${v.name} = ${fmt.ratio(v.value)} of (${v.aim.of})${spread}${cpu}; aim ≥ ${v.aim.min}: ${v.ok ? "met" : "NOT met"}`);
  }
  console.log("");
}

mkdirSync(path.join(ROOT, "bench/out"), { recursive: true });
const stamp = startedAt.toISOString().replace(/[:.]/g, "-");
const jsonPath = path.join(ROOT, `bench/out/results-${stamp}.json`);
writeFileSync(jsonPath, `${JSON.stringify({ ...meta, databases: databases.map((d) => d.kind), results }, null, 2)}\n`);
console.log(`Raw results: ${path.relative(ROOT, jsonPath)}`);

function markdownSection(bench) {
  const rows = tableRows(bench);
  const when = `${meta.date.slice(0, 16).replace("T", " ")} UTC`;
  const commit = meta.commit ? `commit \`${meta.commit}\`${meta.dirty ? " (plus uncommitted changes)" : ""}` : "no git commit";
  const lines = [
    `<!-- bench:${bench.name} start (written by bench/run.js; edits inside are replaced) -->`,
    `### ${bench.title}`,
    "",
    ...(bench.description ? [bench.description, ""] : []),
    `Run ${when}, ${commit}: \`${meta.command}\` — ${options.duration} s per measurement after a ${options.warmup} s warm-up ` +
      `(${options.firstWarmup} s on a fresh server), ` +
      `${options.connections} connections, ${options.rounds} round(s); Node ${meta.node}, ${meta.cpus} × ${meta.cpuModel}, ` +
      `load average ${meta.loadAverage[0]} at start, ${meta.loadAverageEnd[0]} at end${busy ? " (busy: other work shared the cores)" : ""}.`,
    "",
    `| ${HEADER.join(" | ")} |`,
    `| ${HEADER.map((_, i) => (i < 2 ? "---" : "---:")).join(" | ")} |`,
    ...rows.map((r) => `| ${r.map((c) => String(c).replace(/\|/g, "\\|")).join(" | ")} |`),
    "",
  ];
  for (const v of verdicts(bench)) {
    const spread = v.rounds ? ` (rounds: ${v.rounds.map((r) => fmt.ratio(r.vsB)).join(", ")})` : "";
    const cpu = v.cpu !== null && v.aim.of === "b" ? `; by server CPU per request ${fmt.ratio(v.cpu)}` : "";
    lines.push(`- ${dbLabel(v.db)}: ${v.name} runs at **${fmt.ratio(v.value)}** of (${v.aim.of})${spread}${cpu}; aim ≥ ${v.aim.min}: **${v.ok ? "met" : "not met"}**.`);
  }
  lines.push(`<!-- bench:${bench.name} end -->`);
  return lines.join("\n");
}

if (writeDocs) {
  const docPath = path.join(ROOT, "docs/performance.md");
  let doc = existsSync(docPath) ? readFileSync(docPath, "utf8") : "# Performance\n";
  const RESULTS_HEADING = "## Results";
  for (const bench of benches) {
    const section = markdownSection(bench);
    const pattern = new RegExp(`<!-- bench:${bench.name} start[^>]*-->[\\s\\S]*?<!-- bench:${bench.name} end -->`);
    if (pattern.test(doc)) doc = doc.replace(pattern, () => section);
    else if (doc.includes("<!-- bench:results end -->")) doc = doc.replace("<!-- bench:results end -->", () => `${section}\n\n<!-- bench:results end -->`);
    else doc = `${doc.trimEnd()}\n\n${doc.includes(RESULTS_HEADING) ? "" : `${RESULTS_HEADING}\n\n`}${section}\n\n<!-- bench:results end -->\n`;
  }
  writeFileSync(docPath, doc);
  console.log(`Updated ${path.relative(ROOT, docPath)}`);
}

process.exit(failed ? 1 : 0);
