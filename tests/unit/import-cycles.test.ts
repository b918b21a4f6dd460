import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// No import cycles in app/ or db/ (issue 13). A cycle makes the order modules
// initialise in depend on which one is imported first, and it usually means a piece
// sits in the wrong module. A small parser is enough: our imports are all static
// `import … from "…"` / `export … from "…"` lines, relative or through `~/`.

const ROOT = path.resolve(__dirname, "../..");
const EXTENSIONS = [".ts", ".tsx"];

/** Cycles we know of and have not broken yet, each naming its issue. Keep this empty. */
const ALLOWED: Record<string, string> = {};

/** Entry points, which may import anything (docs/decisions/001): left out of the folder check. */
const ENTRY_POINTS = /^db\/[^/]+-cli\.ts$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === "node_modules" || name === "migrations" ? [] : sourceFiles(full);
    return EXTENSIONS.includes(path.extname(name)) && !name.endsWith(".d.ts") ? [full] : [];
  });
}

// Statements at the start of a line; `[^'";]*?` lets `{ a, b }` span lines. Dynamic
// `import()` is left out on purpose: it loads lazily, so it cannot make a load-order cycle.
const STATIC_IMPORT = /^\s*(?:import|export)\s+(?:[^'";]*?\s+from\s+)?["']([^"']+)["']/gm;

function importsOf(text: string): string[] {
  return [...text.matchAll(STATIC_IMPORT)].map((m) => m[1]!);
}

function resolve(from: string, specifier: string): string | undefined {
  let base: string;
  if (specifier.startsWith("~/")) base = path.join(ROOT, "app", specifier.slice(2));
  else if (specifier.startsWith(".")) base = path.resolve(path.dirname(from), specifier);
  else return undefined; // a package
  const stem = base.replace(/\.js$/, "");
  const candidates = [base, ...EXTENSIONS.map((ext) => stem + ext), ...EXTENSIONS.map((ext) => path.join(base, "index" + ext))];
  return candidates.find((file) => EXTENSIONS.includes(path.extname(file)) && existsSync(file) && statSync(file).isFile());
}

/** Every cycle's modules (Tarjan's strongly connected components of two or more, or a self-import). */
function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (node: string) => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    onStack.add(node);
    for (const to of graph.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node)!, index.get(to)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of [...sourceFiles(path.join(ROOT, "app")), ...sourceFiles(path.join(ROOT, "db"))]) {
    const targets = importsOf(readFileSync(file, "utf8"))
      .map((specifier) => resolve(file, specifier))
      .filter((target): target is string => target !== undefined);
    graph.set(path.relative(ROOT, file), [...new Set(targets.map((t) => path.relative(ROOT, t)))]);
  }
  return graph;
}

/** Folder → folders its modules import, from the module graph. */
function folderGraph(graph: Map<string, string[]>): Map<string, string[]> {
  const folders = new Map<string, Set<string>>();
  for (const [file, targets] of graph) {
    if (ENTRY_POINTS.test(file)) continue;
    const from = path.dirname(file);
    const to = folders.get(from) ?? new Set<string>();
    for (const target of targets) if (path.dirname(target) !== from) to.add(path.dirname(target));
    folders.set(from, to);
  }
  return new Map([...folders].map(([folder, to]) => [folder, [...to]]));
}

describe("import cycles", () => {
  it("finds a cycle, and reads multi-line and re-export statements (the checker itself)", () => {
    expect(importsOf(`import {\n  a,\n  b,\n} from "./a";\nexport { c } from "~/c";\nimport type { D } from "../d";\nconst s = "x from 'y'";\n`)).toEqual([
      "./a",
      "~/c",
      "../d",
    ]);
    const graph = new Map([
      ["a", ["b"]],
      ["b", ["c"]],
      ["c", ["a"]],
      ["d", ["a"]],
    ]);
    expect(cycles(graph)).toEqual([["a", "b", "c"]]);
    expect(cycles(new Map([["a", ["b"]], ["b", []]]))).toEqual([]);
  });

  it("has none in app/ and db/", () => {
    const graph = importGraph();
    expect(graph.size).toBeGreaterThan(50); // the walk found the code
    const found = cycles(graph)
      .map((members) => members.join(" ↔ "))
      .filter((cycle) => !(cycle in ALLOWED));
    expect(found).toEqual([]);
  });

  it("has none between folders either: each folder imports another one way only", () => {
    // A module-level walk can be clean while two folders lean on each other (app/mdx and
    // app/components/live did): then neither can be read, or moved, without the other.
    expect(cycles(folderGraph(importGraph())).map((members) => members.join(" ↔ "))).toEqual([]);
  });
});
