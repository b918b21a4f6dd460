import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/guard.server";
import { ROLES } from "~/auth/policy";
import { ExportLink, FilterErrorSummary } from "~/components/chart-controls";
import { GROUP_KIND_FILTERS, formatDay, formatDayTime, toQuery } from "~/reports/filters";
import { parseFilters } from "~/reports/filter-schemas.server";
import { impactFilterSchema, type ImpactFilters } from "~/reports/impact-filters.server";
import { impactGroupChoices, impactReport, OBJECTION_PAGE, summariseObjections, type ImpactReport, type ObjectionSummary, type SideTotals } from "~/reports/impact.server";
import type { ScopeGroup } from "~/reports/scope.server";
import { formatDifference, formatRate } from "~/stats/intervals";
import { readQuery } from "~/lib/request.server";

export const meta: MetaFunction = () => [{ title: "Impact · Reports · Doorstep" }];

// The impact report (docs/reports.md, "Impact"): field results of trained and not-yet-
// trained canvassers in the viewer's groups, over a period, with intervals and notes.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requireUser({ request, context }, ROLES.seeImpact);
  const parsed = parseFilters(impactFilterSchema, readQuery(request));
  if (!parsed.ok) return data({ ok: false as const, errors: parsed.errors, raw: parsed.raw, groups: await impactGroupChoices(user) }, { status: 400 });
  // The admin's whole-movement page may show the last figures (at most an hour old, labelled)
  // while fresh ones are computed in the background (ADR 045).
  const result = await impactReport(user, parsed.value, undefined, { serveStale: true });
  if (!result.ok) return data({ ok: false as const, errors: result.errors, raw: valuesOf(parsed.value), groups: await impactGroupChoices(user) }, { status: 400 });
  // The page shows a summary of the objections; the full table is the CSV (ADR 042).
  const { rows, areas, total } = summariseObjections(result.report.objections);
  // The limits travel with the data: a .server module's values are not in the browser's bundle.
  return { ok: true as const, report: { ...result.report, objections: rows, objectionsIn: { areas, total, limits: OBJECTION_PAGE } } };
}

type PageReport = ImpactReport & { objectionsIn: Omit<ObjectionSummary, "rows"> & { limits: { areas: number; perArea: number } } };

type FormValues = Partial<Record<keyof ImpactFilters, string>>;
const valuesOf = (f: ImpactFilters): FormValues => Object.fromEntries(Object.entries(f).map(([k, v]) => [k, v === undefined ? "" : String(v)]));
const n = (x: number) => x.toLocaleString("en-GB");
const pct = (part: number, whole: number) => (whole > 0 ? `${Math.round((part / whole) * 100)}%` : "–");

export default function ImpactPage() {
  const result = useLoaderData<typeof loader>();
  return (
    <>
      <h2>Impact at the door</h2>
      <p className="muted">
        Doors, calls and what came of them, from debriefs and imported canvass results. “Trained” means every published module complete; see{" "}
        <a href="#how-to-read">how to read this page</a>.
      </p>
      {!result.ok ? <FilterErrorSummary errors={result.errors} /> : null}
      <ImpactFilterForm
        values={result.ok ? valuesOf(result.report.filters) : result.raw}
        errors={result.ok ? {} : result.errors}
        groups={result.ok ? result.report.groups : result.groups}
      />
      {result.ok && result.report.asOf ? (
        <p className="muted" role="status">
          Figures as of <time dateTime={result.report.asOf}>{formatDayTime(result.report.asOf)}</time>, updating: newer records are being counted; reload in a moment for them.
        </p>
      ) : null}
      {result.ok ? <ImpactResults report={result.report} /> : null}
    </>
  );
}

