import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/guard.server";
import { ROLES } from "~/auth/policy";
import { fieldErrors, formFailure, notFound, text } from "~/lib/http.server";
import { readForm, readQuery, routeParam } from "~/lib/request.server";
import { OUTCOME_LABEL, STOP_REASON_MAX } from "~/reports/evaluation-labels";
import { evaluationDetail, stopEvaluation, stopSchema } from "~/reports/evaluations.server";
import { formatDifference, formatRate } from "~/stats/intervals";


const NOT_RECORDED = "not recorded";
export const meta: MetaFunction = () => [{ title: "Evaluation · Reports · Doorstep" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { user } = await requireUser({ request, context }, ROLES.runEvaluations);
  const detail = await evaluationDetail(user, routeParam(params, "id"));
  if (!detail) throw notFound("There is no such evaluation in your groups.");
  const query = readQuery(request);
  return { ...detail, registered: query.get("registered") === "1", justStopped: query.get("stopped") === "1" };
}

/** Stop the evaluation early, with a reason (ADR 039). */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user } = await requireUser({ request, context }, ROLES.runEvaluations);
  const id = routeParam(params, "id");
  const form = await readForm(request);
  const values = { reason: (text(form, "reason") ?? "").slice(0, STOP_REASON_MAX + 20) };
  const parsed = stopSchema.safeParse({ reason: text(form, "reason") ?? "" });
  if (!parsed.success) return formFailure(400, fieldErrors(parsed.error), values);
  const stopped = await stopEvaluation(user, id, parsed.data.reason);
  if (!stopped.ok) {
    if (stopped.status === 404) throw notFound(stopped.message);
    return formFailure(stopped.status, { [stopped.field ?? "form"]: stopped.message }, values);
  }
  return redirect(`/reports/evaluations/${id}?stopped=1`, 303);
}

const people = (n: number) => `${n.toLocaleString("en-GB")} ${n === 1 ? "person" : "people"}`;

