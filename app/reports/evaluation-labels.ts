import type { EvaluationArm, EvaluationOutcome } from "../../db/schema";

// Evaluation words and limits the pages show (client-safe: no server imports).

export const OUTCOME_LABEL: Record<EvaluationOutcome, string> = {
  contact: "Contact rate",
  conversation: "Conversation rate",
  commitment: "Commitment rate",
  module: "Completion of a module",
};
export const ARM_LABEL: Record<EvaluationArm, string> = { now: "Train now", later: "Train later", original: "Version A (original)", variant: "Version B (variant)" };
/** Most a stop reason may hold: a sentence or two, shown on the report. */
export const STOP_REASON_MAX = 500;

export const NAME_MAX = 120;
export const GROUPS_MAX = 50;
/** A period longer than a year would leave "train later" waiting too long to be fair to them. */
export const PERIOD_MAX_DAYS = 366;
