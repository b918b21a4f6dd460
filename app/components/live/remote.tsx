import { Link, useFetcher } from "@remix-run/react";
import type { LearnerManifest } from "~/content/manifest";
import type { LivePresenter, LiveShared } from "~/live/state";

// The phone remote's own widgets (app/routes/live.$code.remote.tsx) and the presenter's
// links to the projector and the remote. The step, timer and end controls are the
// presenter's (./presenter.tsx): one set of widgets posting the same intents (ADR 020).

type Result = { ok: boolean; failure?: { message: string } } | undefined;

/** Show or hide the results of the current step's polls and quizzes (a revealed quiz takes no more answers). */
export function RevealControls({ shared, manifest, actionPath }: { shared: LiveShared; manifest: LearnerManifest; actionPath: string }) {
  const ids = manifest.steps[shared.stepIndex]?.activityIds ?? [];
  const items = ids.flatMap((id) => {
    const activity = manifest.activities[id];
    if (activity?.kind === "poll") return [{ id, label: `Poll: ${activity.question}`, show: "Show results", hide: "Hide results" }];
    if (activity?.kind === "quiz") return [{ id, label: "Quiz", show: "Reveal the answers", hide: "Hide the answers" }];
    return [];
  });
  if (shared.status !== "open" || items.length === 0) return null;
  return (
    <section className="remote-card" aria-labelledby="remote-results">
      <h2 id="remote-results">Results on this step</h2>
      <ul className="remote-list">
        {items.map((item) => (
          <li key={item.id}>
            <RevealToggle activityId={item.id} label={item.label} shown={shared.revealed.includes(item.id)} show={item.show} hide={item.hide} actionPath={actionPath} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function RevealToggle({ activityId, label, shown, show, hide, actionPath }: { activityId: string; label: string; shown: boolean; show: string; hide: string; actionPath: string }) {
  // The same fetcher key as the presenter's own reveal button, so both show one pending state.
  const fetcher = useFetcher<Result>({ key: `live-reveal-${activityId}` });
  const failure = fetcher.data && !fetcher.data.ok ? (fetcher.data.failure?.message ?? "That didn't work.") : null;
  return (
    <fetcher.Form method="post" action={actionPath} className="remote-toggle">
      <input type="hidden" name="intent" value="reveal" />
      <input type="hidden" name="activityId" value={activityId} />
      <input type="hidden" name="shown" value={shown ? "0" : "1"} />
      <span className="remote-toggle__label">{label}</span>
      <button type="submit" className={`button${shown ? " button--secondary" : ""}`} disabled={fetcher.state !== "idle"}>
        {shown ? hide : show}
      </button>
      {failure ? (
        <p className="alert alert--error" role="alert">
          {failure}
        </p>
      ) : null}
    </fetcher.Form>
  );
}

/**
 * What the remote cannot do on this step, and where to do it: taking the room's scenario reply
 * and pairing people stay on the presenter view (ADR 020), so the remote says so rather than
 * showing nothing.
 */
export function PresenterOnlyHint({ shared, manifest }: { shared: LiveShared; manifest: LearnerManifest }) {
  const ids = manifest.steps[shared.stepIndex]?.activityIds ?? [];
  const kinds = new Set(ids.map((id) => manifest.activities[id]?.kind));
  const hints = [
    kinds.has("scenario") ? "Take the room's reply on the presenter view: the room votes on their phones, you see the votes there." : null,
    kinds.has("roleplay") ? "Pair people (or make trios) and swap roles on the presenter view." : null,
  ].filter((hint): hint is string => hint !== null);
  if (shared.status !== "open" || hints.length === 0) return null;
  return (
    <section className="remote-card" aria-labelledby="remote-presenter-only" data-testid="remote-hint">
      <h2 id="remote-presenter-only">On this step</h2>
      {hints.map((hint) => (
        <p key={hint}>{hint}</p>
      ))}
      <p>
        <Link to={`/live/${shared.code}/present`}>Open the presenter view</Link>
      </p>
    </section>
  );
}

/** Who has joined, at a glance: connected first. */
export function RoomGlance({ shared, presenter }: { shared: LiveShared; presenter: LivePresenter }) {
  const people = [...presenter.participants].sort((a, b) => Number(b.connected) - Number(a.connected));
  return (
    <details className="remote-card remote-glance">
      <summary>
        Who's here: {shared.connectedCount} connected of {shared.participantCount} joined
      </summary>
      {people.length === 0 ? (
        <p className="muted">Nobody has joined yet.</p>
      ) : (
        <ul className="remote-people">
          {people.map((p) => (
            <li key={p.userId} className={p.connected ? "participant--connected" : "participant--away"}>
              <span className="presence-dot" aria-hidden="true" /> {p.name} <span className="muted">({p.connected ? "connected" : "away"})</span>
            </li>
          ))}
        </ul>
      )}
    </details>
  );
}

/** On the presenter view: open the projector display, and use a phone as the remote. */
export function ProjectorLinks({ code, remoteUrl }: { code: string; remoteUrl: string }) {
  return (
    <details className="projector-links">
      <summary>Projector and phone remote</summary>
      <p>
        <Link to={`/live/${code}/display`} target="_blank" rel="noopener" reloadDocument>
          Open projector view
        </Link>{" "}
        (new tab): drag it to the projector and make it full screen (F11). It shows the join code, the step and the results, never these
        controls or anyone's name.
      </p>
      <p>
        Use your phone as a remote: sign in on it as yourself and open <strong>{remoteUrl}</strong>. It has the step, timer, results and
        end controls, and who has joined, so you can walk the room.
      </p>
    </details>
  );
}
