// The compiled MDX of a module travels as a script asset per content hash, not in loader
// data (ADR 006). The script registers the code under its hash in `window.__doorstepMdx`.

declare global {
  interface Window {
    __doorstepMdx?: Record<string, string>;
  }
}

export const moduleCodePath = (slug: string, hash: string) => `/modules/${encodeURIComponent(slug)}/code/${encodeURIComponent(hash)}.js`;

/** The body of the asset (server). */
export const moduleCodeScript = (hash: string, code: string) =>
  `(window.__doorstepMdx=window.__doorstepMdx||{})[${JSON.stringify(hash)}]=${JSON.stringify(code)};\n`;

/** The code registered for a hash in this tab, if its script has run (browser). */
export function loadedModuleCode(hash: string): string | undefined {
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
