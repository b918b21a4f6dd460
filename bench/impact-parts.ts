// Times each part of the admin's whole-movement impact report, computed straight from the
// data (no kept answer, ADR 044), on a kept bench database (bench/impact.bench.js --reuse):
// the rates alone, then with the weekly trend, the objection counts, the top 50, and all.
// Each variant 1 warm-up + 5 timed, one at a time, in the same run.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/doorstep_bench_impact_kept_s100 npx tsx bench/impact-parts.ts
//
// For the plans, turn on auto_explain for that database only, run this, and read the server log:
//   alter database doorstep_bench_impact_kept_s100 set session_preload_libraries = 'auto_explain';
//   alter database doorstep_bench_impact_kept_s100 set auto_explain.log_min_duration = '100ms';
//   alter database doorstep_bench_impact_kept_s100 set auto_explain.log_analyze = on;
//   alter database doorstep_bench_impact_kept_s100 set auto_explain.log_buffers = on;
import { sql } from "drizzle-orm";
import { impactReport, type ImpactParts } from "../app/reports/impact.server";
import { impactFilterSchema } from "../app/reports/impact-filters.server";
import { rows } from "../app/reports/scope.server";
import { openCliDatabase } from "../scripts/cli-db";

const handle = await openCliDatabase();
try {
  const [admin] = await rows<{ id: string }>(sql`select id from users where role = 'admin' order by email limit 1`);
  if (!admin) throw new Error("no admin in this database");
  const viewer = { id: admin.id, role: "admin" as const };
  const filters = impactFilterSchema.parse({});
  const variants: [string, ImpactParts][] = [
    ["rates only (the rates CSV)", { weeks: false, objections: false, canvassers: 0 }],
    ["rates + weekly trend", { weeks: true, objections: false, canvassers: 0 }],
    ["rates + objections", { weeks: false, objections: true, canvassers: 0 }],
    ["rates + top 50 canvassers", { weeks: false, objections: false, canvassers: 50 }],
    ["whole page", { weeks: true, objections: true, canvassers: 50 }],
  ];
  const out: Record<string, number> = {};
  for (const [name, parts] of variants) {
    const times: number[] = [];
    for (let i = 0; i < 6; i++) {
      const started = performance.now();
      const result = await impactReport(viewer, filters, parts, { reuse: false });
      if (!result.ok) throw new Error(JSON.stringify(result.errors));
      if (i > 0) times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    out[name] = Math.round(times[Math.floor(times.length / 2)]!);
    console.log(`${name}: median ${out[name]} ms (${times.map(Math.round).join(", ")})`);
  }
  console.log(JSON.stringify({ filters, medianMs: out }));
} finally {
  await handle.close();
}
