import { useActionData, useFetcher } from "@remix-run/react";
import type { ActivityFailure } from "./context";

// The form plumbing every activity view shares: a plain form that works without
// JavaScript; with JavaScript the same form goes through a fetcher, so the page updates
// in place (self-paced) or the event stream brings everyone the new state (live). The
// live views' plumbing is ./live-forms.tsx: a step page does not load it (ADR 036).

export type FetcherData = { ok: boolean; failure?: ActivityFailure } | undefined;

/** Self-paced: the fetcher for one activity's forms and the failure its last post got. */
export function useActivityForm(activityId: string) {
  const fetcher = useFetcher<FetcherData>({ key: `activity-${activityId}` });
  // Without JavaScript the form posts as a document; its result is the route's action data.
  const documentResult = useActionData() as FetcherData;
  const result = fetcher.data ?? documentResult;
  const failure = result && !result.ok && result.failure?.activityId === activityId ? result.failure.message : null;
  return { fetcher, failure, busy: fetcher.state !== "idle" };
}

// Here for the self-paced views' one import; it lives in ./context.tsx (see there why).
export { ActivityError } from "./context";
