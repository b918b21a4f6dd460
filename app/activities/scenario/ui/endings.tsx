import { Children, isValidElement, type ReactElement, type ReactNode } from "react";

/** How a scenario ending's outcome is labelled, self-paced and live alike. */
export const ENDING_OUTCOMES: Record<string, { label: string; tag: string }> = {
  good: { label: "Good ending", tag: "tag--good" },
  mixed: { label: "Mixed ending", tag: "tag--warn" },
  lost: { label: "Lost", tag: "tag--bad" },
};

/** The ending's outcome as its labelled tag, on every screen that shows an ending. */
export function EndingTag({ outcome }: { outcome: string }) {
  return <span className={`tag ${ENDING_OUTCOMES[outcome]?.tag ?? ""}`}>{ENDING_OUTCOMES[outcome]?.label ?? outcome}</span>;
}

/** The debrief an author wrote inside the `<Ending id>` a run reached. */
export function endingDebrief(children: ReactNode, endingId: string): ReactNode {
  const match = Children.toArray(children).find(
    (child): child is ReactElement<{ id: string; children?: ReactNode }> => isValidElement(child) && (child.props as { id?: string }).id === endingId,
  );
  return match?.props.children ?? null;
}

/** `<Ending>` holds the debrief the scenario view shows for the ending a run reached (`endingDebrief`). */
const Ending = ({ children }: { id: string; children?: ReactNode }) => <>{children}</>;

/** The tags inside `<Scenario>` that render, the same on every screen. */
export const SCENARIO_PARTS = { Ending };
