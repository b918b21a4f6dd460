import { Link } from "@remix-run/react";
import { useEffect, useState } from "react";
import type { QuizActivity } from "../manifest";
import { BarChart } from "~/components/live/bar-chart";
import { CheckIcon, ChosenIcon, CrossIcon } from "~/components/icons";
import { Verdict } from "~/components/verdict";
import { isPinned, shuffled } from "~/activities/order/shuffle";
import { useActivity, useRuntime, type RuntimeProgress } from "~/activities/runtime/context";
import { ActivityError, answeredLine, LiveError, LiveSendRow, RevealButton, useActivityForm, useLive, useLiveAnswerForm } from "~/activities/runtime/forms";

// The quiz's three views. Self-paced: answer, see your score and feedback, try again.
// Live participant: send answers, then see the right ones once the trainer reveals
// them. Presenter: the room's answers per question, and the reveal toggle. Both forms
// post one "answer.<question id>" field per choice, read by app/activities/quiz/form.server.ts.
// Learners see each question's options in their own order (app/activities/order/shuffle.ts): the
// form in the order of the attempt being answered, the feedback in the order it was answered
// in. The presenter's projected tally keeps the author's order, the same on every screen.

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

// ---------------------------------------------------------------- Live

export function LiveQuiz({ id }: { id: string }) {
  const quiz = useActivity(id, "quiz");
  const { live } = useLive();
  if (!quiz) return null;
  const revealed = live.revealed.includes(id);
  return (
    <section className="activity quiz quiz--live" id={id} aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} className="activity__title">
        Quiz
      </h2>
      {live.role === "presenter" ? <PresenterQuiz quiz={quiz} revealed={revealed} /> : revealed ? <RevealedQuiz quiz={quiz} /> : <QuizForm quiz={quiz} />}
    </section>
  );
}

function PresenterQuiz({ quiz, revealed }: { quiz: QuizActivity; revealed: boolean }) {
  const { live } = useLive();
  const tally = live.tallies[quiz.id];
  const total = tally?.total ?? 0;
  return (
    <>
      <p className="live-count" aria-live="polite">
        {answeredLine(total, live.connectedCount)}
      </p>
      {quiz.questions.map((q, i) => {
        const counts = tally?.kind === "quiz" ? tally.questions[q.id] : undefined;
        return (
          <BarChart
            key={q.id}
            label={`${i + 1}. ${q.prompt}${q.multiple ? " (more than one answer)" : ""}`}
            total={total}
            bars={q.options.map((o) => ({ id: o.id, label: o.text, count: counts?.[o.id] ?? 0, correct: revealed && o.correct }))}
          />
        );
      })}
      <RevealButton activityId={quiz.id} shown={revealed} show="Reveal the answers" hide="Hide the answers" />
    </>
  );
}

function QuizForm({ quiz }: { quiz: QuizActivity }) {
  const { live, actionPath } = useLive();
  const seed = useRuntime().shuffleSeeds?.[quiz.id]?.current;
  const mine = live.responses[quiz.id];
  const { fetcher, onSubmit, failure, busy, sent: taken } = useLiveAnswerForm(quiz.id, mine);
  const answers = mine?.kind === "quiz" ? mine.answers : null;
  const sent = Boolean(answers) || taken;
  const answered = live.answered[quiz.id];
  return (
    <fetcher.Form method="post" action={actionPath} className="quiz__form" onSubmit={onSubmit}>
      {answered !== undefined ? <p className="live-count live-count--participant">{answeredLine(answered, live.connectedCount)}</p> : null}
      <input type="hidden" name="intent" value="answer" />
      <input type="hidden" name="activityId" value={quiz.id} />
      {quiz.questions.map((q, qi) => (
        <fieldset key={q.id} className="question">
          <legend>
            <span className="question__number">{qi + 1}.</span> {q.prompt}
            {q.multiple ? <span className="question__hint"> (choose all that apply)</span> : null}
          </legend>
          {shuffled(q.options, seed, q.id, isPinned).map((o) => (
            <label key={o.id} className="option">
              <input
                type={q.multiple ? "checkbox" : "radio"}
                name={`answer.${q.id}`}
                value={o.id}
                required={!q.multiple}
                defaultChecked={answers?.[q.id]?.includes(o.id) ?? false}
              />
              <span>{o.text}</span>
            </label>
          ))}
        </fieldset>
      ))}
      <LiveError message={failure} />
      <LiveSendRow busy={busy} label={sent ? "Change my answers" : "Send my answers"} sent={sent ? "Answers sent. The trainer will reveal the right ones." : null} />
    </fetcher.Form>
  );
}

function RevealedQuiz({ quiz }: { quiz: QuizActivity }) {
  const { live } = useLive();
  const seed = useRuntime().shuffleSeeds?.[quiz.id]?.answered;
  const mine = live.responses[quiz.id];
  const answers = mine?.kind === "quiz" ? mine.answers : {};
  const tally = live.tallies[quiz.id];
  return (
    <>
      <p role="status" className="muted">
        The trainer has revealed the answers.
      </p>
      <ol className="question-results">
        {quiz.questions.map((q) => {
          const chosen = answers[q.id] ?? [];
          const right = q.options.filter((o) => o.correct).map((o) => o.id);
          const gotIt = chosen.length > 0 && chosen.length === right.length && right.every((r) => chosen.includes(r));
          const counts = tally?.kind === "quiz" ? tally.questions[q.id] : undefined;
          return (
            <li key={q.id}>
              <p className="question-result__prompt">
                {chosen.length ? <Verdict right={gotIt}>{gotIt ? "Right" : "Not quite"}</Verdict> : null} {q.prompt}
              </p>
              <ul className="feedback-list">
                {shuffled(q.options, seed, q.id, isPinned)
                  .filter((o) => o.correct || chosen.includes(o.id))
                  .map((o) => (
                    <li key={o.id}>
                      {o.correct ? <CheckIcon className="feedback-icon" /> : <CrossIcon className="feedback-icon" />}{" "}
                      <strong>{chosen.includes(o.id) ? (o.correct ? "You chose (right):" : "You chose (not right):") : "Right answer:"}</strong> {o.text} — <span className="feedback">{o.feedback}</span>
                    </li>
                  ))}
              </ul>
              {q.explanation ? <p className="explanation">{q.explanation}</p> : null}
              {counts ? (
                <BarChart
                  label="What the room answered"
                  total={tally?.total}
                  bars={q.options.map((o) => ({ id: o.id, label: o.text, count: counts[o.id] ?? 0, correct: o.correct, mine: chosen.includes(o.id) }))}
                />
              ) : null}
            </li>
          );
        })}
      </ol>
    </>
  );
}
