import type { ReactNode } from "react";
import { ACTIVITY_VIEWS, MANIFEST_ONLY_TAGS, type ActivityViews } from "~/activities/registry";
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

/** The MDX component for a kind: its self-paced view, or in a live session its live one (the projector: its display view). */
function modeSwitch<Props extends { id: string }>(views: ActivityViews<Props>) {
  return function Activity(props: Props) {
    const runtime = useRuntime();
    if (runtime.mode !== "live") return <views.SelfPaced {...props} />;
    return runtime.live?.role === "display" ? <views.Display {...props} /> : <views.Live {...props} />;
  };
}

const nothing = () => null;

export const mdxComponents: Record<string, (props: never) => ReactNode> = {
  Step,
  Tip,
  ...Object.fromEntries(MANIFEST_ONLY_TAGS.map((tag) => [tag, nothing])),
  ...Object.fromEntries(Object.values(ACTIVITY_VIEWS).flatMap((views) => Object.entries(views.parts ?? {}))),
  ...Object.fromEntries(Object.entries(ACTIVITY_VIEWS).map(([tag, views]) => [tag, modeSwitch(views as ActivityViews<{ id: string }>)])),
};
