import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useEffect, useState } from "react";
import { requireUser } from "~/auth/guard.server";
import { ROLES } from "~/auth/policy";
import { TrainerNotesBlocks } from "~/components/trainer-notes";
import { visibleModule } from "~/content/catalog.server";
import { notFound } from "~/lib/http.server";
import { sessionPlan, type PlanActivity } from "~/live/plan.server";
import { formatPlanClock } from "~/live/timing";

// The printable session plan (issue 15): paper is the fallback when a hall loses Wi-Fi, so
// this is a plain page that prints well, with role cards one to a sheet.

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Session plan: ${data.plan.title} · Doorstep` : "Session plan · Doorstep" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  // Trainers and admins: the plan carries the trainer notes (ADR 023).
  const { user } = await requireUser({ request, context }, ROLES.runLive);
  const module = visibleModule(params.slug ?? "", user.role);
  if (!module) throw notFound("There is no training module at this address.");
  return { plan: sessionPlan(module) };
}

const ROLE_LABEL = { canvasser: "Canvasser", resident: "Resident" } as const;

function ActivityInPlan({ activity }: { activity: PlanActivity }) {
  switch (activity.kind) {
    case "roleplay":
      return (
        <div className="plan-activity">
          <h4>Role-play: {activity.title}</h4>
          <p>
            <strong>Pairing:</strong> “Pair participants” makes random pairs of the people connected: a canvasser (
            {activity.roles.find((r) => r.type === "canvasser")?.name ?? "canvasser"}) and a resident ({activity.roles.find((r) => r.type === "resident")?.name ?? "resident"}
            ); with an odd number, one group is a trio and its third person observes with a checklist. “Make trios” gives every group an observer. Play{" "}
            {activity.minutes} min, then “Swap roles” and play again (trios rotate, so over three rounds everyone canvasses and everyone observes).
          </p>
          <p className="muted">On paper: hand out the role cards at the end of this plan, one of each per pair.</p>
        </div>
      );
    case "scenario":
      return (
        <div className="plan-activity">
          <h4>Scenario: {activity.title}</h4>
          <p className="muted">{activity.setting}</p>
          <ol className="plan-choices">
            {activity.choicePoints.map((point, i) => (
              <li key={i}>
                <p>Resident: “{point.says}”</p>
                <ul>
                  {point.choices.map((c, j) => (
                    <li key={j}>
                      “{c.text}” → {c.leadsTo}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ol>
        </div>
      );
    case "quiz":
      return <p className="plan-activity">Quiz: {activity.questions === 1 ? "1 question" : `${activity.questions} questions`}.</p>;
    case "poll":
      return <p className="plan-activity">Poll: {activity.question}</p>;
    case "reflect":
      return <p className="plan-activity">Reflection: {activity.prompt}</p>;
    case "record":
      return <p className="plan-activity">Record the conversation: {activity.title} (support, issues, commitment, follow-up, as codes).</p>;
  }
}

/** Shown once scripts run: without them the browser's own Print does the same. */
function PrintButton() {
  const [ready, setReady] = useState(false);
  useEffect(() => setReady(true), []);
  return ready ? (
    <button type="button" className="button" onClick={() => window.print()}>
      Print this plan
    </button>
  ) : null;
}

export default function SessionPlanPage() {
  const { plan } = useLoaderData<typeof loader>();
  return (
    <article className="session-plan">
      <nav aria-label="Breadcrumb" className="muted plan-noprint">
        <Link to="/modules">Modules</Link> › <Link to={`/modules/${plan.slug}`}>{plan.title}</Link> › Session plan
      </nav>
      <h1>
        Session plan: {plan.title} {plan.draft ? <span className="tag tag--warn">Draft</span> : null}
      </h1>
      <p className="lede">{plan.summary}</p>
      <p>
        {plan.plannedMinutes > 0 ? `${plan.plannedMinutes} minutes planned for the live session.` : "No live timings planned yet."} For trainers only: it includes the trainer
        notes.
      </p>
      <p className="plan-noprint">
        <PrintButton /> <span className="muted">Or use your browser's Print (Ctrl+P): the page prints the same.</span>
      </p>
      <h2>Materials</h2>
      {plan.materials.length ? (
        <ul>
          {plan.materials.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      ) : (
        <p className="muted">None listed.</p>
      )}
      <h2>Steps</h2>
      <ol className="plan-steps">
        {plan.steps.map((s) => (
          <li key={s.id} className="plan-step">
            <h3>
              <span className="plan-clock" data-testid="plan-clock">
                {formatPlanClock(s.startsAt)}
              </span>{" "}
              {s.title} <span className="muted">({s.liveMinutes !== null ? `${s.liveMinutes} min` : "no time planned"})</span>
            </h3>
            {s.notesHtml.length ? (
              <div className="trainer-notes">
                <TrainerNotesBlocks notesHtml={s.notesHtml} />
              </div>
            ) : null}
            {s.activities.map((a) => (
              <ActivityInPlan key={a.id} activity={a} />
            ))}
          </li>
        ))}
      </ol>
      <p>
        <span className="plan-clock">{formatPlanClock(plan.plannedMinutes)}</span> End.
      </p>
      {plan.roleCards.length ? (
        <section aria-labelledby="role-cards-heading">
          <h2 id="role-cards-heading">Role cards</h2>
          <p className="muted plan-noprint">Each card prints on its own page.</p>
          {plan.roleCards.map((card) => (
            <section key={`${card.activityId}-${card.role.type}`} className="role-card-print" aria-label={`${ROLE_LABEL[card.role.type]} card: ${card.title}`}>
              <p className="muted">{card.title}</p>
              <h3>
                {ROLE_LABEL[card.role.type]}: {card.role.name}
              </h3>
              <dl>
                <dt>Situation</dt>
                <dd>{card.role.situation}</dd>
                <dt>Concerns</dt>
                <dd>{card.role.concerns}</dd>
                {card.role.goal ? (
                  <>
                    <dt>Goal</dt>
                    <dd>{card.role.goal}</dd>
                  </>
                ) : null}
                {card.role.movedBy ? (
                  <>
                    <dt>Moved by</dt>
                    <dd>{card.role.movedBy}</dd>
                  </>
                ) : null}
              </dl>
            </section>
          ))}
        </section>
      ) : null}
    </article>
  );
}
