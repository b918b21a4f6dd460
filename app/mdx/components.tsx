import { useEffect, type ReactNode } from "react";
import { ACTIVITY_KINDS, ACTIVITY_PARTS, loadActivityViews, MANIFEST_ONLY_TAGS, screenOf, useActivityView, type ActivityTag } from "~/activities/registry";
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

/**
 * The MDX component for a kind: its view for the screen the page is (self-paced, live, the
 * projector). Each is its own chunk (registry.tsx); pages load it before they render, so
 * the placeholder shows only if that failed (it tries again).
 */
function modeSwitch(tag: ActivityTag) {
  return function Activity(props: { id: string }) {
    const screen = screenOf(useRuntime());
    const view = useActivityView(tag, screen);
    useEffect(() => {
      if (!view) loadActivityViews([ACTIVITY_KINDS[tag].kind], screen).catch(() => {});
    }, [view, screen]);
    if (!view) return <p className="muted" role="status">Loading the activity…</p>;
    return <view.View {...props} />;
  };
}

/** A tag a kind renders inside its own (a role card): the kind's view is loaded whenever its tag is. */
function part(owner: ActivityTag, name: string) {
  return function ActivityPart(props: Record<string, unknown>) {
    const Part = useActivityView(owner, screenOf(useRuntime()))?.parts?.[name] as ((props: Record<string, unknown>) => JSX.Element | null) | undefined;
    return Part ? <Part {...props} /> : null;
  };
}

const nothing = () => null;

export const mdxComponents: Record<string, (props: never) => ReactNode> = {
  Step,
  Tip,
  ...Object.fromEntries(MANIFEST_ONLY_TAGS.map((tag) => [tag, nothing])),
  ...Object.fromEntries(Object.entries(ACTIVITY_PARTS).map(([name, owner]) => [name, part(owner, name)])),
  ...Object.fromEntries(Object.keys(ACTIVITY_KINDS).map((tag) => [tag, modeSwitch(tag as ActivityTag)])),
};
