import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/guard.server";
import { ROLES } from "~/auth/policy";
import { ExportLink } from "~/components/chart-controls";
import { formatDay, toQuery } from "~/reports/filters";
import { parseFilters } from "~/reports/filter-schemas.server";
import { impactFilterSchema } from "~/reports/impact-filters.server";
import { canvasserImpact } from "~/reports/impact.server";
import { formatRate } from "~/stats/intervals";
import { notFound } from "~/lib/http.server";
import { readQuery, routeParam } from "~/lib/request.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.person.name ?? "Canvasser"} · Impact · Reports · Doorstep` }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { user } = await requireUser({ request, context }, ROLES.seeImpact);
  const parsed = parseFilters(impactFilterSchema, readQuery(request));
  if (!parsed.ok) throw data(Object.values(parsed.errors)[0] ?? "One of the filters is not valid.", { status: 400 });
  const record = await canvasserImpact(user, routeParam(params, "id"), parsed.value);
  // Unknown, or outside this organiser's groups: the same 404 either way.
  if (!record) throw notFound("There is no canvasser with that id among the people you can see.");
  return record;
}

const n = (x: number) => x.toLocaleString("en-GB");

export default function CanvasserImpactPage() {
  const r = useLoaderData<typeof loader>();
  const f = r.filters;
  const query = toQuery({ group: f.group, kind: f.kind, target: f.target, from: f.from, to: f.to });
  return (
    <article>
      <nav aria-label="Breadcrumb" className="muted">
        <Link to={`/reports/impact${query}`}>Impact</Link> › {r.person.name}
      </nav>
      <h2>{r.person.name} at the door</h2>
      <p>
        {formatDay(f.from)} to {formatDay(f.to)}.{" "}
        {r.trainedOn ? `Completed every published module on ${formatDay(r.trainedOn)}.` : "Has not yet completed every published module."}{" "}
        <Link to={`/reports/activists/${encodeURIComponent(r.person.id)}`}>Training record</Link>
      </p>

      <section aria-labelledby="canvasser-rates-heading">
        <h3 id="canvasser-rates-heading">Before and after training</h3>
        <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="canvasser-rates-caption">
          <table className="report-table">
            <caption id="canvasser-rates-caption">Counts and rates with 95% Wilson intervals, before and after completing training</caption>
            <thead>
              <tr>
                <th scope="col">Figure</th>
                <th scope="col">Before</th>
                <th scope="col">After</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <th scope="row">Doors and calls</th>
                <td>{n(r.before.attempts)}</td>
                <td>{n(r.after.attempts)}</td>
              </tr>
              <tr>
                <th scope="row">Commitments</th>
                <td>{n(r.before.commitments)}</td>
                <td>{n(r.after.commitments)}</td>
              </tr>
              {r.rates.map((rate) => (
                <tr key={rate.key}>
                  <th scope="row">{rate.label}</th>
                  <td>{formatRate(rate.before)}</td>
                  <td>{formatRate(rate.after)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p className="muted">
          One person’s figures: a change may come from training, from different streets or from a different season. People who chose to train may differ from those who
          haven’t; this shows a difference, not its cause.
        </p>
      </section>

      <section aria-labelledby="canvasser-weeks-heading">
        <h3 id="canvasser-weeks-heading">Week by week</h3>
        {r.weeks.length === 0 ? (
          <p className="empty">No doors or calls in this period.</p>
        ) : (
          <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="canvasser-weeks-caption">
            <table className="report-table">
              <caption id="canvasser-weeks-caption">Doors and calls, contacts, conversations and commitments per week</caption>
              <thead>
                <tr>
                  <th scope="col">Week of</th>
                  <th scope="col">Trained</th>
                  <th scope="col" className="num">
                    Doors and calls
                  </th>
                  <th scope="col" className="num">
                    Contacts
                  </th>
                  <th scope="col" className="num">
                    Conversations
                  </th>
                  <th scope="col" className="num">
                    Commitments
                  </th>
                </tr>
              </thead>
              <tbody>
                {r.weeks.map((w) => {
                  const s = w.trained.attempts > 0 || w.trained.contacts > 0 ? w.trained : w.untrained;
                  const both = (w.trained.attempts > 0 || w.trained.contacts > 0) && (w.untrained.attempts > 0 || w.untrained.contacts > 0);
                  const sum = (k: "attempts" | "contacts" | "conversations" | "commitments") => (both ? w.trained[k] + w.untrained[k] : s[k]);
                  return (
                    <tr key={w.week}>
                      <th scope="row">{formatDay(w.week)}</th>
                      <td>{both ? "partly" : s === w.trained ? "yes" : "not yet"}</td>
                      <td className="num">{n(sum("attempts"))}</td>
                      <td className="num">{n(sum("contacts"))}</td>
                      <td className="num">{n(sum("conversations"))}</td>
                      <td className="num">{n(sum("commitments"))}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        <ExportLink href={`/reports/export/impact-canvasser${toQuery({ id: r.person.id, group: f.group, kind: f.kind, target: f.target, from: f.from, to: f.to })}`} label="Download week by week (CSV)" />
      </section>

      <section aria-labelledby="canvasser-areas-heading">
        <h3 id="canvasser-areas-heading">Areas</h3>
        {r.areas.length === 0 ? (
          <p className="empty">No areas in this period.</p>
        ) : (
          <ul className="record-list">
            {r.areas.map((a) => (
              <li key={a.groupId}>
                <Link to={`/reports/impact${toQuery({ group: a.groupId, from: f.from, to: f.to })}`}>{a.groupName}</Link>: {n(a.attempts)} doors and calls, {n(a.commitments)}{" "}
                commitments
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="canvasser-objections-heading">
        <h3 id="canvasser-objections-heading">Objections met</h3>
        {r.objections.length === 0 ? (
          <p className="empty">No debrief in this period named an objection.</p>
        ) : (
          <ul className="record-list">
            {r.objections.map((o) => (
              <li key={`${o.groupId}/${o.code}`}>
                {o.label} <span className="muted">({o.groupName}, {n(o.times)} of {n(o.debriefs)} debriefs)</span> · <Link to={o.practice.href}>{o.practice.label}</Link>
              </li>
            ))}
          </ul>
        )}
      </section>
    </article>
  );
}
