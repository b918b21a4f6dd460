import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { requireUser } from "~/auth/guard.server";
import { ROLES } from "~/auth/policy";
import { FormError } from "~/components/form-field";
import { IMPORT_FIELDS, IMPORT_STATUS_LABEL, isRunning, type CheckSummary, type LineProblem } from "~/field/import-format";
import { cancelImport, checkImport, findImport, guessMapping, isResumable, readMapping, resumeImport, stagedSample, startImport } from "~/field/import.server";
import { notFound } from "~/lib/http.server";
import { readForm, routeParam } from "~/lib/request.server";
import { formatWhen } from "~/lib/dates";

export const meta: MetaFunction = () => [{ title: "Canvass import · Reports · Doorstep" }];

const NOT_FOUND = "We couldn't find that import. It may have been cancelled, or it is someone else's.";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { user } = await requireUser({ request, context }, ROLES.seeImpact);
  const record = await findImport(user, routeParam(params, "id"));
  if (!record) throw notFound(NOT_FOUND);
  const { mapping, ...shown } = record;
  const staged = record.status === "staged" || record.status === "refused";
  const sample = staged ? await stagedSample(record.id) : null;
  const header = sample && "header" in sample ? sample.header : [];
  return {
    record: { ...shown, createdAt: record.createdAt.toISOString(), finishedAt: record.finishedAt?.toISOString() ?? null, heartbeatAt: record.heartbeatAt?.toISOString() ?? null },
    resumable: isResumable(record),
    sample,
    mapping: staged ? guessMapping(header, mapping) : {},
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { user } = await requireUser({ request, context }, ROLES.seeImpact);
  const record = await findImport(user, routeParam(params, "id"));
  if (!record) throw notFound(NOT_FOUND);
  const form = await readForm(request);
  const intent = form.get("intent");
  if (intent === "cancel") {
    const cancelled = await cancelImport(record);
    if (!cancelled.ok) return data({ ok: false as const, message: cancelled.message, errors: {}, raw: {} }, { status: cancelled.status });
    return redirect("/reports/imports");
  }
  if (intent === "resume") {
    const resumed = await resumeImport(user, record);
    if (!resumed.ok) return data({ ok: false as const, message: resumed.message, errors: {}, raw: {} }, { status: resumed.status });
    return redirect(`/reports/imports/${record.id}`);
  }
  if (intent !== "check" && intent !== "import") return data({ ok: false as const, message: "Choose check, import, resume or cancel.", errors: {}, raw: {} }, { status: 400 });
  const sample = await stagedSample(record.id);
  if (!("header" in sample)) return data({ ok: false as const, message: "This file cannot be read as CSV, so it cannot be imported. Cancel it and upload a corrected file.", errors: {}, raw: {} }, { status: 409 });
  const read = readMapping(form, sample.header.length);
  if (!read.ok) return data({ ok: false as const, message: "Some columns need picking.", errors: read.errors, raw: read.raw }, { status: 400 });
  if (intent === "import") {
    const started = await startImport(user, record, read.mapping);
    if (!started.ok) return data({ ok: false as const, message: started.message, errors: {}, raw: read.raw }, { status: started.status });
    return redirect(`/reports/imports/${record.id}`);
  }
  const checked = await checkImport(user, record, read.mapping);
  if (!checked.ok) return data({ ok: false as const, message: checked.message, errors: {}, raw: read.raw }, { status: checked.status });
  return { ok: true as const, summary: checked.value, raw: read.raw };
}

const count = (n: number) => n.toLocaleString("en-GB");
const plural = (n: number, one: string, many: string) => `${count(n)} ${n === 1 ? one : many}`;

export default function CanvassImportPage() {
  const { record, resumable } = useLoaderData<typeof loader>();
  return (
    <section>
      <h2>
        Import of {record.fileName || "a file"} <span className="muted">({record.source})</span>
      </h2>
      <p>
        {IMPORT_STATUS_LABEL[record.status] ?? record.status} · {plural(record.rowsTotal, "line", "lines")} of results
      </p>
      {record.status === "staged" || record.status === "refused" ? <Mapping /> : null}
      {isRunning(record.status) && !resumable ? <Running /> : null}
      {record.status === "done" ? <Summary /> : null}
      {resumable ? <Resume /> : null}
      <p>
        <Link to="/reports/imports">All imports</Link>
      </p>
    </section>
  );
}

