import { useFetcher } from "@remix-run/react";
import { useEffect, useId, useRef, type ReactNode } from "react";
import type { LivePresenter, LiveShared } from "~/live/state";
import { ClockIcon } from "../icons";
import { LiveTimer } from "./live-timer";

// Presenter-view widgets: made for a projector (large type) and for a keyboard or a
// presentation clicker (arrow keys and Page Up/Down move between steps).

type Result = { ok: boolean; failure?: { message: string } } | undefined;

function useCommand(key: string) {
  const fetcher = useFetcher<Result>({ key: `present-${key}` });
  const failure = fetcher.data && !fetcher.data.ok ? (fetcher.data.failure?.message ?? "That didn't work.") : null;
  return { fetcher, failure, busy: fetcher.state !== "idle" };
}

function Failure({ message }: { message: string | null }) {
  return message ? (
    <p className="alert alert--error" role="alert">
      {message}
    </p>
  ) : null;
}

export function JoinPanel({ join }: { join: { spaced: string; code: string; url: string; shortUrl: string; qrSvg: string } }) {
  return (
    <details className="join-panel" open>
      <summary>How to join</summary>
      <div className="join-panel__body">
        <div>
          <p className="join-panel__where">
            Go to <strong>{join.shortUrl}</strong> and enter
          </p>
          <p className="join-code" aria-label={`Join code: ${join.code.split("").join(" ")}`}>
            {join.spaced}
          </p>
          <p className="muted join-panel__url">
            or open <span data-testid="join-url">{join.url}</span>
          </p>
        </div>
        <div className="join-panel__qr" role="img" aria-label="QR code that opens the join link" dangerouslySetInnerHTML={{ __html: join.qrSvg }} />
      </div>
    </details>
  );
}

export function StepControls({ shared, actionPath }: { shared: LiveShared; actionPath: string }) {
  const { fetcher, failure, busy } = useCommand("step");
  const selectId = useId();
  const count = shared.steps.length;
  const index = shared.stepIndex;
  const open = shared.status === "open";

  // Arrow keys and Page Up/Down (what presentation clickers send) move between steps,
  // unless the presenter is typing or using another control.
  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.altKey || event.ctrlKey || event.metaKey || event.defaultPrevented) return;
      const target = event.target as HTMLElement | null;
      if (target?.closest("input, textarea, select, [contenteditable]")) return;
      const delta = event.key === "ArrowRight" || event.key === "PageDown" ? 1 : event.key === "ArrowLeft" || event.key === "PageUp" ? -1 : 0;
      const to = index + delta;
      if (!delta || to < 0 || to >= count) return;
      event.preventDefault();
      fetcher.submit({ intent: "step", to: String(to) }, { method: "post", action: actionPath });
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [open, index, count, fetcher, actionPath]);

  return (
    <div className="step-controls">
      <fetcher.Form method="post" action={actionPath} className="step-controls__move">
        <input type="hidden" name="intent" value="step" />
        <button type="submit" name="to" value={index - 1} className="button button--secondary" disabled={!open || busy || index === 0}>
          ← Previous
        </button>
        <p className="step-controls__where" aria-live="polite">
          Step {index + 1} of {count}
        </p>
        <button type="submit" name="to" value={index + 1} className="button" disabled={!open || busy || index >= count - 1}>
          Next step →
        </button>
      </fetcher.Form>
      <fetcher.Form method="post" action={actionPath} className="step-controls__jump">
        <input type="hidden" name="intent" value="step" />
        <label htmlFor={selectId} className="visually-hidden">
          Go to step
        </label>
        <select id={selectId} name="to" defaultValue={index} key={index} disabled={!open}>
          {shared.steps.map((s, i) => (
            <option key={s.id} value={i}>
              {i + 1}. {s.title}
            </option>
          ))}
        </select>
        <button type="submit" className="button button--quiet" disabled={!open || busy}>
          Go
        </button>
      </fetcher.Form>
      <Failure message={failure} />
    </div>
  );
}

export function TimerControls({ shared, offsetMs, actionPath }: { shared: LiveShared; offsetMs: number; actionPath: string }) {
  const { fetcher, failure, busy } = useCommand("timer");
  const minutesId = useId();
  if (shared.status !== "open") return null;
  return (
    <section className="timer-controls" aria-label="Timer">
      <LiveTimer timer={shared.timer} serverNow={shared.serverNow} offsetMs={offsetMs} large />
      <div className="button-row">
        {[1, 3, 5].map((m) => (
          <fetcher.Form key={m} method="post" action={actionPath} className="inline-form">
            <input type="hidden" name="intent" value="timer-start" />
            <input type="hidden" name="seconds" value={m * 60} />
            <button type="submit" className="button button--secondary" disabled={busy}>
              {m} min
            </button>
          </fetcher.Form>
        ))}
        <fetcher.Form method="post" action={actionPath} className="inline-form timer-controls__custom">
          <input type="hidden" name="intent" value="timer-start" />
          <label htmlFor={minutesId}>Minutes</label>
          <input id={minutesId} type="number" name="minutes" min={1} max={60} defaultValue={10} inputMode="numeric" />
          <TimerSecondsFromMinutes />
          <button type="submit" className="button button--secondary" disabled={busy}>
            Start
          </button>
        </fetcher.Form>
        {shared.timer ? (
          <fetcher.Form method="post" action={actionPath} className="inline-form">
            <input type="hidden" name="intent" value="timer-stop" />
            <button type="submit" className="button button--quiet" disabled={busy}>
              Stop the timer
            </button>
          </fetcher.Form>
        ) : null}
      </div>
      <Failure message={failure} />
    </section>
  );
}

