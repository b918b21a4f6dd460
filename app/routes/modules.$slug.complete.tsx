import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { StarIcon } from "~/components/icons";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/guard.server";
import { requireLearnerModule } from "~/content/variants.server";
import { formatJoinCode } from "~/live/join-code";
import { openSessionsOfGroups } from "~/live/joining.server";
import { moduleFinish } from "~/progress/finish.server";
import { formatLongDate } from "~/lib/dates";

// Where "Finish" on a module's last step leads: complete (by the one completion rule) and
// what comes next, or what is still missing, each with a link to its step.

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.finish.completion ? "Complete" : "Almost there"}: ${data.module.title} · Doorstep` : "Doorstep" },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { user } = await requireUser({ request, context });
  const module = await requireLearnerModule(user, params.slug ?? "");
  const finish = await moduleFinish(user.id, module);
  const liveNext = finish.next ? await openSessionsOfGroups(user.id, { moduleSlug: finish.next.slug }) : [];
  return { module: { slug: module.slug, title: module.frontmatter.title }, finish, liveNext };
}


export default function ModuleComplete() {
  const { module, finish, liveNext } = useLoaderData<typeof loader>();
  const base = `/modules/${module.slug}`;
  const { completion, missing, next } = finish;
  return (
    <article className="module-finish">
      <nav aria-label="Breadcrumb" className="muted">
        <Link to="/modules">Modules</Link> › <Link to={base}>{module.title}</Link>
      </nav>
      {completion ? (
        <div className="finish-banner" role="status">
          <p className="finish-banner__mark">
            <StarIcon />
          </p>
          <h1>You've completed “{module.title}”</h1>
          <p className="lede">
            Well done. It's on your record from {formatLongDate(completion.completedAt)}
            {completion.how === "live" ? ", from a live session" : ""}. <Link to="/me">See your record</Link>
          </p>
        </div>
      ) : (
        <>
          <h1>Almost there: “{module.title}”</h1>
          <p className="lede">
            {missing.length === 1 ? "One thing is" : `${missing.length} things are`} left before this module counts as complete.
          </p>
          <section aria-labelledby="missing-heading" className="card">
            <h2 id="missing-heading">Still to do</h2>
            <ul className="finish-missing">
              {missing.map((m) => (
                <li key={`${m.stepId}-${m.what}`}>
                  {m.what}: <Link to={`${base}/${m.stepId}`}>{m.stepTitle}</Link>
                </li>
              ))}
            </ul>
          </section>
        </>
      )}

      <section aria-labelledby="done-heading">
        <h2 id="done-heading">What you did</h2>
        <ul className="finish-done">
          <li>
            Steps read: {finish.steps.seen} of {finish.steps.total}
          </li>
          {finish.quizzes.map((q) => (
            <li key={q.id}>
              Quiz in “{q.stepTitle}” ({q.questions} {q.questions === 1 ? "question" : "questions"}):{" "}
              {q.bestScore === null ? "not taken yet" : `best score ${q.bestScore}%${q.passed ? ", passed" : `, pass mark ${q.passMark}%`}`}
            </li>
          ))}
          {finish.scenarios.map((s) => (
            <li key={s.id}>
              Role-play “{s.title}”: {s.endingsReached} of {s.endings} endings found
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="next-heading" className="finish-next">
        <h2 id="next-heading">What's next</h2>
        {next ? (
          <>
            <p>
              <Link className="button" to={`/modules/${next.slug}`}>
                Next module: {next.title} →
              </Link>
            </p>
            <p className="muted">
              {next.summary} About {next.minutes} minutes.
            </p>
            {liveNext.length ? (
              <div className="alert alert--info">
                <p>A live session of “{next.title}” is running for your group now:</p>
                <ul>
                  {liveNext.map((s) => (
                    <li key={s.code}>
                      <Link to={`/join/${s.code}`}>
                        Join it live: {s.groupName} with {s.trainerName} (code <span className="join-code-inline">{formatJoinCode(s.code)}</span>)
                      </Link>
                    </li>
                  ))}
                </ul>
              </div>
            ) : null}
          </>
        ) : (
          <p>
            That was the last module. <Link to="/modules">See all modules</Link> to go back over any of them.
          </p>
        )}
        <p>
          <Link to={base}>Back to the module's page</Link>
        </p>
      </section>
    </article>
  );
}
