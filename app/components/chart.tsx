import { Link } from "@remix-run/react";
import { useId } from "react";

// Report charts: plain HTML/CSS bars and one small SVG, no chart library. Every chart is
// a <figure> whose visible text already carries the numbers (bars are decoration for
// sighted readers, hidden from screen readers), plus a "Show as a table" alternative.
// Bars are horizontal so long module and group names wrap on a phone instead of
// squeezing the chart.

export type ChartTone = "self" | "live" | "started" | "neutral" | "warn";

export interface ChartSeries {
  label: string;
  tone: ChartTone;
  /** How a number of this series reads in a sentence ("7 live"); defaults to the label in lower case. */
  short?: string;
}

export interface BarRow {
  label: string;
  href?: string;
  /** One value per series, stacked left to right. */
  values: number[];
  /** Extra text after the numbers, e.g. a percentage. */
  note?: string;
  highlight?: string;
}

const fmt = (n: number) => n.toLocaleString("en-GB");
const pct = (part: number, whole: number) => (whole > 0 ? (part / whole) * 100 : 0);

function Legend({ series }: { series: ChartSeries[] }) {
  if (series.length < 2) return null;
  return (
    <ul className="chart-legend" aria-hidden="true">
      {series.map((s) => (
        <li key={s.label}>
          <span className={`chart-swatch chart-tone--${s.tone}`} /> {s.label}
        </li>
      ))}
    </ul>
  );
}

