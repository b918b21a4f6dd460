import { z } from "zod";
import { pollAnswerFields } from "../activities/poll/form.server";
import { isQuizAnswerField, readQuizAnswers } from "../activities/quiz/form.server";
import { recordEntryOf, recordFields } from "../activities/record/form.server";
import { reflectFields } from "../activities/reflect/form.server";
import { scenarioChooseFields } from "../activities/scenario/form.server";
import type { CompiledModule } from "../content/manifest";
import { refuse, refuseActivity, type ActivityResult } from "../lib/result";
import { answerPoll, chooseReply, saveRecord, saveReflection, startScenario, submitQuiz, type ProgressResult } from "./record.server";

// Turns an activity form post into one domain call. Shared by the self-paced step page
// (and, later, any other page that embeds activities).

const missingKey = "This form is missing its one-time key. Reload the page and try again.";
const key = z.string({ error: missingKey }).regex(/^[A-Za-z0-9_-]{8,64}$/, missingKey);
const activityId = z.string({ error: "This form doesn't say which activity it is for. Reload the page and try again." }).min(1).max(64);

const submissionSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("quiz"), activityId, attemptKey: key }),
    z.object({ intent: z.literal("scenario-start"), activityId, runKey: key }),
    z.object({ intent: z.literal("scenario-choose"), activityId, ...scenarioChooseFields }),
    z.object({ intent: z.literal("poll"), activityId, ...pollAnswerFields }),
    z.object({ intent: z.literal("reflect"), activityId, ...reflectFields }),
    z.object({ intent: z.literal("record"), activityId, ...recordFields }),
  ],
  { error: "Unknown action: reload the page and try again." },
);

export type SubmissionResult = ActivityResult<{ completed: boolean }, 400 | 404 | 409>;

export async function handleActivitySubmission(userId: string, module: CompiledModule, form: FormData): Promise<SubmissionResult> {
  const fields = Object.fromEntries([...form.entries()].filter(([name]) => !isQuizAnswerField(name)).map(([k, v]) => [k, typeof v === "string" ? v : ""]));
  const parsed = submissionSchema.safeParse(fields);
  if (!parsed.success) return refuseActivity(refuse(400, parsed.error.issues[0]?.message ?? "That form could not be read."), fields.activityId);
  const input = parsed.data;
  let result: ProgressResult<unknown> & { completed?: boolean };
  switch (input.intent) {
    case "quiz": {
      const r = await submitQuiz(userId, module, input.activityId, readQuizAnswers(form), input.attemptKey);
      result = r.ok ? { ok: true, value: null, completed: r.value.completed } : r;
      break;
    }
    case "scenario-start":
      result = await startScenario(userId, module, input.activityId, input.runKey);
      break;
    case "scenario-choose": {
      const r = await chooseReply(userId, module, input.activityId, input.runId, input.fromNode, input.step, input.choice);
      result = r.ok ? { ok: true, value: null, completed: r.value.completed } : r;
      break;
    }
    case "poll":
      result = await answerPoll(userId, module, input.activityId, input.optionId);
      break;
    case "record":
      result = await saveRecord(userId, module, input.activityId, recordEntryOf(input, form));
      break;
    case "reflect":
      result = await saveReflection(userId, module, input.activityId, input.body.trim());
      break;
  }
  if (!result.ok) return refuseActivity(result, input.activityId);
  return { ok: true, value: { completed: result.completed ?? false } };
}
