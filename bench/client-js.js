// What a browser downloads to run a page: every script the page loads, raw and gzipped.
//
//   npm run bench -- --only=client-js --db=pglite   (through the runner: table + docs)
//   node bench/client-js.js [origin] [path …]       (alone, against a running server, e.g.
//                                                    node bench/client-js.js http://localhost:3000 /login /join)
//
// Needs Chromium (/usr/bin/chromium, or CHROMIUM_PATH). Pages are loaded signed out.
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Per path: how many scripts the page loaded and their size, raw and gzipped (bytes). */
export async function scriptBytes(origin, paths) {
  const browser = await chromium.launch({ executablePath: CHROMIUM });
  try {
    const page = await browser.newPage();
    const out = [];
    for (const path of paths) {
      const scripts = new Map();
      const collect = async (response) => {
        if (!new URL(response.url()).pathname.endsWith(".js")) return;
        const body = await response.body().catch(() => null);
        if (body) scripts.set(response.url(), body);
      };
      page.on("response", collect);
      await page.goto(new URL(path, origin).href);
      await page.waitForLoadState("networkidle");
      page.off("response", collect);
      let raw = 0;
      let gzipped = 0;
      for (const body of scripts.values()) {
        raw += body.length;
        gzipped += gzipSync(body).length;
      }
      out.push({ path, scripts: scripts.size, raw, gzipped });
    }
    return out;
  } finally {
    await browser.close();
  }
}

const kB = (n) => `${(n / 1024).toFixed(0)} kB`;

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const [origin = "http://localhost:3000", ...paths] = process.argv.slice(2);
  for (const r of await scriptBytes(origin, paths.length ? paths : ["/login", "/join"])) {
    console.log(`${r.path}: ${r.scripts} scripts, ${kB(r.raw)} raw, ${kB(r.gzipped)} gzipped`);
  }
}