function ImpactFilterForm({ values, errors, groups }: { values: FormValues; errors: Record<string, string>; groups: { total: number; groups: ScopeGroup[] } }) {
  const field = (name: string) => ({
    id: `impact-${name}`,
    name,
    "aria-invalid": errors[name] ? true : undefined,
    "aria-describedby": errors[name] ? `impact-${name}-error` : undefined,
  });
  const error = (name: string) =>
    errors[name] ? (
      <p className="field__error" id={`impact-${name}-error`}>
        {errors[name]}
      </p>
    ) : null;
  const wrap = (name: string) => `field${errors[name] ? " field--invalid" : ""}`;
  return (
    <Form method="get" className="filters" aria-label="Impact report filters">
      <div className={wrap("group")}>
        <label htmlFor="impact-group">Area (group)</label>
        {groups.groups.length > 0 || groups.total === 0 ? (
          <select defaultValue={values.group ?? ""} {...field("group")}>
            <option value="">All my groups</option>
            {groups.groups.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name} ({g.kind}
                {g.isTargetSeat ? ", target seat" : ""})
              </option>
            ))}
          </select>
        ) : (
          // Too many groups for a list: the group's id, as in the address of its activists page.
          <input type="text" defaultValue={values.group ?? ""} maxLength={36} {...field("group")} />
        )}
        {error("group")}
      </div>
      <div className={wrap("kind")}>
        <label htmlFor="impact-kind">Kind of group</label>
        <select defaultValue={values.kind ?? ""} {...field("kind")}>
          <option value="">All kinds</option>
          {GROUP_KIND_FILTERS.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
        {error("kind")}
      </div>
      <div className={wrap("from")}>
        <label htmlFor="impact-from">From</label>
        <input type="date" defaultValue={values.from ?? ""} {...field("from")} />
        {error("from")}
      </div>
      <div className={wrap("to")}>
        <label htmlFor="impact-to">To</label>
        <input type="date" defaultValue={values.to ?? ""} {...field("to")} />
        {error("to")}
      </div>
      <label className="checkbox filters__check">
        <input type="checkbox" name="target" value="1" defaultChecked={values.target === "1"} />
        <span>Target seats only</span>
      </label>
      {error("target")}
      <div className="button-row">
        <button type="submit" className="button">
          Apply
        </button>
        <Link to="/reports/impact">Reset</Link>
      </div>
    </Form>
  );
}

