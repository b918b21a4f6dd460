import { useCallback, useEffect, useRef, useState } from "react";
import { OFFLINE_SAVE_HEADER } from "~/lib/offline";
import { CACHE, QUEUE_KEY, offlineClearedTimes, type OfflineQueueProps } from "./offline";

// Offline support in the browser (ADR 035, docs/offline.md): registers the service worker
// (public/sw.js), keeps answers given with no signal and sends them when it returns. All of
// it is an enhancement: without JavaScript, or without a service worker, nothing changes.
// Loaded by ./offline.tsx once a page has hydrated (its own script: ADR 036), and by the
// module page, whose "Save for offline" uses `dataUrl` and `STEP_DATA_ROUTES`.

/** An activity answer kept while offline: where it posts and its fields (one-time form key included). */
export interface QueuedAnswer {
  action: string;
  fields: [string, string][];
}

/** A module step's address: the only form posts kept offline (activity answers). */
export const STEP_ACTION = /^\/modules\/[^/]+\/[^/.]+$/;

function readQueue(): QueuedAnswer[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(QUEUE_KEY) ?? "[]");
    return Array.isArray(parsed) ? (parsed as QueuedAnswer[]) : [];
  } catch {
    return [];
  }
}

function writeQueue(queue: QueuedAnswer[]) {
  if (queue.length) localStorage.setItem(QUEUE_KEY, JSON.stringify(queue));
  else localStorage.removeItem(QUEUE_KEY);
}

export const answersLine = (n: number) => `${n} ${n === 1 ? "answer" : "answers"}`;

/** The service worker, the offline answer queue and the notice's text saying what is waiting (inside ./offline.tsx's live region). */
export function OfflineQueue({ pathname, revalidate: revalidateNow }: OfflineQueueProps) {
  // null until mounted: the server cannot know, and the first render must match its HTML.
  const [online, setOnline] = useState<boolean | null>(null);
  const [waiting, setWaiting] = useState(0);
  const [sent, setSent] = useState(0);
  const sending = useRef(false);
  // A ref, so the effect below (listeners, registration) runs once, not on every render.
  const revalidate = useRef(revalidateNow);
  revalidate.current = revalidateNow;

  const replay = useCallback(async () => {
    if (sending.current || !navigator.onLine) return;
    sending.current = true;
    let delivered = 0;
    try {
      // In order, one at a time, each removed once the server has answered: a 4xx for a
      // key already used is fine, the one-time form key made the first one count.
      for (let queue = readQueue(); queue.length; queue = readQueue()) {
        const [first] = queue;
        try {
          await fetch(first!.action, { method: "POST", body: new URLSearchParams(first!.fields), credentials: "same-origin" });
        } catch {
          break; // still no network: keep it for the next `online`
        }
        writeQueue(readQueue().slice(1));
        setWaiting(readQueue().length);
        delivered += 1;
      }
    } finally {
      sending.current = false;
    }
    if (delivered) {
      setSent(delivered);
      revalidate.current();
    }
  }, []);

  useEffect(() => {
    setOnline(navigator.onLine);
    setWaiting(readQueue().length);

    function onSubmit(event: SubmitEvent) {
      if (navigator.onLine) return;
      const form = event.target;
      if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") return;
      const action = new URL(form.action, location.href);
      if (action.origin !== location.origin || !STEP_ACTION.test(action.pathname)) return;
      // Captured on window, before React's own listener on the document: the fetcher never
      // starts a request that would fail, and the answer waits here instead.
      event.preventDefault();
      event.stopImmediatePropagation();
      // A practice conversation's move is not queued: its next line comes from the server, and
      // its view disables its buttons offline and says so (scenario/ui/self.tsx).
      if (new FormData(form).get("intent")?.toString().startsWith("scenario-")) return;
      const fields = [...new FormData(form, event.submitter)].flatMap(([name, value]) => (typeof value === "string" ? [[name, value] as [string, string]] : []));
      const queue = [...readQueue(), { action: action.pathname, fields }];
      writeQueue(queue);
      setWaiting(queue.length);
      setSent(0);
    }
    const wentOnline = () => {
      setOnline(true);
      void replay();
    };
    const wentOffline = () => setOnline(false);
    window.addEventListener("submit", onSubmit, true);
    window.addEventListener("online", wentOnline);
    window.addEventListener("offline", wentOffline);
    void replay();
    return () => {
      window.removeEventListener("submit", onSubmit, true);
      window.removeEventListener("online", wentOnline);
      window.removeEventListener("offline", wentOffline);
    };
  }, [replay]);

  // Registered on arriving at a module page, whether by a full load or by a client-side
  // navigation (most learners arrive from the home page's "Continue" link, and the worker
  // must not wait for their next full load of a module page).
  // Registered from, and scoped to, module pages only: no other page gains from it, and
  // a live page that registered it lost its "leaving" beacon when its last tab closed
  // (tests/e2e/live-tabs.spec.ts).
  const inModules = pathname.startsWith("/modules");
  useEffect(() => {
    if (!inModules || !("serviceWorker" in navigator)) return;
    // A failed registration (private mode, old browser) just means no offline pages.
    const firstVisit = !navigator.serviceWorker.controller;
    navigator.serviceWorker
      .register("/sw.js", { scope: "/modules/", updateViaCache: "none" })
      .then((registration) => (firstVisit ? activated(registration).then(keepThisPage) : undefined))
      .catch(() => undefined);
  }, [inModules]);

  let text: string | null = null;
  if (online === false) {
    text = waiting ? `You're offline: ${answersLine(waiting)} will be sent when you're back online.` : "You're offline: saved module pages still work, and answers will be sent when you're back online.";
  } else if (waiting) {
    text = `Sending ${answersLine(waiting)} given offline…`;
  } else if (sent) {
    text = `Back online: ${answersLine(sent)} given offline ${sent === 1 ? "was" : "were"} sent.`;
  }
  // The status appears only with something to say, inside the region that is always there.
  return text ? (
    <p role="status" className="alert alert--info">
      {text}
    </p>
  ) : null;
}

