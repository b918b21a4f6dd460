import { readFileSync } from "node:fs";
import vm from "node:vm";
import { getMDXComponent } from "mdx-bundler/client/index.js";
import * as React from "react";
import * as ReactDOM from "react-dom";
import { renderToStaticMarkup } from "react-dom/server";
import * as jsxRuntime from "react/jsx-runtime";
import { beforeAll, describe, expect, it } from "vitest";
import { compileModuleSource } from "~/content/compile.server";
import { mdxComponents } from "~/mdx/components";
import { moduleCodeScript, type ModuleCodeFunction, type ModuleComponent } from "~/mdx/module-code";

// The page's CSP has no 'unsafe-eval' (ADR 008), so the module code asset must hand the
// browser a function, never a string to evaluate. A V8 context that refuses code
// generation from strings stands in for such a page: `eval` and `new Function` throw there.

// Every component the authors use, as a plain element: this compares what the MDX renders,
// not the components' own behaviour (which needs a live runtime).
const stubs = Object.fromEntries(
  Object.keys(mdxComponents).map((name) => [name, ({ children }: { children?: React.ReactNode }) => React.createElement("div", { "data-component": name }, children)]),
);

let code = "";
beforeAll(async () => {
  // The example module uses every component.
  const compiled = await compileModuleSource("example", readFileSync("content/modules/example/index.mdx", "utf8"));
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
  code = compiled.module.code;
});

describe("the module code asset", () => {
  it("registers a function that renders the module where evaluating strings is refused", () => {
    const window: { __doorstepMdx?: Record<string, unknown> } = {};
    const page = vm.createContext({ window }, { codeGeneration: { strings: false, wasm: false } });
    expect(() => vm.runInContext("new Function('return 1')", page)).toThrow(/Code generation from strings disallowed/);

    vm.runInContext(moduleCodeScript("abc123", code), page);
    const registered = window.__doorstepMdx?.abc123;
    expect(typeof registered).toBe("function");
    const Content = (registered as ModuleCodeFunction)(React, ReactDOM, jsxRuntime).default;

    const html = renderToStaticMarkup(React.createElement(Content, { components: stubs }));
    // The same markup as the server's getMDXComponent (which evaluates the string).
    const onServer = getMDXComponent(code) as ModuleComponent;
    expect(html).toBe(renderToStaticMarkup(React.createElement(onServer, { components: stubs })));
    expect(html).toContain('data-component="Quiz"');
  });

  it("keeps the code's last line from swallowing the closing brace", () => {
    const window: { __doorstepMdx?: Record<string, ModuleCodeFunction> } = {};
    vm.runInContext(moduleCodeScript("h", "return { default: () => null }; // a trailing comment"), vm.createContext({ window }));
    expect(window.__doorstepMdx?.h?.(React, ReactDOM, jsxRuntime).default).toBeTypeOf("function");
  });
});
