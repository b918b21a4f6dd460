// The observer's rubric in a live role-play. Its own file, not in live/state: the role-play
// views (on every role-play step) need only this list, and importing live/state put that
// file's script on those pages too (issue 18 part 6, ADR 036).

/** What an observer ticks while watching the canvasser. */
export const RUBRIC_ITEMS = [
  { id: "open-question", label: "Asked an open question" },
  { id: "listened", label: "Listened more than they talked" },
  { id: "reflected", label: "Reflected a feeling back" },
  { id: "story", label: "Shared a personal story" },
  { id: "commitment", label: "Asked for a commitment" },
] as const;
export type RubricItemId = (typeof RUBRIC_ITEMS)[number]["id"];
export const RUBRIC_ITEM_IDS: readonly string[] = RUBRIC_ITEMS.map((i) => i.id);
