import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/guard.server";
import { ROLES } from "~/auth/policy";
import { notFound } from "~/lib/http.server";
import { readQuery, routeParam } from "~/lib/request.server";
import { OUTCOME_LABEL } from "~/reports/evaluation-labels";
import { evaluationDetail } from "~/reports/evaluations.server";
import { formatDifference, formatRate } from "~/stats/intervals";

export const meta: MetaFunction = () => [{ title: "Evaluation · Reports · Doorstep" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { user } = await requireUser({ request, context }, ROLES.runEvaluations);
  const detail = await evaluationDetail(user, routeParam(params, "id"));
  if (!detail) throw notFound("There is no such evaluation in your groups.");
  return { ...detail, registered: readQuery(request).get("registered") === "1" };
}

const people = (n: number) => `${n.toLocaleString("en-GB")} ${n === 1 ? "person" : "people"}`;

export default function EvaluationPage() {
  const d = useLoaderData<typeof loader>();
  const e = d.evaluation;
  const registeredAt = e.registeredAt.replace("T", " ").replace("Z", " UTC");
  const [now, later] = d.arms;
  return (
    <>
      <h2 className="breakable">{e.name}</h2>
      {d.registered ? (
        <div className="alert alert--success" role="status">
          Registered at {registeredAt}. The outcome, the period and who is in each arm are now fixed.
        </div>
      ) : null}
      <section className="card" aria-labelledby="prereg-heading">
        <h3 id="prereg-heading">Pre-registration</h3>
        <dl className="facts">
          <dt>Registered</dt>
          <dd>
            <time dateTime={e.registeredAt} data-testid="registered-at">
              {registeredAt}
            </time>
            {e.createdByName ? ` by ${e.createdByName}` : ""}
          </dd>
          <dt>Design</dt>
          <dd>Train now against train later, split at random within each group</dd>
          <dt>Outcome</dt>
          <dd>
            {OUTCOME_LABEL[e.outcome]}
            {d.moduleTitle ? `: “${d.moduleTitle}”` : ""}
          </dd>
          <dt>Period</dt>
          <dd>
            {e.periodStart} to {e.periodEnd}
          </dd>
          <dt>Random seed</dt>
          <dd className="breakable">
            <code>{e.seed}</code>
          </dd>
        </dl>
      </section>

      <section className="card" aria-labelledby="arms-heading">
        <h3 id="arms-heading">The arms</h3>
        <div className="table-wrap" tabIndex={0} role="region" aria-label="People in each arm, by group">
          <table className="report-table" data-testid="evaluation-arms">
            <thead>
              <tr>
                <th scope="col">Group</th>
                <th scope="col">Train now</th>
                <th scope="col">Train later</th>
              </tr>
            </thead>
            <tbody>
              {d.strata.map((s) => (
                <tr key={s.groupId}>
                  <th scope="row" className="breakable">
                    {s.groupName}
                  </th>
                  <td>{s.now}</td>
                  <td>{s.later}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p>
          <a className="button button--secondary" href={`/reports/evaluations/${e.id}/train-now`} download>
            Download the “train now” list (CSV) to invite them
          </a>
        </p>
        <p>People who join these groups from now on are not added: they were not part of the draw.</p>
      </section>

      <section className="card" aria-labelledby="result-heading">
        <h3 id="result-heading">Result (randomised)</h3>
        {d.periodOver ? null : <p className="alert alert--info">The period has not ended: these are the figures so far.</p>}
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Outcome in each arm">
          <table className="report-table" data-testid="evaluation-result">
            <thead>
              <tr>
                <th scope="col">Arm</th>
                <th scope="col">People</th>
                <th scope="col">{OUTCOME_LABEL[e.outcome]}</th>
                <th scope="col">Trained by the end</th>
              </tr>
            </thead>
            <tbody>
              {d.arms.map((a) => (
                <tr key={a.arm}>
                  <th scope="row">{a.label}</th>
                  <td>{a.people}</td>
                  <td>{formatRate(a.rate)}</td>
                  <td>{a.trained}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p>
          <strong>Difference (train now − train later): {formatDifference(d.difference)}</strong>
        </p>
        <p data-testid="evaluation-note">{d.note}</p>
        <p>
          Everyone is counted in the arm they were drawn into, whatever they did: {people(later.trained)} in “train later” had trained by the end
          anyway, and {people(Math.max(0, now.people - now.trained))} in “train now” had not. This is called intention to treat. It keeps the
          comparison fair (the arms stay alike in everything but the invitation), and it measures the effect of offering training now, which is a
          little smaller than the effect of training itself when people do not follow their arm. It says nothing about groups outside this
          evaluation, or about a different period.
        </p>
        <p>
          <Link to="/reports/evaluations">All evaluations</Link>
        </p>
      </section>
    </>
  );
}
