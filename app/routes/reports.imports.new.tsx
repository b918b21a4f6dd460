import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requireUser } from "~/auth/guard.server";
import { ROLES } from "~/auth/policy";
import { Field, FormError } from "~/components/form-field";
import { IMPORT_MAX_BYTES, uploadCanvassFile } from "~/field/import.server";

export const meta: MetaFunction = () => [{ title: "Import canvass results · Reports · Doorstep" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser({ request, context }, ROLES.seeImpact);
  return { maxMegabytes: IMPORT_MAX_BYTES / 1024 / 1024 };
}

// The upload is read as a stream by the domain (busboy), not by readForm: it may be up to
// 50 MB, and server.js lets only this path past its 1 MB body cap (ADR 027).
export async function action({ request, context }: ActionFunctionArgs) {
  const { user } = await requireUser({ request, context }, ROLES.seeImpact);
  const uploaded = await uploadCanvassFile(user, request);
  if (!uploaded.ok) return data(uploaded, { status: uploaded.status, headers: uploaded.closeConnection ? { Connection: "close" } : undefined });
  return redirect(`/reports/imports/${uploaded.id}`);
}

export default function NewCanvassImport() {
  const { maxMegabytes } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <section>
      <h2>Import canvass results</h2>
      <p>
        Export the results from your canvassing tool as CSV (UTF-8, a header line, one contact attempt a line). Next you pick which column is which and see
        what the first lines will become; nothing is stored until you import. <Link to="/reports/imports/format">The format, with sample files</Link>.
      </p>
      <p>
        If a canvasser also logged this shift in a debrief, the rollup will count both: import only shifts that were not debriefed.
      </p>
      <Form method="post" encType="multipart/form-data" className="card" noValidate>
        <FormError message={failure?.errors.form} />
        <Field
          label="Source"
          name="source"
          defaultValue={failure?.values.source}
          error={failure?.errors.source}
          hint="The tool the file came from, always spelt the same way (for example “MiniVAN”): a re-import of its lines is recognised by it."
          maxLength={60}
          autoComplete="off"
        />
        <Field
          label="CSV file"
          name="file"
          type="file"
          accept=".csv,text/csv,text/plain"
          error={failure?.errors.file}
          hint={`Up to ${maxMegabytes} MB.`}
        />
        <div className="button-row">
          <button type="submit" className="button" disabled={busy}>
            Upload and map columns
          </button>
          <Link to="/reports/imports">Cancel</Link>
        </div>
      </Form>
    </section>
  );
}
