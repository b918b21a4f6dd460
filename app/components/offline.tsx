import { useLocation, useRevalidator } from "@remix-run/react";
import { useEffect, useState, type ComponentType } from "react";

// Offline support in the browser (ADR 035, docs/offline.md), the part every page loads
// (the root): the notice's live region, sign-out's clean-up, and a loader for the rest
// (./offline-support.tsx: the service worker, the answer queue and the notice's text),
// which comes in its own script once the page has hydrated, so it is not part of every
// page's first load (issue 18 part 6, ADR 036). Live session pages never load it: their
// answers go to the live session, not to the offline queue, and their status bar says when
// the connection drops; a queue left from a module step is sent on the next other page.

/** The answers kept while offline, in localStorage under this key (./offline-support.tsx). */
export const QUEUE_KEY = "doorstep:offline-answers";
/** The service worker's cache (public/sw.js names it too). */
export const CACHE = "doorstep-offline-v1";

/**
 * What ./offline-support.tsx's component is given rather than importing @remix-run/react
 * itself: a lazily loaded module that imports it changed the order esbuild puts the React
 * DOM + Remix chunk in, and that chunk then gzipped 0.5 kB larger (measured, ADR 036).
 */
export interface OfflineQueueProps {
  pathname: string;
  revalidate: () => void;
}

/** Pages without offline support: live sessions (see above). */
const WITHOUT_OFFLINE = /^\/live\//;

/**
 * The region that announces offline states, always there so a change is announced (pages
 * use their own role="status" messages too); what it says comes from ./offline-support.tsx.
 * Empty until that has loaded, as on the server: the first render matches its HTML.
 */
export function OfflineSupport() {
  const [Support, setSupport] = useState<ComponentType<OfflineQueueProps> | null>(null);
  const { pathname } = useLocation();
  const revalidator = useRevalidator();
  const wanted = !WITHOUT_OFFLINE.test(pathname);
  useEffect(() => {
    if (!wanted || Support) return;
    let current = true;
    import("./offline-support").then(
      (m) => {
        if (current) setSupport(() => m.OfflineQueue);
      },
      // No script (offline on a page not kept, a new deployment): no offline support on this page.
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [wanted, Support]);
  return (
    // data-support says when the rest has loaded (tests/e2e/page-weight.spec.ts counts its script).
    <div aria-live="polite" data-testid="offline-notice" data-support={Support ? "loaded" : undefined}>
      {Support ? <Support pathname={pathname} revalidate={revalidator.revalidate} /> : null}
    </div>
  );
}

// Bumped by each sign-out: a page being kept (offline-support.tsx), if still fetching, must not re-create the cache.
let clearedTimes = 0;
/** How many times this tab has cleared its offline data. */
export const offlineClearedTimes = () => clearedTimes;

/** Empties the offline cache and answer queue: on sign-out, so a shared phone keeps nothing of the last person. */
export function clearOfflineData() {
  clearedTimes += 1;
  try {
    localStorage.removeItem(QUEUE_KEY);
  } catch {
    // storage disabled: nothing was kept
  }
  if ("caches" in window) void caches.delete(CACHE);
  navigator.serviceWorker?.controller?.postMessage({ type: "clear" });
}
