import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requireUser } from "~/auth/guard.server";
import { ROLES } from "~/auth/policy";
import { ExportLink } from "~/components/chart-controls";
import { Field, FormError } from "~/components/form-field";
import { readForm, readQuery } from "~/lib/request.server";
import { ELECTION_LABEL_MAX, SEATS_MAX } from "~/reports/elections";
import { electionReport, importElectionResults, listElections, type ElectionReport, type ReplacePlan, type SwingComparison } from "~/reports/elections.server";
import { formatDay, toQuery } from "~/reports/filters";
import type { MeanEstimate } from "~/stats/intervals";

export const meta: MetaFunction = () => [{ title: "Election results · Reports · Doorstep" }];

// Election results per seat, the swing against the region and training coverage
// (docs/reports.md, "Election results"; ADR 032). One page: the chosen election's table
// and its import form, so a fresh import lands on its own figures.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requireUser({ request, context }, ROLES.runEvaluations);
  const query = readQuery(request);
  const elections = await listElections();
  const asked = query.get("election");
  const chosen = asked ?? elections[0]?.election;
  if (!chosen) return { elections, report: null, missing: null, imported: false };
  const report = asked && asked.length > ELECTION_LABEL_MAX ? null : await electionReport(user, chosen);
  if (!report?.ok) return data({ elections, report: null, missing: chosen.slice(0, ELECTION_LABEL_MAX), imported: false }, { status: 404 });
  return { elections, report: report.value, missing: null, imported: query.get("imported") === "1" };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { user } = await requireUser({ request, context }, ROLES.runEvaluations);
  const outcome = await importElectionResults(user, await readForm(request));
  if (!outcome.ok) return data(outcome, { status: outcome.status });
  return redirect(`/reports/elections${toQuery({ election: outcome.election, imported: "1" })}`);
}

const n = (x: number) => x.toLocaleString("en-GB");
/** Percentage points with a sign and one decimal: "+3.2", "−10.4". */
const pts = (x: number) => {
  const v = Math.round(x * 10) / 10;
  return v > 0 ? `+${v.toFixed(1)}` : v < 0 ? `−${Math.abs(v).toFixed(1)}` : "0.0";
};

