// The shape of an activity kind's views: one module per screen (ui/self.tsx, ui/live.tsx,
// ui/display.tsx), so a page loads only the view it shows (../registry.tsx).

/**
 * Where an activity shows: a self-paced step, a live session's phone or presenter screen
 * (one view; it picks its side from `useRuntime().live.role`), or the projector.
 */
export type ActivityScreen = "self" | "live" | "display";

/**
 * One screen's view of a kind. Each view module checks its own against its kind's props
 * (`satisfies ActivityView<Props>`): a type only, so this file adds no script to a page.
 */
export interface ActivityView<Props extends { id: string }> {
  View: (props: Props) => JSX.Element | null;
  /** Components for the tags authors write inside it, where the kind renders them itself (a role card). */
  parts?: Record<string, (props: never) => JSX.Element | null>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each kind has its own props; the registry only stores them
export type AnyActivityView = ActivityView<any>;
