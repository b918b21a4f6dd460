// Production server: Express in front of the Remix build. Own entry (not remix-serve) so
// the database opens before the first request and closes on SIGTERM.
import { EventEmitter } from "node:events";
import http from "node:http";
import path from "node:path";
// The adapter's own request/response helpers; its package entry exports only
// createRequestHandler (version pinned exactly in package.json).
import { createRemixRequest, sendRemixResponse } from "@remix-run/express/dist/server.js";
import { createRequestHandler } from "@remix-run/node";
import compression from "compression";
import express from "express";

const buildPath = path.resolve("build/index.js");
const build = await import(buildPath);
const hooks = build.entry.module;

// postgres.js can leave a rejected promise of its own behind when PostgreSQL drops or refuses
// connections (a restart, a failover). Crashing the server for that would turn a database
// blip into an outage of every page; requests already answer 503 (ADR 010). Anything else
// unhandled is a bug, and still stops the process as Node would.
process.on("unhandledRejection", (reason) => {
  if (hooks.isDatabaseUnavailable(reason)) {
    console.error(`database unavailable (a driver promise nobody awaited): ${reason?.code ?? ""} ${reason?.message ?? reason}`);
    return;
  }
  throw reason;
});

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
// Before everything else, so that static files, resource routes (module code, CSV exports,
// event streams) and error responses all get them. HTML documents add their CSP in
// app/entry.server.tsx.
const securityHeaders = Object.entries(hooks.securityHeaders(process.env.NODE_ENV === "production"));
app.use((req, res, next) => {
  for (const [name, value] of securityHeaders) res.setHeader(name, value);
  next();
});
// Server-Sent Events must not be buffered by gzip.
app.use(compression({ filter: (req, res) => !String(res.getHeader("Content-Type") ?? "").startsWith("text/event-stream") && compression.filter(req, res) }));
app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y" }));
app.use(express.static("public", { maxAge: "1h" }));

// A path or query with a control character (%00, %1F, %7F …) is no address of ours and
// would reach the database as a NUL byte (a 500): refuse it before anything else runs.
// The rule is the app's own (app/lib/request.server.ts): tab and line breaks may stand in
// a query value (free text), never in the path or a name.
function controlInUrl(url) {
  const q = url.indexOf("?");
  let path = q < 0 ? url : url.slice(0, q);
  try {
    path = decodeURIComponent(path);
  } catch {
    // A malformed escape is not a control character; Remix answers it as it always has.
  }
  if (hooks.hasControlCharacter(path, "name")) return true;
  for (const [name, value] of new URLSearchParams(q < 0 ? "" : url.slice(q + 1))) {
    if (hooks.hasControlCharacter(name, "name") || hooks.hasControlCharacter(value, "text")) return true;
  }
  return false;
}
const CONTROL_IN_URL = "This address holds control characters (such as a NUL byte) that no link of ours has, so it was refused.";
app.use((req, res, next) => {
  if (!controlInUrl(req.originalUrl)) return next();
  res.status(400).type("text/plain").send(CONTROL_IN_URL);
});

