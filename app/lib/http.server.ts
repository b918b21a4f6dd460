import { data } from "@remix-run/node";
import type { ZodError, ZodType } from "zod";
import type { ErrorPayload, ErrorWayOn } from "./error-payload";
import { hasControlCharacter } from "./request.server";
import type { ActivityRefusal } from "./result";

/** Throw a 4xx with a message the error boundary shows, when a request is not acceptable. */
export function invariantResponse(condition: unknown, message: string, status = 400): asserts condition {
  if (!condition) throw data(message, { status });
}

/** A 404 the error page shows; `wayOn` adds a link to the page to go to instead. */
export const notFound = (message = "We couldn't find that page.", wayOn?: ErrorWayOn) =>
  data<string | ErrorPayload>(wayOn ? { message, wayOn } : message, { status: 404 });

/**
 * A 4xx from a resource route (a script, a stream: no page, no error boundary) as plain
 * text. Thrown there, `data()` reaches Remix's error handler and is logged like a crash.
 */
export const plainError = (status: 400 | 401 | 403 | 404 | 409 | 410 | 429, message: string) =>
  new Response(message, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });

export type FieldErrors = Partial<Record<string, string>>;

/** First message per field, the shape forms render next to inputs. */
export function fieldErrors(error: ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? "form");
    out[key] ??= issue.message;
  }
  return out;
}

/** What every form action returns on failure: field messages and a form-level one. */
export interface FormFailure {
  ok: false;
  errors: FieldErrors;
  values?: Record<string, string>;
}

export function formFailure(status: number, errors: FieldErrors, values?: Record<string, string>) {
  return data<FormFailure>({ ok: false, errors, values }, { status });
}

/** Parse form fields with a schema; a failure becomes a 400 with per-field messages. */
/** An activity form's refusal as the action's answer: the page shows it beside that activity. */
export function activityFailure(refusal: ActivityRefusal) {
  return data({ ok: false as const, failure: { activityId: refusal.activityId, message: refusal.message } }, { status: refusal.status });
}

export function parseForm<T>(
  schema: ZodType<T>,
  input: Record<string, unknown>,
  echo: Record<string, string> = {},
): { ok: true; value: T } | { ok: false; response: ReturnType<typeof formFailure> } {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, response: formFailure(400, fieldErrors(parsed.error), echo) };
}

export function text(form: FormData, name: string): string | undefined {
  const value = form.get(name);
  return typeof value === "string" ? value : undefined;
}

const REDIRECT_BASE = "http://doorstep.invalid";

/**
 * Where to send someone after sign-in: only a path on this site, never another one.
 * Parsed the way a browser will read the Location header, so tricks that survive a prefix
 * check (`/\t/evil.example` → `//evil.example`, `/.//evil.example`) are caught; anything
 * holding a control character or a backslash, which no link of ours has, is refused too.
 */
export function safeRedirect(to: unknown, fallback = "/"): string {
  if (typeof to !== "string" || !to.startsWith("/") || hasControlCharacter(to, "name") || to.includes("\\")) return fallback;
  let url: URL;
  try {
    url = new URL(to, REDIRECT_BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== REDIRECT_BASE || url.pathname.startsWith("//")) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}

/**
 * Whether the server log should get this error (entry.server.tsx `handleError`). A 4xx
 * Remix raises itself (a POST to a page without an action: 405, an unknown route: 404) is
 * the visitor's mistake, and anyone could flood the log with its stack trace; an aborted
 * request is the visitor leaving. Everything else is ours to look at.
 */
export function worthLogging(error: unknown, request: Request): boolean {
  if (request.signal.aborted) return false;
  const status = (error as { status?: unknown } | null)?.status;
  const isErrorResponse = error !== null && typeof error === "object" && typeof status === "number" && "statusText" in error && "internal" in error && "data" in error;
  return !(isErrorResponse && status >= 400 && status < 500);
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * A mutation must come from our own pages. Browsers always send Origin on POST, so a
 * missing or foreign one means a forged or scripted request.
 */
export function checkOrigin(
  method: string,
  headers: { origin?: string | undefined; host?: string | undefined },
  appOrigin?: string,
): { ok: true } | { ok: false; message: string } {
  if (SAFE_METHODS.has(method.toUpperCase())) return { ok: true };
  const origin = headers.origin;
  if (!origin || origin === "null") {
    return { ok: false, message: "This request did not say which site it came from (no Origin header), so it was refused." };
  }
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return { ok: false, message: "This request's Origin header is not a valid address, so it was refused." };
  }
  const expectedHost = appOrigin ? new URL(appOrigin).host : headers.host;
  if (originHost !== expectedHost) {
    return { ok: false, message: "This request came from another site, so it was refused." };
  }
  return { ok: true };
}
