import type { ReactNode } from "react";
import { ACTIVITY_VIEWS } from "~/activities/registry";
import { Debrief, Role, type RolePlayProps } from "~/activities/roleplay/ui/views";
import { useRuntime } from "~/activities/runtime/context";
import { LightbulbIcon } from "~/components/icons";

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
        <LightbulbIcon className="tip__icon" />{" "}
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

export function RolePlay(props: RolePlayProps) {
  const views = ACTIVITY_VIEWS.roleplay;
  return useRuntime().mode === "live" ? <views.Live {...props} /> : <views.SelfPaced {...props} />;
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
