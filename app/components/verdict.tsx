import type { ReactNode } from "react";
import { CheckIcon, CrossIcon } from "./icons";

/**
 * Right or wrong, said three ways (WCAG 1.4.1): a word, a shape (tick or cross) and a
 * colour. Someone who cannot tell the green from the red still reads it at a glance.
 */
export function Verdict({ right, children }: { right: boolean; children: ReactNode }) {
  return (
    <span className={`tag ${right ? "tag--good" : "tag--bad"} verdict`}>
      {right ? <CheckIcon /> : <CrossIcon />} {children}
    </span>
  );
}

/**
 * What a bar chart shows beside a right answer (./live/bar-chart.tsx, `rightMark`). Given by
 * the views that have right answers (quiz, record), so a poll's or a scenario's chart does not
 * load this module's script (issue 18 part 6, ADR 036).
 */
export const rightAnswerMark = <Verdict right>Right answer</Verdict>;
