// The shape of an activity kind's views; each kind's ui/index.tsx exports one (../registry.tsx).

/** A kind's views: self-paced, live (the presenter's or a participant's side) and the projector's. */
export interface ActivityViews<Props extends { id: string }> {
  SelfPaced: (props: Props) => JSX.Element | null;
  Live: (props: Props) => JSX.Element | null;
  /** The projector's read-only view in a live session: no forms, tallies in the author's order. */
  Display: (props: Props) => JSX.Element | null;
  /** Components for the tags authors write inside it, where the kind renders them itself (a role card). */
  parts?: Record<string, (props: never) => JSX.Element | null>;
}

/** Ties a kind's views to one props type, so a view that expects other props does not typecheck. */
export const activityViews = <Props extends { id: string }>(views: ActivityViews<Props>) => views;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each kind has its own props; the registry only stores them
export type AnyActivityViews = ActivityViews<any>;
