// Production server: Express in front of the Remix build. Own entry (not remix-serve) so
// the database opens before the first request and closes on SIGTERM.
import { EventEmitter } from "node:events";
import path from "node:path";
import { createRequestHandler } from "@remix-run/express";
import compression from "compression";
import express from "express";

const buildPath = path.resolve("build/index.js");
const build = await import(buildPath);
const hooks = build.entry.module;

const handle = await hooks.boot().catch((error) => {
  // Another process has the embedded database open: say who, without a stack trace.
  if (error?.name === "DataDirInUseError") {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
});

const app = express();
app.disable("x-powered-by");
if (process.env.TRUST_PROXY) app.set("trust proxy", process.env.TRUST_PROXY);
// Server-Sent Events must not be buffered by gzip.
app.use(compression({ filter: (req, res) => !String(res.getHeader("Content-Type") ?? "").startsWith("text/event-stream") && compression.filter(req, res) }));
app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y" }));
app.use(express.static("public", { maxAge: "1h" }));

app.use((req, res, next) => {
  const verdict = hooks.checkOrigin(req.method, { origin: req.get("origin"), host: req.get("host") }, process.env.APP_ORIGIN);
  if (verdict.ok) return next();
  res.status(403).type("text/plain").send(verdict.message);
});

// Streamed bodies (CSV exports) wait on this between batches: Remix writes a body to the
// socket without honouring backpressure, so a slow reader would otherwise make the whole
// export pile up in memory.
// (The listeners go on the response itself: compression() redirects res.on("drain") to
// its gzip stream, which would not say when the socket has room.)
function drained(res) {
  if (!res.writableNeedDrain || res.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      EventEmitter.prototype.removeListener.call(res, "drain", done);
      EventEmitter.prototype.removeListener.call(res, "close", done);
      resolve();
    };
    EventEmitter.prototype.on.call(res, "drain", done);
    EventEmitter.prototype.on.call(res, "close", done);
  });
}

app.all(
  "*",
  createRequestHandler({
    build,
    mode: process.env.NODE_ENV,
    getLoadContext: (req, res) => ({ clientIp: req.ip ?? "unknown", drained: () => drained(res) }),
  }),
);

const port = Number(process.env.PORT ?? 3000);
const server = app.listen(port, () => {
  console.log(`Doorstep is running on http://localhost:${port}`);
});

let closing = false;
async function shutdown(signal) {
  if (closing) return;
  closing = true;
  console.log(`${signal}: closing…`);
  // Live event streams never finish on their own: end them, then close the sockets.
  await hooks.stopLive?.().catch(() => {});
  server.closeAllConnections?.();
  server.close();
  await handle.close().catch(() => {});
  process.exit(0);
}
process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("SIGINT", () => shutdown("SIGINT"));