/** The custom timer form sends minutes; the command takes seconds. */
function TimerSecondsFromMinutes() {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const input = ref.current;
    const form = input?.form;
    if (!input || !form) return;
    const sync = () => {
      const minutes = Number((form.elements.namedItem("minutes") as HTMLInputElement | null)?.value);
      input.value = String(Number.isFinite(minutes) ? Math.round(minutes * 60) : 0);
    };
    sync();
    form.addEventListener("input", sync);
    return () => form.removeEventListener("input", sync);
  }, []);
  // Without JavaScript the default (ten minutes) is sent.
  return <input ref={ref} type="hidden" name="seconds" defaultValue={600} />;
}

export function ParticipantsPanel({ shared, presenter, actionPath }: { shared: LiveShared; presenter: LivePresenter; actionPath: string }) {
  const open = shared.status === "open";
  return (
    <section className="participants" aria-labelledby="participants-heading">
      <h2 id="participants-heading">
        Participants <span className="muted">({shared.connectedCount} connected of {shared.participantCount})</span>
      </h2>
      {presenter.accommodationCount > 0 ? (
        <p className="accommodation-count" data-testid="accommodation-count">
          <ClockIcon className="accommodation-count__icon" /> {presenter.accommodationCount}{" "}
          {presenter.accommodationCount === 1 ? "person has" : "people have"} more time or no countdown on their own screen.
        </p>
      ) : null}
      {presenter.participants.length === 0 ? (
        <p className="muted">Nobody has joined yet.</p>
      ) : (
        <ul className="participant-list">
          {presenter.participants.map((p) => (
            <li key={p.userId} className={p.connected ? "participant--connected" : "participant--away"}>
              <span className="participant__name">
                <span className="presence-dot" aria-hidden="true" />
                {p.name}
                {p.newcomer ? <span className="tag tag--muted">new</span> : null}
              </span>
              <span className="participant__state">
                {shared.status === "ended" ? (
                  p.attended ? (
                    <span className="tag tag--good">attended</span>
                  ) : (
                    <span className="tag tag--warn">not counted</span>
                  )
                ) : (
                  <span className="muted">{p.connected ? "connected" : "away"}</span>
                )}
              </span>
              {open ? <MarkForm userId={p.userId} name={p.name} mark={p.mark} actionPath={actionPath} /> : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function MarkForm({ userId, name, mark, actionPath }: { userId: string; name: string; mark: "present" | "absent" | null; actionPath: string }) {
  const { fetcher, busy } = useCommand(`mark-${userId}`);
  const pending = fetcher.formData?.get("mark");
  const current = typeof pending === "string" ? (pending === "auto" ? null : pending) : mark;
  const button = (value: "present" | "absent" | "auto", label: ReactNode) => {
    const pressed = (value === "auto" ? null : value) === current;
    return (
      <button type="submit" name="mark" value={value} className={`mark-button${pressed ? " mark-button--on" : ""}`} aria-pressed={pressed} disabled={busy}>
        {label}
      </button>
    );
  };
  return (
    <fetcher.Form method="post" action={actionPath} className="mark-form" aria-label={`Attendance of ${name}`}>
      <input type="hidden" name="intent" value="mark" />
      <input type="hidden" name="userId" value={userId} />
      {button("auto", "Auto")}
      {button("present", "Present")}
      {button("absent", "Absent")}
    </fetcher.Form>
  );
}

export function EndSession({ actionPath }: { actionPath: string }) {
  const { fetcher, failure, busy } = useCommand("end");
  const confirmId = useId();
  return (
    <details className="end-session">
      <summary>End the session…</summary>
      <fetcher.Form method="post" action={actionPath}>
        <input type="hidden" name="intent" value="end" />
        <p>
          Ending records attendance: everyone present from the start and still connected at the end (or marked present) gets this
          module as completed. It can't be undone.
        </p>
        <div className="checkbox">
          <input id={confirmId} type="checkbox" name="confirm" value="yes" required />
          <label htmlFor={confirmId}>Yes, end the session now</label>
        </div>
        <Failure message={failure} />
        <button type="submit" className="button button--danger" disabled={busy}>
          End session and record attendance
        </button>
      </fetcher.Form>
    </details>
  );
}
