// npm run content:check [-- [--strict] DIR]: validate every module folder in DIR (default
// content/modules). Prints file:line: message for each problem; exits 1 if any. Answers
// that give themselves away (app/content/answer-bias.ts: the right option first, or the
// longest, far more often than chance) are printed as "file: warning: …", or under
// --strict as "file: error: …" and counted as problems.
import path from "node:path";
import { readFileSync } from "node:fs";
import { answerBias, answerObservations, type AnswerObservations } from "../app/content/answer-bias";
import { compileModuleSource } from "../app/content/compile.server";
import { moduleFolders, variantProblems } from "../app/content/catalog.server";
import type { ModuleFrontmatter } from "../app/content/manifest";

const args = process.argv.slice(2);
const strict = args.includes("--strict");
const dir = path.resolve(args.find((a) => !a.startsWith("--")) ?? "content/modules");
const folders = moduleFolders(dir);
if (folders.length === 0) {
  console.error(`${path.relative(process.cwd(), dir) || dir}: no modules found (expected <slug>/index.mdx folders).`);
  process.exit(1);
}

let problems = 0;
let warnings = 0;
const everywhere: AnswerObservations = { "quiz-first": [], "quiz-longest": [], "scenario-first": [], "scenario-longest": [] };
const orders = new Map<number, string>();
const frontmatters = new Map<string, { frontmatter: ModuleFrontmatter }>();
for (const { slug, file } of folders) {
  const shown = path.relative(process.cwd(), file);
  const result = await compileModuleSource(slug, readFileSync(file, "utf8"));
  if (!result.ok) {
    for (const p of result.problems) console.log(`${shown}:${p.line}: ${p.message}`);
    problems += result.problems.length;
    continue;
  }
  const observed = answerObservations(result.module.manifest);
  for (const [kind, list] of Object.entries(observed)) everywhere[kind as keyof AnswerObservations].push(...list);
  for (const bias of answerBias(observed)) {
    console.log(`${shown}: ${strict ? "error" : "warning"}: ${bias.message}`);
    if (strict) problems++;
    else warnings++;
  }
  frontmatters.set(slug, { frontmatter: result.module.frontmatter });
  const { order, draft, variant } = result.module.frontmatter;
  // A variant stands in for its original (ADR 039): it has no place of its own in the catalogue.
  if (variant) continue;
  const clash = orders.get(order);
  if (clash && !draft) {
    console.log(`${shown}:1: order ${order} is also used by ${clash}; give each published module its own place in the catalogue.`);
    problems++;
  } else if (!draft) {
    orders.set(order, slug);
  }
}
for (const p of variantProblems(frontmatters)) {
  console.log(`${path.relative(process.cwd(), path.join(dir, p.slug, "index.mdx"))}:1: ${p.message}`);
  problems++;
}
// All modules together: what a learner meets over the whole course.
const overall = folders.length > 1 ? answerBias(everywhere) : [];
for (const bias of overall) console.log(`All ${folders.length} modules: ${bias.message.replace(/\. [^.]*\.$/, ".")}`);
const warned = warnings ? `, ${warnings} ${warnings === 1 ? "warning" : "warnings"} (an error under --strict)` : "";
console.log(`${folders.length} modules checked, ${problems} ${problems === 1 ? "problem" : "problems"}${warned}.`);
process.exit(problems ? 1 : 0);
