import { createHash } from "node:crypto";
import matter from "gray-matter";
import type { Root } from "mdast";
import { bundleMDX } from "mdx-bundler";
import remarkGfm from "remark-gfm";
import { extractManifest, type ContentProblem } from "./extract.server";
import { MDX_JSX_RUNTIME, stepSlices } from "./step-code.server";
import { frontmatterSchema, type CompiledModule, type ModuleManifest } from "./manifest";

// Bump when the compiler or manifest shape changes, so cached output is not reused.
export const ENGINE_VERSION = "3";

export type CompileResult = { ok: true; module: CompiledModule } | { ok: false; problems: ContentProblem[] };

export function contentHash(source: string): string {
  return createHash("sha256").update(`doorstep-content-${ENGINE_VERSION}\n`).update(source).digest("hex").slice(0, 16);
}

function lineOfKey(source: string, key: string): number {
  const lines = source.split("\n");
  const index = lines.findIndex((l) => l.startsWith(`${key}:`));
  return index >= 0 ? index + 1 : 1;
}

interface EsbuildLikeError {
  errors?: { text: string; location?: { line: number } | null; notes?: { text: string }[]; detail?: unknown }[];
}

/** Compile one module's MDX; every problem comes back with a line, nothing throws. */
export async function compileModuleSource(slug: string, source: string): Promise<CompileResult> {
  const problems: ContentProblem[] = [];
  if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(slug)) {
    problems.push({ line: 1, message: `The folder name "${slug}" is the module's address: use lower-case letters, digits and hyphens.` });
  }
  let data: Record<string, unknown>;
  try {
    if (!source.startsWith("---")) {
      return { ok: false, problems: [{ line: 1, message: "The file must start with a frontmatter block between --- lines (title, summary, minutes, order, objectives)." }] };
    }
    data = matter(source).data;
  } catch (error) {
    const mark = (error as { mark?: { line?: number } }).mark;
    // The YAML gray-matter parses starts with the newline after the opening ---, so its
    // 0-based line number is the file's 1-based line number.
    return { ok: false, problems: [{ line: (mark?.line ?? 0) + 1, message: `Frontmatter is not valid YAML: ${(error as Error).message.split("\n")[0]}` }] };
  }
  const parsed = frontmatterSchema.safeParse(data);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? "");
      problems.push({ line: lineOfKey(source, key), message: `frontmatter ${key}: ${issue.message}` });
    }
  }
  const passMark = parsed.success ? parsed.data.passMark : 80;

  let manifest: ModuleManifest | undefined;
  let code = "";
  try {
    const bundled = await bundleMDX({
      source,
      ...MDX_JSX_RUNTIME,
      mdxOptions(options) {
        options.remarkPlugins = [
          ...(options.remarkPlugins ?? []),
          remarkGfm,
          () => (tree: Root) => {
            const extracted = extractManifest(tree, { passMark }, source);
            manifest = extracted.manifest;
            problems.push(...extracted.problems);
          },
        ];
        return options;
      },
      esbuildOptions(options) {
        options.logLevel = "silent";
        // Phones download this code (ADR 031): minified it is ~15–20% smaller gzipped.
        options.minify = true;
        return options;
      },
    });
    code = bundled.code;
  } catch (error) {
    const errors = (error as EsbuildLikeError).errors;
    if (errors?.length) {
      for (const e of errors) {
        // @mdx-js/esbuild puts "line:col: what is wrong" in the text after a heading line.
        const detail = e.text.split("\n").find((l) => /^\d+:\d+/.test(l.trim())) ?? e.text;
        const position = /^(\d+):\d+(?:-\d+:\d+)?:\s*(.*)$/.exec(detail.trim());
        problems.push({ line: position ? Number(position[1]) : (e.location?.line ?? 1), message: `MDX syntax: ${position ? position[2] : detail}` });
      }
    } else {
      problems.push({ line: 1, message: `MDX could not be compiled: ${(error as Error).message}` });
    }
  }
  if (problems.length || !manifest || !parsed.success) {
    return { ok: false, problems: problems.sort((a, b) => a.line - b.line) };
  }
  const stepSources = stepSlices(source, manifest.steps.map((s) => s.id)) ?? undefined;
  return { ok: true, module: { slug, hash: contentHash(source), frontmatter: parsed.data, manifest, code, stepSources } };
}
