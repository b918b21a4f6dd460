import { randomBytes } from "node:crypto";

// Browser security headers (issue 12). Two kinds:
// - `securityHeaders`: the same on every response (pages, resource routes, CSV exports,
//   event streams, static files), set once by server.js before anything else runs.
// - `contentSecurityPolicy`: on HTML documents only (entry.server.tsx), with a fresh nonce
//   per document for Remix's inline scripts.

/** A per-document nonce: 128 random bits, base64 (what CSP's nonce-source expects). */
export function cspNonce(): string {
  return randomBytes(16).toString("base64");
}

/**
 * The Content-Security-Policy of an HTML document.
 *
 * - script-src: our own origin (Remix's /build chunks, a module's compiled-code asset at
 *   /modules/<slug>/code/<hash>.js, injected on client navigations) and the inline scripts
 *   Remix renders, which carry the nonce. No 'unsafe-inline', no 'unsafe-eval': module MDX
 *   arrives as a function in that asset, not as a string to evaluate (ADR 008). No
 *   'strict-dynamic' either: it would drop 'self' and block the pages' own parser-inserted
 *   `<script src>` of the module code, which cannot carry a nonce the client does not know.
 * - style-src: our stylesheet only; no <style> elements. style-src-attr 'unsafe-inline'
 *   because progress bars, chart bars and report meters are server-rendered with a
 *   `style="width: N%"` attribute, so that they are right without JavaScript. A style
 *   attribute cannot load anything or select other elements, and React escapes every
 *   value we put in one, so this allows far less than 'unsafe-inline' on style-src would.
 * - img-src data: for images an author inlines in a module; the live join QR code is an
 *   inline <svg> element, which needs nothing.
 * - connect-src 'self': Remix's data requests and the live pages' EventSource.
 * - worker-src 'self': the offline service worker at /sw.js (ADR 035), and nothing else.
 * - frame-ancestors 'none': no page may be framed (clickjacking on forms and live votes).
 */
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self'",
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/**
 * Headers for every response. HSTS only in production: deployments are behind TLS, and a
 * browser ignores the header on plain http anyway, but a developer's http://localhost must
 * not be told to insist on https.
 */
export function securityHeaders(production: boolean): Record<string, string> {
  return {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    // Older browsers that do not know CSP's frame-ancestors.
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    ...(production ? { "Strict-Transport-Security": "max-age=31536000; includeSubDomains" } : {}),
  };
}
