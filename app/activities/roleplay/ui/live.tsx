import { ROLEPLAY_PARTS, type RolePlayProps } from "./cards";
import type { ActivityView } from "../../runtime/views";
import { CheckIcon } from "~/components/icons";
import { accommodatedSeconds } from "~/auth/timing";
import { RUBRIC_ITEMS } from "~/live/rubric";
import { RolePlayContext, useRuntime } from "~/activities/runtime/context";
import { LiveError, PresenterButton, useLive, useLiveForm } from "~/activities/runtime/live-forms";

// The pair role-play's live views. Participant: only the card they were given, and an
// observer's checklist. Presenter: pairing, swapping and the timer, the pairs and the
// observers' summary. The forms' fields are read by app/activities/roleplay/form.server.ts.

const ROLE_LABEL = { canvasser: "canvasser", resident: "resident", observer: "observer" } as const;

export function LiveRolePlay({ id, title, minutes, children }: RolePlayProps) {
  const { live } = useLive();
  const { timing = "standard" } = useRuntime();
  const mine = live.role === "participant" ? accommodatedSeconds(minutes * 60, timing) : minutes * 60;
  const card = live.roleCard?.activityId === id ? live.roleCard : null;
  return (
    <section className="activity roleplay roleplay--live" id={id} aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} className="activity__title">
        Pair role-play: {title}
      </h2>
      <p className="muted">
        {mine === null
          ? `About ${minutes} minutes for the room; no countdown on your screen (your setting).`
          : mine !== minutes * 60
            ? `${minutes} minutes for the room; ${Math.round(mine / 60)} minutes on your screen (your setting).`
            : `${minutes} minutes.`}
      </p>
      {live.role === "presenter" ? (
        <PairingControls activityId={id} minutes={minutes} />
      ) : card ? (
        <div className="my-role" role="status">
          <p className="my-role__title">
            You are the <strong>{ROLE_LABEL[card.role]}</strong>
            {card.round > 1 ? ` (round ${card.round})` : ""}
          </p>
          <p>
            {card.partners.length === 1 ? "Your partner: " : "Your group: "}
            {card.partners.map((p) => `${p.name} (${ROLE_LABEL[p.role]})`).join(", ")}
          </p>
        </div>
      ) : (
        <p className="alert alert--info">Your trainer will pair you up in a moment. Your role card will appear here.</p>
      )}
      {card?.role === "observer" ? <ObserverChecklist activityId={id} /> : null}
      <RolePlayContext.Provider value={id}>
        <div className="grid grid--2">{children}</div>
      </RolePlayContext.Provider>
    </section>
  );
}

function PairingControls({ activityId, minutes }: { activityId: string; minutes: number }) {
  const { live } = useLive();
  const paired = live.pairing?.activityId === activityId ? live.pairing : null;
  return (
    <div className="pairing">
      {live.open ? (
        <div className="button-row">
          <PresenterButton formKey={`pair-${activityId}`} fields={{ intent: "pair", activityId, trios: "0" }} variant={paired ? "secondary" : "primary"}>
            {paired ? "Pair again" : "Pair participants"}
          </PresenterButton>
          <PresenterButton formKey={`trios-${activityId}`} fields={{ intent: "pair", activityId, trios: "1" }}>
            Make trios (with an observer)
          </PresenterButton>
          {paired ? (
            <>
              <PresenterButton formKey={`swap-${activityId}`} fields={{ intent: "swap", activityId }}>
                Swap roles (round {paired.round + 1})
              </PresenterButton>
              <PresenterButton formKey={`unpair-${activityId}`} fields={{ intent: "unpair" }} variant="quiet">
                Unpair
              </PresenterButton>
            </>
          ) : null}
          <PresenterButton formKey={`timer-${activityId}`} fields={{ intent: "timer-start", seconds: minutes * 60 }} variant="quiet">
            Start the {minutes}-minute timer
          </PresenterButton>
        </div>
      ) : null}
      {paired && live.groups ? (
        <>
          <h3>
            Pairs, round {paired.round} ({live.groups.length})
          </h3>
          <ol className="pairs">
            {live.groups.map((group, i) => (
              <li key={i}>
                {group.map((m, j) => (
                  <span key={m.userId}>
                    {j > 0 ? " · " : ""}
                    {m.name} <span className={`role-tag role-tag--${m.role}`}>{ROLE_LABEL[m.role]}</span>
                    {m.connected ? null : <span className="muted"> (away)</span>}
                  </span>
                ))}
              </li>
            ))}
          </ol>
          {live.rubricSummary.length ? <RubricSummary /> : paired.trios || live.groups.some((g) => g.length === 3) ? <p className="muted">Observers' checklists will appear here.</p> : null}
        </>
      ) : null}
    </div>
  );
}

function RubricSummary() {
  const { live } = useLive();
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label="What the observers saw">
      <table>
        <caption>What the observers saw</caption>
        <thead>
          <tr>
            <th scope="col">Canvasser</th>
            {RUBRIC_ITEMS.map((item) => (
              <th key={item.id} scope="col">
                {item.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {live.rubricSummary.map((row) => (
            <tr key={`${row.canvasserName}-${row.observerName}`}>
              <th scope="row" className="breakable">
                {row.canvasserName} <span className="muted">(seen by {row.observerName})</span>
              </th>
              {RUBRIC_ITEMS.map((item) => (
                <td key={item.id}>
                  {row.items.includes(item.id) ? <CheckIcon className="tick" /> : <span aria-hidden="true">·</span>}
                  <span className="visually-hidden">{row.items.includes(item.id) ? "yes" : "no"}</span>
                </td>
              ))}
            </tr>
          ))}
          <tr>
            <th scope="row">Total</th>
            {RUBRIC_ITEMS.map((item) => (
              <td key={item.id}>{live.rubricSummary.filter((r) => r.items.includes(item.id)).length}</td>
            ))}
          </tr>
        </tbody>
      </table>
    </div>
  );
}

function ObserverChecklist({ activityId }: { activityId: string }) {
  const { live, actionPath } = useLive();
  const { fetcher, failure, busy } = useLiveForm(`rubric-${activityId}`);
  const rubric = live.rubric;
  if (!rubric) return null;
  const saved = fetcher.state === "idle" && fetcher.data?.ok;
  return (
    <fetcher.Form method="post" action={actionPath} className="observer-checklist card" key={`${rubric.round}`}>
      <input type="hidden" name="intent" value="rubric" />
      <input type="hidden" name="activityId" value={activityId} />
      <fieldset>
        <legend>Watch {rubric.canvasserName}. Did they…</legend>
        {RUBRIC_ITEMS.map((item) => (
          <label key={item.id} className="option">
            <input
              type="checkbox"
              name="item"
              value={item.id}
              defaultChecked={rubric.items.includes(item.id)}
              onChange={(event) => fetcher.submit(event.currentTarget.form)}
            />
            <span>{item.label}</span>
          </label>
        ))}
      </fieldset>
      <LiveError message={failure} />
      <div className="button-row">
        <button type="submit" className="button button--secondary" disabled={busy || !live.open}>
          Save the checklist
        </button>
        {saved ? (
          <span role="status" className="muted">
            Saved.
          </span>
        ) : null}
      </div>
    </fetcher.Form>
  );
}

/** The live view (participant and presenter): its own chunk (../../registry.tsx). */
export const view = { View: LiveRolePlay, parts: ROLEPLAY_PARTS } satisfies ActivityView<RolePlayProps>;
