// npm run content:check [-- DIR]: validate every module folder in DIR (default
// content/modules). Prints file:line: message for each problem; exits 1 if any.
import path from "node:path";
import { readFileSync } from "node:fs";
import { compileModuleSource } from "../app/content/compile.server";
import { moduleFolders } from "../app/content/catalog.server";

const dir = path.resolve(process.argv[2] ?? "content/modules");
const folders = moduleFolders(dir);
if (folders.length === 0) {
  console.error(`${path.relative(process.cwd(), dir) || dir}: no modules found (expected <slug>/index.mdx folders).`);
  process.exit(1);
}

let problems = 0;
const orders = new Map<number, string>();
for (const { slug, file } of folders) {
  const shown = path.relative(process.cwd(), file);
  const result = await compileModuleSource(slug, readFileSync(file, "utf8"));
  if (!result.ok) {
    for (const p of result.problems) console.log(`${shown}:${p.line}: ${p.message}`);
    problems += result.problems.length;
    continue;
  }
  const { order, draft } = result.module.frontmatter;
  const clash = orders.get(order);
  if (clash && !draft) {
    console.log(`${shown}:1: order ${order} is also used by ${clash}; give each published module its own place in the catalogue.`);
    problems++;
  } else if (!draft) {
    orders.set(order, slug);
  }
}
console.log(`${folders.length} modules checked, ${problems} ${problems === 1 ? "problem" : "problems"}.`);
process.exit(problems ? 1 : 0);
