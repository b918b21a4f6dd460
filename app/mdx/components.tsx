import { useContext, type ReactNode } from "react";
import { ACTIVITY_VIEWS } from "~/activities/registry";
import { liveRoleVisible, RolePlayContext, useRuntime } from "~/activities/runtime/context";
import { LiveRolePlay } from "./live-activities";

// Components authors use inside MDX (docs/authoring.md). An activity's views live in
// its folder, app/activities/<kind>/; its component here only picks the self-paced or
// the live view from the registry (app/activities/registry.tsx).

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
  const views = ACTIVITY_VIEWS.scenario;
  return useRuntime().mode === "live" ? <views.Live id={props.id}>{props.children}</views.Live> : <views.SelfPaced id={props.id}>{props.children}</views.SelfPaced>;
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
