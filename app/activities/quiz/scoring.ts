import { refuse, type Result } from "../../lib/result";
import type { QuizActivity } from "./manifest";

// Scoring a quiz, the same for the self-paced step page (app/progress/record.server.ts)
// and a live session (app/live/answers.server.ts).

export type QuizAnswers = Record<string, string[]>;

export type QuizCheck = Result<{ results: Record<string, boolean>; score: number; passed: boolean }, 400>;

/**
 * Score = share of questions answered exactly right (multiple choice: the exact set).
 * Unknown questions or options are refused rather than scored, so a tampered or stale
 * form never records a misleading attempt.
 */
export function scoreQuiz(quiz: QuizActivity, answers: QuizAnswers): QuizCheck {
  const known = new Map(quiz.questions.map((q) => [q.id, q]));
  for (const questionId of Object.keys(answers)) {
    if (!known.has(questionId)) return refuse(400, `This quiz has no question "${questionId}". Reload the page and try again.`);
  }
  const results: Record<string, boolean> = {};
  for (const question of quiz.questions) {
    // Own properties only: a question called "constructor" must not read Object.prototype.
    const chosen = [...new Set((Object.hasOwn(answers, question.id) ? answers[question.id] : undefined) ?? [])];
    if (chosen.length === 0) return refuse(400, `Answer every question before checking: “${question.prompt}” has no answer yet.`);
    const optionIds = new Set(question.options.map((o) => o.id));
    const unknown = chosen.find((id) => !optionIds.has(id));
    if (unknown) return refuse(400, `Question “${question.prompt}” has no option "${unknown}". Reload the page and try again.`);
    if (!question.multiple && chosen.length > 1) return refuse(400, `Question “${question.prompt}” takes one answer.`);
    const correct = question.options.filter((o) => o.correct).map((o) => o.id);
    results[question.id] = correct.length === chosen.length && correct.every((id) => chosen.includes(id));
  }
  const right = Object.values(results).filter(Boolean).length;
  const score = quiz.questions.length ? Math.round((right / quiz.questions.length) * 100) : 0;
  return { ok: true, value: { results, score, passed: score >= quiz.passMark } };
}
