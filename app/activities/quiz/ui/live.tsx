import type { ActivityView } from "../../runtime/views";
import type { QuizActivity } from "../manifest";
import { BarChart } from "~/components/live/bar-chart";
import { CheckIcon, CrossIcon } from "~/components/icons";
import { rightAnswerMark, Verdict } from "~/components/verdict";
import { isPinned, shuffled } from "~/activities/order/shuffle";
import { useActivity, useRuntime } from "~/activities/runtime/context";
import { answeredLine, LiveError, LiveSendRow, RevealButton, useLive, useLiveAnswerForm } from "~/activities/runtime/live-forms";

// The quiz's live views. Participant: send answers, then see the right ones once the
// trainer reveals them. Presenter: the room's answers per question, and the reveal toggle.
// The form posts the self-paced one's fields (./self.tsx), read by
// app/activities/quiz/form.server.ts. A participant sees the options in their own order
// (app/activities/order/shuffle.ts); the presenter's projected tally keeps the author's
// order, the same on every screen.

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
          <BarChart rightMark={rightAnswerMark}
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
                <BarChart rightMark={rightAnswerMark}
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

/** The live view (participant and presenter): its own chunk (../../registry.tsx). */
export const view = { View: LiveQuiz } satisfies ActivityView<{ id: string }>;
