import { GeneralErrorBoundary } from "~/components/error-boundary";
import { notFound } from "~/lib/http.server";

// Unknown paths get the shell's 404 page rather than Remix's bare one.
export const loader = () => {
  throw notFound();
};
export const action = loader;

export default function NotFound() {
  return <GeneralErrorBoundary />;
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
