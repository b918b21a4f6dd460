import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/guard.server";
import { may, ROLES } from "~/auth/policy";
import { ExportLink, FilterErrorSummary, Pagination, SortHeader } from "~/components/chart-controls";
import {
  CELL_STATUSES,
  ROLE_FILTERS,
  ROLE_FILTER_LABEL,
  STATUS_LABEL,
  formatDay,
  toQuery,
} from "~/reports/filters";
import { matrixFilterSchema, parseFilters, type MatrixFilters } from "~/reports/filter-schemas.server";
import { activistMatrix, type MatrixCell, type MatrixView } from "~/reports/matrix.server";
import { type ReportModule, type ScopeGroup } from "~/reports/scope.server";
import { readQuery } from "~/lib/request.server";

export const meta: MetaFunction = () => [{ title: "Activists · Reports · Doorstep" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requireUser({ request, context }, ROLES.seeReports);
  const view = await activistMatrix(user, parseFilters(matrixFilterSchema, readQuery(request)));
  return view.ok ? { ...view, canNudge: may.sendNudges(user.role) } : data(view, { status: 400 });
}

type FormValues = Partial<Record<keyof MatrixFilters, string>>;
const valuesOf = (f: MatrixFilters): FormValues => Object.fromEntries(Object.entries(f).map(([k, v]) => [k, v === undefined ? "" : String(v)]));

export default function ActivistMatrix() {
  const view = useLoaderData<typeof loader>();
  const values: FormValues = view.ok ? valuesOf(view.filters) : view.raw;
  return (
    <>
      <h2>Activists by module</h2>
      {!view.ok ? <FilterErrorSummary errors={view.errors} /> : null}
      <MatrixFilterForm values={values} errors={view.ok ? {} : view.errors} modules={view.modules} groupChoices={view.groupChoices} groupFilter={view.ok ? view.groupFilter : null} />
      {view.ok ? <MatrixResults view={view} /> : null}
    </>
  );
}

function MatrixFilterForm({
  values,
  errors,
  modules,
  groupChoices,
  groupFilter,
}: {
  values: FormValues;
  errors: Record<string, string>;
  modules: ReportModule[];
  groupChoices: { total: number; groups: ScopeGroup[] };
  groupFilter: ScopeGroup | null;
}) {
  const field = (name: string) => ({
    id: `filter-${name}`,
    name,
    "aria-invalid": errors[name] ? true : undefined,
    "aria-describedby": errors[name] ? `filter-${name}-error` : undefined,
  });
  const error = (name: string) =>
    errors[name] ? (
      <p className="field__error" id={`filter-${name}-error`}>
        {errors[name]}
      </p>
    ) : null;
  const wrap = (name: string) => `field${errors[name] ? " field--invalid" : ""}`;
  return (
    <Form method="get" className="filters filters--matrix" aria-label="Filter activists">
      <div className={wrap("q")}>
        <label htmlFor="filter-q">Name or email</label>
        <input type="search" defaultValue={values.q ?? ""} maxLength={100} {...field("q")} />
        {error("q")}
      </div>
      {groupChoices.groups.length > 0 || groupChoices.total === 0 ? (
        <div className={wrap("group")}>
          <label htmlFor="filter-group">Group</label>
          <select defaultValue={values.group ?? ""} {...field("group")}>
            <option value="">All my groups</option>
            {groupChoices.groups.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name} ({g.kind}
                {g.isTargetSeat ? ", target seat" : ""})
              </option>
            ))}
          </select>
          {error("group")}
        </div>
      ) : (
        <div className={wrap("gq")}>
          <label htmlFor="filter-gq">Group name contains</label>
          <input type="search" defaultValue={values.gq ?? ""} maxLength={100} {...field("gq")} />
          {groupFilter ? (
            <p className="field__hint">
              <input type="hidden" name="group" value={groupFilter.id} />
              Only <strong>{groupFilter.name}</strong>. <Link to={`/reports/activists${toQuery({ ...values, group: undefined, page: undefined })}`}>Show all groups</Link>
            </p>
          ) : null}
          {error("gq")}
          {error("group")}
        </div>
      )}
      <div className={wrap("module")}>
        <label htmlFor="filter-module">Module</label>
        <select defaultValue={values.module ?? ""} {...field("module")}>
          <option value="">All modules together</option>
          {modules.map((m) => (
            <option key={m.slug} value={m.slug}>
              {m.title}
            </option>
          ))}
        </select>
        {error("module")}
      </div>
      <div className={wrap("status")}>
        <label htmlFor="filter-status">Status</label>
        <select defaultValue={values.status ?? ""} {...field("status")}>
          <option value="">Any</option>
          {CELL_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s === "complete" && !values.module ? "Complete (trained: every module)" : STATUS_LABEL[s]}
            </option>
          ))}
        </select>
        {error("status")}
      </div>
      {/* Used less often, and a phone's whole first screen without this: folded away unless set. */}
      <details className="filters__more" open={Boolean(values.from || values.to || (values.role && values.role !== "activist") || errors.from || errors.to || errors.role)}>
        <summary>More filters: completion dates, role</summary>
        <div className="filters__more-fields">
          <div className={wrap("from")}>
            <label htmlFor="filter-from">Completed from</label>
            <input type="date" defaultValue={values.from ?? ""} {...field("from")} />
            {error("from")}
          </div>
          <div className={wrap("to")}>
            <label htmlFor="filter-to">Completed to</label>
            <input type="date" defaultValue={values.to ?? ""} {...field("to")} />
            {error("to")}
          </div>
          <div className={wrap("role")}>
            <label htmlFor="filter-role">Role</label>
            <select defaultValue={values.role || "activist"} {...field("role")}>
              {ROLE_FILTERS.map((r) => (
                <option key={r} value={r}>
                  {ROLE_FILTER_LABEL[r]}
                </option>
              ))}
            </select>
            {error("role")}
          </div>
        </div>
      </details>
      {values.sort && values.sort !== "name" ? <input type="hidden" name="sort" value={values.sort} /> : null}
      {values.dir === "desc" ? <input type="hidden" name="dir" value="desc" /> : null}
      {error("sort")}
      {error("dir")}
      {error("page")}
      <div className="button-row filters__actions">
        <button type="submit" className="button">
          Apply filters
        </button>
        <Link to="/reports/activists">Clear</Link>
      </div>
    </Form>
  );
}

