// What a thrown 4xx may carry for the error page (app/components/error-boundary.tsx):
// a plain message, or a message and the one page that gets the person going again
// (a step that no longer exists → its module's page). Client-safe: the page reads it.

export interface ErrorWayOn {
  to: string;
  label: string;
}

export interface ErrorPayload {
  message: string;
  wayOn?: ErrorWayOn;
}

/** The message and way on from an error response's data, whichever shape it was thrown in. */
export function readErrorPayload(data: unknown): ErrorPayload | null {
  if (typeof data === "string") return data ? { message: data } : null;
  if (!data || typeof data !== "object") return null;
  const { message, wayOn } = data as Partial<ErrorPayload>;
  if (typeof message !== "string" || !message) return null;
  const valid = wayOn && typeof wayOn.to === "string" && wayOn.to.startsWith("/") && typeof wayOn.label === "string";
  return valid ? { message, wayOn: { to: wayOn.to, label: wayOn.label } } : { message };
}
