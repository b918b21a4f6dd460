import { describe, expect, it } from "vitest";
import type { QuizActivity, ScenarioActivity } from "~/content/manifest";
import { scoreQuiz } from "~/activities/quiz/scoring";
import { checkMove } from "~/activities/scenario/moves";

const option = (id: string, correct = false) => ({ id, correct, feedback: `Feedback for ${id}`, text: `Option ${id}` });

function quiz(passMark: number, questions: QuizActivity["questions"]): QuizActivity {
  return { kind: "quiz", id: "q", stepId: "step", passMark, questions };
}

const single = (id: string, correct: string, others: string[]) => ({
  id,
  prompt: `Prompt ${id}`,
  multiple: false,
  explanation: "",
  options: [option(correct, true), ...others.map((o) => option(o))],
});

// Two single-choice questions and one multiple-choice question (right set: a + b).
const threeQuestions = (passMark: number) =>
  quiz(passMark, [
    single("one", "a", ["b", "c"]),
    single("two", "b", ["a"]),
    { id: "many", prompt: "Prompt many", multiple: true, explanation: "", options: [option("a", true), option("b", true), option("c")] },
  ]);

describe("scoreQuiz", () => {
  it("scores every question right as 100 and passes", () => {
    const result = scoreQuiz(threeQuestions(80), { one: ["a"], two: ["b"], many: ["a", "b"] });
    expect(result).toEqual({ ok: true, value: { results: { one: true, two: true, many: true }, score: 100, passed: true } });
  });

  it("marks a single-choice question right only for the correct option", () => {
    const result = scoreQuiz(threeQuestions(80), { one: ["c"], two: ["b"], many: ["a", "b"] });
    expect(result).toMatchObject({ ok: true, value: { results: { one: false, two: true, many: true } } });
  });

  it("needs exactly the right set on a multiple-choice question: a subset or a superset is wrong", () => {
    const subset = scoreQuiz(threeQuestions(0), { one: ["a"], two: ["b"], many: ["a"] });
    expect(subset).toMatchObject({ ok: true, value: { results: { many: false } } });
    const superset = scoreQuiz(threeQuestions(0), { one: ["a"], two: ["b"], many: ["a", "b", "c"] });
    expect(superset).toMatchObject({ ok: true, value: { results: { many: false } } });
    const swapped = scoreQuiz(threeQuestions(0), { one: ["a"], two: ["b"], many: ["b", "c"] });
    expect(swapped).toMatchObject({ ok: true, value: { results: { many: false } } });
    const order = scoreQuiz(threeQuestions(0), { one: ["a"], two: ["b"], many: ["b", "a"] });
    expect(order).toMatchObject({ ok: true, value: { results: { many: true } } });
  });

  it("ignores the same option sent twice", () => {
    const result = scoreQuiz(threeQuestions(80), { one: ["a", "a"], two: ["b"], many: ["a", "b", "a"] });
    expect(result).toMatchObject({ ok: true, value: { score: 100 } });
  });

  it("rounds the score to a whole percent", () => {
    // 2 of 3 = 66.67 -> 67; 1 of 3 = 33.33 -> 33
    expect(scoreQuiz(threeQuestions(80), { one: ["a"], two: ["b"], many: ["c"] })).toMatchObject({ ok: true, value: { score: 67, passed: false } });
    expect(scoreQuiz(threeQuestions(80), { one: ["a"], two: ["a"], many: ["c"] })).toMatchObject({ ok: true, value: { score: 33 } });
    expect(scoreQuiz(threeQuestions(80), { one: ["b"], two: ["a"], many: ["c"] })).toMatchObject({ ok: true, value: { score: 0 } });
  });

  it("passes at exactly the pass mark and not one point below", () => {
    const fourQuestions = (passMark: number) => quiz(passMark, [single("q1", "a", ["b"]), single("q2", "a", ["b"]), single("q3", "a", ["b"]), single("q4", "a", ["b"])]);
    const threeRight = { q1: ["a"], q2: ["a"], q3: ["a"], q4: ["b"] }; // 75
    expect(scoreQuiz(fourQuestions(75), threeRight)).toMatchObject({ ok: true, value: { score: 75, passed: true } });
    expect(scoreQuiz(fourQuestions(76), threeRight)).toMatchObject({ ok: true, value: { score: 75, passed: false } });
    // The rounded score is what is compared: 2 of 3 = 67 passes a pass mark of 67.
    expect(scoreQuiz(threeQuestions(67), { one: ["a"], two: ["b"], many: ["c"] })).toMatchObject({ value: { score: 67, passed: true } });
    expect(scoreQuiz(threeQuestions(68), { one: ["a"], two: ["b"], many: ["c"] })).toMatchObject({ value: { score: 67, passed: false } });
    // A pass mark of 0 passes anything; 100 needs everything.
    expect(scoreQuiz(fourQuestions(0), { q1: ["b"], q2: ["b"], q3: ["b"], q4: ["b"] })).toMatchObject({ value: { score: 0, passed: true } });
    expect(scoreQuiz(fourQuestions(100), threeRight)).toMatchObject({ value: { passed: false } });
  });

  it("refuses an answer to a question the quiz does not have", () => {
    const result = scoreQuiz(threeQuestions(80), { one: ["a"], two: ["b"], many: ["a", "b"], three: ["a"] });
    expect(result).toEqual({ ok: false, status: 400, message: expect.stringMatching(/no question "three"/) });
  });

  it("refuses an option the question does not have", () => {
    const result = scoreQuiz(threeQuestions(80), { one: ["z"], two: ["b"], many: ["a", "b"] });
    expect(result).toEqual({ ok: false, status: 400, message: expect.stringMatching(/Prompt one.*has no option "z"/) });
  });

  it("refuses a quiz with a question left unanswered (missing or empty)", () => {
    expect(scoreQuiz(threeQuestions(80), { one: ["a"], many: ["a", "b"] })).toEqual({ ok: false, status: 400, message: expect.stringMatching(/Answer every question.*Prompt two/) });
    expect(scoreQuiz(threeQuestions(80), { one: ["a"], two: [], many: ["a", "b"] })).toMatchObject({ ok: false });
  });

  it("refuses two answers to a single-choice question", () => {
    const result = scoreQuiz(threeQuestions(80), { one: ["a", "b"], two: ["b"], many: ["a", "b"] });
    expect(result).toEqual({ ok: false, status: 400, message: expect.stringMatching(/Prompt one.*takes one answer/) });
  });

  it("never reads inherited object properties as answers (a question called constructor)", () => {
    const tricky = quiz(80, [single("constructor", "a", ["b"]), single("to-string", "a", ["b"])]);
    expect(scoreQuiz(tricky, { "to-string": ["a"] })).toEqual({ ok: false, status: 400, message: expect.stringMatching(/Answer every question/) });
    expect(scoreQuiz(tricky, { constructor: ["a"], "to-string": ["a"] })).toMatchObject({ ok: true, value: { score: 100 } });
    expect(scoreQuiz(tricky, { constructor: ["a"], "to-string": ["a"], toString: ["a"] })).toMatchObject({ ok: false, status: 400, message: expect.stringMatching(/no question "toString"/) });
  });
});

