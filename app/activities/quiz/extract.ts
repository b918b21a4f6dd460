import { childElements, textOf, type ActivityReader } from "../reading/mdx-reader";
import type { QuizActivity } from "./manifest";

/** <Quiz id passMark?> holding <Question id prompt multiple? explanation?> holding <Option id correct? pinned? feedback>answer</Option>. */
export const quizReader: ActivityReader<QuizActivity> = {
  tag: "Quiz",
  parts: { Question: "<Quiz>", Option: "<Quiz><Question>" },
  read(el, stepId, reader) {
    const a = reader.attrs(el);
    const id = a.str("id");
    const passMark = a.num("passMark") ?? reader.defaults.passMark;
    if (passMark < 0 || passMark > 100) reader.problem(el, `<Quiz id="${id}"> passMark must be between 0 and 100.`);
    reader.expectOnly(el, ["Question"]);
    const questionIds = new Map<string, number>();
    const questions = childElements(el)
      .filter((q) => q.name === "Question")
      .map((q) => {
        const qa = reader.attrs(q);
        const qid = qa.str("id");
        reader.claimId(q, qid, questionIds, "Question");
        const multiple = qa.flag("multiple");
        reader.expectOnly(q, ["Option"]);
        const optionIds = new Map<string, number>();
        const options = childElements(q)
          .filter((o) => o.name === "Option")
          .map((o) => {
            const oa = reader.attrs(o);
            const oid = oa.str("id");
            reader.claimId(o, oid, optionIds, "Option");
            const text = textOf(o);
            if (!text) reader.problem(o, `<Option id="${oid}"> needs answer text between <Option …> and </Option>.`);
            return { id: oid, correct: oa.flag("correct"), feedback: oa.str("feedback"), text, ...(oa.flag("pinned") ? { pinned: true } : {}) };
          });
        const correct = options.filter((o) => o.correct).length;
        if (options.length < 2) reader.problem(q, `Question "${qid}" needs at least two <Option>s.`);
        if (correct === 0) reader.problem(q, `Question "${qid}" has no correct option: mark the right answer with \`correct\`.`);
        if (!multiple && correct > 1) reader.problem(q, `Question "${qid}" has ${correct} correct options: add \`multiple\` to the Question, or keep one \`correct\`.`);
        return { id: qid, prompt: qa.str("prompt"), multiple, explanation: qa.str("explanation", false), options };
      });
    if (questions.length === 0) reader.problem(el, `<Quiz id="${id}"> needs at least one <Question>.`);
    return { kind: "quiz", id, stepId, passMark, questions };
  },
};
