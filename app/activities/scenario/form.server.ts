import { z } from "zod";

// The scenario's form fields, read the same way by the self-paced step page
// (app/progress/submissions.server.ts: "scenario-start", "scenario-choose") and the live
// page (app/live/commands.server.ts: a participant's "vote", the presenter's "advance"
// and "restart"). Whether a reply or a turn is still the current one is the domain's check.

const staleForm = "This conversation form is incomplete. Reload the page and pick again.";

/** The reply picked: its index among the resident's choices. */
const choice = z.coerce.number({ error: "Pick one of the replies." }).int().min(0).max(100);

/** Self-paced "scenario-choose": the run, where it stood when the form was drawn, and the reply. */
export const scenarioChooseFields = {
  runId: z.uuid("That conversation id is not valid. Reload the page."),
  fromNode: z.string({ error: staleForm }).min(1).max(64),
  step: z.coerce.number({ error: staleForm }).int(staleForm).min(0, staleForm).max(1000),
  choice,
};

/** Live: the turn a vote (or the trainer's pick) is for, so a late post cannot land on the next turn. */
const turn = z.coerce.number({ error: "The turn must be a number." }).int("The turn must be a whole number.").min(0, "The turn is out of range.").max(1000, "The turn is out of range.");

/** A participant's "vote": the same reply field as self-paced. */
export const scenarioVoteFields = { turn, choice };

/** The presenter's "advance": the reply the trainer takes for the room. */
export const scenarioAdvanceFields = {
  turn,
  choice: z.coerce.number({ error: "The reply must be a number." }).int("The reply must be a whole number.").min(0, "The reply is out of range.").max(100, "The reply is out of range."),
};
