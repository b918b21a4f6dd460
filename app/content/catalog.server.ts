import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, watch, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { db } from "../../db/client.server";
import { modules } from "../../db/schema";
import { may } from "../auth/policy";
import { compileModuleSource, contentHash } from "./compile.server";
import type { ContentProblem } from "./extract.server";
import { quizzesOf, scenariosOf, type CompiledModule } from "./manifest";

export interface ModuleProblemReport {
  slug: string;
  file: string;
  problems: ContentProblem[];
}

interface Catalog {
  modules: Map<string, CompiledModule>;
  problems: ModuleProblemReport[];
  contentDir: string;
}

// Content comes from files every instance has, so holding it in memory is safe; the
// holder survives dev rebuilds of the server bundle.
const holder = globalThis as unknown as { __doorstepCatalog?: Catalog };

export const defaultContentDir = () => path.resolve(process.env.CONTENT_DIR ?? "content/modules");
const cacheDir = () => path.resolve(process.env.CONTENT_CACHE_DIR ?? ".cache/content");

export function moduleFolders(contentDir: string): { slug: string; file: string }[] {
  if (!existsSync(contentDir)) return [];
  return readdirSync(contentDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(contentDir, d.name, "index.mdx")))
    .map((d) => ({ slug: d.name, file: path.join(contentDir, d.name, "index.mdx") }))
    .sort((a, b) => a.slug.localeCompare(b.slug));
}

// The compiled output depends on the compiler as much as on the source: a cache kept across
// a deploy that changed how modules compile (the manifest's shape, say) must not serve
// the old output. In a build this file is the whole server bundle, compiler included, so
// its hash changes with any code change; the cache then fills again on the first start.
let fingerprint: string | undefined;
export function compilerFingerprint(): string {
  fingerprint ??= createHash("sha256").update(readFileSync(fileURLToPath(import.meta.url))).digest("hex").slice(0, 12);
  return fingerprint;
}