// Bodies: forms are a few kilobytes (app/lib/request.server.ts reads them, capped again
// there). A bigger body is refused from its Content-Length before a byte is read; a
// chunked one is read up to the cap, then refused. "Connection: close" ends the socket
// after the 413, so Node does not read the rest of the body to reuse the connection.
const BODY_MAX_BYTES = hooks.FORM_MAX_BYTES;
const TOO_LARGE = `This request's body is larger than the ${Math.round(BODY_MAX_BYTES / 1024)} kB we accept, so it was refused.`;
function tooLarge(res) {
  res.set("Connection", "close");
  res.status(413).type("text/plain").send(TOO_LARGE);
}
// The one exception: a canvass results CSV (ADR 027) may be up to IMPORT_MAX_BYTES, and is
// handed on unread, because its route streams it into the database itself and refuses it
// there past that size, on its form, after reading the rest of the body (a browser still
// sending when the connection closes shows a reset, not the answer). A declared length past
// IMPORT_DRAIN_MAX_BYTES, more than is worth reading to refuse it, is refused here before a
// byte is read.
// Posted to the page's address without JavaScript, and to its ".data" address (Remix's
// single fetch) with it.
const UPLOAD_PATHS = new Set([hooks.IMPORT_UPLOAD_PATH, `${hooks.IMPORT_UPLOAD_PATH}.data`]);
const uploadTooLarge = (res) => {
  res.set("Connection", "close");
  res.status(413).type("text/plain").send(`This file is larger than the ${Math.round(hooks.IMPORT_MAX_BYTES / 1024 / 1024)} MB we accept, so it was refused.`);
};
app.use((req, res, next) => {
  if (req.method === "GET" || req.method === "HEAD") return next();
  if (UPLOAD_PATHS.has(req.path)) {
    return Number(req.get("content-length") ?? 0) > hooks.IMPORT_DRAIN_MAX_BYTES ? uploadTooLarge(res) : next();
  }
  const declared = req.get("content-length");
  if (declared !== undefined) return Number(declared) > BODY_MAX_BYTES ? tooLarge(res) : next();
  if (req.get("transfer-encoding") === undefined) return next(); // no body
  const chunks = [];
  let size = 0;
  const onData = (chunk) => {
    size += chunk.length;
    if (size <= BODY_MAX_BYTES) return chunks.push(chunk);
    stop();
    req.pause();
    tooLarge(res);
  };
  const onEnd = () => {
    stop();
    req.bufferedBody = Buffer.concat(chunks);
    next();
  };
  const onError = (error) => {
    stop();
    next(error);
  };
  const stop = () => {
    req.off("data", onData);
    req.off("end", onEnd);
    req.off("error", onError);
  };
  req.on("data", onData);
  req.on("end", onEnd);
  req.on("error", onError);
});

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

// Aborts when the response's connection is gone. Live event streams listen to this, not
// to Remix's request.signal: that one follows ours through a Request copy and stops
// following once the copy is garbage collected (nodejs/undici#3644, remix-run/remix#10030),
// so a closed stream could live on. Created before the loader runs, so a connection that
// closes while the loader is still awaiting is already aborted when the hub sees it.
function connectionClosed(res) {
  const controller = new AbortController();
  if (res.destroyed || res.socket?.destroyed) controller.abort();
  else EventEmitter.prototype.once.call(res, "close", () => controller.abort());
  return controller.signal;
}

// The live event stream (app/live/hub.server.ts) writes each event straight to the socket,
// one string per write as a bare SSE server does, rather than through a web ReadableStream
// that Remix pipes to the socket chunk by chunk: with thousands of screens per instance
// that pipe was most of the fan-out's cost (docs/decisions/025). The hub calls this from
// the stream's loader; the Response it returns carries DIRECT_STREAM so that nothing more
// is sent here. Not offered to single-fetch data requests, whose answer Remix encodes.
const DIRECT_STREAM = "x-doorstep-direct-stream";

