import { Link, isRouteErrorResponse, useRouteError } from "@remix-run/react";
import { readErrorPayload, type ErrorWayOn } from "~/lib/error-payload";

const TITLES: Record<number, string> = {
  400: "That request didn't work",
  403: "You don't have access to this page",
  404: "Page not found",
  409: "That clashes with something that already exists",
  410: "That link no longer works",
  429: "Too many attempts",
};

/** The one error page: 4xx responses show their message; anything else a calm 500. */
export function GeneralErrorBoundary() {
  const error = useRouteError();
  let status = 500;
  let wayOn: ErrorWayOn | undefined;
  let message = "Something went wrong on our side. Try again in a moment; if it keeps happening, tell your organiser.";
  if (isRouteErrorResponse(error)) {
    status = error.status;
    const payload = readErrorPayload(error.data);
    if (payload) ({ message, wayOn } = payload);
    else if (status === 404) message = "We couldn't find that page. It may have moved, or the link may be mistyped.";
  } else if (error instanceof Error && typeof document !== "undefined") {
    // In the browser only: on the server, entry.server's handleError has logged it
    // already, without the query parameters a raw database error would print.
    console.error(error);
  }
  const title = TITLES[status] ?? (status >= 500 ? "Something went wrong" : "That request didn't work");
  return (
    <section className="error-page" aria-labelledby="error-title">
      <p className="error-page__status">Error {status}</p>
      <h1 id="error-title">{title}</h1>
      <p>{message}</p>
      <p className="button-row">
        {wayOn ? (
          <Link to={wayOn.to} className="button">
            {wayOn.label}
          </Link>
        ) : null}
        <Link to="/" className={wayOn ? "button button--secondary" : "button"}>
          Go to your home page
        </Link>
      </p>
    </section>
  );
}
