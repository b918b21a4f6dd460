import { useEffect, useState } from "react";
import { OFFLINE_SAVE_HEADER } from "~/lib/offline";
import { CACHE } from "./offline";
import { dataUrl, STEP_DATA_ROUTES } from "./offline-support";

// "Save for offline" on a module's overview (ADR 035): every step page, the data a
// client-side step change asks for, the module's code and the activity views it shows,
// put into the offline cache before a journey without signal.

const SAVING = { [OFFLINE_SAVE_HEADER]: "1" };

type SaveState = { state: "idle" } | { state: "saving"; done: number } | { state: "saved" } | { state: "failed" };

/**
 * `loadKinds` loads the module's activity views (the route passes the registry's loader:
 * components sit below activities, so they do not import it themselves).
 */
export function SaveForOffline({ slug, stepIds, loadKinds }: { slug: string; stepIds: string[]; loadKinds: () => Promise<void> }) {
  const [supported, setSupported] = useState(false);
  const [save, setSave] = useState<SaveState>({ state: "idle" });
  useEffect(() => setSupported(canSaveOffline()), []);
  if (!supported) return null;

  async function run() {
    setSave({ state: "saving", done: 0 });
    try {
      await loadKinds();
      const base = `/modules/${slug}`;
      const assets: string[] = [];
      let done = 0;
      for (const id of stepIds) {
        const path = `${base}/${id}`;
        await saveForOffline([path, ...STEP_DATA_ROUTES.map((routeId) => dataUrl(path, routeId))], SAVING);
        const page = await caches.match(path);
        assets.push(...assetsOf((await page?.text()) ?? "", slug));
        done += 1;
        setSave({ state: "saving", done });
      }
      await saveForOffline([base, dataUrl(base), ...assets, ...loadedBuildFiles()]);
      setSave({ state: "saved" });
    } catch {
      setSave({ state: "failed" });
    }
  }

  const message =
    save.state === "saving"
      ? `Saving… ${save.done} of ${stepIds.length} steps`
      : save.state === "saved"
        ? `Saved: all ${stepIds.length} steps work on this device with no signal.`
        : save.state === "failed"
          ? "Could not save it all: check your connection and try again."
          : null;
  return (
    <div className="save-offline">
      <button type="button" className="button button--secondary" onClick={() => void run()} disabled={save.state === "saving"}>
        {save.state === "saved" ? "Save again" : "Save for offline"}
      </button>
      {/* Always there, so progress is announced; the status inside only with something to say. */}
      <div aria-live="polite">
        {message ? (
          <p role="status" className="muted">
            {message}
          </p>
        ) : null}
      </div>
    </div>
  );
}

// Here, not in offline.tsx: only the module page saves for offline, and offline.tsx is in
// every page's scripts (the root), which must stay light on a cheap phone (ADR 036).

/** Whether this browser can keep pages offline at all (no button offering what cannot work). */
export const canSaveOffline = () => typeof window !== "undefined" && "serviceWorker" in navigator && "caches" in window;

/**
 * Puts these addresses into the offline cache, straight from the page (so it works before
 * the service worker controls the tab). Only plain successful answers are kept, as the
 * worker does; a redirect (to sign-in) or an error fails the save rather than caching it.
 */
export async function saveForOffline(urls: readonly string[], headers: Record<string, string> = {}): Promise<void> {
  const cache = await caches.open(CACHE);
  await Promise.all(
    [...new Set(urls)].map(async (url) => {
      const response = await fetch(url, { credentials: "same-origin", headers });
      if (!response.ok || response.redirected) throw new Error(`${url}: ${response.status}`);
      await cache.put(url, response);
    }),
  );
}

/** The same-origin scripts, styles and module code a page's HTML names. */
export function assetsOf(html: string, slug: string): string[] {
  const found = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, "&"));
  return found.filter((url) => url.startsWith("/build/") || url.startsWith(`/modules/${slug}/code/`));
}

/** The /build/ files this tab has loaded so far (entry, routes, activity views loaded on demand). */
export function loadedBuildFiles(): string[] {
  return performance
    .getEntriesByType("resource")
    .map((entry) => new URL(entry.name))
    .filter((url) => url.origin === location.origin && url.pathname.startsWith("/build/"))
    .map((url) => url.pathname);
}