function ImpactResults({ report: r }: { report: PageReport }) {
  const f = r.filters;
  const query = toQuery({ group: f.group, kind: f.kind, target: f.target, from: f.from, to: f.to });
  const csv = (table: string) => `/reports/export/${table}${query}`;
  const period = `${formatDay(f.from)} to ${formatDay(f.to)}`;
  if (r.canvassers.active === 0 && r.canvasserCount === 0) {
    return (
      <p className="empty">
        No doors or calls are recorded for {r.areaLabel}, {period}. Figures appear once canvassers log debriefs or an organiser imports canvass results.
      </p>
    );
  }
  return (
    <>
      <p>
        <strong>{r.areaLabel}</strong>, {period}.
      </p>
      <dl className="stat-cards">
        <div className="stat-card">
          <dt>Active canvassers</dt>
          <dd>{n(r.canvassers.active)}</dd>
        </div>
        <div className="stat-card">
          <dt>Of them trained</dt>
          <dd>
            {n(r.canvassers.trained)} <span className="stat-card__note">{formatRate(r.canvassers.share)}</span>
          </dd>
        </div>
        <div className="stat-card">
          <dt>Doors and calls</dt>
          <dd>{n(r.sides.trained.attempts + r.sides.untrained.attempts)}</dd>
        </div>
        <div className="stat-card">
          <dt>Commitments</dt>
          <dd>{n(r.sides.trained.commitments + r.sides.untrained.commitments)}</dd>
        </div>
      </dl>
      <p className="muted">{r.canvassers.shareNote}</p>

      <section aria-labelledby="impact-compare-heading">
        <h3 id="impact-compare-heading">Trained and not-yet-trained canvassers side by side</h3>
        <SideTable trained={r.sides.trained} untrained={r.sides.untrained} />
        <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="impact-rates-caption">
          <table className="report-table">
            <caption id="impact-rates-caption">Rates with 95% confidence intervals, and the difference (trained − not yet trained)</caption>
            <thead>
              <tr>
                <th scope="col">Rate</th>
                <th scope="col">Trained</th>
                <th scope="col">Not yet trained</th>
                <th scope="col">Difference</th>
              </tr>
            </thead>
            <tbody>
              {r.comparisons.map((c) => (
                <tr key={c.key}>
                  <th scope="row">{c.label}</th>
                  <td>
                    {formatRate(c.trained)}
                    <br />
                    <span className="muted">
                      {n(c.trained.successes)} of {n(c.trained.trials)}
                    </span>
                  </td>
                  <td>
                    {formatRate(c.untrained)}
                    <br />
                    <span className="muted">
                      {n(c.untrained.successes)} of {n(c.untrained.trials)}
                    </span>
                  </td>
                  <td>{formatDifference(c.difference)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <ul className="impact-notes">
          {r.comparisons.map((c) => (
            <li key={c.key}>
              <strong>{c.label}.</strong> {c.note}
            </li>
          ))}
        </ul>
        <ExportLink href={csv("impact-rates")} label="Download trained vs not yet trained (CSV)" />
      </section>

      <section aria-labelledby="impact-within-heading">
        <h3 id="impact-within-heading">The same canvassers before and after training</h3>
        {r.within.people === 0 ? (
          <p className="empty">Nobody in this area and period was out both before and after completing their training.</p>
        ) : (
          <>
            <p>
              {n(r.within.people)} {r.within.people === 1 ? "canvasser was" : "canvassers were"} out both before and after completing their training in this period.
            </p>
            <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="impact-within-caption">
              <table className="report-table">
                <caption id="impact-within-caption">Average change in each person’s own rate, after training minus before, with 95% confidence interval</caption>
                <thead>
                  <tr>
                    <th scope="col">Rate</th>
                    <th scope="col" className="num">
                      People
                    </th>
                    <th scope="col">Average change</th>
                  </tr>
                </thead>
                <tbody>
                  {r.within.rates.map((w) => (
                    <tr key={w.key}>
                      <th scope="row">{w.label}</th>
                      <td className="num">{n(w.change.n)}</td>
                      <td>{changeText(w.change)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <ul className="impact-notes">
              {r.within.rates.map((w) => (
                <li key={w.key}>
                  <strong>{w.label}.</strong> {w.note}
                </li>
              ))}
            </ul>
          </>
        )}
        <ExportLink href={csv("impact-within")} label="Download before and after (CSV)" />
      </section>

      <section aria-labelledby="impact-weeks-heading">
        <h3 id="impact-weeks-heading">Week by week</h3>
        <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="impact-weeks-caption">
          <table className="report-table">
            <caption id="impact-weeks-caption">Doors and calls, contact rate and commitments per week, trained and not yet trained</caption>
            <thead>
              <tr>
                <th scope="col">Week of</th>
                <th scope="col" className="num">
                  Trained: doors and calls
                </th>
                <th scope="col" className="num">
                  Contact rate
                </th>
                <th scope="col" className="num">
                  Commitments
                </th>
                <th scope="col" className="num">
                  Not yet trained: doors and calls
                </th>
                <th scope="col" className="num">
                  Contact rate
                </th>
                <th scope="col" className="num">
                  Commitments
                </th>
              </tr>
            </thead>
            <tbody>
              {r.weeks.map((w) => (
                <tr key={w.week}>
                  <th scope="row">{formatDay(w.week)}</th>
                  <td className="num">{n(w.trained.attempts)}</td>
                  <td className="num">{pct(w.trained.contacts, w.trained.attempts)}</td>
                  <td className="num">{n(w.trained.commitments)}</td>
                  <td className="num">{n(w.untrained.attempts)}</td>
                  <td className="num">{pct(w.untrained.contacts, w.untrained.attempts)}</td>
                  <td className="num">{n(w.untrained.commitments)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <ExportLink href={csv("impact-weeks")} label="Download week by week (CSV)" />
      </section>

      <section aria-labelledby="impact-objections-heading">
        <h3 id="impact-objections-heading">Objections met, per area</h3>
        {r.objections.length === 0 ? (
          <p className="empty">No debrief in this area and period named an objection.</p>
        ) : (
          <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="impact-objections-caption">
            <table className="report-table">
              <caption id="impact-objections-caption">How many debriefs met each objection, most frequent first in each area, with the practice for it</caption>
              <thead>
                <tr>
                  <th scope="col">Area</th>
                  <th scope="col">Objection</th>
                  <th scope="col" className="num">
                    Debriefs
                  </th>
                  <th scope="col">Practise it</th>
                </tr>
              </thead>
              <tbody>
                {r.objections.map((o) => (
                  <tr key={`${o.groupId}/${o.code}`}>
                    <td>{o.groupName}</td>
                    <th scope="row">{o.label}</th>
                    <td className="num">
                      {n(o.times)} <span className="muted">of {n(o.debriefs)}</span>
                    </td>
                    <td>
                      <Link to={o.practice.href}>{o.practice.label}</Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {r.objections.length < r.objectionsIn.total ? (
          <p className="muted" id="impact-objections-more">
            Showing the {n(Math.min(r.objectionsIn.areas, r.objectionsIn.limits.areas))} areas with the most debriefs (of {n(r.objectionsIn.areas)}) and the{" "}
            {r.objectionsIn.limits.perArea} objections met most in each: {n(r.objections.length)} of {n(r.objectionsIn.total)} rows. Pick an area above
            for one area&apos;s, or download every area and objection:
          </p>
        ) : null}
        <ExportLink href={csv("impact-objections")} label="Download objections per area (CSV)" />
      </section>

      <section aria-labelledby="impact-canvassers-heading">
        <h3 id="impact-canvassers-heading">Canvassers</h3>
        <p className="muted">
          {r.canvasserCount > r.topCanvassers.length
            ? `The ${r.topCanvassers.length} with the most doors and calls of ${n(r.canvasserCount)}; the CSV has everyone.`
            : `${n(r.canvasserCount)} ${r.canvasserCount === 1 ? "canvasser" : "canvassers"}, the most doors and calls first.`}
        </p>
        <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="impact-canvassers-caption">
          <table className="report-table">
            <caption id="impact-canvassers-caption" className="visually-hidden">
              Canvassers with their doors and calls, contact rate and commitments
            </caption>
            <thead>
              <tr>
                <th scope="col">Canvasser</th>
                <th scope="col">Trained on</th>
                <th scope="col" className="num">
                  Doors and calls
                </th>
                <th scope="col" className="num">
                  Contact rate
                </th>
                <th scope="col" className="num">
                  Commitments
                </th>
              </tr>
            </thead>
            <tbody>
              {r.topCanvassers.map((c) => (
                <tr key={c.id}>
                  <th scope="row" className="breakable">
                    <Link to={`/reports/impact/activists/${encodeURIComponent(c.id)}${query}`}>{c.name}</Link>
                  </th>
                  <td>{c.trainedOn ? formatDay(c.trainedOn) : <span className="muted">not yet</span>}</td>
                  <td className="num">{n(c.attempts)}</td>
                  <td className="num">{pct(c.contacts, c.attempts)}</td>
                  <td className="num">{n(c.commitments)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <ExportLink href={csv("impact-canvassers")} label="Download every canvasser (CSV)" />
      </section>

      <section aria-labelledby="how-to-read" className="impact-howto">
        <h3 id="how-to-read">How to read this page</h3>
        <ul>
          <li>Contact rate = contacts ÷ doors and calls; conversation rate = conversations ÷ contacts; commitment rate = commitments ÷ conversations.</li>
          <li>
            A day out counts as trained when the canvasser had completed every published module before that day, so someone who trained during the period appears on both
            sides.
          </li>
          <li>
            The intervals are 95% Wilson intervals, widened for the fact that one canvasser’s doors are not independent of each other; the difference uses Newcombe’s method.
          </li>
          <li>An interval that crosses zero means the data cannot tell the two sides apart.</li>
        </ul>
        <p className="muted">Every figure is defined in the project’s docs/reports.md (section “Impact”).</p>
      </section>
    </>
  );
}

function SideTable({ trained, untrained }: { trained: SideTotals; untrained: SideTotals }) {
  const rows: [string, (s: SideTotals) => number][] = [
    ["Canvassers", (s) => s.people],
    ["Doors and calls", (s) => s.attempts],
    ["Contacts", (s) => s.contacts],
    ["Conversations", (s) => s.conversations],
    ["Commitments", (s) => s.commitments],
  ];
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="impact-sides-caption">
      <table className="report-table">
        <caption id="impact-sides-caption">Counts for days out by trained and by not-yet-trained canvassers</caption>
        <thead>
          <tr>
            <th scope="col">Count</th>
            <th scope="col" className="num">
              Trained
            </th>
            <th scope="col" className="num">
              Not yet trained
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([label, of]) => (
            <tr key={label}>
              <th scope="row">{label}</th>
              <td className="num">{n(of(trained))}</td>
              <td className="num">{n(of(untrained))}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function changeText(change: { n: number; mean: number | null; low: number; high: number }): string {
  if (change.mean === null) return "no data";
  const pts = (x: number) => {
    const v = Math.round(x * 100);
    return v > 0 ? `+${v}` : v < 0 ? `−${Math.abs(v)}` : "0";
  };
  if (!Number.isFinite(change.low)) return `${pts(change.mean)} points (one person: no interval)`;
  return `${pts(change.mean)} points (95% CI ${pts(change.low)} to ${pts(change.high)})`;
}
