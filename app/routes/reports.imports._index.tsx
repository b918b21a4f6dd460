import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/guard.server";
import { ROLES } from "~/auth/policy";
import { IMPORT_STATUS_LABEL } from "~/field/import-format";
import { listImports } from "~/field/import.server";
import { formatWhen } from "~/lib/dates";

export const meta: MetaFunction = () => [{ title: "Canvass imports · Reports · Doorstep" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requireUser({ request, context }, ROLES.seeImpact);
  return { imports: await listImports(user) };
}

const count = (n: number) => n.toLocaleString("en-GB");

export default function CanvassImports() {
  const { imports } = useLoaderData<typeof loader>();
  return (
    <section>
      <h2>Canvass imports</h2>
      <p>
        Results from the canvassing tool your movement already uses, as CSV: each line one door knocked or call made, by one of your canvassers, in one of
        your groups. Importing the same file twice, or an export that overlaps an earlier one, adds nothing twice. <Link to="/reports/imports/new">Import a file</Link>{" "}
        · <Link to="/reports/imports/format">The file format and samples</Link>
      </p>
      {imports.length === 0 ? (
        <p>No imports yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="report-table">
            <caption className="visually-hidden">Your canvass imports, newest first</caption>
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Source</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Lines
                </th>
                <th scope="col" className="num">
                  Added
                </th>
                <th scope="col">Uploaded</th>
              </tr>
            </thead>
            <tbody>
              {imports.map((i) => (
                <tr key={i.id}>
                  <th scope="row">
                    <Link to={`/reports/imports/${i.id}`}>{i.fileName || "(no name)"}</Link>
                  </th>
                  <td>{i.source}</td>
                  <td>{IMPORT_STATUS_LABEL[i.status] ?? i.status}</td>
                  <td className="num">{count(i.rowsTotal)}</td>
                  <td className="num">{count(i.rowsAdded)}</td>
                  <td>
                    {formatWhen(i.createdAt)}
                    {i.by ? ` by ${i.by}` : ""}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
