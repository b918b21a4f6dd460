import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { getTableName } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import {
  completionWeeks,
  groupModuleTallies,
  groupProgressCounts,
  learnerTotals,
  moduleProgress,
  moduleTallies,
  quizBests,
  quizFirstAttempts,
  quizQuestionTallies,
  quizTallies,
  quizWrongPicks,
  scenarioChoiceTallies,
  scenarioEndings,
  scenarioEndingTallies,
  scenarioMoves,
} from "../../db/schema";

// Report SQL reaches the fifteen summary tables through their Drizzle objects, so a
// renamed table or column changes the SQL with it, and a renamed or removed property
// fails the typecheck, instead of a report failing in production. This keeps the
// literal names from coming back into the application's SQL.

const summaries = [
  moduleProgress,
  moduleTallies,
  completionWeeks,
  learnerTotals,
  groupProgressCounts,
  groupModuleTallies,
  quizQuestionTallies,
  quizWrongPicks,
  quizBests,
  quizFirstAttempts,
  quizTallies,
  scenarioMoves,
  scenarioChoiceTallies,
  scenarioEndings,
  scenarioEndingTallies,
].map(getTableName);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

/** The code without comments: TypeScript's line and block comments, SQL's `--` ones. */
const withoutComments = (text: string) =>
  text
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/(^|[^:])\/\/.*$/gm, "$1")
    .replace(/--.*$/gm, "");

describe("summary tables in application SQL", () => {
  it("are named only through db/schema.ts, never as literal names", () => {
    const found: string[] = [];
    for (const file of sourceFiles("app")) {
      const code = withoutComments(readFileSync(file, "utf8"));
      for (const name of summaries) {
        if (new RegExp(`\\b${name}\\b`).test(code)) found.push(`${file}: ${name}`);
      }
    }
    expect(summaries).toHaveLength(15);
    expect(found).toEqual([]);
  });

});
