// The compiled MDX of a module travels as a script asset per content hash, not in loader
// data (ADR 006). The script registers the code under its hash in `window.__doorstepMdx`,
// as a function (ADR 008): the page's Content-Security-Policy has no 'unsafe-eval', so the
// browser may not turn a string into code with `new Function` as mdx-bundler's
// getMDXComponent does.

import type { ComponentType } from "react";

/** What a module's MDX renders into: mdx-bundler's default export. */
export type ModuleComponent = ComponentType<{ components?: Record<string, unknown> }>;

/**
 * The compiled code, as a function of the names mdx-bundler compiles it against (its
 * default JSX globals; the same scope getMDXComponent passes to `new Function`).
 */
export type ModuleCodeFunction = (React: unknown, ReactDOM: unknown, _jsx_runtime: unknown) => { default: ModuleComponent };

declare global {
  interface Window {
    __doorstepMdx?: Record<string, ModuleCodeFunction>;
  }
}

export const moduleCodePath = (slug: string, hash: string) => `/modules/${encodeURIComponent(slug)}/code/${encodeURIComponent(hash)}.js`;

/**
 * The body of the asset (server). mdx-bundler's output is a function body (it ends in
 * `return {...}`), so it goes into a function expression unchanged; the newline before the
 * closing brace keeps a trailing line comment from swallowing it.
 */
export const moduleCodeScript = (hash: string, code: string) =>
  `(window.__doorstepMdx=window.__doorstepMdx||{})[${JSON.stringify(hash)}]=function(React,ReactDOM,_jsx_runtime){\n${code}\n};\n`;

/** The code registered for a hash in this tab, if its script has run (browser). */
export function loadedModuleCode(hash: string): ModuleCodeFunction | undefined {
  return typeof window === "undefined" ? undefined : window.__doorstepMdx?.[hash];
}

const pending = new Map<string, Promise<void>>();

/** Load the module's code script once (client-side navigation to a module not yet seen). */
export function loadModuleCode(slug: string, hash: string): Promise<void> {
  if (loadedModuleCode(hash) !== undefined) return Promise.resolve();
  let promise = pending.get(hash);
  if (!promise) {
    promise = new Promise<void>((resolve, reject) => {
      const script = document.createElement("script");
      script.src = moduleCodePath(slug, hash);
      script.async = true;
      script.onload = () => resolve();
      script.onerror = () => {
        pending.delete(hash);
        reject(new Error(`Could not load the module's content (${script.src}).`));
      };
      document.head.appendChild(script);
    });
    pending.set(hash, promise);
  }
  return promise;
}
