import { getMDXComponent } from "mdx-bundler/client/index.js";
import type { ModuleComponent } from "./module-code";
import { rememberModuleContent } from "./module-content";
// Every route that renders module content primes it here: the server's activity views come with it.
import "~/activities/views.server";

/**
 * Server: make the component of a hash available before rendering it (ADR 006). The server
 * evaluates the code string with mdx-bundler's getMDXComponent (`new Function`: no CSP
 * applies here); kept in a .server module so that neither it nor mdx-bundler's client
 * reaches the browser, where the code arrives as a function instead (ADR 008).
 */
export function primeModuleContent(hash: string, code: string) {
  rememberModuleContent(hash, () => getMDXComponent(code) as ModuleComponent);
}
