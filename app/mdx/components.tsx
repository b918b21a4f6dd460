import { ACTIVITY_VIEWS } from "~/activities/registry";
import { ActivityError, useActivityForm } from "~/activities/runtime/forms";
import { useContext, type ReactNode } from "react";
import { LiveRolePlay, LiveScenario } from "./live-activities";
import type { ScenarioActivity } from "../content/manifest";
import { ENDING_OUTCOMES, endingDebrief } from "./endings";
import { liveRoleVisible, RolePlayContext, useActivity, useRuntime } from "~/activities/runtime/context";

// Components authors use inside MDX (docs/authoring.md). Each activity posts a plain
// form that works without JavaScript; with JavaScript the same form goes through a
// fetcher, so the page updates in place without a reload.

export function Step({ id, children }: { id: string; title?: string; children?: ReactNode }) {
  const { currentStepId } = useRuntime();
  if (id !== currentStepId) return null;
  return <div className="step-body">{children}</div>;
}

export function Tip({ title, children }: { title?: string; children?: ReactNode }) {
  return (
    <aside className="tip" aria-label={title ?? "Tip"}>
      <p className="tip__title">
        <span aria-hidden="true">💡 </span>
        {title ?? "Tip"}
      </p>
      {children}
    </aside>
  );
}

// ---------------------------------------------------------------- Quiz

export function Quiz(props: { id: string; passMark?: number; children?: ReactNode }) {
  const views = ACTIVITY_VIEWS.quiz;
  return useRuntime().mode === "live" ? <views.Live id={props.id} /> : <views.SelfPaced id={props.id} />;
}

// ---------------------------------------------------------------- Scenario

export function Resident(_props: { id: string; says: string; mood?: string; children?: ReactNode }) {
  return null; // rendered by <Scenario> from the manifest
}
export function Choice(_props: { to: string; feedback: string; children?: ReactNode }) {
  return null;
}
export function Ending({ children }: { id: string; outcome: string; title: string; children?: ReactNode }) {
  return <>{children}</>;
}

export function Scenario(props: { id: string; title?: string; start?: string; setting?: string; children?: ReactNode }) {
  return useRuntime().mode === "live" ? <LiveScenario id={props.id}>{props.children}</LiveScenario> : <SelfPacedScenario {...props} />;
}

function SelfPacedScenario({ id, children }: { id: string; title?: string; start?: string; setting?: string; children?: ReactNode }) {
  const scenario = useActivity(id, "scenario");
  const runtime = useRuntime();
  const { fetcher, failure, busy } = useActivityForm(id);
  if (!scenario) return null;
  const state = runtime.progress.scenarios[id];
  const run = state?.latest;
  const headingId = `${id}-heading`;
  return (
    <section className="activity scenario" id={id} aria-labelledby={headingId}>
      <h2 id={headingId} className="activity__title">
        Role-play: {scenario.title}
      </h2>
      {scenario.setting ? <p className="scenario__setting">{scenario.setting}</p> : null}
      {!run ? (
        <fetcher.Form method="post" action={runtime.actionPath}>
          <input type="hidden" name="intent" value="scenario-start" />
          <input type="hidden" name="activityId" value={id} />
          <input type="hidden" name="runKey" value={runtime.formKeys[id] ?? ""} />
          <p>You are the canvasser. Read what the resident says and pick your reply.</p>
          <ActivityError message={failure} />
          <button type="submit" className="button" disabled={busy}>
            Knock on the door
          </button>
        </fetcher.Form>
      ) : (
        <ScenarioRun scenario={scenario} run={run} endingsReached={state.endingsReached} debrief={run.endingId ? endingDebrief(children, run.endingId) : null} fetcher={fetcher} failure={failure} busy={busy} />
      )}
    </section>
  );
}

