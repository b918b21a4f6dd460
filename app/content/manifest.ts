import { z } from "zod";

// Client-safe description of a compiled module: what the engine extracted from the MDX.
// Scoring, completion and reports read this, never the rendered React tree.

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
  /** What a trainer brings to run the module live (the printable plan lists them). */
  materials: z.array(z.string().trim().min(1), { error: "materials must be a list" }).default([]),
  /**
   * Another version of a module, for an A/B evaluation (ADR 039): `of` is the original's
   * slug. A variant never shows in the catalogue; only learners drawn into its arm see it,
   * in place of the original. content:check confirms the original exists and is not a variant.
   */
  variant: z
    .object(
      {
        of: z.string({ error: "variant.of is the slug of the original module" }).regex(/^[a-z0-9-]{1,80}$/, "variant.of is the slug (folder name) of the original module"),
        label: z.string({ error: "variant.label is required" }).trim().min(1, "variant.label is required").max(60, "variant.label is at most 60 characters"),
        approach: z.string().trim().max(400, "variant.approach is at most 400 characters").optional(),
      },
      { error: "variant must be { of, label, approach }" },
    )
    .strict()
    .optional(),
});
export type ModuleFrontmatter = z.infer<typeof frontmatterSchema>;

// Each activity kind's manifest type lives in its folder (app/activities/<kind>/manifest.ts),
// beside its reader, scoring and views; the module's manifest is their union.
import type { PollActivity } from "../activities/poll/manifest";
import type { QuizActivity } from "../activities/quiz/manifest";
import type { RecordActivity } from "../activities/record/manifest";
import type { ReflectActivity } from "../activities/reflect/manifest";
import type { RolePlayActivity } from "../activities/roleplay/manifest";
import type { ScenarioActivity } from "../activities/scenario/manifest";

export type { PollActivity } from "../activities/poll/manifest";
export type { QuizActivity, QuizOption, QuizQuestion } from "../activities/quiz/manifest";
export type { RecordActivity } from "../activities/record/manifest";
export type { ReflectActivity } from "../activities/reflect/manifest";
export type { RolePlayActivity, RolePlayRole } from "../activities/roleplay/manifest";
export type { EndingOutcome, ScenarioActivity, ScenarioChoice, ScenarioNode } from "../activities/scenario/manifest";

export type Activity = QuizActivity | ScenarioActivity | PollActivity | RolePlayActivity | ReflectActivity | RecordActivity;

export interface StepInfo {
  id: string;
  title: string;
  activityIds: string[];
  /** Planned minutes when the step is run live (`<Step liveMinutes={8}>`); reading time is the frontmatter's `minutes`. */
  liveMinutes?: number;
  /**
   * The markdown of each `<TrainerNotes>` block, in order. The blocks are cut out of the
   * compiled MDX, so the code sent to learners never carries them (issue 15).
   */
  trainerNotes: string[];
  /** The same notes as HTML, made at compile time from a short list of safe elements (notes-html.ts). */
  trainerNotesHtml: string[];
}

export interface ModuleManifest {
  steps: StepInfo[];
  activities: Record<string, Activity>;
}

// ---------------------------------------------------------------- what learners may see

/**
 * A step as a learner's page may carry it: no trainer notes (ADR 023). The `never` fields
 * make a full StepInfo a type error wherever a LearnerStep is expected, so a loader that
 * hands a learner the catalogue's step object does not compile.
 */
export type LearnerStep = Omit<StepInfo, "trainerNotes" | "trainerNotesHtml"> & { trainerNotes?: never; trainerNotesHtml?: never };
export interface LearnerManifest {
  steps: LearnerStep[];
  activities: Record<string, Activity>;
}

/** The one way from a step to what a learner may see of it. */
export function learnerStep(step: StepInfo | LearnerStep): LearnerStep {
  const { trainerNotes: _notes, trainerNotesHtml: _html, ...rest } = step;
  return rest;
}

export const learnerManifest = (m: ModuleManifest): LearnerManifest => ({ steps: m.steps.map(learnerStep), activities: m.activities });

/** A step as trainers see it when preparing or presenting: its planned minutes and notes. */
export interface TrainerStep {
  id: string;
  title: string;
  liveMinutes: number | null;
  notesHtml: string[];
}

export const trainerSteps = (m: ModuleManifest): TrainerStep[] =>
  m.steps.map((s) => ({ id: s.id, title: s.title, liveMinutes: s.liveMinutes ?? null, notesHtml: s.trainerNotesHtml }));

export interface CompiledModule {
  slug: string;
  hash: string;
  frontmatter: ModuleFrontmatter;
  manifest: ModuleManifest;
  /** mdx-bundler output: a function body evaluated by getMDXComponent. */
  code: string;
  /** Each step's MDX, for its own smaller code (step-code.server.ts); absent where the file cannot be cut into steps. Server only. */
  stepSources?: Record<string, string>;
}

export const quizzesOf = (m: ModuleManifest) => Object.values(m.activities).filter((a): a is QuizActivity => a.kind === "quiz");
export const scenariosOf = (m: ModuleManifest) => Object.values(m.activities).filter((a): a is ScenarioActivity => a.kind === "scenario");
export const pollsOf = (m: ModuleManifest) => Object.values(m.activities).filter((a): a is PollActivity => a.kind === "poll");
