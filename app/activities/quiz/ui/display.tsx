import type { ActivityView } from "../../runtime/views";
import { BarChart } from "~/components/live/bar-chart";
import { rightAnswerMark } from "~/components/verdict";
import { useActivity } from "~/activities/runtime/context";
import { useLive } from "~/activities/runtime/live-forms";

// The quiz on the projector: the questions and their options in the author's order (each
// device shuffles its own, so the projector names options by their text, never a letter);
// once the trainer reveals the answers, the room's answers with the right ones marked.

export function DisplayQuiz({ id }: { id: string }) {
  const quiz = useActivity(id, "quiz");
  const { live } = useLive();
  if (!quiz) return null;
  const tally = live.tallies[id];
  const revealed = live.revealed.includes(id) && tally?.kind === "quiz";
  return (
    <section className="activity quiz display-activity" id={id} aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} className="activity__title">
        Quiz
      </h2>
      {quiz.questions.map((q, i) => {
        const label = `${i + 1}. ${q.prompt}${q.multiple ? " (more than one answer)" : ""}`;
        if (revealed) {
          const counts = tally.questions[q.id];
          return (
            <BarChart rightMark={rightAnswerMark} key={q.id} label={label} total={tally.total} bars={q.options.map((o) => ({ id: o.id, label: o.text, count: counts?.[o.id] ?? 0, correct: o.correct }))} />
          );
        }
        return (
          <div key={q.id} className="display-question">
            <p className="display-question__prompt">{label}</p>
            <ul className="display-options">
              {q.options.map((o) => (
                <li key={o.id}>{o.text}</li>
              ))}
            </ul>
          </div>
        );
      })}
      {revealed ? null : <p className="display-hint">Answer on your phone. The trainer will reveal the answers here.</p>}
    </section>
  );
}

/** The projector's view: its own chunk (../../registry.tsx). */
export const view = { View: DisplayQuiz } satisfies ActivityView<{ id: string }>;
