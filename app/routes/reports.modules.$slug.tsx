import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/guard.server";
import { ROLES } from "~/auth/policy";
import { BarChart } from "~/components/chart";
import { ExportLink, FilterErrorSummary, Pagination } from "~/components/chart-controls";
import { notFound } from "~/lib/http.server";
import { percent, toQuery } from "~/reports/filters";
import { moduleReportFilterSchema, parseFilters } from "~/reports/filter-schemas.server";
import { variantReportPointer } from "~/reports/evaluations.server";
import { moduleReport, type ModuleReport, type ScenarioFigures } from "~/reports/module-report.server";
import { readQuery, routeParam } from "~/lib/request.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data && data.ok ? (data.kind === "variant" ? data.variant.title : data.report.module.title) : "Module"} · Reports · Doorstep` },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { user } = await requireUser({ request, context }, ROLES.seeReports);
  const slug = routeParam(params, "slug");
  // A variant is not a module of its own in reports (ADR 039): its completions count as its
  // original's, and its result is read inside the evaluation comparing the two. Its address
  // says so and leads there, rather than a second set of figures that would count twice.
  const variant = await variantReportPointer(user, slug);
  if (variant) return { ok: true as const, kind: "variant" as const, variant };
  const parsed = parseFilters(moduleReportFilterSchema, readQuery(request));
  if (!parsed.ok) return data({ ok: false as const, errors: parsed.errors }, { status: 400 });
  const result = await moduleReport(user, slug, parsed.value);
  if (!result.ok && result.status === 404) throw notFound(result.message);
  if (!result.ok) return data({ ok: false as const, errors: { [result.field ?? "form"]: result.message } }, { status: result.status });
  return { ok: true as const, kind: "report" as const, report: result.value, group: parsed.value.group ?? "" };
}

export default function ModuleReportPage() {
  const result = useLoaderData<typeof loader>();
  if (!result.ok) {
    return (
      <>
        <h2>Module report</h2>
        <FilterErrorSummary errors={result.errors} />
        <p>
          <Link to="/reports">Back to the overview</Link>
        </p>
      </>
    );
  }
  if (result.kind === "variant") return <VariantPointer variant={result.variant} />;
  const { report: r, group } = result;
  const base = `/reports/modules/${r.module.slug}`;
  const exportHref = (table: string) => `/reports/export/${table}${toQuery({ slug: r.module.slug, group })}`;
  const completed = r.totals.self + r.totals.live;
  return (
    <article>
      <nav aria-label="Breadcrumb" className="muted">
        <Link to="/reports">Overview</Link> › {r.module.title}
      </nav>
      <h2>{r.module.title}</h2>
      {r.groupChoices.groups.length > 1 || r.focus ? (
        <Form method="get" className="filters" aria-label="Focus on a group">
          <div className="field">
            <label htmlFor="focus-group">Group</label>
            <select id="focus-group" name="group" defaultValue={group}>
              <option value="">All my groups</option>
              {r.focus && !r.groupChoices.groups.some((g) => g.id === r.focus!.id) ? <option value={r.focus.id}>{r.focus.name}</option> : null}
              {r.groupChoices.groups.map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name} ({g.kind})
                </option>
              ))}
            </select>
          </div>
          <div className="button-row">
            <button type="submit" className="button">
              Show
            </button>
          </div>
        </Form>
      ) : null}
      <dl className="stat-cards">
        <div className="stat-card">
          <dt>Activists{r.focus ? ` in ${r.focus.name}` : ""}</dt>
          <dd>{r.totals.activists.toLocaleString("en-GB")}</dd>
        </div>
        <div className="stat-card">
          <dt>Completed</dt>
          <dd>
            {completed.toLocaleString("en-GB")} <span className="stat-card__note">{percent(completed, r.totals.activists)}%</span>
          </dd>
        </div>
        <div className="stat-card">
          <dt>Of them in a live session</dt>
          <dd>{r.totals.live.toLocaleString("en-GB")}</dd>
        </div>
      </dl>

      <GroupSection report={r} pageHref={(p) => `${base}${toQuery({ group, gpage: p })}`} exportHref={exportHref("module-groups")} />
      <QuizSection report={r} exportHref={exportHref("module-questions")} />
      {r.scenarios.map((s) => (
        <ScenarioSection key={s.id} scenario={s} endingsHref={exportHref("module-endings")} choicesHref={exportHref("module-choices")} />
      ))}
    </article>
  );
}