function TableAlternative({ caption, head, rows }: { caption: string; head: string[]; rows: (string | number)[][] }) {
  return (
    <details className="chart-table">
      <summary>Show as a table</summary>
      <div className="table-wrap" tabIndex={0} role="region" aria-label={caption}>
        <table>
          <caption className="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              {head.map((h, i) => (
                <th key={h} scope="col" className={i > 0 ? "num" : undefined}>
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={i}>
                {r.map((cell, j) =>
                  j === 0 ? (
                    <th key={j} scope="row">
                      {cell}
                    </th>
                  ) : (
                    <td key={j} className="num">
                      {typeof cell === "number" ? fmt(cell) : cell}
                    </td>
                  ),
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

/** Horizontal (stacked) bars, one row per item, with the numbers written beside each bar. */
export function BarChart({
  title,
  description,
  series,
  rows,
  max,
  unit = "",
  totalLabel = "Total",
}: {
  title: string;
  description?: string;
  series: ChartSeries[];
  rows: BarRow[];
  max?: number;
  /** Written straight after each number, e.g. "%". */
  unit?: string;
  totalLabel?: string;
}) {
  const id = useId();
  const scale = max ?? Math.max(1, ...rows.map((r) => r.values.reduce((a, b) => a + b, 0)));
  const stacked = series.length > 1;
  return (
    <figure className="chart" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`} className="chart__title">
        {title}
      </figcaption>
      {description ? <p className="chart__description">{description}</p> : null}
      <Legend series={series} />
      {rows.length === 0 ? (
        <p className="muted">Nothing to show yet.</p>
      ) : (
        <ul className="chart-bars">
          {rows.map((row) => {
            const total = row.values.reduce((a, b) => a + b, 0);
            return (
              <li key={row.label} className={row.highlight ? "chart-bars__row--highlight" : undefined}>
                <span className="chart-bars__label">
                  {row.href ? <Link to={row.href}>{row.label}</Link> : row.label}
                  {row.highlight ? <span className="tag tag--bad">{row.highlight}</span> : null}
                </span>
                <span className="chart-bars__track" aria-hidden="true">
                  {row.values.map((v, i) => (
                    <span key={i} className={`chart-bars__fill chart-tone--${series[i]?.tone ?? "neutral"}`} style={{ width: `${pct(v, scale)}%` }} />
                  ))}
                </span>
                <span className="chart-bars__value">
                  {fmt(total)}
                  {unit}
                  {stacked ? (
                    <span className="chart-bars__parts">
                      {" "}
                      ({row.values.map((v, i) => `${fmt(v)} ${series[i]?.short ?? series[i]?.label.toLowerCase() ?? ""}`).join(", ")})
                    </span>
                  ) : null}
                  {row.note ? <span className="chart-bars__parts"> {row.note}</span> : null}
                </span>
              </li>
            );
          })}
        </ul>
      )}
      <TableAlternative
        caption={title}
        head={["", ...series.map((s) => s.label), ...(stacked ? [totalLabel] : []), ...(rows.some((r) => r.note) ? ["Note"] : [])]}
        rows={rows.map((r) => [
          r.label,
          ...r.values.map((v) => (unit ? `${fmt(v)}${unit}` : v)),
          ...(stacked ? [r.values.reduce((a, b) => a + b, 0)] : []),
          ...(rows.some((x) => x.note) ? [r.note ?? ""] : []),
        ])}
      />
    </figure>
  );
}

export interface FunnelRow {
  label: string;
  href?: string;
  started: number;
  completed: number;
}

/** Started → completed per item: the completed bar drawn inside the started one. */
export function FunnelChart({ title, description, rows }: { title: string; description?: string; rows: FunnelRow[] }) {
  const id = useId();
  const scale = Math.max(1, ...rows.map((r) => Math.max(r.started, r.completed)));
  const rate = (r: FunnelRow) => (r.started ? `${Math.round((r.completed / r.started) * 100)}%` : "–");
  return (
    <figure className="chart" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`} className="chart__title">
        {title}
      </figcaption>
      {description ? <p className="chart__description">{description}</p> : null}
      <Legend
        series={[
          { label: "Started", tone: "started" },
          { label: "Completed", tone: "self" },
        ]}
      />
      {rows.length === 0 ? (
        <p className="muted">Nothing to show yet.</p>
      ) : (
        <ul className="chart-bars">
          {rows.map((row) => (
            <li key={row.label}>
              <span className="chart-bars__label">{row.href ? <Link to={row.href}>{row.label}</Link> : row.label}</span>
              <span className="chart-bars__track chart-bars__track--funnel" aria-hidden="true">
                <span className="chart-bars__fill chart-tone--started" style={{ width: `${pct(row.started, scale)}%` }} />
                <span className="chart-bars__fill chart-bars__fill--inner chart-tone--self" style={{ width: `${pct(row.completed, scale)}%` }} />
              </span>
              <span className="chart-bars__value">
                {fmt(row.started)} started → {fmt(row.completed)} completed <span className="chart-bars__parts">({rate(row)})</span>
              </span>
            </li>
          ))}
        </ul>
      )}
      <TableAlternative caption={title} head={["Module", "Started", "Completed", "Completed of started"]} rows={rows.map((r) => [r.label, r.started, r.completed, rate(r)])} />
    </figure>
  );
}

export interface ColumnPoint {
  /** Axis label, e.g. "3 Mar". */
  label: string;
  /** Full label for sentences and the table, e.g. "3 Mar 2025". */
  longLabel: string;
  values: number[];
}

/**
 * Columns over time, stacked per series. CSS rather than SVG so the axis labels stay a
 * readable size on a phone; the sentence above the columns says what they show.
 */
export function ColumnChart({
  title,
  description,
  series,
  points,
  pointName = "week",
  labelEvery = 6,
}: {
  title: string;
  description?: string;
  series: ChartSeries[];
  points: ColumnPoint[];
  /** What one column is, for sentences: "the week of 3 Mar 2025". */
  pointName?: string;
  labelEvery?: number;
}) {
  const id = useId();
  const totals = points.map((p) => p.values.reduce((a, b) => a + b, 0));
  const max = Math.max(1, ...totals);
  const sum = totals.reduce((a, b) => a + b, 0);
  const peak = totals.indexOf(Math.max(...totals, 0));
  const summary =
    points.length === 0
      ? "No data."
      : `${fmt(sum)} in total from the ${pointName} of ${points[0]!.longLabel} to the ${pointName} of ${points[points.length - 1]!.longLabel}` +
        (sum > 0 ? `; the busiest was the ${pointName} of ${points[peak]!.longLabel}, with ${fmt(totals[peak]!)}.` : "; none yet.");
  return (
    <figure className="chart" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`} className="chart__title">
        {title}
      </figcaption>
      {description ? <p className="chart__description">{description}</p> : null}
      <p className="chart__description">{summary}</p>
      <Legend series={series} />
      <div className="chart-columns" aria-hidden="true">
        <div className="chart-columns__scale">
          <span>{fmt(max)}</span>
          <span>0</span>
        </div>
        <div className="chart-columns__plot" style={{ gridTemplateColumns: `repeat(${Math.max(1, points.length)}, 1fr)` }}>
          {points.map((p) => (
            <div key={p.longLabel} className="chart-columns__col">
              {p.values.map((v, s) => (v > 0 ? <span key={s} className={`chart-tone--${series[s]?.tone ?? "neutral"}`} style={{ height: `${pct(v, max)}%` }} /> : null))}
            </div>
          ))}
        </div>
        <div className="chart-columns__axis" style={{ gridTemplateColumns: `repeat(${Math.max(1, points.length)}, 1fr)` }}>
          {points.map((p, i) => (
            <span key={p.longLabel}>{i % labelEvery === 0 ? p.label : ""}</span>
          ))}
        </div>
      </div>
      <TableAlternative
        caption={title}
        head={[`${pointName[0]!.toUpperCase()}${pointName.slice(1)} of`, ...series.map((s) => s.label), ...(series.length > 1 ? ["Total"] : [])]}
        rows={points.map((p, i) => [p.longLabel, ...p.values, ...(series.length > 1 ? [totals[i]!] : [])])}
      />
    </figure>
  );
}