function ScenarioRun({
  scenario,
  run,
  endingsReached,
  debrief,
  fetcher,
  failure,
  busy,
}: {
  scenario: ScenarioActivity;
  run: NonNullable<ReturnType<typeof useRuntime>["progress"]["scenarios"][string]>["latest"];
  endingsReached: string[];
  debrief: ReactNode;
  fetcher: ReturnType<typeof useActivityForm>["fetcher"];
  failure: string | null;
  busy: boolean;
}) {
  const runtime = useRuntime();
  const current = scenario.nodes[run.currentNode];
  const pendingChoice = fetcher.formData?.get("intent") === "scenario-choose" ? Number(fetcher.formData.get("choice")) : null;
  const totalEndings = Object.values(scenario.nodes).filter((n) => n.kind === "ending").length;
  return (
    <>
      <ol className="transcript" aria-label="The conversation so far">
        {run.path.map((move, i) => {
          const node = scenario.nodes[move.node];
          if (!node || node.kind !== "resident") return null;
          const choice = node.choices[move.choice];
          return (
            <li key={i} className="transcript__turn">
              <p className="line line--resident">
                <span className="speaker">Resident{node.mood ? ` (${node.mood})` : ""}:</span> {node.says}
              </p>
              <p className="line line--you">
                <span className="speaker">You:</span> {choice?.text}
              </p>
              {choice ? <p className="coaching">{choice.feedback}</p> : null}
            </li>
          );
        })}
      </ol>
      {current?.kind === "resident" ? (
        <fetcher.Form method="post" action={runtime.actionPath} className="scenario__choices">
          <p className="line line--resident line--current" aria-live="polite">
            <span className="speaker">Resident{current.mood ? ` (${current.mood})` : ""}:</span> {current.says}
          </p>
          <input type="hidden" name="intent" value="scenario-choose" />
          <input type="hidden" name="activityId" value={scenario.id} />
          <input type="hidden" name="runId" value={run.id} />
          <input type="hidden" name="fromNode" value={current.id} />
          <input type="hidden" name="step" value={run.path.length} />
          <p className="scenario__prompt">What do you say?</p>
          <ActivityError message={failure} />
          <div className="choice-list">
            {current.choices.map((choice) => (
              <button key={choice.index} type="submit" name="choice" value={choice.index} className="choice-button" disabled={busy}>
                {pendingChoice === choice.index ? "… " : null}
                {choice.text}
              </button>
            ))}
          </div>
        </fetcher.Form>
      ) : current?.kind === "ending" ? (
        <div className={`ending ending--${current.outcome}`} role="status">
          <p>
            <span className={`tag ${ENDING_OUTCOMES[current.outcome]?.tag ?? ""}`}>{ENDING_OUTCOMES[current.outcome]?.label ?? current.outcome}</span>
          </p>
          <h3>{current.title}</h3>
          <div className="debrief">{debrief}</div>
          <p className="muted">
            Endings found: {endingsReached.length} of {totalEndings}.
          </p>
          <fetcher.Form method="post" action={runtime.actionPath}>
            <input type="hidden" name="intent" value="scenario-start" />
            <input type="hidden" name="activityId" value={scenario.id} />
            <input type="hidden" name="runKey" value={runtime.formKeys[scenario.id] ?? ""} />
            <ActivityError message={failure} />
            <button type="submit" className="button button--secondary" disabled={busy}>
              Play it again
            </button>
          </fetcher.Form>
        </div>
      ) : null}
    </>
  );
}

// ---------------------------------------------------------------- Poll, Reflect

export function Option(_props: { id: string; correct?: boolean; feedback?: string; children?: ReactNode }) {
  return null; // rendered by <Quiz>/<Poll> from the manifest
}
export function Question(_props: { id: string; prompt: string; multiple?: boolean; explanation?: string; children?: ReactNode }) {
  return null;
}

export function Poll(props: { id: string; question?: string; children?: ReactNode }) {
  const views = ACTIVITY_VIEWS.poll;
  return useRuntime().mode === "live" ? <views.Live id={props.id} /> : <views.SelfPaced id={props.id} />;
}

export function Reflect(props: { id: string; prompt?: string }) {
  const views = ACTIVITY_VIEWS.reflect;
  return useRuntime().mode === "live" ? <views.Live id={props.id} /> : <views.SelfPaced id={props.id} />;
}

// ---------------------------------------------------------------- RolePlay

export function RolePlay(props: { id: string; title: string; minutes: number; children?: ReactNode }) {
  return useRuntime().mode === "live" ? <LiveRolePlay {...props} /> : <SelfPacedRolePlay {...props} />;
}

function SelfPacedRolePlay({ id, title, minutes, children }: { id: string; title: string; minutes: number; children?: ReactNode }) {
  return (
    <section className="activity roleplay" id={id} aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} className="activity__title">
        Pair role-play: {title}
      </h2>
      <p className="muted">
        {minutes} minutes. Practise with a friend or in a live session: one of you takes each card.
      </p>
      <div className="grid grid--2">{children}</div>
    </section>
  );
}

type RoleProps = {
  type: "canvasser" | "resident";
  name: string;
  situation: string;
  concerns: string;
  goal?: string;
  movedBy?: string;
  children?: ReactNode;
};

export function Role(props: RoleProps) {
  const runtime = useRuntime();
  const rolePlayId = useContext(RolePlayContext);
  // Live: a participant sees only the card they were given when paired.
  if (runtime.mode === "live" && runtime.live && !liveRoleVisible(runtime.live, rolePlayId, props.type)) return null;
  return <RoleCard {...props} />;
}

function RoleCard({
  type,
  name,
  situation,
  concerns,
  goal,
  movedBy,
  children,
}: RoleProps) {
  return (
    <article className={`role-card role-card--${type}`}>
      <p className="role-card__type">{type === "canvasser" ? "Canvasser" : "Resident"}</p>
      <h3>{name}</h3>
      <dl>
        <dt>Situation</dt>
        <dd>{situation}</dd>
        <dt>Concerns</dt>
        <dd>{concerns}</dd>
        {goal ? (
          <>
            <dt>Your goal</dt>
            <dd>{goal}</dd>
          </>
        ) : null}
        {movedBy ? (
          <>
            <dt>What would move them</dt>
            <dd>{movedBy}</dd>
          </>
        ) : null}
      </dl>
      {children}
    </article>
  );
}

export function Debrief({ children }: { children?: ReactNode }) {
  return (
    <div className="debrief-questions">
      <h3>Talk it through afterwards</h3>
      {children}
    </div>
  );
}

export const mdxComponents = {
  Step,
  Tip,
  Quiz,
  Question,
  Option,
  Scenario,
  Resident,
  Choice,
  Ending,
  Poll,
  RolePlay,
  Role,
  Debrief,
  Reflect,
};
