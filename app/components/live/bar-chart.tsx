import type { ReactNode } from "react";
import { ChosenIcon, LeadingIcon } from "../icons";

export interface Bar {
  id: string;
  label: string;
  count: number;
  /** Marked as a right answer (once revealed), with the chart's `rightMark`. */
  correct?: boolean;
  /** This screen's own answer. */
  mine?: boolean;
  /** Highlighted, e.g. the most voted reply. */
  leading?: boolean;
}

/**
 * A horizontal bar chart that is also a plain list: every bar says its count and share
 * in text, so screen readers and a projector at the back of a hall both get the numbers.
 * `rightMark` (../verdict.tsx's `rightAnswerMark`) is shown beside each right answer.
 */
export function BarChart({ label, bars, total, rightMark }: { label: string; bars: Bar[]; total?: number; rightMark?: ReactNode }) {
  const sum = total ?? bars.reduce((n, b) => n + b.count, 0);
  return (
    <figure className="bar-chart">
      <figcaption className="bar-chart__caption">{label}</figcaption>
      <ul className="bar-chart__bars">
        {bars.map((bar) => {
          const pct = sum ? Math.round((bar.count / sum) * 100) : 0;
          return (
            <li key={bar.id} className={`bar-chart__row${bar.correct ? " bar-chart__row--correct" : ""}${bar.leading ? " bar-chart__row--leading" : ""}`}>
              <span className="bar-chart__label">
                {bar.correct ? rightMark : null} {bar.label}
                {bar.mine ? (
                  <strong className="bar-chart__mine">
                    {" "}
                    <ChosenIcon /> (you)
                  </strong>
                ) : null}
                {bar.leading ? (
                  <span className="bar-chart__leading">
                    {" "}
                    <LeadingIcon /> most votes
                  </span>
                ) : null}
              </span>
              <span className="bar-chart__track" aria-hidden="true">
                <span className="bar-chart__fill" style={{ width: `${pct}%` }} />
              </span>
              <span className="bar-chart__value" data-count={bar.count}>
                {bar.count} <span className="muted">({pct}%)</span>
              </span>
            </li>
          );
        })}
      </ul>
    </figure>
  );
}
