import { z } from "zod";
import { livePollAnswerFields } from "../activities/poll/form.server";
import { isQuizAnswerField, readQuizAnswers } from "../activities/quiz/form.server";
import { recordEntryOf, recordFields } from "../activities/record/form.server";
import { reflectFields } from "../activities/reflect/form.server";
import { pairFields, readRubricItems, RUBRIC_ITEM_FIELD } from "../activities/roleplay/form.server";
import { scenarioAdvanceFields, scenarioVoteFields } from "../activities/scenario/form.server";
import { getModule } from "../content/catalog.server";
import { REFLECTION_MAX, saveReflection } from "../progress/record.server";
import { recordConversation, respond, vote } from "./answers.server";
import { endSession, markAttendance } from "./attendance.server";
import { findLiveSession, isParticipant, MESSAGES, type LiveActor, type LiveStatus } from "./core.server";
import { reveal, setStep, startTimer, stopTimer } from "./lifecycle.server";
import { pair, swapPairs, tickRubric, unpair } from "./pairing.server";
import { advanceScenario, restartScenario } from "./scenario.server";
import { TIMER_MAX_SECONDS } from "./state";
import { refuse, refuseActivity, type ActivityResult } from "../lib/result";

// A live form post → one domain command. Shared by the presenter and participant pages
// (forms work without JavaScript; with it, the same posts go through fetchers).

export type CommandResult = ActivityResult<{ intent: string; version?: number }, LiveStatus>;

const activityId = z.string({ error: "Which activity? Reload the page." }).min(1).max(64);
const int = (label: string, min: number, max: number) =>
  z.coerce.number({ error: `${label} must be a number.` }).int(`${label} must be a whole number.`).min(min, `${label} is out of range.`).max(max, `${label} is out of range.`);

const presenterSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("step"), to: int("The step", 0, 1000) }),
    z.object({ intent: z.literal("reveal"), activityId, shown: z.enum(["1", "0"]).default("1") }),
    z.object({ intent: z.literal("timer-start"), seconds: int("The timer", 1, TIMER_MAX_SECONDS) }),
    z.object({ intent: z.literal("timer-stop") }),
    z.object({ intent: z.literal("pair"), activityId, ...pairFields }),
    z.object({ intent: z.literal("swap"), activityId }),
    z.object({ intent: z.literal("unpair") }),
    z.object({ intent: z.literal("advance"), activityId, ...scenarioAdvanceFields }),
    z.object({ intent: z.literal("restart"), activityId }),
    z.object({ intent: z.literal("mark"), userId: z.string().min(1).max(64), mark: z.enum(["present", "absent", "auto"]) }),
    z.object({ intent: z.literal("end"), confirm: z.literal("yes", { error: "Tick the box to confirm you want to end the session." }) }),
  ],
  { error: "Unknown action: reload the page and try again." },
);

const participantSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("answer"), activityId, ...livePollAnswerFields }),
    z.object({ intent: z.literal("vote"), activityId, ...scenarioVoteFields }),
    z.object({ intent: z.literal("rubric"), activityId }),
    z.object({ intent: z.literal("reflect"), activityId, ...reflectFields }),
    z.object({ intent: z.literal("record"), activityId, ...recordFields }),
  ],
  { error: "Unknown action: reload the page and try again." },
);

function fieldsOf(form: FormData) {
  // Repeated fields (quiz answers, checklist items) are read separately below.
  return Object.fromEntries([...form.entries()].filter(([k]) => !isQuizAnswerField(k) && k !== RUBRIC_ITEM_FIELD).map(([k, v]) => [k, typeof v === "string" ? v : ""]));
}

const refused = (status: LiveStatus, activityId: unknown, message: string) => refuseActivity(refuse(status, message), activityId);

export async function runPresenterCommand(code: string, actor: LiveActor, form: FormData): Promise<CommandResult> {
  const fields = fieldsOf(form);
  const parsed = presenterSchema.safeParse(fields);
  if (!parsed.success) return refused(400, fields.activityId, parsed.error.issues[0]?.message ?? "That form could not be read.");
  const input = parsed.data;
  const result = await (() => {
    switch (input.intent) {
      case "step":
        return setStep(code, actor, input.to);
      case "reveal":
        return reveal(code, actor, input.activityId, input.shown === "1");
      case "timer-start":
        return startTimer(code, actor, input.seconds);
      case "timer-stop":
        return stopTimer(code, actor);
      case "pair":
        return pair(code, actor, input.activityId, { trios: input.trios === "1" });
      case "swap":
        return swapPairs(code, actor, input.activityId);
      case "unpair":
        return unpair(code, actor);
      case "advance":
        return advanceScenario(code, actor, input.activityId, input.turn, input.choice);
      case "restart":
        return restartScenario(code, actor, input.activityId);
      case "mark":
        return markAttendance(code, actor, input.userId, input.mark === "auto" ? null : input.mark);
      case "end":
        return endSession(code, actor);
    }
  })();
  if (!result.ok) return refuseActivity(result, "activityId" in input ? input.activityId : "");
  return { ok: true, value: { intent: input.intent, version: result.value.version } };
}

export async function runParticipantCommand(code: string, userId: string, form: FormData): Promise<CommandResult> {
  const fields = fieldsOf(form);
  const parsed = participantSchema.safeParse(fields);
  if (!parsed.success) return refused(400, fields.activityId, parsed.error.issues[0]?.message ?? "That form could not be read.");
  const input = parsed.data;
  switch (input.intent) {
    case "answer": {
      const result = await respond(code, userId, { activityId: input.activityId, optionId: input.optionId || undefined, answers: readQuizAnswers(form) });
      return result.ok ? { ok: true, value: { intent: input.intent, version: result.value.version } } : refuseActivity(result, input.activityId);
    }
    case "vote": {
      const result = await vote(code, userId, input.activityId, input.turn, input.choice);
      return result.ok ? { ok: true, value: { intent: input.intent, version: result.value.version } } : refuseActivity(result, input.activityId);
    }
    case "record": {
      const result = await recordConversation(code, userId, input.activityId, recordEntryOf(input, form));
      return result.ok ? { ok: true, value: { intent: input.intent, version: result.value.version } } : refuseActivity(result, input.activityId);
    }
    case "rubric": {
      const result = await tickRubric(code, userId, input.activityId, readRubricItems(form));
      return result.ok ? { ok: true, value: { intent: input.intent, version: result.value.version } } : refuseActivity(result, input.activityId);
    }
    case "reflect": {
      // Reflections stay private and self-paced: saved to the learner's own record, not to the session.
      const session = await findLiveSession(code);
      if (!session) return refused(404, input.activityId, MESSAGES.unknownCode);
      if (!(await isParticipant(session.id, userId))) return refused(403, input.activityId, MESSAGES.notParticipant);
      const module = getModule(session.moduleSlug);
      if (!module) return refused(410, input.activityId, MESSAGES.moduleGone);
      if (input.body.length > REFLECTION_MAX) return refused(400, input.activityId, `Reflections are at most ${REFLECTION_MAX} characters.`);
      const result = await saveReflection(userId, module, input.activityId, input.body);
      return result.ok ? { ok: true, value: { intent: input.intent } } : refuseActivity(result, input.activityId);
    }
  }
}