function VariantPointer({ variant: v }: { variant: NonNullable<Awaited<ReturnType<typeof variantReportPointer>>> }) {
  return (
    <article>
      <nav aria-label="Breadcrumb" className="muted">
        <Link to="/reports">Overview</Link> › {v.title}
      </nav>
      <h2>{v.title}</h2>
      <p data-testid="variant-pointer">
        This is version B of <Link to={`/reports/modules/${v.original.slug}`}>{v.original.title}</Link>, tried out in a randomised evaluation. Completing
        either version counts as completing “{v.original.title}” in every report, once, so this version has no report of its own: how it does against
        the original is read in the evaluation that compares them.
      </p>
      <h3>Evaluations comparing the two versions</h3>
      {v.evaluations.length === 0 ? (
        <p className="empty">None in your groups.</p>
      ) : (
        <ul className="stack">
          {v.evaluations.map((e) => (
            <li key={e.id} className="breakable">
              <Link to={`/reports/evaluations/${e.id}`}>{e.name}</Link> · {e.periodStart} to {e.periodEnd} · {e.status === "stopped" ? "stopped" : "registered"}
            </li>
          ))}
        </ul>
      )}
    </article>
  );
}

function GroupSection({ report: r, pageHref, exportHref }: { report: ModuleReport; pageHref: (p: number) => string; exportHref: string }) {
  const { rows, total, page, pageCount } = r.groups;
  return (
    <section aria-labelledby="by-group-heading">
      <h3 id="by-group-heading">Completion by group</h3>
      <p className="muted">Lowest completion first: where a trainer would help most.</p>
      {total === 0 ? (
        <p className="empty">No groups to show.</p>
      ) : (
        <div className="table-wrap" tabIndex={0} role="region" aria-label={`Completion of ${r.module.title} by group`}>
          <table className="report-table">
            <caption className="visually-hidden">Completion of {r.module.title} by group</caption>
            <thead>
              <tr>
                <th scope="col">Group</th>
                <th scope="col" className="num">
                  Activists
                </th>
                <th scope="col" className="num">
                  Self-paced
                </th>
                <th scope="col" className="num">
                  Live
                </th>
                <th scope="col">Completion rate</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((g) => (
                <tr key={g.id}>
                  <th scope="row" className="breakable">
                    <Link to={`/reports/activists${toQuery({ group: g.id, module: r.module.slug })}`}>{g.name}</Link>{" "}
                    {g.isTargetSeat ? <span className="tag tag--warn">Target seat</span> : null}
                  </th>
                  <td className="num">{g.activists.toLocaleString("en-GB")}</td>
                  <td className="num">{g.self.toLocaleString("en-GB")}</td>
                  <td className="num">{g.live.toLocaleString("en-GB")}</td>
                  <td>
                    {g.rate === null ? (
                      <span className="muted">no activists</span>
                    ) : (
                      <span className="meter">
                        <span className="meter__track" aria-hidden="true">
                          <span className="meter__fill" style={{ width: `${g.rate}%` }} />
                        </span>
                        {g.rate}%
                      </span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pagination label="Group pages" page={page} pageCount={pageCount} total={total} noun="groups" href={pageHref} />
      <ExportLink href={exportHref} label="Download completion by group (CSV)" />
    </section>
  );
}

function QuizSection({ report: r, exportHref }: { report: ModuleReport; exportHref: string }) {
  if (r.quizzes.length === 0) return null;
  return (
    <section aria-labelledby="quiz-heading">
      <h3 id="quiz-heading">Quiz questions</h3>
      {r.quizzes.map((quiz) => (
        <div key={quiz.id} className="card">
          <p>
            <strong>{quiz.label}</strong>: {quiz.learners.toLocaleString("en-GB")} learners tried it, {quiz.passed.toLocaleString("en-GB")} passed (pass mark {quiz.passMark}%)
            {quiz.averageBest !== null ? `; average best score ${quiz.averageBest}%` : ""}.
          </p>
          <BarChart
            title="Share of attempts that got each question right"
            series={[{ label: "Right", tone: "self" }]}
            max={100}
            unit="%"
            rows={quiz.questions.map((q) => ({
              label: q.prompt,
              values: [q.percentRight ?? 0],
              note: q.percentRight === null ? "no attempts yet" : `of ${q.attempts.toLocaleString("en-GB")} attempts`,
              ...(quiz.hardest === q.id ? { highlight: "Most missed" } : {}),
            }))}
          />
          <BarChart
            title="Share of people who got each question right on their first attempt"
            description="Retries cannot lift this share: a question that everyone gets right first time may teach nothing, one that nobody does may be unclear."
            series={[{ label: "Right first time", tone: "self" }]}
            max={100}
            unit="%"
            rows={quiz.questions.map((q) => ({
              label: q.prompt,
              values: [q.percentRightFirst ?? 0],
              note: q.percentRightFirst === null ? "no attempts yet" : `of ${q.firstAttempts.toLocaleString("en-GB")} people`,
              ...(q.firstTime === "all" ? { highlight: "Everyone right first time" } : q.firstTime === "none" ? { highlight: "Nobody right first time" } : {}),
            }))}
          />
          <div className="table-wrap" tabIndex={0} role="region" aria-label="The wrong answer picked most often for each question">
            <table className="report-table">
              <caption className="visually-hidden">The wrong answer picked most often for each question</caption>
              <thead>
                <tr>
                  <th scope="col">Question</th>
                  <th scope="col">Wrong answer picked most often</th>
                </tr>
              </thead>
              <tbody>
                {quiz.questions.map((q) => (
                  <tr key={q.id}>
                    <th scope="row">{q.prompt}</th>
                    <td>{q.commonWrong ? (
                        <>
                          {q.commonWrong.text} <span className="muted">({q.commonWrong.times.toLocaleString("en-GB")} times)</span>
                        </>
                      ) : (
                        <span className="muted">none</span>
                      )}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      ))}
      <ExportLink href={exportHref} label="Download question figures (CSV)" />
    </section>
  );
}

/** "12 learners: 9 self-paced, 4 live" (one person can have done both). */
function learnersBySource(figures: { learners: number; selfPaced: number; live: number }) {
  const n = (x: number) => x.toLocaleString("en-GB");
  const total = `${n(figures.learners)} learner${figures.learners === 1 ? "" : "s"}`;
  return figures.learners === 0 ? total : `${total}: ${n(figures.selfPaced)} self-paced, ${n(figures.live)} live`;
}

const OUTCOME: Record<string, { text: string; tag: string }> = {
  good: { text: "Good", tag: "tag--good" },
  mixed: { text: "Mixed", tag: "tag--warn" },
  lost: { text: "Lost", tag: "tag--bad" },
};

/**
 * How runs ended, as a table: each ending by its title and outcome, with its count and
 * share of the runs, self-paced and live apart (a bar chart with two stacked series and
 * a sentence of notes per ending was hard to read, issue 14).
 */
function EndingsTable({ scenario: s }: { scenario: ScenarioFigures }) {
  const n = (x: number) => x.toLocaleString("en-GB");
  const runs = s.endings.reduce((a, e) => a + e.runs, 0);
  const liveRuns = s.endings.reduce((a, e) => a + e.liveRuns, 0);
  const share = (part: number, whole: number) => (whole ? `${percent(part, whole)}%` : "–");
  const captionId = `scenario-${s.id}-endings`;
  return (
    <div className="table-wrap" role="region" aria-labelledby={captionId} tabIndex={0}>
      <table className="report-table endings-table">
        <caption id={captionId}>How runs of “{s.title}” ended</caption>
        <thead>
          <tr>
            <th scope="col">Ending</th>
            <th scope="col" className="num">
              Self-paced runs
            </th>
            <th scope="col" className="num">
              Share
            </th>
            <th scope="col" className="num">
              Live room runs
            </th>
            <th scope="col" className="num">
              Share
            </th>
          </tr>
        </thead>
        <tbody>
          {s.endings.map((e) => (
            <tr key={e.id}>
              <th scope="row">
                {e.title} <span className={`tag ${OUTCOME[e.outcome]?.tag ?? ""}`}>{OUTCOME[e.outcome]?.text ?? e.outcome}</span>
                <span className="endings-table__who">
                  {n(e.learners)} {e.learners === 1 ? "learner" : "learners"} self-paced; {n(e.liveLearners)} voted in live rooms
                </span>
              </th>
              <td className="num">{n(e.runs)}</td>
              <td className="num">{share(e.runs, runs)}</td>
              <td className="num">{n(e.liveRuns)}</td>
              <td className="num">{share(e.liveRuns, liveRuns)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">All endings</th>
            <td className="num">{n(runs)}</td>
            <td className="num">{runs ? "100%" : "–"}</td>
            <td className="num">{n(liveRuns)}</td>
            <td className="num">{liveRuns ? "100%" : "–"}</td>
          </tr>
        </tfoot>
      </table>
      <p className="muted">Live room runs count when activists in this report voted in them.</p>
    </div>
  );
}

function ScenarioSection({ scenario: s, endingsHref, choicesHref }: { scenario: ScenarioFigures; endingsHref: string; choicesHref: string }) {
  const wrong = s.commonWrongTurn;
  const wrongNode = wrong ? s.nodes.find((n) => n.id === wrong.node) : undefined;
  const wrongChoice = wrongNode?.choices.find((c) => c.index === wrong?.choice);
  const headingId = `scenario-${s.id}-heading`;
  return (
    <section aria-labelledby={headingId}>
      <h3 id={headingId}>Practice conversation: {s.title}</h3>
      <EndingsTable scenario={s} />
      <ExportLink href={endingsHref} label="Download endings (CSV)" />
      {wrongNode && wrongChoice ? (
        <p className="alert alert--info">
          <strong>Most common wrong turn:</strong> when the resident says “{wrongNode.says}”, {wrongChoice.learners.toLocaleString("en-GB")} learners (
          {wrongChoice.share ?? 0}%) replied “{wrongChoice.text}”.
        </p>
      ) : null}
      <h4>Replies at each point</h4>
      <p className="muted">
        Share of learners who took each reply, out of those who replied at that point: in a self-paced run, or by their own vote when a room played the conversation live
        (the counts say which). Someone who played more than once can count under more than one reply, but only once under each.
      </p>
      {s.nodes.map((n) => (
        <BarChart
          key={n.id}
          title={`Resident: “${n.says}” (${learnersBySource(n)})`}
          series={[{ label: "Share", tone: "self" }]}
          max={100}
          unit="%"
          rows={n.choices.map((c) => ({
            label: c.text,
            values: [c.share ?? 0],
            note: `(${learnersBySource(c)})${c.wrong ? " · leads to a worse ending" : ""}`,
            ...(wrong && wrong.node === n.id && wrong.choice === c.index ? { highlight: "Most common wrong turn" } : {}),
          }))}
        />
      ))}
      <ExportLink href={choicesHref} label="Download replies per point (CSV)" />
    </section>
  );
}
