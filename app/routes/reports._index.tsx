import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/guard.server";
import { ROLES } from "~/auth/policy";
import { BarChart, ColumnChart, FunnelChart } from "~/components/chart";
import { ExportLink, FilterErrorSummary, Pagination } from "~/components/chart-controls";
import {
  GROUP_KIND_FILTERS,
  formatDay,
  formatShortDay,
  percent,
  toQuery,
} from "~/reports/filters";
import { overviewFilterSchema, parseFilters, type OverviewFilters } from "~/reports/filter-schemas.server";
import { reportOverview, type Overview } from "~/reports/overview.server";
import { readQuery } from "~/lib/request.server";

export const meta: MetaFunction = () => [{ title: "Reports · Doorstep" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requireUser({ request, context }, ROLES.seeReports);
  const parsed = parseFilters(overviewFilterSchema, readQuery(request));
  if (!parsed.ok) return data({ ok: false as const, errors: parsed.errors, raw: parsed.raw }, { status: 400 });
  const overview = await reportOverview(user, parsed.value);
  return { ok: true as const, overview, filters: parsed.value };
}

const SERIES = [
  { label: "Self-paced", tone: "self" as const },
  { label: "Live session", tone: "live" as const, short: "live" },
];

export default function ReportsOverview() {
  const result = useLoaderData<typeof loader>();
  if (!result.ok) {
    return (
      <>
        <h2>Overview</h2>
        <FilterErrorSummary errors={result.errors} />
        <GroupFilters values={result.raw} errors={result.errors} />
      </>
    );
  }
  const { overview: o, filters } = result;
  if (o.groupCount === 0) {
    return (
      <>
        <h2>Overview</h2>
        <p className="empty">You don't organise any groups yet. An admin can add you to your branch or constituency; its reports appear here.</p>
      </>
    );
  }
  const csv = (table: string, extra = "") => `/reports/export/${table}${extra}`;
  return (
    <>
      <h2>Overview</h2>
      <dl className="stat-cards">
        <div className="stat-card">
          <dt>Activists</dt>
          <dd>{o.activists.toLocaleString("en-GB")}</dd>
        </div>
        <div className="stat-card">
          <dt>Trained (all {o.moduleCount} modules)</dt>
          <dd>
            {o.trained.toLocaleString("en-GB")} <span className="stat-card__note">{percent(o.trained, o.activists)}%</span>
          </dd>
        </div>
        <div className="stat-card">
          <dt>Groups</dt>
          <dd>{o.groupCount.toLocaleString("en-GB")}</dd>
        </div>
      </dl>
      {o.moduleCount === 0 ? <p className="alert alert--info">No modules are published yet, so nobody can be trained. Figures appear once modules are published.</p> : null}

      <section aria-labelledby="modules-heading">
        <h3 id="modules-heading">Completions per module</h3>
        <BarChart
          title="Activists who completed each module, self-paced or in a live session"
          series={SERIES}
          rows={o.modules.map((m) => ({ label: m.title, href: `/reports/modules/${m.slug}`, values: [m.self, m.live], note: `${percent(m.self + m.live, o.activists)}% of activists` }))}
          max={Math.max(1, o.activists)}
        />
        <ExportLink href={csv("modules")} label="Download completions per module (CSV)" />
      </section>

      <section aria-labelledby="weeks-heading">
        <h3 id="weeks-heading">Completions over time</h3>
        <ColumnChart
          title={`Module completions per week, last ${o.weeks.length} weeks`}
          series={SERIES}
          points={o.weeks.map((w) => ({ label: formatShortDay(w.week), longLabel: formatDay(w.week), values: [w.self, w.live] }))}
        />
        <ExportLink href={csv("weeks")} label="Download completions per week (CSV)" />
      </section>

      <section aria-labelledby="funnel-heading">
        <h3 id="funnel-heading">From starting to completing</h3>
        <FunnelChart
          title="Activists who started each module, and how many of them completed it"
          description="Started means opened at least one step, or completed it in a live session."
          rows={o.modules.map((m) => ({ label: m.title, href: `/reports/modules/${m.slug}`, started: m.started, completed: m.self + m.live }))}
        />
      </section>

      <section aria-labelledby="groups-heading">
        <h3 id="groups-heading">Groups</h3>
        <p className="muted">
          Completion rate = module completions ÷ (activists × {o.moduleCount} published modules). Target seats below {o.threshold}% come first, marked
          “Behind”; then the lowest rates.
        </p>
        <GroupFilters values={filtersToValues(filters)} />
        <GroupTable overview={o} filters={filters} />
        <ExportLink href={csv("groups", toQuery({ threshold: filters.threshold, kind: filters.kind, target: filters.target }))} label="Download all groups (CSV)" />
      </section>
    </>
  );
}

function filtersToValues(f: OverviewFilters): Record<string, string> {
  return { threshold: String(f.threshold), kind: f.kind ?? "", target: f.target ?? "" };
}

function GroupFilters({ values, errors = {} }: { values: Record<string, string>; errors?: Record<string, string> }) {
  return (
    <Form method="get" className="filters" aria-label="Group table filters">
      <div className={`field${errors.kind ? " field--invalid" : ""}`}>
        <label htmlFor="kind">Kind</label>
        <select id="kind" name="kind" defaultValue={values.kind ?? ""} aria-invalid={errors.kind ? true : undefined}>
          <option value="">All kinds</option>
          {GROUP_KIND_FILTERS.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
      </div>
      <div className={`field${errors.threshold ? " field--invalid" : ""}`}>
        <label htmlFor="threshold">Target seat threshold (%)</label>
        <input
          id="threshold"
          name="threshold"
          type="number"
          min={0}
          max={100}
          inputMode="numeric"
          defaultValue={values.threshold ?? ""}
          aria-invalid={errors.threshold ? true : undefined}
          aria-describedby={errors.threshold ? "threshold-error" : undefined}
        />
        {errors.threshold ? (
          <p className="field__error" id="threshold-error">
            {errors.threshold}
          </p>
        ) : null}
      </div>
      <label className="checkbox filters__check">
        <input type="checkbox" name="target" value="1" defaultChecked={values.target === "1"} />
        <span>Target seats only</span>
      </label>
      <div className="button-row">
        <button type="submit" className="button">
          Apply
        </button>
        <Link to="/reports">Reset</Link>
      </div>
    </Form>
  );
}

function GroupTable({ overview: o, filters }: { overview: Overview; filters: OverviewFilters }) {
  const { rows, total, page, pageCount } = o.groups;
  if (total === 0) return <p className="empty">No groups match these filters.</p>;
  return (
    <>
      <div className="table-wrap" tabIndex={0} role="region" aria-label="Groups with activists, trained and completion rate">
        <table className="report-table">
          <caption className="visually-hidden">Groups with activists, trained and completion rate</caption>
          <thead>
            <tr>
              <th scope="col">Group</th>
              <th scope="col">Kind</th>
              <th scope="col" className="num">
                Activists
              </th>
              <th scope="col" className="num">
                Trained
              </th>
              <th scope="col" className="num">
                Completion rate
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((g) => (
              <tr key={g.id} className={g.behind ? "row--behind" : undefined}>
                <th scope="row" className="breakable">
                  <Link to={`/reports/activists?group=${g.id}`}>{g.name}</Link> {g.isTargetSeat ? <span className="tag tag--warn">Target seat</span> : null}{" "}
                  {g.behind ? <span className="tag tag--bad">Behind</span> : null}
                </th>
                <td>{g.kind}</td>
                <td className="num">{g.activists.toLocaleString("en-GB")}</td>
                <td className="num">
                  {g.trained.toLocaleString("en-GB")} <span className="muted">({percent(g.trained, g.activists)}%)</span>
                </td>
                <td className="num">{g.rate === null ? <span className="muted">no activists</span> : `${g.rate}%`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pagination
        label="Group table pages"
        page={page}
        pageCount={pageCount}
        total={total}
        noun="groups"
        href={(p) => `/reports${toQuery({ threshold: filters.threshold, kind: filters.kind, target: filters.target, gpage: p })}`}
      />
    </>
  );
}
