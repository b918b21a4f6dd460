import type { ModuleManifest } from "../content/manifest";

// Names people read in reports, from the module's own words: activity ids are for
// authors and the database (issue 14: "conversation-shape-quiz" where the text belongs).

/**
 * A quiz's name: its question when it has one, else the step it sits in. The id only when
 * the module no longer has that quiz (an attempt on an earlier version).
 */
export function quizLabel(manifest: ModuleManifest | undefined, quizId: string): string {
  const quiz = manifest?.activities[quizId];
  if (quiz?.kind !== "quiz") return `Quiz no longer in the module (${quizId})`;
  if (quiz.questions.length === 1) return quiz.questions[0]!.prompt;
  const step = manifest!.steps.find((s) => s.id === quiz.stepId);
  return `Quiz in “${step?.title ?? quiz.stepId}” (${quiz.questions.length} questions)`;
}