// The two data requests of a client-side step change (Remix single fetch): the root's,
// and the step route's own, which it asks for apart because it has a clientLoader.
export const STEP_DATA_ROUTES = ["root", "routes/modules.$slug.$step"];

export function dataUrl(path: string, routeId?: string) {
  const url = new URL(`${path}.data`, location.origin);
  if (routeId) url.searchParams.set("_routes", routeId);
  return url.pathname + url.search;
}

/**
 * The module page that first registered the worker, and the scripts and module code it
 * loaded, came over the network before the worker was there to keep them: kept now, so
 * the page a learner started on works offline like the ones after it (issue 18: "every
 * module a learner has started"). With the "saving" header the step is not recorded as
 * viewed twice. A failure only means this one page is not kept.
 */
async function keepThisPage() {
  const path = location.pathname;
  const data = /^\/modules\/[^/]+\/[^/]+$/.test(path) ? STEP_DATA_ROUTES.map((routeId) => dataUrl(path, routeId)) : [dataUrl(path)];
  const startedAt = offlineClearedTimes();
  const cache = await caches.open(CACHE);
  const page = [path, ...data];
  const assets = loadedAssets();
  await Promise.all(
    [...page, ...assets].map(async (url) => {
      if (await cache.match(url)) return;
      const response = await fetch(url, { credentials: "same-origin", headers: page.includes(url) ? { [OFFLINE_SAVE_HEADER]: "1" } : {} });
      if (startedAt !== offlineClearedTimes()) return;
      if (response.ok && !response.redirected) await cache.put(url, response);
    }),
  ).catch(() => undefined);
}

/**
 * Resolves once the registration has an active worker. Not `navigator.serviceWorker.ready`:
 * that follows the document's first address, so in a tab that started on the home page
 * (outside the worker's /modules/ scope) it never resolves.
 */
function activated(registration: ServiceWorkerRegistration): Promise<void> {
  return new Promise((resolve) => {
    if (registration.active) return resolve();
    const worker = registration.installing ?? registration.waiting;
    worker?.addEventListener("statechange", () => {
      if (worker.state === "activated") resolve();
    });
  });
}

/** Scripts, styles and module code this tab loaded (same origin, content-hashed). */
function loadedAssets(): string[] {
  return performance
    .getEntriesByType("resource")
    .map((entry) => new URL(entry.name))
    .filter((url) => url.origin === location.origin && (url.pathname.startsWith("/build/") || /^\/modules\/[^/]+\/code\/[^/]+\.js$/.test(url.pathname)))
    .map((url) => url.pathname);
}
