// The quiz's answers, read the same way by the self-paced step page
// (app/progress/submissions.server.ts, intent "quiz") and the live page
// (app/live/commands.server.ts, intent "answer"): one "answer.<question id>" field per
// option chosen, repeated for a multiple-choice question.

const PREFIX = "answer.";

/** Whether a form field is a quiz answer (read here, not by the intent's zod schema). */
export function isQuizAnswerField(name: string): boolean {
  return name.startsWith(PREFIX);
}

/** Question id → the option ids chosen for it, in the order posted. */
export function readQuizAnswers(form: FormData): Record<string, string[]> {
  // A Map, not a {}: a posted "answer.__proto__" or "answer.constructor" must be an
  // unknown question (400), not an inherited property to push onto (a 500).
  // Object.fromEntries then makes own properties, which scoring looks up with Object.hasOwn.
  const answers = new Map<string, string[]>();
  for (const [name, value] of form.entries()) {
    if (!isQuizAnswerField(name) || typeof value !== "string") continue;
    const questionId = name.slice(PREFIX.length);
    // Option ids are at most 64 characters: a longer value is an unknown option either
    // way, and the bound keeps a huge post out of memory and the stored attempt.
    // (Pushed, not copied: a megabyte of one repeated field must not cost quadratic time.)
    const chosen = answers.get(questionId);
    if (chosen) chosen.push(value.slice(0, 64));
    else answers.set(questionId, [value.slice(0, 64)]);
  }
  return Object.fromEntries(answers);
}
