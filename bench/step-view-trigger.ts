// What migration 0031 (ADR 046) adds to every step view: the step-view summary trigger now
// also looks the module up in `modules` (is it a variant?) and, for a variant, upserts its
// original's module_progress row too. Times the row trigger per step view (an insert of
// many rows in one statement, so client round trips do not drown it) with the trigger body
// of migration 0003 and with that of 0031, alternating, in the same run, on a scratch
// database:
//
//   createdb -h 127.0.0.1 -U postgres test_variant
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test_variant npx tsx bench/step-view-trigger.ts
//
// Each round writes 2,000 new people × 4 steps (one first view, three later views each) of a
// published module, then the same of its variant. It leaves the 0031 body in place.
import { readFileSync } from "node:fs";
import { sql } from "drizzle-orm";
import { db } from "../db/client.server";
import { migrationsFolder } from "../db/migrate";
import { openCliDatabase } from "../scripts/cli-db";

const PEOPLE = 2000;
const STEPS = 4;
const ROUNDS = 9;

/** The `report_step_views_changed` definition from a migration file, as written there. */
function triggerBody(file: string): string {
  const text = readFileSync(`${migrationsFolder}/${file}`, "utf8");
  const start = text.indexOf('CREATE FUNCTION "report_step_views_changed"') >= 0 ? text.indexOf('CREATE FUNCTION "report_step_views_changed"') : text.indexOf('CREATE OR REPLACE FUNCTION "report_step_views_changed"');
  const end = text.indexOf("END $$;", start) + "END $$;".length;
  return text.slice(start, end).replace(/^CREATE FUNCTION/, "CREATE OR REPLACE FUNCTION");
}

const handle = await openCliDatabase();
try {
  const before = triggerBody("0003_report_summaries.sql");
  const after = triggerBody("0031_variant_gaps.sql");
  await db().execute(sql`
    insert into modules (slug, title, position, content_hash, draft, step_count, required_quiz_ids, required_scenario_ids, variant_of)
    values ('bench-svt', 'Bench', 990, 'h', false, ${STEPS}, '[]', '[]', null), ('bench-svt-b', 'Bench B', 991, 'hb', true, ${STEPS}, '[]', '[]', 'bench-svt')
    on conflict (slug) do nothing`);
  const stamp = Date.now();
  let batch = 0;
  const time = async (module: string) => {
    const tag = `svt-${stamp}-${batch++}`;
    await db().execute(sql`
      insert into users (id, email, name, password_hash, role)
      select ${tag} || '-' || i, ${tag} || '-' || i || '@example.org', 'Bench ' || i, 'x', 'activist' from generate_series(1, ${PEOPLE}) i`);
    // One statement: the row trigger's cost without a client round trip per row, which on
    // a shared machine is most of the noise.
    const started = performance.now();
    await db().execute(sql`
      insert into step_views (user_id, module_slug, step_id)
      select ${tag} || '-' || i, ${module}, 's' || s from generate_series(1, ${PEOPLE}) i, generate_series(1, ${STEPS}) s order by i, s`);
    return ((performance.now() - started) * 1000) / (PEOPLE * STEPS);
  };
  const results: Record<string, number[]> = { "0003 original": [], "0031 original": [], "0003 variant": [], "0031 variant": [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const [label, body] of [["0003", before], ["0031", after]] as const) {
      await db().execute(sql.raw(body));
      results[`${label} original`]!.push(await time("bench-svt"));
      results[`${label} variant`]!.push(await time("bench-svt-b"));
    }
  }
  await db().execute(sql.raw(after));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  for (const [label, xs] of Object.entries(results)) console.log(`${label.padEnd(14)} median ${median(xs).toFixed(1)} µs per row  (${xs.map((x) => x.toFixed(1)).join(", ")})`);
  // Each round's 0031 against the same round's 0003 (run back to back, so under much the
  // same load), then the median of those ratios.
  const paired = (kind: string) => median(results[`0031 ${kind}`]!.map((x, i) => x / results[`0003 ${kind}`]![i]!)).toFixed(2);
  console.log(`ratio 0031 ÷ 0003 (median of paired rounds), views of a published module: ${paired("original")}`);
  console.log(`ratio 0031 ÷ 0003 (median of paired rounds), views of a variant:          ${paired("variant")}`);
} finally {
  await handle.close();
}
