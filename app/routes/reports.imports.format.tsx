import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/guard.server";
import { ROLES } from "~/auth/policy";
import { IMPORT_FIELDS, RESULT_SPELLINGS } from "~/field/import-format";
import { IMPORT_MAX_BYTES } from "~/field/import.server";
import { IMPORT_SAMPLES, readImportSample } from "~/field/import-samples.server";

// The generic format, in the app: the import pages used to point organisers at
// docs/import.md, a file in the repository they cannot open. Columns and spellings come
// from the same lists the import reads (app/field/import-format.ts).

export const meta: MetaFunction = () => [{ title: "Canvass results format · Reports · Doorstep" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser({ request, context }, ROLES.seeImpact);
  return {
    maxMegabytes: IMPORT_MAX_BYTES / 1024 / 1024,
    samples: IMPORT_SAMPLES,
    example: (await readImportSample(IMPORT_SAMPLES[0]!.file)) ?? "",
  };
}

const RESULT_MEANING: Record<string, string> = {
  "no-answer": "nobody answered the door or the phone",
  contact: "someone answered, but there was no conversation",
  conversation: "you talked about the issue",
};

export default function ImportFormat() {
  const { maxMegabytes, samples, example } = useLoaderData<typeof loader>();
  const spellings = Object.keys(RESULT_MEANING).map((code) => ({
    code,
    others: Object.entries(RESULT_SPELLINGS)
      .filter(([word, to]) => to === code && word !== code)
      .map(([word]) => word),
  }));
  return (
    <section aria-labelledby="format-heading">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/reports/imports">Canvass imports</Link> › Format
      </nav>
      <h2 id="format-heading">The canvass results format</h2>
      <p>
        A CSV file, saved as UTF-8 (in Excel: “CSV UTF-8”), up to {maxMegabytes} MB. One header line, then one line for each door knocked or call made.
        Columns can come in any order, extra columns are ignored, and on the next page you say which column is which if the names differ from these.
      </p>

      <h3>Columns</h3>
      <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="format-columns-caption">
        <table className="report-table">
          <caption id="format-columns-caption">The columns of a canvass results file, and the header names recognised for each</caption>
          <thead>
            <tr>
              <th scope="col">Column</th>
              <th scope="col">What it holds, and the header names recognised</th>
            </tr>
          </thead>
          <tbody>
            {IMPORT_FIELDS.map((f) => (
              <tr key={f.key}>
                <th scope="row">{f.label}</th>
                <td>
                  <strong>{f.required ? "Required." : "Optional."}</strong> {f.hint}
                  <br />
                  <span className="muted">
                    Header:{" "}
                    {f.names.map((name, i) => (
                      <span key={name}>
                        {i > 0 ? ", " : ""}
                        <code>{name}</code>
                      </span>
                    ))}
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h3>Contact results</h3>
      <ul>
        {spellings.map((s) => (
          <li key={s.code}>
            <code>{s.code}</code>: {RESULT_MEANING[s.code]}. Also read: {s.others.map((o) => `“${o}”`).join(", ")}.
          </li>
        ))}
      </ul>
      <p>A support level and a commitment only go with a conversation. Residents are never named: the file has counts and codes only, no names or addresses.</p>

      <h3>An example</h3>
      <pre className="code-sample" tabIndex={0} aria-label="Example file">
        {example}
      </pre>

      <h3>Sample files</h3>
      <ul>
        {samples.map((s) => (
          <li key={s.file}>
            <a href={`/reports/imports/samples/${s.file}`} download>
              {s.title} ({s.file})
            </a>
            : {s.description}
          </li>
        ))}
      </ul>

      <h3>Good to know</h3>
      <ul>
        <li>Importing the same file again, or an export that overlaps an earlier one, adds nothing twice: the source and the contact id recognise a line.</li>
        <li>If any line has a problem, nothing is imported and every problem is listed with its line number.</li>
        <li>A shift a canvasser also logged in a debrief would count twice: import only shifts that were not debriefed.</li>
      </ul>
      <p>
        <Link to="/reports/imports/new" className="button">
          Import a file
        </Link>
      </p>
    </section>
  );
}