// Each event is written to the socket itself, framed as the chunk Node's res.write would
// make (hex length, CRLF, data, CRLF), in one write: res.write corks the socket and sends
// three buffers with writev on the next tick, through compression's wrapper, per screen.
// The hub writes one event string to a whole room in a loop, so the framed bytes are made
// once per event string (the one-entry cache below), not once per screen (ADR 050). Only
// where the response owns its socket and is chunked (HTTP/1.1, not queued behind a
// pipelined response); otherwise res.write as before.
let lastEvent = null;
let lastFrame = null;
function framed(chunk) {
  if (chunk !== lastEvent) {
    const data = Buffer.from(chunk);
    lastFrame = Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`), data, CRLF]);
    lastEvent = chunk;
  }
  return lastFrame;
}
const CRLF = Buffer.from("\r\n");
function eventStreamOn(res) {
  return (headers) => {
    res.writeHead(200, headers);
    res.flushHeaders();
    const socket = res.socket;
    const direct = socket !== null && res.chunkedEncoding === true && res.writableLength === 0;
    return {
      write: direct ? (chunk) => void (socket.writable && chunk.length > 0 && socket.write(framed(chunk))) : (chunk) => void res.write(chunk),
      // res.writableLength already counts the socket's queue (and, written directly, nothing of its own).
      queuedBytes: direct ? () => socket.writableLength : () => res.writableLength,
      end: () => res.end(),
      response: new Response(null, { status: 200, headers: { [DIRECT_STREAM]: "1" } }),
    };
  };
}

// A participant page's scripted poll answer, quiz answer or scenario vote
// (app/live/answer-endpoint.server.ts, ADR 043, 047, 050) is answered before Express, by the
// server's own "request" listener below (answerBeforeExpress): in a room's burst each answer
// went through every middleware above (security headers, compression's wrapping of the
// response, static files, control characters, body, origin) and Express's router, a large
// share of an answer's CPU. The same checks run here, in the same order and with the same
// statuses and words, on the raw request; then the same form rules, session check and
// domain command (answerFromBody), from the body's bytes and two headers.
const ANSWER_PATH = /^\/live\/([^/?#]+)\/answer\/?(?:\?|$)/i;
/** The join code of a POST to /live/:code/answer (decoded as Express would), or null: Express and Remix take it. */
function answerCode(req) {
  if (req.method !== "POST") return null;
  const match = ANSWER_PATH.exec(req.url);
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return null; // A malformed escape: answered as every other address is.
  }
}
// Every header Express's path gave an answer (the security headers, compression's Vary, the
// endpoint's own), as one flat array, so that writeHead takes them in one call.
const answerHeaders = [...securityHeaders, ["Vary", "Accept-Encoding"], ...Object.entries(hooks.SCRIPT_ANSWER_HEADERS)].flat();
const ANSWERED = Buffer.from(JSON.stringify({ ok: true }));
function sendAnswer(res, status, body) {
  const bytes = body.ok ? ANSWERED : Buffer.from(JSON.stringify(body));
  res.writeHead(status, [...answerHeaders, "Content-Length", String(bytes.length)]);
  res.end(bytes);
}
/** A refusal in plain text, worded as the middleware above words it, with the security headers. */
function sendText(res, status, text, close = false) {
  const bytes = Buffer.from(text);
  const headers = [...securityHeaders.flat(), "Content-Type", "text/plain; charset=utf-8", "Content-Length", String(bytes.length)];
  if (close) headers.push("Connection", "close");
  res.writeHead(status, headers);
  res.end(bytes);
}

function answerBeforeExpress(req, res, code) {
  if (controlInUrl(req.url)) return sendText(res, 400, CONTROL_IN_URL);
  // A declared length over the cap is refused before a byte is read; a chunked body is read
  // up to the cap. "Connection: close" as above: Node then does not read the rest.
  const declared = req.headers["content-length"];
  if (declared !== undefined && Number(declared) > BODY_MAX_BYTES) return sendText(res, 413, TOO_LARGE, true);
  const chunks = [];
  let size = 0;
  let refused = false;
  req.on("data", (chunk) => {
    if (refused) return;
    size += chunk.length;
    if (size <= BODY_MAX_BYTES) return void chunks.push(chunk);
    refused = true;
    req.pause();
    sendText(res, 413, TOO_LARGE, true);
  });
  req.on("error", () => {
    refused = true; // The client went away mid-body: nobody to answer.
  });
  req.on("end", () => {
    if (refused) return;
    const verdict = hooks.checkOrigin("POST", { origin: req.headers.origin, host: req.headers.host }, process.env.APP_ORIGIN);
    if (!verdict.ok) return sendText(res, 403, verdict.message);
    const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
    hooks.answerFromBody({ body, contentType: req.headers["content-type"] ?? null, cookie: req.headers.cookie ?? null }, code).then(
      (answer) => sendAnswer(res, answer.status, answer.body),
      (error) => {
        if (res.headersSent) return void res.end();
        if (hooks.isDatabaseUnavailable(error)) return void sendRemixResponse(res, hooks.databaseUnavailableText()).catch(() => res.destroy());
        // As Express's final handler does: the error to the log, a bare 500 to the client.
        console.error(error);
        sendText(res, 500, "Internal Server Error");
      },
    );
  });
}

// @remix-run/express's handler, except that a chunked body the limit above has already
// read is handed to Remix from memory (the request stream itself has ended by then).
const handleRequest = createRequestHandler(build, process.env.NODE_ENV);
app.all("*", async (req, res, next) => {
  try {
    let request = createRemixRequest(req, res);
    if (req.bufferedBody) request = new Request(request, { body: req.bufferedBody, duplex: "half" });
    const openEventStream = req.method === "GET" && !req.path.endsWith(".data") ? eventStreamOn(res) : undefined;
    let response = await handleRequest(request, { clientIp: req.ip ?? "unknown", drained: () => drained(res), connectionClosed: connectionClosed(res), openEventStream });
    if (response.headers.has(DIRECT_STREAM)) return;
    // A stream opened but not returned (cannot happen today): never answer twice.
    if (res.headersSent) return void res.end();
    // Pages and data requests already answer 503 from entry.server; a resource route (a CSV
    // export, the live event stream, module code) has no such hook, so its 500 is turned
    // into the same plain-text 503 here (ADR 010).
    if (response.status === 500 && hooks.failedForDatabase(request)) response = hooks.databaseUnavailableText();
    await sendRemixResponse(res, response);
  } catch (error) {
    next(error);
  }
});

const port = Number(process.env.PORT ?? 3000);
// Connections not yet accepted wait in the kernel's queue. Node asks for 511; a live room's
// poll burst opens thousands at once while the loop is busy, the queue overflows, and each
// dropped attempt waits for TCP's 1 s retry (346 of 5,000 in one run; none at 4,096: ADR 047,
// docs/performance.md run 7). The kernel caps this at net.core.somaxconn.
const backlog = Number(process.env.LISTEN_BACKLOG ?? 4096);
// The server's own listener: live answers first (answerBeforeExpress), everything else to Express.
const server = http.createServer((req, res) => {
  const code = answerCode(req);
  if (code === null) app(req, res);
  else answerBeforeExpress(req, res, code);
});
server.listen({ port, backlog }, () => {
  console.log(`Doorstep is running on http://localhost:${port}`);
});
// Idle keep-alive sockets: Node closes them after 5 s by default, while a client (a phone's
// browser, a balancer) may pick the same socket for its next request at that moment; the
// request then meets a closed socket (ECONNRESET). In a live room's poll burst that lost
// answers (docs/decisions/041). 65 s outlives a balancer's usual 60 s idle timeout, so behind
// one it is the balancer that closes first; a client talking to us directly now meets the
// race only after 65 s idle, not 5 s. headersTimeout stays above it (the usual advice with a
// long keep-alive); it still bounds a client that trickles its headers (slowloris).
server.keepAliveTimeout = Number(process.env.KEEP_ALIVE_TIMEOUT_MS ?? 65_000);
server.headersTimeout = server.keepAliveTimeout + 5_000;

let closing = false;
async function shutdown(signal) {
  if (closing) return;
  closing = true;
  console.log(`${signal}: closing…`);
  // Live event streams never finish on their own: end them, then close the sockets.
  await hooks.stopLive?.().catch(() => {});
  // A mail being sent finishes (and is recorded) before the database closes.
  await hooks.stopMailSender?.().catch(() => {});
  // The impact report's background recompute, if one is running, finishes before the database closes.
  await hooks.stopImpactWarmer?.().catch(() => {});
  server.closeAllConnections?.();
  server.close();
  await handle.close().catch(() => {});
  process.exit(0);
}
process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("SIGINT", () => shutdown("SIGINT"));
