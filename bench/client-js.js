// What a phone downloads to run a page, and how long a first visit takes on a slow network:
// every script the page loads (raw and gzipped), and the time to the load event with a cold
// cache under Chrome DevTools' "Slow 4G" network profile and a 4× CPU slowdown.
//
//   npm run bench -- --only=client-js --db=pglite   (through the runner: table + docs)
//   node bench/client-js.js [origin] [path …]       (alone, against a running server, e.g.
//                                                    node bench/client-js.js http://localhost:3000 /login /join)
//
// Needs Chromium (/usr/bin/chromium, or CHROMIUM_PATH).
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

// DevTools' "Slow 4G" preset (Lighthouse's mobile profile, 150 ms RTT and 1.6 Mbps, scaled
// the way DevTools scales it for request-level throttling), plus Lighthouse's 4× CPU
// slowdown for a cheap phone. Bytes per second for the protocol.
export const SLOW_4G = { latency: 562.5, downloadThroughput: (1.44 * 1024 * 1024) / 8, uploadThroughput: (675 * 1024) / 8, cpuSlowdown: 4 };
export const SLOW_4G_LABEL = "DevTools “Slow 4G” (562.5 ms latency, 1.44 Mbps down, 675 kbps up) and 4× CPU slowdown, cold cache";

/** Cookie header value "name=value" → a Playwright cookie for origin. */
function cookieFor(origin, cookie) {
  const [name, ...rest] = cookie.split("=");
  return { name, value: rest.join("="), url: origin };
}

/**
 * Per page: how many scripts it loaded and their size, raw and gzipped (bytes); with
 * `throttled`, also milliseconds from navigation to the load event in a fresh context (cold
 * cache) on SLOW_4G. Each entry of pages is a path or { path, cookie, label }.
 */
export async function scriptBytes(origin, pages, { throttled = false } = {}) {
  const browser = await chromium.launch({ executablePath: CHROMIUM });
  try {
    const out = [];
    for (const entry of pages) {
      const { path, cookie, label } = typeof entry === "string" ? { path: entry } : entry;
      // Service workers blocked: on module pages the offline worker (ADR 035) re-fetches the
      // page's assets into its cache, and those responses (bodies not readable) replaced the
      // page's own scripts here, so module pages measured 0 kB.
      const context = await browser.newContext({ viewport: { width: 390, height: 844 }, serviceWorkers: "block" });
      if (cookie) await context.addCookies([cookieFor(origin, cookie)]);
      const page = await context.newPage();
      const scripts = new Map();
      page.on("response", async (response) => {
        if (!new URL(response.url()).pathname.endsWith(".js")) return;
        const body = await response.body().catch(() => null);
        if (body?.length && !scripts.has(response.url())) scripts.set(response.url(), body);
      });
      let loadMs = null;
      if (throttled) {
        const cdp = await context.newCDPSession(page);
        await cdp.send("Network.enable");
        await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
        await cdp.send("Network.emulateNetworkConditions", {
          offline: false,
          latency: SLOW_4G.latency,
          downloadThroughput: SLOW_4G.downloadThroughput,
          uploadThroughput: SLOW_4G.uploadThroughput,
        });
        await cdp.send("Emulation.setCPUThrottlingRate", { rate: SLOW_4G.cpuSlowdown });
      }
      const response = await page.goto(new URL(path, origin).href, { waitUntil: "load", timeout: 120_000 });
      if (!response || response.status() !== 200) throw new Error(`${path} answered ${response?.status()}`);
      if (throttled) {
        loadMs = await page.evaluate(() => {
          const [nav] = performance.getEntriesByType("navigation");
          return nav ? Math.round(nav.loadEventEnd - nav.startTime) : null;
        });
      }
      await page.waitForLoadState("networkidle").catch(() => {});
      let raw = 0;
      let gzipped = 0;
      for (const body of scripts.values()) {
        raw += body.length;
        gzipped += gzipSync(body).length;
      }
      out.push({ path, label: label ?? path, scripts: scripts.size, raw, gzipped, loadMs });
      await context.close();
    }
    return out;
  } finally {
    await browser.close();
  }
}

const kB = (n) => `${(n / 1024).toFixed(0)} kB`;

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const [origin = "http://localhost:3000", ...paths] = process.argv.slice(2);
  for (const r of await scriptBytes(origin, paths.length ? paths : ["/login", "/join"], { throttled: true })) {
    console.log(`${r.path}: ${r.scripts} scripts, ${kB(r.raw)} raw, ${kB(r.gzipped)} gzipped; first load ${r.loadMs} ms on ${SLOW_4G_LABEL}`);
  }
}
