import { PassThrough } from "node:stream";
import type { AppLoadContext, EntryContext, HandleErrorFunction } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { NonceProvider } from "./components/nonce";
import { contentSecurityPolicy, cspNonce } from "./lib/security-headers.server";
import { worthLogging } from "./lib/http.server";

// Process-level hooks the server entry (server.js) calls; they live in the build so all
// TypeScript goes through one compiler.
export { boot } from "./boot.server";
export { checkOrigin } from "./lib/http.server";
export { securityHeaders } from "./lib/security-headers.server";
export { FORM_MAX_BYTES, hasControlCharacter } from "./lib/request.server";
export { databaseHandle } from "../db/client.server";
export { stopLive } from "./live/hub.server";

const ABORT_DELAY = 5_000;

// Remix's default logs every error, a visitor's 405 included, with its stack trace.
export const handleError: HandleErrorFunction = (error, { request }) => {
  // (An error response Remix raised carries the underlying error, as the default logs it.)
  if (worthLogging(error, request)) console.error((error as { error?: unknown } | null)?.error ?? error);
};

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  _loadContext: AppLoadContext,
) {
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
          if (shellRendered) console.error(error);
        },
      },
    );
    setTimeout(abort, ABORT_DELAY);
  });
}
