import { safeRedirect } from "./http.server";

/**
 * "The database is not there right now" (a restart, a failover, a full connection
 * table), as opposed to a bug: the first calls for a 503 and a "try again in a moment",
 * the second for a 500. Recognised in one place, from whatever the driver threw,
 * unwrapped from Drizzle's DrizzleQueryError (`cause`).
 */

/** Socket errors and postgres.js's own connection error codes. */
const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "QUERY_STALLED", // db/stalled-queries.ts: a statement no backend started in time
]);

/** SQLSTATEs that mean the server is going, gone, starting or full. */
const UNAVAILABLE_SQLSTATES = new Set([
  "57P01", // admin_shutdown: terminating connection due to administrator command
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now: the database system is starting up / shutting down
  "53300", // too_many_connections
]);

function unavailableHere(error: { code?: unknown; severity?: unknown }): boolean {
  const code = typeof error.code === "string" ? error.code : "";
  if (CONNECTION_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code)) return true;
  if (/^08[0-9A-Z]{3}$/.test(code)) return true; // class 08: connection exception
  // A FATAL (or PANIC) from PostgreSQL ends the session itself: the database refused or
  // dropped the connection (e.g. 55000 "database … is not currently accepting
  // connections" while it is being restored), which no query of ours caused.
  return error.severity === "FATAL" || error.severity === "PANIC";
}

export function isDatabaseUnavailable(error: unknown): boolean {
  let current = error;
  for (let depth = 0; depth < 5 && current && typeof current === "object"; depth++) {
    if (unavailableHere(current as { code?: unknown; severity?: unknown })) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** Seconds a browser (or a proxy) is told to wait before trying again. */
export const RETRY_AFTER_SECONDS = 10;

// Requests that failed because the database was unavailable. Remix calls the entry's
// handleError before it renders the page or sends the data for that same request, and
// by then (in production) the error itself has been sanitised to "Unexpected Server
// Error": this mark is how the response learns what went wrong.
const failedRequests = new WeakSet<Request>();

export function markDatabaseUnavailable(request: Request) {
  failedRequests.add(request);
}

export function failedForDatabase(request: Request): boolean {
  return failedRequests.has(request);
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The same answer for a resource route (a CSV export, an event stream): no page to show. */
export function databaseUnavailableText(): Response {
  return new Response(`${UNAVAILABLE_TITLE}. ${UNAVAILABLE_KEPT} ${UNAVAILABLE_RETRY}\n`, {
    status: 503,
    headers: { "Content-Type": "text/plain; charset=utf-8", "Retry-After": String(RETRY_AFTER_SECONDS), "Cache-Control": "no-store" },
  });
}

export const UNAVAILABLE_NOT_SENT_TITLE = "What you just sent was not saved";
export const UNAVAILABLE_RECOVERED = "Doorstep could not reach its database when you sent it. It is answering again now: go back and send it again.";
export const UNAVAILABLE_TITLE = "Doorstep can't reach its database just now";
export const UNAVAILABLE_KEPT = "Everything you saved before is safe: nothing has been lost.";
export const UNAVAILABLE_NOT_SENT = "What you just sent was not saved. Please send it again in a moment.";
export const UNAVAILABLE_RETRY = "This usually passes within a minute. Please try again in a moment.";

/**
 * The whole 503 page, self-contained (no app shell, scripts or stylesheet: those would
 * need the database, or a request that might fail too). `sent`: the request carried a
 * form, which was not saved.
 */
export function databaseUnavailableResponse(options: { sent: boolean; back: string; recovered?: boolean }): Response {
  const back = escapeHtml(safeRedirect(options.back));
  // The landing page for a form that failed is read a moment later: if the database answers
  // by then, say so (200) rather than report an outage that is over.
  const recovered = Boolean(options.recovered && options.sent);
  const body = `<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Try again in a moment · Doorstep</title>
<style>
body{margin:0;font:1.125rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#f6f7f9}
main{max-width:36rem;margin:12vh auto;padding:2rem;background:#fff;border-radius:.5rem;box-shadow:0 1px 3px rgba(0,0,0,.15)}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 1rem;color:#1d4e89}
a{display:inline-block;margin-top:.5rem;padding:.6rem 1.2rem;border-radius:.35rem;background:#1d4e89;color:#fff;text-decoration:none;font-weight:600}
a:focus-visible{outline:3px solid #f0b400;outline-offset:2px}
</style>
</head>
<body>
<main>
<h1>${recovered ? UNAVAILABLE_NOT_SENT_TITLE : UNAVAILABLE_TITLE}</h1>
${recovered ? `<p>${UNAVAILABLE_RECOVERED}</p>\n<p>${UNAVAILABLE_KEPT}</p>` : options.sent ? `<p><strong>${UNAVAILABLE_NOT_SENT}</strong></p>\n<p>${UNAVAILABLE_KEPT}</p>` : `<p>${UNAVAILABLE_KEPT}</p>\n<p>${UNAVAILABLE_RETRY}</p>`}
<p><a href="${back}">${options.sent ? "Go back" : "Try again"}</a></p>
</main>
</body>
</html>
`;
  return new Response(body, {
    status: recovered ? 200 : 503,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      ...(recovered ? {} : { "Retry-After": String(RETRY_AFTER_SECONDS) }),
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "same-origin",
      "X-Frame-Options": "DENY",
    },
  });
}

/** The page a data request was for: `/x.data?_routes=…` → `/x`, `/_root.data` → `/`. */
export function pageOf(url: URL): string {
  const page = new URL(url);
  page.pathname = page.pathname.replace(/\.data$/, "").replace(/^\/_root$/, "/");
  for (const internal of ["_routes", "_data", "index"]) page.searchParams.delete(internal);
  return page.pathname + page.search;
}