describe("checkMove", () => {
  const scenario: ScenarioActivity = {
    kind: "scenario",
    id: "door",
    stepId: "practice",
    title: "The door",
    start: "hello",
    setting: "",
    nodes: {
      hello: {
        kind: "resident",
        id: "hello",
        says: "Yes?",
        mood: "",
        choices: [
          { index: 0, to: "warm", feedback: "Good", text: "Hi, what would you change?" },
          { index: 1, to: "closed", feedback: "Pushy", text: "Sign this." },
        ],
      },
      warm: { kind: "resident", id: "warm", says: "The buses.", mood: "", choices: [{ index: 0, to: "hello", feedback: "Back to start", text: "Sorry?" }] },
      closed: { kind: "ending", id: "closed", outcome: "lost", title: "Door closed" },
      broken: { kind: "resident", id: "broken", says: "…", mood: "", choices: [{ index: 0, to: "nowhere", feedback: "", text: "Hm" }] },
    },
  };

  it("allows a listed reply and says where it leads", () => {
    expect(checkMove(scenario, "hello", 0)).toEqual({ ok: true, value: scenario.nodes.warm });
    expect(checkMove(scenario, "hello", 1)).toEqual({ ok: true, value: scenario.nodes.closed });
    expect(checkMove(scenario, "warm", 0)).toEqual({ ok: true, value: scenario.nodes.hello });
  });

  it("refuses a node the scenario does not have", () => {
    expect(checkMove(scenario, "kitchen", 0)).toEqual({ ok: false, status: 400, message: expect.stringMatching(/no point called "kitchen"/) });
  });

  it("refuses a reply out of range, negative or not a whole number", () => {
    for (const choice of [2, 99, -1, 0.5, Number.NaN]) {
      expect(checkMove(scenario, "hello", choice), String(choice)).toEqual({ ok: false, status: 400, message: expect.stringMatching(/isn't one of the choices/) });
    }
    expect(checkMove(scenario, "warm", 1).ok).toBe(false);
  });

  it("refuses any move from an ending", () => {
    expect(checkMove(scenario, "closed", 0)).toEqual({ ok: false, status: 400, message: expect.stringMatching(/already ended/) });
  });

  it("refuses a reply that leads to a node that does not exist", () => {
    expect(checkMove(scenario, "broken", 0)).toEqual({ ok: false, status: 400, message: expect.stringMatching(/leads nowhere/) });
  });
});
