import { useActionData, useFetcher } from "@remix-run/react";
import { useEffect, useState, type FormEvent, type ReactNode } from "react";
import { ActivityError, useRuntime, type LiveRuntime } from "./context";
import type { FetcherData } from "./forms";
import { CheckIcon } from "~/components/icons";

// The live views' form plumbing (./forms.tsx says how the forms work): its own module so a
// self-paced step page, which shows none of it, does not load it (ADR 036).

/** Live: the fetcher for one control's form. */
export function useLiveForm(key: string) {
  const fetcher = useFetcher<FetcherData>({ key: `live-${key}` });
  const documentResult = useActionData() as FetcherData;
  const result = fetcher.data ?? documentResult;
  const failure = result && !result.ok && result.failure ? result.failure.message : null;
  return { fetcher, failure, busy: fetcher.state !== "idle" };
}

/** What the live answer endpoint says (app/live/answer-endpoint.server.ts). */
type ScriptAnswerResult = { ok: true } | { ok: false; failure: { activityId: string; message: string } };

/**
 * Live, a participant's answer or vote: with JavaScript the form posts to the lean answer
 * endpoint (`${actionPath}/answer`, answered before Remix: ADR 043, 047) instead of the
 * page's action; without it, the same form posts to the page as before. If the endpoint
 * cannot be reached or answers something other than its JSON (a proxy's error page), the
 * page's own post through the fetcher takes over, and says what went wrong as it always has.
 * `pending` is what is being sent (the button pressed included) and, once the endpoint has
 * taken it, what was sent until `own` (the person's answer as their own part of the live
 * state holds it) changes: in a big room the push that brings it may come up to 2 s later
 * (ADR 047), and the page should not show the old answer meanwhile. `sent`: the last post
 * was taken.
 */
export function useLiveAnswerForm(key: string, own: unknown) {
  const { actionPath } = useLive();
  const { fetcher, failure: fetcherFailure, busy: fetcherBusy } = useLiveForm(key);
  const [sending, setSending] = useState<FormData | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [taken, setTaken] = useState(false);
  const [takenForm, setTakenForm] = useState<FormData | null>(null);
  // The push with the person's own answer has arrived: it is what the page shows now.
  useEffect(() => setTakenForm(null), [own]);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    // The pressed button's name and value (a scenario's choice) are part of the post, as in a form's own submit.
    const fields = new FormData(event.currentTarget, (event.nativeEvent as SubmitEvent).submitter);
    const body = new URLSearchParams();
    for (const [name, value] of fields) if (typeof value === "string") body.append(name, value);
    setSending(fields);
    setFailure(null);
    fetch(`${actionPath}/answer`, { method: "POST", body, credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(async (response) => {
        const result = (await response.json()) as ScriptAnswerResult;
        setFailure(result.ok ? null : result.failure.message);
        setTaken(result.ok);
        setTakenForm(result.ok ? fields : null);
      })
      .catch(() => fetcher.submit(body, { method: "post", action: actionPath }))
      .finally(() => setSending(null));
  };
  return {
    fetcher,
    onSubmit,
    pending: sending ?? fetcher.formData ?? takenForm,
    failure: failure ?? fetcherFailure,
    busy: sending !== null || fetcherBusy,
    sent: taken || (fetcher.state === "idle" && Boolean(fetcher.data?.ok)),
  };
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
