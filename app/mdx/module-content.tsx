import { getMDXComponent } from "mdx-bundler/client/index.js";
import { useMemo } from "react";
import { mdxComponents } from "./components";
import { loadedModuleCode } from "./module-code";
import { RuntimeProvider, type ModuleRuntime } from "./runtime";

// Evaluating compiled MDX is cheap but not free; one component per content hash is kept
// for the life of the process (or the browser tab).
const componentCache = new Map<string, ReturnType<typeof getMDXComponent>>();

/** Server: make the component of a hash available before rendering it (ADR 006). */
export function primeModuleContent(hash: string, code: string) {
  if (!componentCache.has(hash)) componentCache.set(hash, getMDXComponent(code));
}

function mdxComponentFor(hash: string) {
  let component = componentCache.get(hash);
  if (!component) {
    const source = loadedModuleCode(hash);
    if (source === undefined) throw new Error(`The content of this module (${hash}) is not loaded.`);
    component = getMDXComponent(source);
    componentCache.set(hash, component);
  }
  return component;
}

/**
 * Renders a compiled module, known by its hash: primed on the server (`primeModuleContent`),
 * or in the browser registered by the module's code script (`moduleCodePath`).
 */
export function ModuleContent({ hash, runtime }: { hash: string; runtime: ModuleRuntime }) {
  const Content = useMemo(() => mdxComponentFor(hash), [hash]);
  return (
    <RuntimeProvider value={runtime}>
      <Content components={mdxComponents} />
    </RuntimeProvider>
  );
}
