import { useActionData, useFetcher } from "@remix-run/react";
import type { ReactNode } from "react";
import { useRuntime, type ActivityFailure, type LiveRuntime } from "./context";
import { CheckIcon } from "~/components/icons";

// The form plumbing every activity view shares: a plain form that works without
// JavaScript; with JavaScript the same form goes through a fetcher, so the page updates
// in place (self-paced) or the event stream brings everyone the new state (live).

type FetcherData = { ok: boolean; failure?: ActivityFailure } | undefined;

/** Self-paced: the fetcher for one activity's forms and the failure its last post got. */
export function useActivityForm(activityId: string) {
  const fetcher = useFetcher<FetcherData>({ key: `activity-${activityId}` });
  // Without JavaScript the form posts as a document; its result is the route's action data.
  const documentResult = useActionData() as FetcherData;
  const result = fetcher.data ?? documentResult;
  const failure = result && !result.ok && result.failure?.activityId === activityId ? result.failure.message : null;
  return { fetcher, failure, busy: fetcher.state !== "idle" };
}

export function ActivityError({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <div className="alert alert--error" role="alert">
      {message}
    </div>
  );
}

/** Live: the fetcher for one control's form. */
export function useLiveForm(key: string) {
  const fetcher = useFetcher<FetcherData>({ key: `live-${key}` });
  const documentResult = useActionData() as FetcherData;
  const result = fetcher.data ?? documentResult;
  const failure = result && !result.ok && result.failure ? result.failure.message : null;
  return { fetcher, failure, busy: fetcher.state !== "idle" };
}

export function useLive(): { live: LiveRuntime; actionPath: string } {
  const runtime = useRuntime();
  if (!runtime.live) throw new Error("Live activities render only in a live session");
  return { live: runtime.live, actionPath: runtime.actionPath };
}

/** The same alert as ActivityError; live controls show it beside the button. */
export const LiveError = ActivityError;

/** A one-button form for the presenter. */
export function PresenterButton({
  formKey,
  fields,
  children,
  variant = "secondary",
}: {
  formKey: string;
  fields: Record<string, string | number>;
  children: ReactNode;
  variant?: "primary" | "secondary" | "quiet";
}) {
  const { actionPath } = useLive();
  const { fetcher, failure, busy } = useLiveForm(formKey);
  return (
    <fetcher.Form method="post" action={actionPath} className="inline-form">
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <button type="submit" className={`button${variant === "primary" ? "" : ` button--${variant}`}`} disabled={busy}>
        {children}
      </button>
      <LiveError message={failure} />
    </fetcher.Form>
  );
}

export function answeredLine(total: number, connected: number) {
  return `${total} ${total === 1 ? "answer" : "answers"} · ${connected} connected`;
}

/** The presenter's toggle for what participants see of an activity, while the session is open. */
export function RevealButton({ activityId, shown, show, hide }: { activityId: string; shown: boolean; show: string; hide: string }) {
  const { live } = useLive();
  if (!live.open) return null;
  return (
    <div className="button-row">
      <PresenterButton formKey={`reveal-${activityId}`} fields={{ intent: "reveal", activityId, shown: shown ? "0" : "1" }} variant={shown ? "secondary" : "primary"}>
        {shown ? hide : show}
      </PresenterButton>
    </div>
  );
}

/** A live answer form's send button and, once an answer is in, what was sent (announced politely). */
export function LiveSendRow({ busy, label, sent }: { busy: boolean; label: string; sent: ReactNode | null }) {
  const { live } = useLive();
  return (
    <div className="button-row">
      <button type="submit" className="button" disabled={busy || !live.open}>
        {busy ? "Sending…" : label}
      </button>
      {sent && !busy ? (
        <span role="status" className="muted">
          <CheckIcon /> {sent}
        </span>
      ) : null}
    </div>
  );
}
