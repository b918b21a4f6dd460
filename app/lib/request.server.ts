import { data } from "@remix-run/node";

// Reading what a request carries — form bodies, query strings, route params — in one place,
// so every action and loader refuses the same malformed input with the same clear 4xx
// instead of crashing further down (undici's "Content-Type was not one of …", PostgreSQL's
// "invalid byte sequence 0x00"). docs/security.md lists the threats.

/** Forms are a few kilobytes; a megabyte leaves room for the longest reflection many times over. */
export const FORM_MAX_BYTES = 1024 * 1024;

// (Control characters are the point of these two patterns.)
/* eslint-disable no-control-regex */
/** C0 controls and DEL, except tab, line feed and carriage return, which free text may hold. */
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
/** Every C0 control and DEL: none belongs in a field name, an id, a code or a path. */
const CONTROL_ANY = /[\u0000-\u001F\u007F]/;
/* eslint-enable no-control-regex */

export function hasControlCharacter(value: string, where: "text" | "name"): boolean {
  return (where === "text" ? CONTROL_IN_TEXT : CONTROL_ANY).test(value);
}

export type RefusalStyle = "page" | "text";
type RefusalStatus = 400 | 413 | 415;

/**
 * The thrown 4xx. Pages get `data()`, which their error boundary shows; resource routes
 * (CSV, scripts, event streams) have no boundary, so they get plain text.
 */
function refusal(status: RefusalStatus, message: string, style: RefusalStyle = "page") {
  if (style === "page") return data(message, { status });
  return new Response(message, { status, headers: { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff" } });
}

const CONTROL_MESSAGE = "This request holds control characters (such as a NUL byte) that no form or link of ours sends, so it was refused.";

export interface ReadFormOptions {
  /** Largest body accepted, in bytes (default FORM_MAX_BYTES). */
  maxBytes?: number;
}

/**
 * The one way an action reads its form: URL-encoded or multipart (with a boundary) only
 * (else 415 / 400), at most `maxBytes` (413, refused from Content-Length before reading,
 * or as soon as a chunked body passes the cap), and no control characters in any field
 * (400; tab and line breaks are fine in values). The returned FormData is what
 * `request.formData()` would have given.
 */
export async function readForm(request: Request, options: ReadFormOptions = {}): Promise<FormData> {
  const maxBytes = options.maxBytes ?? FORM_MAX_BYTES;
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) throw refusal(413, tooLargeMessage(maxBytes));
  const contentType = request.headers.get("content-type");
  // Refused before a byte of the body is read.
  checkFormType(contentType);
  const body = await readCapped(request, maxBytes);
  if (body === "too large") throw refusal(413, tooLargeMessage(maxBytes));
  return formFromBody(body, contentType, options);
}

/**
 * readForm's rules for a body already read: the live answer endpoint in server.js gets the
 * bytes and headers from Express and parses them here, without building a web Request
 * (ADR 047). Same refusals, same FormData.
 */
export async function formFromBody(body: Uint8Array, contentType: string | null, options: ReadFormOptions = {}): Promise<FormData> {
  const maxBytes = options.maxBytes ?? FORM_MAX_BYTES;
  const mediaType = checkFormType(contentType);
  if (body.byteLength > maxBytes) throw refusal(413, tooLargeMessage(maxBytes));
  if (contentType === null) {
    // A bodiless POST (a bare button, a scripted call) is an empty form; a body of no declared type is not one.
    if (body.byteLength === 0) return new FormData();
    throw refusal(415, "This request's body has no Content-Type; send a form (URL-encoded or multipart).");
  }
  let form: FormData;
  try {
    form = mediaType === "application/x-www-form-urlencoded" ? urlEncodedForm(body) : await parseMultipart(body, contentType);
  } catch {
    throw refusal(400, "This form could not be read (its body is malformed).");
  }
  return checkedForm(form);
}

const tooLargeMessage = (maxBytes: number) => `This form is larger than the ${Math.round(maxBytes / 1024)} kB we accept, so it was refused.`;

/** The media type when it is a form's (or there is none: ""); else the 415 / 400. */
function checkFormType(contentType: string | null): string {
  const mediaType = contentType?.split(";")[0]!.trim().toLowerCase() ?? "";
  if (contentType !== null && mediaType !== "application/x-www-form-urlencoded" && mediaType !== "multipart/form-data") {
    throw refusal(415, "This address takes a form (URL-encoded or multipart), not that kind of body.");
  }
  if (mediaType === "multipart/form-data" && !/;\s*boundary=(?:"[^"]+"|[^\s;]+)/i.test(contentType!)) {
    throw refusal(400, "This multipart form has no boundary, so it cannot be read.");
  }
  return mediaType;
}

// URL-encoded bodies are parsed as undici's formData() does (UTF-8, then URLSearchParams),
// without its detour through a Response and a web stream: in a room's burst of answers
// that detour was a visible share of each answer's CPU (ADR 047).
const utf8 = new TextDecoder("utf-8", { ignoreBOM: false });
function urlEncodedForm(body: Uint8Array): FormData {
  const form = new FormData();
  for (const [name, value] of new URLSearchParams(utf8.decode(body))) form.append(name, value);
  return form;
}

/** A multipart body, through undici (it needs the boundary from the Content-Type). */
function parseMultipart(body: Uint8Array, contentType: string): Promise<FormData> {
  return new Response(body as Uint8Array<ArrayBuffer>, { headers: { "Content-Type": contentType } }).formData();
}

function checkedForm(form: FormData): FormData {
  for (const [name, value] of form.entries()) {
    if (hasControlCharacter(name, "name") || (typeof value === "string" && hasControlCharacter(value, "text"))) throw refusal(400, CONTROL_MESSAGE);
  }
  return form;
}

/** The body's bytes, reading no further than the cap. */
async function readCapped(request: Request, maxBytes: number): Promise<Uint8Array<ArrayBuffer> | "too large"> {
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      return "too large";
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

/** The query string, refused (400) when a name or value holds a control character other than tab or a line break. */
export function readQuery(request: Request, style: RefusalStyle = "page"): URLSearchParams {
  const query = new URL(request.url).searchParams;
  for (const [name, value] of query) {
    if (hasControlCharacter(name, "name") || hasControlCharacter(value, "text")) throw refusal(400, CONTROL_MESSAGE, style);
  }
  return query;
}

/**
 * A route param (an id, a join code, a token, a slug) as a string: "" when absent, a 400
 * when it holds a control character (none of ours can, and PostgreSQL refuses NUL).
 */
export function routeParam(params: Record<string, string | undefined>, name: string, style: RefusalStyle = "page"): string {
  const value = params[name] ?? "";
  if (hasControlCharacter(value, "name")) throw refusal(400, CONTROL_MESSAGE, style);
  return value;
}
