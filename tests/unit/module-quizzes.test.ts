import { describe, expect, it } from "vitest";
import type { CompiledModule } from "~/content/manifest";
import { buildQuizFigures, FIRST_TIME_MIN, type QuestionRow } from "~/reports/module-quizzes.server";

// The organiser's module page flags a question everyone got right first time, or nobody
// did, once enough people have tried it for that to mean something.
const option = (id: string, correct = false) => ({ id, correct, feedback: "", text: id });
const module = {
  manifest: {
    steps: [],
    activities: {
      quiz: {
        kind: "quiz",
        id: "quiz",
        stepId: "s",
        passMark: 80,
        questions: ["easy", "hard", "mixed", "few"].map((id) => ({ id, prompt: id, multiple: false, explanation: "", options: [option("a", true), option("b")] })),
      },
    },
  },
} as unknown as CompiledModule;

describe("first-attempt figures per question", () => {
  it("gives the share right first time, and flags everyone or nobody from FIRST_TIME_MIN people", () => {
    const n = FIRST_TIME_MIN;
    const row = (questionId: string, firstAttempts: number, firstRight: number): QuestionRow => ({ quizId: "quiz", questionId, attempts: firstAttempts * 2, right: firstAttempts, firstAttempts, firstRight });
    const [quiz] = buildQuizFigures(module, [[row("easy", n, n), row("hard", n, 0), row("mixed", n + 3, 2), row("few", n - 1, n - 1)], [], []]);
    expect(quiz!.questions.map((q) => [q.id, q.percentRightFirst, q.firstTime])).toEqual([
      ["easy", 100, "all"],
      ["hard", 0, "none"],
      ["mixed", Math.round((2 / (n + 3)) * 1000) / 10, null],
      ["few", 100, null],
    ]);
  });

  it("has no share before anyone tried", () => {
    const [quiz] = buildQuizFigures(module, [[], [], []]);
    expect(quiz!.questions[0]).toMatchObject({ firstAttempts: 0, firstRight: 0, percentRightFirst: null, firstTime: null });
  });
});
