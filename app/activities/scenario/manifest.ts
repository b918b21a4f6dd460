// A branching practice conversation as the engine reads it from MDX (./extract.ts): a
// graph of resident lines and endings. Client-safe.

export type EndingOutcome = "good" | "mixed" | "lost";
export interface ScenarioChoice {
  index: number;
  to: string;
  feedback: string;
  text: string;
  /** Shown last whatever the shuffle; absent unless the author pinned it. */
  pinned?: boolean;
  /** Objection codes this reply answers (app/content/objections.ts); absent when untagged. */
  tags?: string[];
}
export type ScenarioNode =
  // `tags`: the objections this line raises, so a debrief can point back to it (docs/authoring.md).
  | { kind: "resident"; id: string; says: string; mood: string; choices: ScenarioChoice[]; tags?: string[] }
  | { kind: "ending"; id: string; outcome: EndingOutcome; title: string };
export interface ScenarioActivity {
  kind: "scenario";
  id: string;
  stepId: string;
  title: string;
  start: string;
  setting: string;
  nodes: Record<string, ScenarioNode>;
}