export default function EvaluationPage() {
  const d = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const stopErrors: Partial<Record<string, string>> = failed && !failed.ok ? failed.errors : {};
  const e = d.evaluation;
  const ab = e.design === "variant";
  const notDrawn = d.strata.some((s) => s.notDrawn === null) ? null : d.strata.reduce((n, s) => n + (s.notDrawn ?? 0), 0);
  const stoppedAt = e.stoppedAt?.replace("T", " ").replace("Z", " UTC");
  const registeredAt = e.registeredAt.replace("T", " ").replace("Z", " UTC");
  const [now, later] = d.arms;
  const leftOut = now.leftOut + later.leftOut;
  return (
    <>
      <h2 className="breakable">{e.name}</h2>
      {d.registered ? (
        <div className="alert alert--success" role="status">
          Registered at {registeredAt}. The outcome, the period and who is in each arm are now fixed.
        </div>
      ) : null}
      {d.justStopped ? (
        <div className="alert alert--success" role="status">
          Stopped at {stoppedAt}. The result below counts up to that day.
        </div>
      ) : null}
      {e.status === "stopped" ? (
        <div className="alert alert--info" data-testid="evaluation-stopped">
          <p>
            <strong>Stopped early</strong> at <time dateTime={e.stoppedAt ?? undefined}>{stoppedAt}</time>, before the planned end ({e.periodEnd}). The
            result counts up to {d.countedTo}. Reason given: <span className="breakable">“{e.stopReason}”</span>
          </p>
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
          <dd>
            {ab && d.versions
              ? `Version A (“${d.versions.original.title}”) against version B (“${d.versions.variant.title}”), split at random within each group; each person sees only their own version during the period`
              : "Train now against train later, split at random within each group"}
          </dd>
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
                <th scope="col">{ab ? "Version A" : "Train now"}</th>
                <th scope="col">{ab ? "Version B" : "Train later"}</th>
                {/* A short heading keeps the column narrow on a phone; the note under the table says who they are. */}
                <th scope="col" aria-describedby="not-drawn-note">
                  Not drawn<span aria-hidden="true">*</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {d.strata.map((s) => (
                <tr key={s.groupId}>
                  <th scope="row">{s.groupName}</th>
                  <td>{s.now}</td>
                  <td>{s.later}</td>
                  <td>{s.notDrawn ?? NOT_RECORDED}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">All groups</th>
                <td data-testid="arms-total-first">{d.strata.reduce((n, s) => n + s.now, 0)}</td>
                <td data-testid="arms-total-second">{d.strata.reduce((n, s) => n + s.later, 0)}</td>
                <td data-testid="arms-total-not-drawn">{notDrawn ?? NOT_RECORDED}</td>
              </tr>
            </tfoot>
          </table>
        </div>
        {ab ? (
          <p id="not-drawn-note">
            <span aria-hidden="true">* </span>Not drawn: activists who had already begun the module (opened or completed either version) when the
            evaluation was registered. They were kept out of the draw because, put in version B, they would have found the module “not started”
            after doing it.
            {notDrawn === null ? " This evaluation was registered before Doorstep recorded how many." : ""}
          </p>
        ) : (
          <p id="not-drawn-note">
            <span aria-hidden="true">* </span>Not drawn: activists who had already trained (completed every published module) when the evaluation was
            registered. Asking them to train later could not hold them back, so they were kept out of the draw.
          </p>
        )}
        {ab ? (
          <p>Nobody needs inviting: whoever opens the module during the period sees the version they were drawn into.</p>
        ) : (
          <p>
            <a className="button button--secondary" href={`/reports/evaluations/${e.id}/train-now`} download>
              Download the “train now” list (CSV) to invite them
            </a>
          </p>
        )}
        <p>People who join these groups from now on are not added: they were not part of the draw.</p>
      </section>

      <section className="card" aria-labelledby="result-heading">
        <h3 id="result-heading">Result (randomised)</h3>
        {d.periodOver ? null : <p className="alert alert--info">The period has not ended: these are the figures so far.</p>}
        <p>
          Counted from {e.periodStart} to {d.countedTo}
          {e.status === "stopped" && d.countedTo < e.periodEnd ? ` (stopped early; the planned end was ${e.periodEnd})` : ""}.
        </p>
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Outcome in each arm">
          <table className="report-table" data-testid="evaluation-result">
            <thead>
              <tr>
                <th scope="col">Arm</th>
                <th scope="col">People</th>
                <th scope="col">{OUTCOME_LABEL[e.outcome]}</th>
                <th scope="col">{ab ? "Opened their version" : "Trained by the end"}</th>
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
          <strong>
            Difference ({now.label} − {later.label}): {formatDifference(d.difference)}
          </strong>
        </p>
        <p>
          <a className="button button--secondary" href={`/reports/evaluations/${e.id}/result.csv`} download>
            Download the result table (CSV)
          </a>
        </p>
        {ab ? (
          <p data-testid="evaluation-left-out">
            {leftOut === 0
              ? "Nobody drawn had begun the module before the period, so nobody is left out."
              : `${people(leftOut)} drawn (${now.leftOut} in version B, ${later.leftOut} in version A) ${leftOut === 1 ? "is" : "are"} left out of both arms: they began the module before the period started, when everyone was shown version A, so counting them would give version A a head start. Leaving them out depends on nothing the draw decided, so the arms stay comparable.`}
          </p>
        ) : leftOut > 0 ? (
          <p data-testid="evaluation-left-out">
            {`${people(leftOut)} drawn (${now.leftOut} in train now, ${later.leftOut} in train later) had already trained when the evaluation was registered, and ${leftOut === 1 ? "is" : "are"} left out of both arms: this evaluation was registered before Doorstep kept such people out of the draw. Training could not change what they did, so counting them would only make the difference look smaller; who had trained by then depends on nothing the draw decided, so the arms stay comparable.`}
          </p>
        ) : null}
        <p data-testid="evaluation-note">{d.note}</p>
        {ab ? (
          <p>
            Everyone is counted in the arm they were drawn into, whether or not they opened the module: {people(now.trained)} of {now.people} in
            version B and {people(later.trained)} of {later.people} in version A had opened their version by {d.countedTo}. This is called intention
            to treat: it keeps the comparison fair, and it measures the effect of offering one version rather than the other. Completing either
            version counts as completing the module in every other report, once.
          </p>
        ) : (
        <p>
          Everyone is counted in the arm they were drawn into, whatever they did: {people(later.trained)} in “train later” trained anyway after the
          evaluation was registered (by {d.countedTo}), and {people(Math.max(0, now.people - now.trained))} in “train now” had not trained by then.
          Nobody counted had trained before it was registered. This is called intention to treat. It keeps the
          comparison fair (the arms stay alike in everything but the invitation), and it measures the effect of offering training now, which is a
          little smaller than the effect of training itself when people do not follow their arm. It says nothing about groups outside this
          evaluation, or about a different period.
        </p>
        )}
        <p>
          <Link to="/reports/evaluations">All evaluations</Link>
        </p>
      </section>

      {e.status === "registered" ? (
        <section className="card" aria-labelledby="stop-heading">
          <h3 id="stop-heading">Stop early</h3>
          <p>
            Stop only for a reason you would give anyway (one version is confusing people, the campaign changed): stopping because the figures
            look good or bad so far makes the result less trustworthy. The reason and the time are recorded and shown with the result, which then
            counts up to today.{ab ? " Everyone sees the original version again." : ""}
          </p>
          <Form method="post" className="stack">
            <div className={`field${stopErrors.reason ? " field--invalid" : ""}`}>
              <label htmlFor="stop-reason">Why are you stopping it?</label>
              <textarea
                id="stop-reason"
                name="reason"
                rows={3}
                maxLength={STOP_REASON_MAX}
                required
                defaultValue={failed?.values?.reason}
                aria-invalid={stopErrors.reason ? true : undefined}
                aria-describedby={stopErrors.reason ? "stop-reason-error" : undefined}
              />
              {stopErrors.reason ? (
                <p className="field__error" id="stop-reason-error">
                  {stopErrors.reason}
                </p>
              ) : null}
            </div>
            <button type="submit" className="button button--danger">
              Stop this evaluation
            </button>
          </Form>
        </section>
      ) : null}
    </>
  );
}
