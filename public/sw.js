// Doorstep's service worker (issue 18 part 5, ADR 035, docs/offline.md), scope /modules/. Hand-written and
// small on purpose: it only makes module pages a learner has opened (or saved) keep
// working with no signal. Nothing else goes through it: reports, admin, live sessions,
// sign-in and every POST go straight to the network, as without it.

const CACHE = "doorstep-offline-v1";

self.addEventListener("install", () => {
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  // An older version's cache holds pages rendered by an older build: drop it.
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key.startsWith("doorstep-") && key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

// Bumped by each "clear" (sign-out): an answer that was on its way when the cache was
// emptied must not put it back (tests/e2e/offline.spec.ts saw one do so).
let generation = 0;

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "clear") {
    generation += 1;
    event.waitUntil(caches.delete(CACHE));
  }
});

/** Content-hashed files: the same address never changes, so the cached copy is always right. */
function immutable(url) {
  return url.pathname.startsWith("/build/") || /^\/modules\/[^/]+\/code\/[^/]+\.js$/.test(url.pathname);
}

/** A learner's module pages and their data (Remix's `<path>.data`), and route discovery. */
function modulePage(url) {
  return url.pathname === "/modules" || url.pathname === "/modules.data" || url.pathname.startsWith("/modules/") || url.pathname === "/__manifest";
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (immutable(url)) event.respondWith(cacheFirst(request));
  else if (modulePage(url) && !discoveryOutsideModules(request, url)) event.respondWith(networkFirst(request));
});

/**
 * Route discovery asked by a page that is no longer a module page: after signing out, the
 * tab this worker controls moves (client-side) to the sign-in page, whose links Remix asks
 * about. Kept, that answer would re-create the cache sign-out just emptied, and no module
 * page offline needs it.
 */
function discoveryOutsideModules(request, url) {
  if (url.pathname !== "/__manifest") return false;
  const from = request.referrer ? new URL(request.referrer).pathname : "";
  return !(from === "/modules" || from.startsWith("/modules/"));
}

/** Keeps only a plain, successful answer: never a redirect (to sign-in, say) or an error page. */
async function keep(request, response, startedIn) {
  if (startedIn !== generation) return;
  if (!response.ok || response.redirected || response.type !== "basic") return;
  if ((response.headers.get("Cache-Control") || "").includes("no-store")) return;
  const cache = await caches.open(CACHE);
  await cache.put(request, response);
}

/** Keeping a copy is a bonus: if it fails (the cache being emptied by a sign-out, storage full), the page still gets its answer. */
async function keepQuietly(request, response, startedIn) {
  try {
    await keep(request, response, startedIn);
  } catch {
    // not kept: the next visit with a signal fetches it again
  }
}

async function cacheFirst(request) {
  const startedIn = generation;
  const cached = await caches.match(request, { ignoreVary: true });
  if (cached) return cached;
  const response = await fetch(request);
  await keepQuietly(request, response.clone(), startedIn);
  return response;
}

async function networkFirst(request) {
  const startedIn = generation;
  try {
    const response = await fetch(request);
    await keepQuietly(request, response.clone(), startedIn);
    return response;
  } catch (error) {
    // No network: the copy from the last visit (or from "Save for offline"), if any.
    const cached = await caches.match(request, { ignoreVary: true });
    if (cached) return cached;
    if (new URL(request.url).pathname === "/__manifest") return offlineManifest(request);
    if (request.mode === "navigate") return offlinePage();
    throw error;
  }
}

/**
 * Remix asks /__manifest?p=…&version=… which routes the links on a page lead to, and the
 * set of paths (so the address) depends on which links rendered and when: offline, the exact
 * address is rarely the one kept. Any kept answer of the same build will do (module pages
 * share one route), and with none, an empty answer: no new routes, so Remix navigates with
 * the routes it knows instead of failing the navigation.
 */
async function offlineManifest(request) {
  const version = new URL(request.url).searchParams.get("version");
  const cache = await caches.open(CACHE);
  for (const key of await cache.keys()) {
    const url = new URL(key.url);
    if (url.pathname === "/__manifest" && url.searchParams.get("version") === version) {
      const kept = await cache.match(key);
      if (kept) return kept;
    }
  }
  return new Response("{}", { headers: { "Content-Type": "application/json" } });
}

function offlinePage() {
  const html = `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Offline · Doorstep</title></head>
<body><main><h1>You're offline</h1><p>This page was not saved on this phone. Pages of modules you have opened, or saved with “Save for offline”, still work: go back and try one of those, or try again when you have a signal.</p></main></body></html>`;
  return new Response(html, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": "default-src 'none'" } });
}
