import { z } from "zod";

// The reflection's one form field, read the same way by the self-paced step page
// (app/progress/submissions.server.ts) and the live page (app/live/commands.server.ts):
// both post intent "reflect" with a body. Its length limit is the domain's (REFLECTION_MAX);
// this bound only stops a huge post before it reaches it.

export const reflectFields = {
  body: z.string({ error: "Write your reflection in the box first." }).max(20_000, "That reflection is far too long."),
};