function Cell({ cell }: { cell: MatrixCell }) {
  switch (cell.status) {
    case "self":
      return (
        <span className="cell cell--done">
          <span className="tag tag--good">Complete</span>
          <span className="cell__detail">self-paced · {formatDay(cell.date)}</span>
        </span>
      );
    case "live":
      return (
        <span className="cell cell--done">
          <span className="tag tag--good">Complete</span>
          <span className="cell__detail">live · {formatDay(cell.date)}</span>
        </span>
      );
    case "in-progress":
      return (
        <span className="cell">
          <span className="tag tag--warn">In progress</span>
          <span className="cell__detail">since {formatDay(cell.date)}</span>
        </span>
      );
    default:
      return <span className="cell cell--none">Not started</span>;
  }
}

function MatrixResults({ view }: { view: Extract<MatrixView, { ok: true }> & { canNudge: boolean } }) {
  const { filters, modules, page } = view;
  const query = (changes: Partial<Record<keyof MatrixFilters, string | number | undefined>>) => toQuery({ ...filters, ...changes });
  const sortHref = (sort: string, dir: "asc" | "desc") => `/reports/activists${query({ sort, dir, page: undefined })}`;
  const exportQuery = toQuery({ ...filters, sort: undefined, dir: undefined, page: undefined });
  return (
    <section aria-labelledby="matrix-heading">
      <h3 id="matrix-heading" className="matrix-summary" aria-live="polite">
        {page.total.toLocaleString("en-GB")} {page.total === 1 ? "person matches" : "people match"}
      </h3>
      <ExportLink href={`/reports/export/matrix${exportQuery}`} label={`Download these ${page.total.toLocaleString("en-GB")} rows (CSV)`} />
      {view.canNudge && page.total > 0 ? (
        <p>
          <Link className="button button--secondary" to={`/reports/nudges/new${exportQuery}`}>
            Nudge these people by email
          </Link>
        </p>
      ) : null}
      {page.rows.length === 0 ? (
        <p className="empty">{page.total === 0 ? "Nobody matches these filters. Try fewer filters, or clear them." : "There is nothing on this page."}</p>
      ) : (
        <div className="table-wrap table-wrap--matrix" tabIndex={0} role="region" aria-labelledby="matrix-caption">
          <table className="report-table matrix">
            <caption id="matrix-caption" className="visually-hidden">
              Activists and their status in each module, page {page.page} of {page.pageCount}. Column headers sort the table.
            </caption>
            <thead>
              <tr>
                <SortHeader label="Name" column="name" sort={filters.sort} dir={filters.dir} href={sortHref} className="matrix__name" />
                <SortHeader label="Groups" column="groups" sort={filters.sort} dir={filters.dir} href={sortHref} />
                <SortHeader label="Done" column="completed" sort={filters.sort} dir={filters.dir} href={sortHref} className="num" />
                {modules.map((m) => (
                  <SortHeader
                    key={m.slug}
                    label={m.title}
                    column={`m:${m.slug}`}
                    sort={filters.sort}
                    dir={filters.dir}
                    href={sortHref}
                    className={`matrix__module${filters.module === m.slug ? " matrix__module--filtered" : ""}`}
                  />
                ))}
              </tr>
            </thead>
            <tbody>
              {page.rows.map((r) => (
                <tr key={r.id}>
                  <th scope="row" className="matrix__name">
                    <Link to={`/reports/activists/${encodeURIComponent(r.id)}`}>{r.name}</Link>
                    <span className="matrix__email">{r.email}</span>
                    {r.role !== "activist" ? <span className="tag tag--muted">{r.role}</span> : null}
                  </th>
                  <td>{r.groups || <span className="muted">none</span>}</td>
                  <td className="num">
                    {r.completed}/{modules.length}
                  </td>
                  {modules.map((m) => (
                    <td key={m.slug}>
                      <Cell cell={r.cells[m.slug] ?? { status: "not-started", date: null }} />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pagination label="Activist pages" page={page.page} pageCount={page.pageCount} total={page.total} noun="people" href={(p) => `/reports/activists${query({ page: p })}`} />
    </section>
  );
}