/** Compile one module, or reuse the compiled output cached under its content hash and compiler. */
export async function loadModule(slug: string, file: string): Promise<{ module?: CompiledModule; problems: ContentProblem[]; cached: boolean }> {
  const source = readFileSync(file, "utf8");
  const cacheFile = path.join(cacheDir(), `${slug}-${contentHash(source)}-${compilerFingerprint()}.json`);
  if (existsSync(cacheFile)) {
    try {
      return { module: JSON.parse(readFileSync(cacheFile, "utf8")) as CompiledModule, problems: [], cached: true };
    } catch {
      // A torn write from a crash: fall through and compile again.
    }
  }
  const result = await compileModuleSource(slug, source);
  if (!result.ok) return { problems: result.problems, cached: false };
  mkdirSync(cacheDir(), { recursive: true });
  const tmp = `${cacheFile}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(result.module));
  renameSync(tmp, cacheFile); // atomic, so a second instance never reads half a file
  // This module's output from earlier sources or builds is never read again.
  const earlier = new RegExp(`^${slug}-[0-9a-f]{16}(-[0-9a-f]{12})?\\.json$`);
  for (const name of readdirSync(cacheDir())) {
    if (name !== path.basename(cacheFile) && earlier.test(name)) rmSync(path.join(cacheDir(), name), { force: true });
  }
  return { module: result.module, problems: [], cached: false };
}

/** Load every module (at boot; never on a request). Broken modules are left out and reported. */
export async function loadCatalog(contentDir = defaultContentDir()): Promise<{ compiled: number; cached: number; problems: ModuleProblemReport[] }> {
  const catalog: Catalog = { modules: new Map(), problems: [], contentDir };
  let compiled = 0;
  let cached = 0;
  for (const { slug, file } of moduleFolders(contentDir)) {
    const result = await loadModule(slug, file);
    if (result.module) {
      catalog.modules.set(slug, result.module);
      if (result.cached) cached++;
      else compiled++;
    } else {
      catalog.problems.push({ slug, file, problems: result.problems });
    }
  }
  holder.__doorstepCatalog = catalog;
  return { compiled, cached, problems: catalog.problems };
}

function catalog(): Catalog {
  const current = holder.__doorstepCatalog;
  if (!current) throw new Error("Content not loaded: boot() calls loadCatalog() before serving");
  return current;
}

export function getModule(slug: string): CompiledModule | undefined {
  return catalog().modules.get(slug);
}

/** The catalogue: published modules (drafts too, for those who preview them); never variants (ADR 039). */
export function listModules(options: { includeDrafts: boolean; includeVariants?: boolean }): CompiledModule[] {
  return [...catalog().modules.values()]
    .filter((m) => options.includeDrafts || !m.frontmatter.draft)
    .filter((m) => options.includeVariants || !m.frontmatter.variant)
    .sort((a, b) => a.frontmatter.order - b.frontmatter.order || a.frontmatter.title.localeCompare(b.frontmatter.title));
}

/** Mirror the catalogue into the modules table (idempotent; every instance may run it). */
export async function syncModulesTable(): Promise<void> {
  const rows = [...catalog().modules.values()].map((m) => ({
    slug: m.slug,
    title: m.frontmatter.title,
    position: m.frontmatter.order,
    contentHash: m.hash,
    // A variant is never a published module of its own (ADR 039): mirrored as a draft, every
    // report and summary that counts published modules leaves it out.
    draft: m.frontmatter.draft || m.frontmatter.variant !== undefined,
    variantOf: m.frontmatter.variant?.of ?? null,
    stepCount: m.manifest.steps.length,
    requiredQuizIds: quizzesOf(m.manifest).map((q) => q.id),
    requiredScenarioIds: scenariosOf(m.manifest).map((s) => s.id),
  }));
  if (rows.length === 0) return;
  await db()
    .insert(modules)
    .values(rows)
    .onConflictDoUpdate({
      target: modules.slug,
      set: {
        title: sql`excluded.title`,
        position: sql`excluded.position`,
        contentHash: sql`excluded.content_hash`,
        draft: sql`excluded.draft`,
        variantOf: sql`excluded.variant_of`,
        stepCount: sql`excluded.step_count`,
        requiredQuizIds: sql`excluded.required_quiz_ids`,
        requiredScenarioIds: sql`excluded.required_scenario_ids`,
        updatedAt: sql`now()`,
      },
    });
}

/** Development: recompile a module when its file changes (production content is fixed). */
export function watchContent(log: (line: string) => void = console.log): () => void {
  const { contentDir } = catalog();
  if (!existsSync(contentDir)) return () => {};
  let timer: NodeJS.Timeout | undefined;
  const watcher = watch(contentDir, { recursive: true }, () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const result = await loadCatalog(contentDir);
      await syncModulesTable();
      log(`Content reloaded: ${result.compiled} recompiled, ${result.cached} unchanged, ${result.problems.length} with problems`);
      for (const report of result.problems) for (const p of report.problems) log(`  ${report.file}:${p.line}: ${p.message}`);
    }, 150);
  });
  return () => watcher.close();
}

/** The variants of a module (ADR 039), by slug. */
export function variantsOf(slug: string): CompiledModule[] {
  return [...catalog().modules.values()].filter((m) => m.frontmatter.variant?.of === slug).sort((a, b) => a.slug.localeCompare(b.slug));
}

/**
 * Cross-module checks of variants (content:check): the original exists and is not itself
 * a variant. Returns one message per problem.
 */
export function variantProblems(all: ReadonlyMap<string, { frontmatter: { variant?: { of: string } } }>): { slug: string; message: string }[] {
  const problems: { slug: string; message: string }[] = [];
  for (const [slug, m] of all) {
    const of = m.frontmatter.variant?.of;
    if (of === undefined) continue;
    const original = all.get(of);
    if (of === slug) problems.push({ slug, message: "variant.of names this module itself; name the module this is another version of." });
    else if (!original) problems.push({ slug, message: `variant.of: there is no module "${of}" in this folder.` });
    else if (original.frontmatter.variant) problems.push({ slug, message: `variant.of: "${of}" is itself a variant; name the original module instead.` });
  }
  return problems;
}

/** The module if this role may see it; drafts are invisible (404) to learners. */
export function visibleModule(slug: string, role: string): CompiledModule | undefined {
  const module = getModule(slug);
  if (!module) return undefined;
  if (module.frontmatter.draft && !may.previewDrafts(role)) return undefined;
  return module;
}
