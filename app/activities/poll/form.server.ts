import { z } from "zod";

// The poll's one form field, read the same way by the self-paced step page
// (app/progress/submissions.server.ts, intent "poll") and the live page
// (app/live/commands.server.ts, intent "answer", shared there with the live quiz).

const pickOne = "Pick an option.";

/** The option picked, as posted. Whether it is one of the poll's options is the domain's check. */
const optionId = z.string({ error: pickOne }).max(64);

/** Self-paced: answering a poll means picking one. */
export const pollAnswerFields = { optionId: optionId.min(1, pickOne) };

/** Live: one "answer" intent carries a poll's pick or a quiz's answers, so the pick may be absent (empty is absent). */
export const livePollAnswerFields = { optionId: optionId.optional() };