function ProblemList({ problems, total, id }: { problems: LineProblem[]; total: number; id: string }) {
  if (!problems.length) return null;
  return (
    <div id={id}>
      <ul className="line-errors">
        {problems.map((p, i) => (
          <li key={`${p.line}-${i}`}>
            Line {p.line}: {p.message}
          </li>
        ))}
      </ul>
      {total > problems.length ? <p>…and {plural(total - problems.length, "more line", "more lines")}.</p> : null}
    </div>
  );
}

function Mapping() {
  const { record, sample, mapping } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const values: Record<string, string> = { ...mapping, ...(result?.raw ?? {}) };
  const errors: Partial<Record<string, string>> = result && !result.ok ? result.errors : {};
  const summary: CheckSummary | undefined = result?.ok ? result.summary : undefined;
  if (!sample || !("header" in sample)) {
    return (
      <>
        <div className="alert alert--error" role="alert">
          Line {sample?.problem.line}: {sample?.problem.message} Cancel this import and upload a corrected file.
        </div>
        <CancelForm />
      </>
    );
  }
  const columns = sample.header;
  return (
    <>
      {record.status === "refused" && !summary ? (
        <div className="alert alert--error" role="alert">
          <p>
            Nothing was imported: {plural(record.errorCount, "line needs", "lines need")} fixing. Correct the mapping below, or the file (then cancel this import
            and upload it again).
          </p>
          <ProblemList problems={record.errors} total={record.errorCount} id="refused-problems" />
        </div>
      ) : null}
      <h3>The first lines, as they are</h3>
      <div className="table-wrap" tabIndex={0} role="region" aria-label="The first lines of the file">
        <table className="report-table">
          <thead>
            <tr>
              <th scope="col">Line</th>
              {columns.map((name, i) => (
                <th scope="col" key={i}>
                  {name || `Column ${i + 1}`}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {sample.rows.map((row) => (
              <tr key={row.line}>
                <th scope="row">{row.line}</th>
                {columns.map((_, i) => (
                  <td key={i}>{row.fields[i] ?? ""}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h3>Which column is which</h3>
      <p className="muted">
        What each column holds and the spellings read: <Link to="/reports/imports/format">the file format</Link>.
      </p>
      <Form method="post" className="card" noValidate>
        <FormError message={result && !result.ok ? result.message : undefined} />
        {IMPORT_FIELDS.map((field) => {
          const error = errors[field.key];
          const id = `map-${field.key}`;
          return (
            <div className={`field${error ? " field--invalid" : ""}`} key={field.key}>
              <label htmlFor={id}>
                {field.label}
                {field.required ? "" : " (optional)"}
              </label>
              <p className="field__hint" id={`${id}-hint`}>
                {field.hint}
              </p>
              <select
                id={id}
                name={field.key}
                defaultValue={values[field.key] ?? ""}
                aria-invalid={error ? true : undefined}
                aria-describedby={`${id}-hint${error ? ` ${id}-error` : ""}`}
              >
                <option value="">{field.required ? "Choose a column" : "Not in this file"}</option>
                {columns.map((name, i) => (
                  <option key={i} value={String(i)}>
                    {name || `Column ${i + 1}`}
                  </option>
                ))}
              </select>
              {error ? (
                <p className="field__error" id={`${id}-error`}>
                  {error}
                </p>
              ) : null}
            </div>
          );
        })}
        <fieldset className="field">
          <legend>Canvassers are named by</legend>
          <label className="choice">
            <input type="radio" name="personBy" value="email" defaultChecked={values.personBy !== "id"} /> Email address
          </label>
          <label className="choice">
            <input type="radio" name="personBy" value="id" defaultChecked={values.personBy === "id"} /> Doorstep person id
          </label>
        </fieldset>
        <div className="field">
          <label className="choice">
            <input type="checkbox" name="skipUnknown" value="yes" defaultChecked={values.skipUnknown === "yes"} /> Skip lines whose canvasser we don't know (they
            are counted, never added)
          </label>
        </div>
        <div className="button-row">
          <button type="submit" name="intent" value="check" className="button button--secondary" disabled={busy}>
            Check and preview
          </button>
          <button type="submit" name="intent" value="import" className="button" disabled={busy}>
            Import
          </button>
        </div>
        <p className="field__hint">Import checks every line first: if any has a problem, nothing is written.</p>
      </Form>
      {summary ? <Preview summary={summary} /> : null}
      <CancelForm />
    </>
  );
}

/** The check's counts in one sentence; its parts add up to the lines checked (CheckSummary). */
function checkedSentence(summary: CheckSummary): string {
  const parts = [plural(summary.newRows, "new contact", "new contacts"), `${count(summary.alreadyThere)} already imported`];
  if (summary.unknownPeople) parts.push(`${plural(summary.unknownPeople, "line", "lines")} to skip (a canvasser we don't know)`);
  if (!summary.errorCount) parts.push("no problems");
  else {
    const unknown = summary.unknownToFix;
    const which = unknown === 0 ? "" : unknown === summary.errorCount ? (unknown === 1 ? " (it names" : " (all name") : ` (${count(unknown)} of them ${unknown === 1 ? "names" : "name"}`;
    parts.push(`${plural(summary.errorCount, "line needs", "lines need")} fixing${which ? `${which} a canvasser we don't know)` : ""}`);
  }
  return `${plural(summary.rows, "line", "lines")} checked: ${parts.join(", ")}.`;
}

function Preview({ summary }: { summary: CheckSummary }) {
  return (
    <section aria-labelledby="preview-heading">
      <h3 id="preview-heading">Preview</h3>
      <div className={`alert ${summary.errorCount ? "alert--error" : "alert--success"}`} role="status">
        {checkedSentence(summary)}
      </div>
      <ProblemList problems={summary.errors} total={summary.errorCount} id="check-problems" />
      <div className="table-wrap" tabIndex={0} role="region" aria-label="What the first lines will become">
        <table className="report-table">
          <thead>
            <tr>
              <th scope="col">Line</th>
              <th scope="col">Will become</th>
            </tr>
          </thead>
          <tbody>
            {summary.preview.map((row) => (
              <tr key={row.line}>
                <th scope="row">{row.line}</th>
                <td>
                  {row.outcome.ok
                    ? `${row.outcome.alreadyThere ? "Already imported: " : ""}${row.outcome.canvasser}, ${row.outcome.area}, ${row.outcome.day}: ${row.outcome.result}${
                        row.outcome.support ? `, support ${row.outcome.support}` : ""
                      }${row.outcome.commitment ? ", committed" : ""}`
                    : `Problem: ${row.outcome.message}`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function CancelForm() {
  return (
    <Form method="post" className="button-row">
      <button type="submit" name="intent" value="cancel" className="button button--secondary">
        Cancel this import
      </button>
      <span className="field__hint">Removes the uploaded file; nothing has been imported.</span>
    </Form>
  );
}

function Running() {
  const { record } = useLoaderData<typeof loader>();
  const revalidator = useRevalidator();
  // With JavaScript, poll the counts; without, the <noscript> refresh reloads the page.
  useEffect(() => {
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, 1000);
    return () => clearInterval(timer);
  }, [revalidator]);
  const checking = record.status === "checking";
  const done = checking ? record.rowsRead : record.rowsAdded + record.rowsAlreadyThere + record.rowsSkipped;
  return (
    <>
      <noscript>
        <meta httpEquiv="refresh" content="2" />
      </noscript>
      <label htmlFor="import-progress">{checking ? "Checking every line" : "Importing"}</label>
      <progress id="import-progress" className="import-progress" max={Math.max(record.rowsTotal, 1)} value={done}>
        {count(done)} of {count(record.rowsTotal)}
      </progress>
      <p role="status">
        {count(done)} of {plural(record.rowsTotal, "line", "lines")} {checking ? "checked" : "imported"}.
      </p>
    </>
  );
}

/** A failed import, or one whose job died with its server: say so, and offer to carry on. */
function Resume() {
  const { record } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <div className="card">
      <div className="alert alert--error" role="alert">
        {record.status === "failed"
          ? `The import stopped on an unexpected error after adding ${plural(record.rowsAdded, "line", "lines")}.`
          : "The import stopped before it finished: the server running it was restarted or stopped."}{" "}
        Each batch was written whole. Resuming goes through the file again and adds only what is not there yet, so nothing is counted twice.
      </div>
      <FormError message={failure && !failure.ok ? failure.message : undefined} />
      <Form method="post">
        <button type="submit" name="intent" value="resume" className="button" disabled={busy}>
          {busy ? "Resuming…" : "Resume the import"}
        </button>
      </Form>
    </div>
  );
}

function Summary() {
  const { record } = useLoaderData<typeof loader>();
  return (
    <div className="card" data-testid="import-summary">
      <h3>Imported</h3>
      <dl className="import-summary">
        <dt>Lines read</dt>
        <dd>{count(record.rowsRead)}</dd>
        <dt>Contacts added</dt>
        <dd>{count(record.rowsAdded)}</dd>
        <dt>Already imported before (not added again)</dt>
        <dd>{count(record.rowsAlreadyThere)}</dd>
        <dt>Skipped: canvasser unknown</dt>
        <dd>{count(record.rowsSkipped)}</dd>
      </dl>
      {record.finishedAt ? <p>Finished {formatWhen(record.finishedAt)}.</p> : null}
    </div>
  );
}
