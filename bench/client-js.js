// What a browser downloads to run a page: every script the page loads, raw and gzipped.
//
//   node bench/client-js.js [origin] [path …]      e.g. node bench/client-js.js http://localhost:3000 /login /join
//
// Needs a running server (npm start) and Chromium (/usr/bin/chromium, or CHROMIUM_PATH).
// Pages are loaded signed out; docs/performance.md, "Browser JavaScript", has the figures.
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";

const [origin = "http://localhost:3000", ...paths] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium" });
try {
  const page = await browser.newPage();
  for (const path of paths.length ? paths : ["/login", "/join"]) {
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
    console.log(`${path}: ${scripts.size} scripts, ${(raw / 1024).toFixed(0)} kB raw, ${(gzipped / 1024).toFixed(0)} kB gzipped`);
  }
} finally {
  await browser.close();
}
