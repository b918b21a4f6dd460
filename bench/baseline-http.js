// Baseline (a) of `npm run bench` — the transport limit: a bare Node `http` server that
// answers every request with the same bytes as the page being measured, with the same
// response headers the app sets, and does nothing else. Started by bench/lib.js
// (startBaselineHttp) as a child process:
//   PORT=4100 BENCH_BODY_FILE=/tmp/page.html node bench/baseline-http.js
import { readFileSync } from "node:fs";
import http from "node:http";

const file = process.env.BENCH_BODY_FILE ?? process.argv[2];
if (!file) {
  console.error("usage: PORT=… BENCH_BODY_FILE=page.html node bench/baseline-http.js");
  process.exit(2);
}
const body = readFileSync(file);
const port = Number(process.env.PORT ?? 4100);
const host = process.env.HOST ?? "127.0.0.1";

const headers = {
  "Content-Type": "text/html; charset=utf-8",
  "Content-Length": String(body.length),
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "same-origin",
  "X-Frame-Options": "DENY",
};

const server = http.createServer((req, res) => {
  // Drain any request body so keep-alive connections stay usable.
  req.resume();
  res.writeHead(200, headers);
  res.end(body);
});

server.listen(port, host, () => console.log(`baseline (a): ${body.length} B on http://${host}:${port}`));

function shutdown() {
  server.closeAllConnections?.();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2_000).unref();
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
