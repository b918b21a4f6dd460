import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/guard.server";
import { ROLES } from "~/auth/policy";
import { OUTCOME_LABEL } from "~/reports/evaluation-labels";
import { evaluationList } from "~/reports/evaluations.server";

export const meta: MetaFunction = () => [{ title: "Evaluations · Reports · Doorstep" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requireUser({ request, context }, ROLES.runEvaluations);
  return { evaluations: await evaluationList(user) };
}

export default function Evaluations() {
  const { evaluations } = useLoaderData<typeof loader>();
  return (
    <>
      <h2>Randomised evaluations</h2>
      <p>
        Does training change what happens at the door? Split your activists at random into “train now” and “train later”, fix the outcome and the
        period before it starts, and compare.{" "}
        <Link className="button" to="/reports/evaluations/new">
          New evaluation
        </Link>
      </p>
      {evaluations.length === 0 ? (
        <p className="empty">No evaluations registered in your groups yet.</p>
      ) : (
        <ul className="stack" aria-label="Evaluations, newest first">
          {evaluations.map((e) => (
            <li key={e.id} className="card">
              <h3 className="breakable">
                <Link to={`/reports/evaluations/${e.id}`}>{e.name}</Link>
              </h3>
              <p>
                {OUTCOME_LABEL[e.outcome]}, {e.periodStart} to {e.periodEnd} · {e.people.toLocaleString("en-GB")} people · registered{" "}
                <time dateTime={e.registeredAt}>{e.registeredAt.replace("T", " ").replace("Z", " UTC")}</time>
              </p>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
