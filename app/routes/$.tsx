import { notFound } from "~/lib/http.server";

// Unknown paths get the shell's 404 page rather than Remix's bare one: the loader's 404
// reaches the root's ErrorBoundary (the shell and GeneralErrorBoundary). This route has no
// boundary of its own, so the error page's code is the root's alone and comes in the root's
// script instead of one more script on every page (issue 18 part 6, ADR 036).
export const loader = () => {
  throw notFound();
};
export const action = loader;

/** Never rendered (the loader always throws); without a component Remix would treat this as a resource route and send the bare 404. */
export default function NotFound() {
  return null;
}
