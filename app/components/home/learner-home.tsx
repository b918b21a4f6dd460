import { Link } from "@remix-run/react";
import type { LearnerHome } from "~/home/home.server";
import { formatJoinCode } from "~/live/join-code";
import { ProgressBar } from "../progress-bar";
import { formatDate } from "~/lib/dates";


/** The learner's part of home: what to do now, what comes next, what is done, and live sessions to join. */
export function LearnerSection({ learner, headingLevel }: { learner: LearnerHome; headingLevel: "h2" | "h3" }) {
  const H = headingLevel;
  const { nextStep, upNext, alsoInProgress, completed, moduleCount, liveNow } = learner;
  return (
    <>
      {liveNow.length ? (
        <section className="card home-live" aria-labelledby="home-live-heading">
          <H id="home-live-heading">Live now in your groups</H>
          <ul className="home-list">
            {liveNow.map((s) => (
              <li key={s.code}>
                <strong>{s.moduleTitle}</strong> with {s.trainerName} · {s.groupName} · code <span className="join-code-inline">{formatJoinCode(s.code)}</span>{" "}
                {s.joined ? (
                  <Link className="button button--secondary" to={`/live/${s.code}`}>
                    Back to the session
                  </Link>
                ) : (
                  <Link className="button" to={`/join/${s.code}`} aria-label={`Join ${s.moduleTitle} live with ${s.trainerName}`}>
                    Join
                  </Link>
                )}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section className="card home-next" aria-labelledby="home-next-heading">
        <NextStepCard nextStep={nextStep} H={H} />
        {alsoInProgress.length ? (
          <p className="muted">
            Also under way:{" "}
            {alsoInProgress.map((m, i) => (
              <span key={m.slug}>
                {i ? ", " : null}
                <Link to={`/modules/${m.slug}`}>{m.title}</Link> ({m.percent}%)
              </span>
            ))}
          </p>
        ) : null}
        {upNext ? (
          <p>
            <span className="muted">Up next:</span> <Link to={`/modules/${upNext.slug}`}>{upNext.title}</Link> <span className="muted">· about {upNext.minutes} minutes</span>
          </p>
        ) : null}
      </section>

      <section className="card" aria-labelledby="home-done-heading">
        <H id="home-done-heading">
          Completed: {completed.length} of {moduleCount} {moduleCount === 1 ? "module" : "modules"}
        </H>
        {completed.length ? (
          <ul className="home-list">
            {completed.map((m) => (
              <li key={m.slug}>
                <Link to={`/modules/${m.slug}`}>{m.title}</Link> <span className="tag tag--good">Complete</span>{" "}
                <span className="muted">
                  {formatDate(m.completedAt)}
                  {m.how === "live" ? " · live session" : ""}
                </span>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">Nothing finished yet. Each module takes 10 to 25 minutes, and your place is saved as you go.</p>
        )}
        <p className="button-row">
          <Link to="/me">My record</Link>
          <Link to="/modules">All modules</Link>
        </p>
      </section>
    </>
  );
}

function NextStepCard({ nextStep, H }: { nextStep: LearnerHome["nextStep"]; H: "h2" | "h3" }) {
  switch (nextStep.kind) {
    case "continue":
      return (
        <>
          <H id="home-next-heading">Pick up where you left off</H>
          <p className="home-next__step">
            {nextStep.title} · step {nextStep.stepNumber} of {nextStep.stepCount}: {nextStep.stepTitle}
          </p>
          <ProgressBar percent={nextStep.percent} label={`Progress in ${nextStep.title}`} />
          <p>
            <Link className="button" to={`/modules/${nextStep.slug}/${nextStep.stepId}`}>
              Continue: {nextStep.title}, step {nextStep.stepNumber} of {nextStep.stepCount}
            </Link>
          </p>
        </>
      );
    case "start":
      return (
        <>
          <H id="home-next-heading">{nextStep.firstEver ? "Start here" : "Your next module"}</H>
          <p>
            <strong>{nextStep.module.title}</strong> · about {nextStep.module.minutes} minutes
          </p>
          <p className="muted">{nextStep.module.summary}</p>
          <p>
            <Link className="button" to={`/modules/${nextStep.module.slug}/${nextStep.module.firstStepId}`}>
              {nextStep.firstEver ? "Start here" : "Start"}: {nextStep.module.title}
            </Link>
          </p>
        </>
      );
    case "all-done":
      return (
        <>
          <H id="home-next-heading">You've completed every module</H>
          <p>
            Well done. Go through one again before your next shift, or see your quiz scores and role-play endings in <Link to="/me">your record</Link>.
          </p>
        </>
      );
    case "no-modules":
      return (
        <>
          <H id="home-next-heading">No modules yet</H>
          <p className="muted">No training modules have been published yet. Check back soon, or ask your trainer.</p>
        </>
      );
  }
}
