import type { ActivityView } from "../../runtime/views";
import { Link } from "@remix-run/react";
import { useEffect, useState } from "react";
import type { QuizActivity } from "../manifest";
import { CheckIcon, ChosenIcon, CrossIcon } from "~/components/icons";
import { Verdict } from "~/components/verdict";
import { isPinned, shuffled } from "~/activities/order/shuffle";
import { useActivity, useRuntime, type RuntimeProgress } from "~/activities/runtime/context";
import { ActivityError, useActivityForm } from "~/activities/runtime/forms";

// The quiz's self-paced view: answer, see your score and feedback, try again (the live
// views are ./live.tsx, the projector's ./display.tsx: each screen is its own chunk,
// ../../registry.tsx). The form posts one "answer.<question id>" field per choice, read by
// app/activities/quiz/form.server.ts. Learners see each question's options in their own
// order (app/activities/order/shuffle.ts): the form in the order of the attempt being
// answered, the feedback in the order it was answered in.

export function SelfPacedQuiz({ id }: { id: string }) {
  const quiz = useActivity(id, "quiz");
  const runtime = useRuntime();
  const { fetcher, failure, busy } = useActivityForm(id);
  const [retrying, setRetrying] = useState(runtime.retryQuizId === id);
  const progress = runtime.progress.quizzes[id];
  // A new attempt arriving ends "retry" mode so its feedback shows.
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data?.ok) setRetrying(false);
  }, [fetcher.state, fetcher.data]);
  if (!quiz) return null;
  const headingId = `${id}-heading`;
  const showResult = progress && !retrying;
  const seeds = runtime.shuffleSeeds?.[id];
  return (
    <section className="activity quiz" id={id} aria-labelledby={headingId}>
      <h2 id={headingId} className="activity__title">
        Quiz <span className="muted">· pass mark {quiz.passMark}%</span>
      </h2>
      {showResult ? (
        <QuizResult quiz={quiz} progress={progress} seed={seeds?.answered ?? null} onRetry={() => setRetrying(true)} />
      ) : (
        <fetcher.Form method="post" action={runtime.actionPath} className="quiz__form">
          <input type="hidden" name="intent" value="quiz" />
          <input type="hidden" name="activityId" value={id} />
          <input type="hidden" name="attemptKey" value={runtime.formKeys[id] ?? ""} />
          {quiz.questions.map((q, qi) => (
            <fieldset key={q.id} className="question">
              <legend>
                <span className="question__number">{qi + 1}.</span> {q.prompt}
                {q.multiple ? <span className="question__hint"> (choose all that apply)</span> : null}
              </legend>
              {shuffled(q.options, seeds?.current, q.id, isPinned).map((o) => (
                <label key={o.id} className="option">
                  <input type={q.multiple ? "checkbox" : "radio"} name={`answer.${q.id}`} value={o.id} required={!q.multiple} />
                  <span>{o.text}</span>
                </label>
              ))}
            </fieldset>
          ))}
          <ActivityError message={failure} />
          <div className="button-row">
            <button type="submit" className="button" disabled={busy}>
              {busy ? "Checking…" : "Check answers"}
            </button>
            {progress ? (
              <button type="button" className="button button--quiet" onClick={() => setRetrying(false)}>
                Back to my last result
              </button>
            ) : null}
          </div>
        </fetcher.Form>
      )}
    </section>
  );
}

function QuizResult({
  quiz,
  progress,
  seed,
  onRetry,
}: {
  quiz: QuizActivity;
  progress: RuntimeProgress["quizzes"][string];
  seed: string | null;
  onRetry: () => void;
}) {
  const { last } = progress;
  return (
    <div className="quiz__result">
      <p className={`score ${last.passed ? "score--pass" : "score--fail"}`} role="status">
        {last.passed ? <CheckIcon /> : <CrossIcon />} {last.passed ? "Passed" : "Not yet"}: you scored <strong>{last.score}%</strong> (pass mark {quiz.passMark}%).
        {progress.attempts > 1 ? ` Best so far: ${progress.bestScore}% over ${progress.attempts} attempts.` : null}
      </p>
      <ol className="question-results">
        {quiz.questions.map((q) => {
          const chosen = last.answers[q.id] ?? [];
          const right = last.results[q.id];
          return (
            <li key={q.id} className={right ? "question-result--right" : "question-result--wrong"}>
              <p className="question-result__prompt">
                <Verdict right={Boolean(right)}>{right ? "Right" : "Not quite"}</Verdict> {q.prompt}
              </p>
              <ul className="feedback-list">
                {shuffled(q.options, seed, q.id, isPinned)
                  .filter((o) => chosen.includes(o.id))
                  .map((o) => (
                    <li key={o.id}>
                      <ChosenIcon className="feedback-icon" /> <strong>You chose:</strong> {o.text} — <span className="feedback">{o.feedback}</span>
                    </li>
                  ))}
              </ul>
              {q.explanation && right ? <p className="explanation">{q.explanation}</p> : null}
              {!right && q.multiple ? <p className="explanation muted">Hint: this question has more than one right answer.</p> : null}
            </li>
          );
        })}
      </ol>
      <p>
        {/* A link so "try again" works without JavaScript too. */}
        <Link
          to={`?retry=${quiz.id}#${quiz.id}`}
          className="button button--secondary"
          preventScrollReset
          onClick={(event) => {
            event.preventDefault();
            onRetry();
          }}
        >
          {progress.last.passed ? "Take it again" : "Try again"}
        </Link>
      </p>
    </div>
  );
}

/** The self-paced view: its own chunk, loaded by pages that show a quiz self-paced (../../registry.tsx). */
export const view = { View: SelfPacedQuiz } satisfies ActivityView<{ id: string }>;