export default function ElectionsPage() {
  const { elections, report, missing, imported } = useLoaderData<typeof loader>();
  return (
    <>
      <h2>Election results</h2>
      <p className="muted">
        Each seat’s swing (new share − previous share, in percentage points) beside its region’s swing, and how many activists trained there. See{" "}
        <a href="#how-to-read-elections">how to read this page</a>.
      </p>
      {elections.length > 1 ? (
        <nav aria-label="Elections" className="election-list">
          <ul>
            {elections.map((e) => (
              <li key={e.election}>
                <Link to={`/reports/elections${toQuery({ election: e.election })}`} aria-current={e.election === report?.election ? "page" : undefined}>
                  {e.election}
                </Link>{" "}
                <span className="muted">
                  ({n(e.seats)} seats, imported {formatDay(e.importedAt)})
                </span>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      {missing ? (
        <div className="alert alert--error" role="alert">
          No results are imported for the election “{missing}”. Pick one from the list or import it below.
        </div>
      ) : null}
      {imported && report ? (
        <div className="alert alert--success" role="status">
          Imported {n(report.seats.length)} seats for {report.election}.
        </div>
      ) : null}
      {report ? <ElectionResults report={report} /> : elections.length === 0 ? <p className="empty">No election results are imported yet.</p> : null}
      <ImportForm />
    </>
  );
}

function estimate(m: MeanEstimate): string {
  if (m.mean === null) return "no seats";
  if (!Number.isFinite(m.low)) return `${pts(m.mean)} points (one seat: no interval)`;
  return `${pts(m.mean)} points (95% CI ${pts(m.low)} to ${pts(m.high)})`;
}

function ComparisonRow({ c }: { c: SwingComparison }) {
  return (
    <tr>
      <th scope="row">{c.label}</th>
      <td>
        {estimate(c.withTrained)}
        <br />
        <span className="muted">{n(c.withTrained.n)} seats</span>
      </td>
      <td>
        {estimate(c.withoutTrained)}
        <br />
        <span className="muted">{n(c.withoutTrained.n)} seats</span>
      </td>
      <td>{estimate(c.difference)}</td>
    </tr>
  );
}

function ElectionResults({ report: r }: { report: ElectionReport }) {
  const unmatched = r.seats.filter((s) => s.groupName === null);
  return (
    <>
      <section aria-labelledby="elections-summary-heading">
        <h3 id="elections-summary-heading">{r.election}: seats with and without trained activists</h3>
        <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="elections-summary-caption">
          <table className="report-table">
            <caption id="elections-summary-caption">Mean swing with 95% confidence intervals, and the difference (with trained activists − without)</caption>
            <thead>
              <tr>
                <th scope="col">Figure</th>
                <th scope="col">Seats with trained activists</th>
                <th scope="col">Seats without</th>
                <th scope="col">Difference</th>
              </tr>
            </thead>
            <tbody>
              {r.comparisons.map((c) => (
                <ComparisonRow key={c.label} c={c} />
              ))}
            </tbody>
          </table>
        </div>
        <ul className="impact-notes">
          {r.comparisons.map((c) => (
            <li key={c.label}>
              <strong>{c.label}.</strong> {c.note}
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="elections-seats-heading">
        <h3 id="elections-seats-heading">Seat by seat</h3>
        <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="elections-seats-caption">
          <table className="report-table">
            <caption id="elections-seats-caption">Each seat’s swing, its region’s swing and the difference, in percentage points, with trained activists</caption>
            <thead>
              <tr>
                <th scope="col">Seat</th>
                <th scope="col">Region</th>
                <th scope="col" className="num">
                  Previous → new
                </th>
                <th scope="col" className="num">
                  Swing
                </th>
                <th scope="col" className="num">
                  Region swing
                </th>
                <th scope="col" className="num">
                  Seat − region
                </th>
                <th scope="col" className="num">
                  Trained activists
                </th>
              </tr>
            </thead>
            <tbody>
              {r.seats.map((s) => (
                <tr key={s.seat}>
                  <th scope="row">
                    {s.seat}
                    {s.groupName ? <span className="muted"> (target seat)</span> : null}
                  </th>
                  <td>{s.region}</td>
                  <td className="num">
                    {s.previous}% → {s.next}%
                  </td>
                  <td className="num">{pts(s.swing)}</td>
                  <td className="num">
                    {pts(s.regionSwing)}
                    <br />
                    <span className="muted">
                      {s.regionBasis === "electorate-weighted" ? "weighted by electorate" : "mean"} of {n(s.regionSeats)}
                    </span>
                  </td>
                  <td className="num">{pts(s.difference)}</td>
                  <td className="num">
                    {s.trained === null ? (
                      <span className="muted">not one of your groups</span>
                    ) : (
                      <>
                        {n(s.trained)}
                        {s.trainedPerThousand !== null ? (
                          <>
                            <br />
                            <span className="muted">{s.trainedPerThousand.toFixed(2)} per 1,000 electors</span>
                          </>
                        ) : null}
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <ExportLink href={`/reports/export/election-results${toQuery({ election: r.election })}`} label="Download the seat table (CSV)" />
        {unmatched.length > 0 ? (
          <>
            <h4>Seats that match no target seat</h4>
            <p className="muted">
              These {n(unmatched.length)} seats have no target-seat group of the same name, so they count as seats without trained activists. If one is a target seat
              spelt differently, rename its group in Admin → Groups and import again.
            </p>
            <ul className="unmatched-seats">
              {unmatched.map((s) => (
                <li key={s.seat}>{s.seat}</li>
              ))}
            </ul>
          </>
        ) : null}
      </section>

      <section aria-labelledby="how-to-read-elections" className="impact-howto">
        <h3 id="how-to-read-elections">How to read this page</h3>
        <ul>
          <li>Shares are the movement’s side’s share of the vote, in percent. Swing = new share − previous share, in percentage points.</li>
          <li>
            A region’s swing is the mean of its seats’ swings, or, when every seat in the region has an electorate, the mean weighted by electorate; the seat itself is
            one of them.
          </li>
          <li>
            Trained activists are members of the seat’s target-seat group, with the activist role, who have completed every published module, counted today. A seat
            with no target-seat group counts as none.
          </li>
          <li>
            The intervals are 95% normal intervals for a mean over seats; the difference adds the two sides’ uncertainty. An interval that crosses zero means the data
            cannot tell the two kinds of seat apart.
          </li>
        </ul>
        <p className="muted">Every figure is defined in the project’s docs/reports.md (section “Election results”).</p>
      </section>
    </>
  );
}

const seatCount = (k: number) => `${n(k)} ${k === 1 ? "seat" : "seats"}`;
/** Seat names as a sentence's list: all of them up to ten, then how many more. */
const seatList = (seats: string[]) => (seats.length > 10 ? `${seats.slice(0, 10).join(", ")} and ${n(seats.length - 10)} more` : seats.join(", "));

/** Importing an existing election's name: what it would do to the movement's results, and a button to go ahead. */
function ConfirmReplace({ plan, results }: { plan: ReplacePlan; results: string }) {
  const busy = useNavigation().state === "submitting";
  return (
    <div className="alert alert--info" role="alert" aria-labelledby="elections-replace-heading">
      <h4 id="elections-replace-heading">Replace the results of “{plan.election}”?</h4>
      <p>
        An election of this name is already imported, and everyone in the movement sees it. Importing this file replaces all of its seats:
      </p>
      <ul>
        <li>{seatCount(plan.kept)} kept unchanged</li>
        <li>
          {seatCount(plan.changed.length)} changed{plan.changed.length ? `: ${seatList(plan.changed)}` : ""}
        </li>
        <li>
          {seatCount(plan.dropped.length)} dropped (not in this file){plan.dropped.length ? `: ${seatList(plan.dropped)}` : ""}
        </li>
        <li>
          {seatCount(plan.added.length)} added{plan.added.length ? `: ${seatList(plan.added)}` : ""}
        </li>
      </ul>
      <Form method="post" className="button-row">
        <input type="hidden" name="election" value={plan.election} />
        <input type="hidden" name="results" value={results} />
        <input type="hidden" name="confirm" value={plan.token} />
        <button type="submit" className="button" disabled={busy}>
          Replace the results
        </button>
        <span className="field__hint">Or change the name below to import it as another election.</span>
      </Form>
    </div>
  );
}

function ImportForm() {
  const failure = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const errors = failure && !failure.ok ? failure.errors : {};
  const confirm = failure && !failure.ok && "confirm" in failure ? failure.confirm : null;
  return (
    <section aria-labelledby="elections-import-heading">
      <h3 id="elections-import-heading">Import results</h3>
      {confirm && failure && !failure.ok ? <ConfirmReplace plan={confirm} results={failure.values.results} /> : null}
      <p>
        A CSV with a header line: <code>seat,region,previous,new</code> and optionally <code>electorate</code>; shares in percent, one seat a line, up to{" "}
        {n(SEATS_MAX)} seats. Every line is checked first: if any has a problem nothing is stored. Importing an election again replaces its results for the whole movement: you see
        what would change and confirm first, and an organiser cannot change or drop seats of groups that are not theirs.{" "}
        <a href="/reports/elections/sample.csv" download>
          Download a sample file
        </a>{" "}
        (the demo election&rsquo;s seats).
      </p>
      <Form method="post" encType="multipart/form-data" className="card" noValidate>
        <FormError message={errors.form} />
        <Field
          label="Election"
          name="election"
          defaultValue={failure && !failure.ok ? failure.values.election : undefined}
          error={errors.election}
          hint="Always spelt the same way: importing the same name again replaces it."
          maxLength={ELECTION_LABEL_MAX}
          autoComplete="off"
        />
        <div className={`field${errors.results ? " field--invalid" : ""}`}>
          <label htmlFor="election-results">Results (CSV)</label>
          <textarea
            id="election-results"
            name="results"
            rows={8}
            defaultValue={failure && !failure.ok ? failure.values.results : undefined}
            aria-invalid={errors.results ? true : undefined}
            aria-describedby={errors.results ? "election-results-error" : undefined}
          />
          {errors.results ? (
            <div className="field__error" id="election-results-error" role="alert">
              <p>{errors.results}</p>
              {failure && !failure.ok && failure.lines.length > 0 ? (
                <ul className="line-errors">
                  {failure.lines.map((e, i) => (
                    <li key={`${e.line}-${i}`}>
                      Line {e.line}: {e.message}
                    </li>
                  ))}
                </ul>
              ) : null}
            </div>
          ) : null}
        </div>
        <Field label="Or a CSV file" name="file" type="file" accept=".csv,text/csv,text/plain" hint="Up to 1 MB, UTF-8. A chosen file is used instead of the text above." />
        <div className="button-row">
          <button type="submit" className="button" disabled={busy}>
            Import results
          </button>
        </div>
      </Form>
    </section>
  );
}
