import { getMDXComponent } from "mdx-bundler/client/index.js";
import { useMemo } from "react";
import { mdxComponents } from "./components";
import { RuntimeProvider, type ModuleRuntime } from "./runtime";

// Evaluating compiled MDX is cheap but not free; one component per content hash is kept
// for the life of the process (or the browser tab).
const componentCache = new Map<string, ReturnType<typeof getMDXComponent>>();

function mdxComponentFor(hash: string, code: string) {
  let component = componentCache.get(hash);
  if (!component) {
    component = getMDXComponent(code);
    componentCache.set(hash, component);
  }
  return component;
}

export function ModuleContent({ hash, code, runtime }: { hash: string; code: string; runtime: ModuleRuntime }) {
  const Content = useMemo(() => mdxComponentFor(hash, code), [hash, code]);
  return (
    <RuntimeProvider value={runtime}>
      <Content components={mdxComponents} />
    </RuntimeProvider>
  );
}
