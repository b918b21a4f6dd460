import { z } from "zod";

// Client-safe description of a compiled module: what the engine extracted from the MDX.
// Scoring, completion and reports read this, never the rendered React tree.

const idPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const isValidId = (id: string) => idPattern.test(id) && id.length <= 64;

export const frontmatterSchema = z.object({
  title: z.string({ error: "title is required" }).trim().min(1, "title is required").max(120, "title is at most 120 characters"),
  summary: z.string({ error: "summary is required" }).trim().min(1, "summary is required").max(400, "summary is at most 400 characters"),
  minutes: z.number({ error: "minutes must be a whole number of minutes" }).int("minutes must be a whole number").min(1).max(600),
  order: z.number({ error: "order must be a number (1 comes first)" }).int("order must be a whole number"),
  objectives: z
    .array(z.string().trim().min(1), { error: "objectives must be a list of at least one objective" })
    .min(1, "objectives needs at least one entry"),
  passMark: z.number({ error: "passMark must be a number from 0 to 100" }).min(0).max(100).default(80),
  audience: z.string().trim().max(200).optional(),
  tags: z.array(z.string().trim().min(1)).default([]),
  draft: z.boolean({ error: "draft must be true or false" }).default(false),
});
export type ModuleFrontmatter = z.infer<typeof frontmatterSchema>;

export interface QuizOption {
  id: string;
  correct: boolean;
  feedback: string;
  text: string;
}
export interface QuizQuestion {
  id: string;
  prompt: string;
  multiple: boolean;
  explanation: string;
  options: QuizOption[];
}
export interface QuizActivity {
  kind: "quiz";
  id: string;
  stepId: string;
  passMark: number;
  questions: QuizQuestion[];
}

export type EndingOutcome = "good" | "mixed" | "lost";
export interface ScenarioChoice {
  index: number;
  to: string;
  feedback: string;
  text: string;
}
export type ScenarioNode =
  | { kind: "resident"; id: string; says: string; mood: string; choices: ScenarioChoice[] }
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

export interface PollActivity {
  kind: "poll";
  id: string;
  stepId: string;
  question: string;
  options: { id: string; text: string }[];
}
export interface RolePlayRole {
  type: "canvasser" | "resident";
  name: string;
  situation: string;
  concerns: string;
  goal: string;
  movedBy: string;
}
export interface RolePlayActivity {
  kind: "roleplay";
  id: string;
  stepId: string;
  title: string;
  minutes: number;
  roles: RolePlayRole[];
}
export interface ReflectActivity {
  kind: "reflect";
  id: string;
  stepId: string;
  prompt: string;
}

export type Activity = QuizActivity | ScenarioActivity | PollActivity | RolePlayActivity | ReflectActivity;

export interface StepInfo {
  id: string;
  title: string;
  activityIds: string[];
}

export interface ModuleManifest {
  steps: StepInfo[];
  activities: Record<string, Activity>;
}

export interface CompiledModule {
  slug: string;
  hash: string;
  frontmatter: ModuleFrontmatter;
  manifest: ModuleManifest;
  /** mdx-bundler output: a function body evaluated by getMDXComponent. */
  code: string;
}

export const quizzesOf = (m: ModuleManifest) => Object.values(m.activities).filter((a): a is QuizActivity => a.kind === "quiz");
export const scenariosOf = (m: ModuleManifest) => Object.values(m.activities).filter((a): a is ScenarioActivity => a.kind === "scenario");
export const pollsOf = (m: ModuleManifest) => Object.values(m.activities).filter((a): a is PollActivity => a.kind === "poll");
