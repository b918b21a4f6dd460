// Canvass results import at 100,000 lines (issue 17, ADR 027; docs/import.md).
//
// The demo organiser uploads a generated 100,000-line CSV (the generic format, ~7 MB)
// through the real server (server.js lets this one path past its 1 MB cap), then imports
// it with the page's own form and follows the progress page until the summary shows. The
// server's resident memory is sampled every 20 ms throughout: the upload and the import
// both stream, so it should grow by a few tens of MB at most whatever the file's size.
// Aim (the issue): upload + check + import under 30 s, RSS growth under 100 MB.
//
//   npm run bench -- --only=import                    (both databases, table + docs)
//   npm run bench -- --only=import --db=pglite
import { readFileSync } from "node:fs";
import { DEMO_USERS, processCpuMs, round } from "./lib.js";

export const title = "Canvass import — 100,000 CSV lines, upload to summary";
export const description =
  "The demo organiser uploads a generated 100,000-line CSV, then imports it and waits for the summary. req/s is lines per second, p50 the step's " +
  "wall time in ms; the note gives the server's RSS growth (sampled every 20 ms). Aim: upload + import < 30 s, RSS growth < 100 MB.";
export const order = 80;

const LINES = Number(process.env.BENCH_IMPORT_LINES ?? 100_000);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function rssKb(pid) {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
  } catch {
    return null;
  }
}

/** The generic format, with the demo's canvassers and the organiser's two groups. */
export function generateCsv(lines, tag) {
  const people = [DEMO_USERS.activist, DEMO_USERS.organiser, DEMO_USERS.trainer];
  const areas = ["Riverside Branch", "Northgate"];
  const results = ["no-answer", "no-answer", "contact", "conversation"];
  const out = ["contact_id,canvasser_email,date,area,result,support,commitment"];
  for (let i = 0; i < lines; i++) {
    const result = results[i % results.length];
    const day = `2026-0${1 + (i % 9)}-${String(1 + (i % 28)).padStart(2, "0")}`;
    const support = result === "conversation" ? String(1 + (i % 5)) : "";
    const commitment = result === "conversation" && i % 3 === 0 ? "yes" : "";
    out.push(`${tag}-${i},${people[i % people.length]},${day},${areas[i % areas.length]},${result},${support},${commitment}`);
  }
  return out.join("\n") + "\n";
}

export async function run(ctx) {
  const { app, db, log } = ctx;
  const cookie = await ctx.signIn(DEMO_USERS.organiser);
  const csv = generateCsv(LINES, `bench${Date.now()}`);
  const bytes = Buffer.byteLength(csv);

  const before = [];
  for (let i = 0; i < 10; i++) {
    before.push(rssKb(app.pid) ?? 0);
    await sleep(20);
  }
  const baseline = Math.max(...before);
  let peak = baseline;
  const sampler = setInterval(() => {
    const kb = rssKb(app.pid);
    if (kb && kb > peak) peak = kb;
  }, 20);

  const cpuBefore = processCpuMs(app.pid);
  let uploadMs = 0;
  let importMs = 0;
  let summary = "";
  try {
    log(`  ${db.label}: uploading ${LINES.toLocaleString("en-GB")} lines (${round(bytes / 1e6, 1)} MB)`);
    const form = new FormData();
    form.set("source", "BenchTool");
    form.set("file", new Blob([csv], { type: "text/csv" }), "bench.csv");
    let started = performance.now();
    const uploaded = await fetch(app.url("/reports/imports/new"), { method: "POST", body: form, headers: { Cookie: cookie, Origin: app.origin }, redirect: "manual" });
    uploadMs = performance.now() - started;
    const location = uploaded.headers.get("location");
    if (uploaded.status !== 302 || !location) throw new Error(`upload answered ${uploaded.status}: ${(await uploaded.text()).slice(0, 300)}`);

    log(`  ${db.label}: importing`);
    started = performance.now();
    const body = new URLSearchParams({ intent: "import", externalId: "0", person: "1", personBy: "email", date: "2", area: "3", result: "4", support: "5", commitment: "6" });
    const startedImport = await fetch(new URL(location, app.origin), { method: "POST", body, headers: { Cookie: cookie, Origin: app.origin }, redirect: "manual" });
    if (startedImport.status !== 302) throw new Error(`import answered ${startedImport.status}: ${(await startedImport.text()).slice(0, 300)}`);
    for (;;) {
      const page = await fetch(new URL(location, app.origin), { headers: { Cookie: cookie } });
      const html = await page.text();
      if (html.includes('data-testid="import-summary"')) {
        summary = html;
        break;
      }
      if (/Not imported|stopped on an unexpected error/.test(html)) throw new Error(`the import did not finish: ${html.match(/Line \d+:[^<]*/)?.[0] ?? "see the page"}`);
      if (performance.now() - started > 300_000) throw new Error("the import took longer than 5 minutes");
      await sleep(250);
    }
    importMs = performance.now() - started;
  } finally {
    clearInterval(sampler);
  }
  const added = Number(/Contacts added<\/dt><dd>([\d,]+)/.exec(summary)?.[1]?.replace(/,/g, "") ?? NaN);
  if (added !== LINES) throw new Error(`expected ${LINES} contacts added, the summary says ${added}`);
  const growthMb = round((peak - baseline) / 1024, 1);
  const totalS = round((uploadMs + importMs) / 1000, 1);
  // The app's own CPU time does not depend on what else shares the cores (wall time does).
  const cpuS = cpuBefore === null ? null : round((processCpuMs(app.pid) - cpuBefore) / 1000, 1);
  const note = `server RSS ${round(baseline / 1024)} → ${round(peak / 1024)} MB (+${growthMb} MB); upload + import ${totalS} s wall, ${cpuS ?? "?"} s app CPU`;
  log(`  ${db.label}: ${note}`);
  const row = (name, ms) => ({ name, kind: "measured", db: db.kind, bytes, requestsPerSec: round(LINES / (ms / 1000)), p50: round(ms), p99: round(ms), note });
  return [row(`upload ${LINES.toLocaleString("en-GB")} lines (${round(bytes / 1e6, 1)} MB), checked and staged`, uploadMs), row(`import: check every line, then write in batches, to the summary (${note})`, importMs)];
}
