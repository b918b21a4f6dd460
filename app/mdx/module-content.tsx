import * as React from "react";
import * as ReactDOM from "react-dom";
import * as jsxRuntime from "react/jsx-runtime";
import { mdxComponents } from "./components";
import { loadedModuleCode, type ModuleComponent } from "./module-code";
import { kindsOf, screenOf } from "~/activities/registry";
import { RuntimeProvider, type ModuleRuntime } from "~/activities/runtime/context";

// Evaluating compiled MDX is cheap but not free; one component per content hash is kept
// for the life of the process (or the browser tab).
const componentCache = new Map<string, ModuleComponent>();

/** Server: module-content.server.ts puts a hash's component here before rendering it. */
export function rememberModuleContent(hash: string, make: () => ModuleComponent) {
  if (!componentCache.has(hash)) componentCache.set(hash, make());
}

function mdxComponentFor(hash: string) {
  let component = componentCache.get(hash);
  if (!component) {
    const moduleCode = loadedModuleCode(hash);
    if (moduleCode === undefined) throw new Error(`The content of this module (${hash}) is not loaded.`);
    // A plain call, no eval (ADR 008): the asset registered the code as a function.
    component = moduleCode(React, ReactDOM, jsxRuntime).default;
    componentCache.set(hash, component);
  }
  return component;
}

/**
 * Renders a compiled module (or one step's code, step-code.server.ts), known by its key: primed on the server (`primeModuleContent`),
 * or in the browser registered by the module's code script (`moduleCodePath`).
 */
export function ModuleContent({ hash, runtime }: { hash: string; runtime: ModuleRuntime }) {
  const Content = React.useMemo(() => mdxComponentFor(hash), [hash]);
  // The activity kinds this step shows, and on which screen, for app/entry.client.tsx to load
  // their views before hydrating (app/activities/registry.tsx). A live session's later
  // steps load theirs when the trainer moves on.
  const kinds = kindsOf(runtime.manifest.activities, runtime.currentStepId).sort().join(" ");
  return (
    <RuntimeProvider value={runtime}>
      <span hidden data-activity-kinds={kinds} data-activity-screen={screenOf(runtime)} />
      <Content components={mdxComponents} />
    </RuntimeProvider>
  );
}
