import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { getModule, loadCatalog, syncModulesTable } from "~/content/catalog.server";
import type { CompiledModule } from "~/content/manifest";

/** Two small published modules: doorstep-basics (quiz, scenario, poll, reflection) and follow-up (steps only). */
export const FIXTURE_MODULES = path.resolve("tests/fixtures/modules");

/** Load a content folder as the catalogue and mirror it into the modules table; throws on any problem. */
export async function installCatalog(dir: string): Promise<void> {
  const result = await loadCatalog(dir);
  if (result.problems.length) throw new Error(`fixture modules have problems: ${JSON.stringify(result.problems)}`);
  await syncModulesTable();
}

/**
 * Call after withTestDatabase(): loads tests/fixtures/modules as the catalogue in
 * beforeAll, compiling into a private cache dir that is removed afterwards.
 */
export function withFixtureCatalog(): void {
  let cacheDir: string | undefined;
  const previous = process.env.CONTENT_CACHE_DIR;
  beforeAll(async () => {
    cacheDir = mkdtempSync(path.join(tmpdir(), "doorstep-content-cache-"));
    process.env.CONTENT_CACHE_DIR = cacheDir;
    await installCatalog(FIXTURE_MODULES);
  });
  afterAll(() => {
    if (previous === undefined) delete process.env.CONTENT_CACHE_DIR;
    else process.env.CONTENT_CACHE_DIR = previous;
    if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
  });
}

/** A module from the loaded catalogue (the test fails loudly if it is missing). */
export function moduleOf(slug: string): CompiledModule {
  const module = getModule(slug);
  if (!module) throw new Error(`module ${slug} is not in the catalogue`);
  return module;
}

/**
 * A temporary copy of the fixture modules with `edit` applied (write, change or add
 * module folders), loaded as the catalogue. Returns a cleanup that restores the fixtures.
 */
export async function withEditedCatalog(edit: (dir: string) => void): Promise<() => Promise<void>> {
  const dir = mkdtempSync(path.join(tmpdir(), "doorstep-content-"));
  cpSync(FIXTURE_MODULES, dir, { recursive: true });
  edit(dir);
  await installCatalog(dir);
  return async () => {
    await installCatalog(FIXTURE_MODULES);
    rmSync(dir, { recursive: true, force: true });
  };
}

/**
 * The index.mdx of a version B of the fixture module "follow-up" (ADR 039), taught by a
 * worked example: `steps` of its own, so a test can begin it without completing it.
 */
export function followUpVariantMdx(title: string, steps: { id: string; title: string; body: string }[]): string {
  const frontmatter = `---
title: ${title}
summary: The follow-up fixture taught by a worked example.
minutes: 5
order: 2
objectives:
  - Plan a follow-up visit from an example
variant:
  of: follow-up
  label: By example
  approach: One worked example instead of an explanation.
---
`;
  return frontmatter + steps.map((s) => `\n<Step id="${s.id}" title="${s.title}">\n\n${s.body}\n\n</Step>\n`).join("");
}
