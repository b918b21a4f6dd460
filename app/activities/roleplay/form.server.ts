import { z } from "zod";

// The role-play's form fields, all live (self-paced role-play has no form): the
// presenter's "pair" and an observer's "rubric" checklist, read by
// app/live/commands.server.ts. Which items exist is the domain's check (RUBRIC_ITEMS).

/** The checklist's repeated field, read here and not by the intent's zod schema. */
export const RUBRIC_ITEM_FIELD = "item";

/** The presenter's "pair": pairs, or trios with an observer. */
export const pairFields = { trios: z.enum(["1", "0"]).default("0") };

/** The items an observer ticked (at most 20 read: there are far fewer). */
export function readRubricItems(form: FormData): string[] {
  return form
    .getAll(RUBRIC_ITEM_FIELD)
    .filter((v): v is string => typeof v === "string")
    .slice(0, 20);
}
