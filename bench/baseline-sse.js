// Baseline for the live benchmark: a bare Node `http` server that holds Server-Sent-Events
// connections and, on POST /broadcast, writes the posted bytes as one event to every one
// of them. No framework, no database, no per-client work: the fan-out floor on this
// machine for the same number of clients and the same payload. Started by
// bench/live.bench.js as a child process:  PORT=4200 node bench/baseline-sse.js
import http from "node:http";

const port = Number(process.env.PORT ?? 4200);
const host = process.env.HOST ?? "127.0.0.1";
const clients = new Set();
let version = 0;

const server = http.createServer((req, res) => {
  if (req.method === "GET" && req.url === "/events") {
    res.writeHead(200, { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache, no-transform", Connection: "keep-alive" });
    res.write("retry: 2000\n: connected\n\n");
    clients.add(res);
    req.on("close", () => clients.delete(res));
    return;
  }
  if (req.method === "POST" && req.url === "/broadcast") {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      version += 1;
      const event = `id: ${version}\nevent: state\ndata: ${Buffer.concat(chunks).toString("utf8")}\n\n`;
      for (const client of clients) client.write(event);
      res.writeHead(204).end();
    });
    return;
  }
  if (req.url === "/favicon.ico" || req.url === "/health") {
    res.writeHead(200, { "Content-Type": "text/plain" }).end(`${clients.size} clients`);
    return;
  }
  res.writeHead(404).end();
});
server.keepAliveTimeout = 0;
server.listen(port, host, () => console.log(`baseline SSE on http://${host}:${port}`));

function shutdown() {
  for (const client of clients) client.end();
  server.closeAllConnections?.();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2_000).unref();
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
