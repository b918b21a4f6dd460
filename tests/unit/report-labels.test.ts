import { describe, expect, it } from "vitest";
import type { ModuleManifest } from "~/content/manifest";
import { quizLabel } from "~/reports/labels";

// Reports name a quiz in the module's words, never by its id (issue 14).

const question = (id: string, prompt: string) => ({ id, prompt, multiple: false, explanation: "", options: [] });
const manifest: ModuleManifest = {
  steps: [{ id: "check", title: "A quick check", activityIds: ["two", "one"], trainerNotes: [], trainerNotesHtml: [] }],
  activities: {
    two: { kind: "quiz", id: "two", stepId: "check", passMark: 80, questions: [question("a", "First?"), question("b", "Second?")] },
    one: { kind: "quiz", id: "one", stepId: "check", passMark: 80, questions: [question("c", "Which of these is an open question?")] },
    poll: { kind: "poll", id: "poll", stepId: "check", question: "How sure?", options: [] },
  },
};

describe("quizLabel", () => {
  it("is the question of a one-question quiz, else the step it is in", () => {
    expect(quizLabel(manifest, "one")).toBe("Which of these is an open question?");
    expect(quizLabel(manifest, "two")).toBe("Quiz in “A quick check” (2 questions)");
  });
  it("says so when the module no longer has that quiz", () => {
    expect(quizLabel(manifest, "gone")).toBe("Quiz no longer in the module (gone)");
    expect(quizLabel(manifest, "poll")).toBe("Quiz no longer in the module (poll)");
    expect(quizLabel(undefined, "gone")).toBe("Quiz no longer in the module (gone)");
  });
});
