import { PassThrough } from "node:stream";
import type { AppLoadContext, EntryContext, HandleDataRequestFunction, HandleErrorFunction } from "@remix-run/node";
import { createReadableStreamFromReadable, redirectDocument } from "@remix-run/node";
import { RemixServer, isRouteErrorResponse } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { NonceProvider } from "./components/nonce";
import {
  databaseUnavailableResponse,
  failedForDatabase,
  isDatabaseUnavailable,
  markDatabaseUnavailable,
  pageOf,
} from "./lib/database-unavailable.server";
import { worthLogging } from "./lib/http.server";
import { logError } from "./lib/log.server";
import { contentSecurityPolicy, cspNonce } from "./lib/security-headers.server";

// Process-level hooks the server entry (server.js) calls; they live in the build so all
// TypeScript goes through one compiler.
export { boot } from "./boot.server";
export { checkOrigin } from "./lib/http.server";
export { securityHeaders } from "./lib/security-headers.server";
export { FORM_MAX_BYTES, hasControlCharacter } from "./lib/request.server";
export { IMPORT_DRAIN_MAX_BYTES, IMPORT_MAX_BYTES, IMPORT_UPLOAD_PATH } from "./field/import.server";
export { databaseHandle } from "../db/client.server";
export { databaseUnavailableText, failedForDatabase, isDatabaseUnavailable } from "./lib/database-unavailable.server";
export { stopLive } from "./live/hub.server";
export { answerFromBody, SCRIPT_ANSWER_HEADERS } from "./live/answer-endpoint.server";
export { stopMailSender } from "./mail/sender.server";
export { stopImpactWarmer } from "./reports/impact.server";

const ABORT_DELAY = 5_000;

/** Where an error happened, with route parameters (invite tokens, ids) left out. */
function place(request: Request, params: Record<string, string | undefined>): string {
  let path = new URL(request.url).pathname;
  for (const [name, value] of Object.entries(params)) {
    if (value && name !== "*") path = path.split("/").map((segment) => (segment === encodeURIComponent(value) ? `:${name}` : segment)).join("/");
  }
  return `${request.method} ${path}`;
}

/**
 * Every error Remix catches (loaders, actions, rendering) comes here, before the page or
 * data for that request is sent. Logged through logError, never as it is: a failed
 * query's message carries its parameters (emails, password hashes).
 */
export const handleError: HandleErrorFunction = (error, { request, params }) => {
  // A visitor's 4xx (a POST to a page without an action, a refused form) or a browser that
  // went away is not a failure: logging each with its stack would let anyone flood the log.
  if (!worthLogging(error, request)) return;
  const thrown = isRouteErrorResponse(error) && (error as { error?: unknown }).error ? (error as { error?: unknown }).error : error;
  const unavailable = isDatabaseUnavailable(thrown);
  if (unavailable) markDatabaseUnavailable(request);
  // During an outage every request fails the same way: one line each, not a stack.
  logError(thrown, place(request, params), { stack: !unavailable });
};

/**
 * A data request (client-side navigation, a form sent with JavaScript) that failed for
 * want of the database: load the page as a document instead, which either works by
 * then or shows the 503 page. A form that was sent lands on /unavailable, which says
 * it was not saved.
 */
export const handleDataRequest: HandleDataRequestFunction = (response, { request }) => {
  if (!failedForDatabase(request)) return response;
  const page = pageOf(new URL(request.url));
  const sent = request.method !== "GET" && request.method !== "HEAD";
  return redirectDocument(sent ? `/unavailable?back=${encodeURIComponent(page)}` : page);
};

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  _loadContext: AppLoadContext,
) {
  if (failedForDatabase(request)) {
    // A self-contained page: the app shell needs the very data that could not be read.
    const url = new URL(request.url);
    return databaseUnavailableResponse({ sent: request.method !== "GET" && request.method !== "HEAD", back: url.pathname + url.search });
  }
  const bot = isbot(request.headers.get("user-agent") ?? "");
  // One nonce per document: on Remix's inline scripts (root.tsx reads it from the
  // provider), single fetch's streamed data scripts (RemixServer) and React's own
  // streaming scripts (renderToPipeableStream).
  const nonce = cspNonce();
  return new Promise((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
      </NonceProvider>,
      {
        nonce,
        [bot ? "onAllReady" : "onShellReady"]() {
          shellRendered = true;
          const body = new PassThrough();
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          // The headers every response gets (nosniff, Referrer-Policy, HSTS…) are set by
          // server.js; only documents run scripts, so only they need a policy.
          responseHeaders.set("Content-Security-Policy", contentSecurityPolicy(nonce));
          resolve(new Response(createReadableStreamFromReadable(body), { headers: responseHeaders, status: responseStatusCode }));
          pipe(body);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          if (shellRendered) logError(error, `${request.method} ${new URL(request.url).pathname} (streaming)`);
        },
      },
    );
    setTimeout(abort, ABORT_DELAY);
  });
}
