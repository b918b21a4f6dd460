import type { Root } from "mdast";
import { bundleMDX } from "mdx-bundler";
import remarkGfm from "remark-gfm";
import { isJsx } from "~/activities/reading/mdx-reader";
import { MANIFEST_ONLY_TAGS } from "~/activities/tags/manifest-only";
import { removeTrainerNotes } from "./extract.server";
import type { CompiledModule } from "./manifest";

// A self-paced step page needs only its own step's MDX, not the whole module's: on a phone
// the module's code was a tenth of a step page's JavaScript (issue 18, page weight). Each
// step is compiled on its first request and kept for the life of the process; the server
// renders from the same code the browser runs, so the two always agree. Where a module's
// file cannot be cut into steps safely, the step page uses the whole module's code.

/**
 * Each step's MDX, cut from the module's source, in order; null unless the file is only
 * `<Step>` blocks, each opening at the start of a line and closing with a `</Step>` line,
 * with the same ids as the manifest (anything else between them would be on every step).
 */
export function stepSlices(source: string, stepIds: readonly string[]): Record<string, string> | null {
  const lines = source.split("\n");
  let i = 0;
  if (lines[0]?.trim() === "---") {
    i = lines.findIndex((l, n) => n > 0 && l.trim() === "---") + 1;
    if (i === 0) return null;
  }
  const slices: [string, string][] = [];
  let open: { id: string; from: number } | null = null;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (open) {
      if (/^<Step[\s>]/.test(line)) return null;
      if (line.trimEnd() === "</Step>") {
        slices.push([open.id, lines.slice(open.from, i + 1).join("\n")]);
        open = null;
      }
    } else if (/^<Step[\s>]/.test(line)) {
      const id = /\bid="([^"]+)"/.exec(line)?.[1];
      if (!id) return null;
      open = { id, from: i };
    } else if (line.trim() !== "") return null;
  }
  if (open || slices.length !== stepIds.length || slices.some(([id], n) => id !== stepIds[n])) return null;
  return Object.fromEntries(slices);
}

/** The key a step's code is registered and served under (app/mdx/module-code.ts). */
export const stepCodeKey = (hash: string, stepId: string) => `${hash}.${stepId}`;

const compiled = new Map<string, Promise<{ key: string; code: string }>>();

/** The code a step page runs: the step's own, or the whole module's where it cannot be cut. */
export function stepModuleCode(module: CompiledModule, stepId: string): Promise<{ key: string; code: string }> {
  const slice = module.stepSources?.[stepId];
  const whole = { key: module.hash, code: module.code };
  if (slice === undefined) return Promise.resolve(whole);
  const key = stepCodeKey(module.hash, stepId);
  let code = compiled.get(key);
  if (!code) {
    code = compileStep(slice).then(
      (stepCode) => ({ key, code: stepCode }),
      () => whole,
    );
    compiled.set(key, code);
  }
  return code;
}

/**
 * Tags that render nothing (a quiz's questions, a scenario's residents and choices, …:
 * `MANIFEST_ONLY_TAGS`): their views render from the manifest in the loader data, so their
 * text in the step code was dead weight, 2–3 kB gzipped on a scenario step (ADR 036). The
 * server renders from this same code, so server and browser still agree.
 */
function removeManifestOnly(node: unknown) {
  const holder = node as { children?: unknown[] };
  if (!holder.children) return;
  holder.children = holder.children.filter((c) => !(isJsx(c as Parameters<typeof isJsx>[0]) && MANIFEST_ONLY.has((c as { name?: string }).name ?? "")));
  for (const child of holder.children) removeManifestOnly(child);
}
const MANIFEST_ONLY = new Set(MANIFEST_ONLY_TAGS);

/**
 * Compiled MDX takes `jsx`, `jsxs` and `Fragment` from the `_jsx_runtime` its script is given
 * (app/mdx/module-code.ts) as plain names. mdx-bundler's default treats that runtime as a
 * CommonJS module, which put esbuild's CommonJS interop helpers (~0.13 kB gzipped) into every
 * module's and step's code; its own runtime entry is pointed at a package no MDX imports, so
 * this one applies (issue 18 part 6, ADR 036). Same function, same arguments: code compiled
 * either way runs the same.
 */
export const MDX_JSX_RUNTIME = {
  jsxConfig: { jsxLib: { varName: "React", package: "react" }, jsxRuntime: { varName: "_jsx_runtime", package: "doorstep-unused/jsx-runtime" } },
  globals: { "react/jsx-runtime": { varName: "_jsx_runtime", type: "esm" as const, namedExports: ["jsx", "jsxs", "Fragment"] } },
};

async function compileStep(slice: string): Promise<string> {
  const bundled = await bundleMDX({
    source: slice,
    ...MDX_JSX_RUNTIME,
    mdxOptions(options) {
      options.remarkPlugins = [
        ...(options.remarkPlugins ?? []),
        remarkGfm,
        // The same cut as the whole module's compile (extract.server.ts): notes never reach learners.
        () => (tree: Root) => {
          for (const node of tree.children) if (isJsx(node) && node.name === "Step") removeTrainerNotes(node);
          removeManifestOnly(tree);
        },
      ];
      return options;
    },
    esbuildOptions(options) {
      options.logLevel = "silent";
      options.minify = true; // as the whole module's (compile.server.ts)
      return options;
    },
  });
  return bundled.code;
}
