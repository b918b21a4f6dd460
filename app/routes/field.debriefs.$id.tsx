import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/guard.server";
import { ROLES } from "~/auth/policy";
import { objectionLabel } from "~/content/objections";
import { ATTEMPTS_LABEL, debriefOutcomes, formatDay, KIND_LABEL, OUTCOME_LABEL } from "~/field/debrief-fields";
import { ownDebriefWithSuggestion } from "~/field/debriefs.server";
import { notFound } from "~/lib/http.server";
import { readQuery, routeParam } from "~/lib/request.server";

export const meta: MetaFunction = () => [{ title: "Your debrief · Field · Doorstep" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { user } = await requireUser({ request, context }, ROLES.logShifts);
  const found = await ownDebriefWithSuggestion(user.id, routeParam(params, "id"));
  if (!found.ok) throw notFound(found.message, { to: "/field", label: "Your field page" });
  return { ...found.value, justSaved: readQuery(request).get("saved") === "1" };
}

export default function DebriefPage() {
  const { debrief: d, objection, practice, justSaved } = useLoaderData<typeof loader>();
  const first = practice[0];
  return (
    <div className="page--narrow">
      {justSaved ? (
        <div className="alert alert--success" role="status">
          Saved. Thank you for logging your shift.
        </div>
      ) : null}
      <h1>
        Your debrief: {formatDay(d.day)}, {d.areaName}
      </h1>

      <section className="card" aria-labelledby="practice-heading">
        <h2 id="practice-heading">What to practise next</h2>
        {!objection ? (
          <p>You noted no objections this time. When you do, Doorstep points you to a scenario that practises the hardest one.</p>
        ) : first ? (
          <>
            <p>
              You found <strong>{objection.label}</strong> hardest. This scenario practises it:
            </p>
            <p>
              <Link to={first.href} className="button">
                Practise: {first.scenarioTitle}
              </Link>
            </p>
            <p className="muted">
              In {first.moduleTitle}, step &ldquo;{first.stepTitle}&rdquo;.
            </p>
            {practice.length > 1 ? (
              <>
                <p>Also practised in:</p>
                <ul>
                  {practice.slice(1).map((p) => (
                    <li key={`${p.slug}/${p.scenarioId}`}>
                      <Link to={p.href}>
                        {p.scenarioTitle} ({p.moduleTitle})
                      </Link>
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
          </>
        ) : (
          <p>
            You found <strong>{objection.label}</strong> hardest. No scenario practises it yet; ask your trainer about it, and browse the <Link to="/modules">modules</Link>{" "}
            meanwhile.
          </p>
        )}
      </section>

      <section className="card" aria-labelledby="counts-heading">
        <h2 id="counts-heading">What you logged</h2>
        <dl>
          <dt>{KIND_LABEL[d.kind]}</dt>
          <dd>
            {ATTEMPTS_LABEL[d.kind]}: {d.attempts}
          </dd>
          <dt>Someone answered</dt>
          <dd>{d.contacts}</dd>
          <dt>Conversations</dt>
          <dd>{d.conversations}</dd>
          <dt>Commitments</dt>
          <dd>{d.commitments}</dd>
          {debriefOutcomes
            .filter((o) => d.outcomes[o])
            .map((o) => (
              <div key={o}>
                <dt>{OUTCOME_LABEL[o]}</dt>
                <dd>{d.outcomes[o]}</dd>
              </div>
            ))}
          {d.objections.length ? (
            <>
              <dt>Objections</dt>
              <dd>{d.objections.map(objectionLabel).join("; ")}</dd>
            </>
          ) : null}
          {d.differently ? (
            <>
              <dt>What I&rsquo;d do differently</dt>
              <dd>{d.differently}</dd>
            </>
          ) : null}
        </dl>
      </section>
      <div className="button-row">
        <Link to="/field/log" className="button button--secondary">
          Log another shift
        </Link>
        <Link to="/field" className="button button--secondary">
          All your debriefs
        </Link>
      </div>
    </div>
  );
}
