import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/guard.server";
import { may, ROLES } from "~/auth/policy";
import { objectionLabel } from "~/content/objections";
import { ATTEMPTS_LABEL, formatDay, KIND_LABEL } from "~/field/debrief-fields";
import { deleteDebrief, listOwnDebriefs } from "~/field/debriefs.server";
import { shiftsForPerson } from "~/field/shifts.server";
import { invariantResponse, text } from "~/lib/http.server";
import { readForm } from "~/lib/request.server";

export const meta: MetaFunction = () => [{ title: "Field · Doorstep" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requireUser({ request, context }, ROLES.logShifts);
  const [debriefs, shifts] = await Promise.all([listOwnDebriefs(user.id), shiftsForPerson(user.id)]);
  return { debriefs, shifts, planShifts: may.planShifts(user.role) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { user } = await requireUser({ request, context }, ROLES.logShifts);
  const form = await readForm(request);
  invariantResponse(text(form, "intent") === "delete", "Unknown action on the field page.");
  const deleted = await deleteDebrief(user.id, text(form, "debriefId") ?? "");
  if (!deleted.ok) return data({ ok: false as const, message: deleted.message }, { status: deleted.status });
  return { ok: true as const, message: `Deleted your debrief of ${formatDay(deleted.value.day)}. Its counts are gone from every report.` };
}

export default function Field() {
  const { debriefs, shifts, planShifts } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <>
      <h1>Field</h1>
      <p className="lede">After a session on the doors or the phones, log what happened. It takes two minutes, and Doorstep suggests what to practise next.</p>
      <div className="button-row">
        <Link to="/field/log" className="button">
          Log a shift
        </Link>
        {planShifts ? (
          <Link to="/field/shifts/new" className="button button--secondary">
            Plan a shift
          </Link>
        ) : null}
      </div>
      {result ? (
        <div className={`alert ${result.ok ? "alert--success" : "alert--error"}`} role={result.ok ? "status" : "alert"}>
          {result.message}
        </div>
      ) : null}

      <section aria-labelledby="shifts-heading">
        <h2 id="shifts-heading">Shifts in your groups</h2>
        {shifts.length === 0 ? (
          <p className="empty">No shifts planned in your groups. You can still log a session you went on.</p>
        ) : (
          <ul className="stack field-list">
            {shifts.map((s) => (
              <li key={s.id} className="card">
                <p>
                  <strong>{formatDay(s.day)}</strong> · {KIND_LABEL[s.kind]} · {s.groupName}
                </p>
                <p>Meet: {s.meetingPoint || "ask your organiser"}</p>
                <div className="button-row">
                  {s.logged ? (
                    <span className="tag tag--good">You logged this</span>
                  ) : (
                    <Link to={`/field/log?shift=${s.id}`} className="button button--secondary">
                      Log this shift<span className="visually-hidden"> of {formatDay(s.day)}</span>
                    </Link>
                  )}
                  {planShifts ? (
                    <Link to={`/field/shifts/${s.id}`} className="button button--secondary">
                      Who logged<span className="visually-hidden"> on {formatDay(s.day)}</span>
                    </Link>
                  ) : null}
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="debriefs-heading">
        <h2 id="debriefs-heading">Your debriefs</h2>
        <p className="muted">Only you see these one by one; reports show them as totals. Deleting one takes its counts out of every report.</p>
        {debriefs.length === 0 ? (
          <p className="empty">Nothing logged yet.</p>
        ) : (
          <ul className="stack field-list">
            {debriefs.map((d) => (
              <li key={d.id} className="card">
                <h3>
                  {formatDay(d.day)} · {d.areaName}
                </h3>
                <p>
                  {KIND_LABEL[d.kind]}: {ATTEMPTS_LABEL[d.kind].toLowerCase()} {d.attempts}, answered {d.contacts}, conversations {d.conversations}, commitments{" "}
                  {d.commitments}
                </p>
                {d.objections.length ? <p>Objections: {d.objections.map(objectionLabel).join("; ")}</p> : null}
                {d.differently ? <p>Next time: {d.differently}</p> : null}
                <div className="button-row">
                  <Link to={`/field/debriefs/${d.id}`} className="button button--secondary">
                    What to practise<span className="visually-hidden"> after {formatDay(d.day)}</span>
                  </Link>
                  {/* Asked twice (a disclosure, so it works without JavaScript): one stray tap must not delete a shift's record. */}
                  <details className="confirm-delete">
                    <summary className="button button--secondary">
                      Delete…<span className="visually-hidden"> debrief of {formatDay(d.day)} in {d.areaName}</span>
                    </summary>
                    <Form method="post">
                      <p>Delete this debrief? Its counts leave every report, and it cannot be brought back.</p>
                      <input type="hidden" name="intent" value="delete" />
                      <input type="hidden" name="debriefId" value={d.id} />
                      <button type="submit" className="button button--danger">
                        Yes, delete<span className="visually-hidden"> the debrief of {formatDay(d.day)} in {d.areaName}</span>
                      </button>
                    </Form>
                  </details>
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
