import type { Root } from "mdast";
import { pollReader } from "../activities/poll/extract";
import { quizReader } from "../activities/quiz/extract";
import { childElements, createMdxReader, isJsx, textOf, type ActivityReader, type AnyNode, type ContentProblem } from "../activities/reading/mdx-reader";
import { recordReader } from "../activities/record/extract";
import { reflectReader } from "../activities/reflect/extract";
import { rolePlayReader } from "../activities/roleplay/extract";
import { scenarioReader } from "../activities/scenario/extract";
import type { Activity, ModuleManifest, StepInfo } from "./manifest";
import { notesToHtml } from "./notes-html";
import { OBJECTIONS } from "./objections";

const OBJECTION_CODES: ReadonlySet<string> = new Set(OBJECTIONS.map((o) => o.code));

export type { ContentProblem } from "../activities/reading/mdx-reader";

/**
 * Each activity kind's reader (app/activities/<kind>/extract.ts), by the tag authors
 * write. A new kind adds its reader here ("Adding an activity kind", docs/authoring.md).
 */
export const ACTIVITY_READERS: readonly ActivityReader<Activity>[] = [quizReader, scenarioReader, pollReader, rolePlayReader, reflectReader, recordReader];

const READER_BY_TAG = new Map(ACTIVITY_READERS.map((r) => [r.tag, r]));
/** Where a part like "Option" goes (several kinds may use one tag), for the "belongs inside" message. */
const PLACES_OF_PART = new Map<string, string[]>();
for (const r of ACTIVITY_READERS) for (const [part, place] of Object.entries(r.parts)) PLACES_OF_PART.set(part, [...(PLACES_OF_PART.get(part) ?? []), place]);
const COMPONENTS = new Set(["Step", "Tip", "TrainerNotes", ...ACTIVITY_READERS.flatMap((r) => [r.tag, ...Object.keys(r.parts)])]);

/** Step ids that would hide a module page with the same address (app/routes/modules.$slug.complete.tsx). */
const RESERVED_STEP_IDS = ["complete", "plan"];

/**
 * Reads a module's MDX tree into a manifest (steps, activities, scenario graphs) and
 * lists every authoring mistake with its line. Runs as a remark plugin during compile,
 * so checking and compiling read the file once.
 */
export function extractManifest(tree: Root, moduleDefaults: { passMark: number }, source = ""): { manifest: ModuleManifest; problems: ContentProblem[] } {
  const reader = createMdxReader(moduleDefaults, OBJECTION_CODES);
  const steps: StepInfo[] = [];
  const activities: Record<string, Activity> = {};

  function walkStep(node: AnyNode, step: StepInfo) {
    for (const el of childElements(node)) {
      const name = el.name ?? "";
      if (!COMPONENTS.has(name)) {
        reader.problem(el, `<${name}> is not a Doorstep component. Use one of: ${[...COMPONENTS].join(", ")}.`);
        continue;
      }
      const kind = READER_BY_TAG.get(name);
      if (name === "Step") {
        reader.problem(el, "Steps cannot be nested: close the previous </Step> first.");
      } else if (kind) {
        const activity = kind.read(el, step.id, reader);
        if (activity.id && reader.claimId(el, activity.id, reader.moduleIds, name)) {
          activities[activity.id] = activity;
          reader.earlier.set(activity.id, activity);
          step.activityIds.push(activity.id);
        }
      } else if (name === "Tip") {
        walkStep(el, step);
      } else if (name === "TrainerNotes") {
        if (!isJsx(node) || node.name !== "Step") reader.problem(el, "<TrainerNotes> goes directly inside a <Step>, not inside another component.");
        const notes = markdownInside(el, source);
        if (!notes) reader.problem(el, "<TrainerNotes> is empty: write what the trainer should say or watch for, or remove it.");
        else {
          step.trainerNotes.push(notes);
          step.trainerNotesHtml.push(notesToHtml((el as { children?: AnyNode[] }).children ?? []));
        }
      } else {
        reader.problem(el, `<${name}> belongs inside ${(PLACES_OF_PART.get(name) ?? []).join(" or ")}.`);
      }
    }
  }

  for (const node of tree.children) {
    const type: string = node.type;
    if (type === "yaml" || type === "toml" || type === "mdxjsEsm") {
      // Generated nodes (the frontmatter export) have no position; authors' code does.
      if (type === "mdxjsEsm" && node.position) reader.problem(node, "Modules cannot import or export code; use the built-in components.");
      continue;
    }
    if (isJsx(node) && node.name === "Step") {
      const a = reader.attrs(node);
      const step: StepInfo = { id: a.str("id"), title: a.str("title"), activityIds: [], trainerNotes: [], trainerNotesHtml: [] };
      const liveMinutes = a.num("liveMinutes");
      if (liveMinutes !== undefined) {
        if (Number.isInteger(liveMinutes) && liveMinutes >= 1 && liveMinutes <= 180) step.liveMinutes = liveMinutes;
        else reader.problem(node, `<Step liveMinutes={${liveMinutes}}> must be a whole number of minutes from 1 to 180.`);
      }
      if (RESERVED_STEP_IDS.includes(step.id)) reader.problem(node, `Step id "${step.id}" is taken by a page of every module (/modules/<slug>/${step.id}); choose another.`);
      else if (reader.claimId(node, step.id, reader.moduleIds, "Step")) steps.push(step);
      walkStep(node, step);
      removeTrainerNotes(node);
      continue;
    }
    const text = textOf(node);
    if (text || isJsx(node)) reader.problem(node, `Everything must be inside a <Step>; found ${isJsx(node) ? `<${node.name}>` : `“${text.slice(0, 40)}”`} outside one.`);
  }
  if (steps.length === 0) reader.problemAtLine(1, 'The module has no steps. Wrap its content in <Step id="…" title="…">…</Step>.');
  return { manifest: { steps, activities }, problems: reader.problems };
}

/** The author's markdown between <TrainerNotes> and </TrainerNotes>, as written. */
function markdownInside(el: AnyNode, source: string): string {
  const children = (el as { children?: AnyNode[] }).children ?? [];
  const first = children[0]?.position?.start.offset;
  const last = children[children.length - 1]?.position?.end.offset;
  if (source && first !== undefined && last !== undefined) return dedent(source.slice(first, last)).trim();
  return children.map((c) => textOf(c)).join("\n\n").trim();
}

function dedent(text: string): string {
  const lines = text.split("\n");
  const indents = lines.filter((l) => l.trim()).map((l) => /^\s*/.exec(l)![0].length);
  const cut = indents.length > 1 ? Math.min(...indents.slice(1)) : 0;
  return lines.map((l, i) => (i === 0 ? l : l.slice(Math.min(cut, /^\s*/.exec(l)![0].length)))).join("\n");
}

/** Trainer notes never reach the compiled code that learners download. */
export function removeTrainerNotes(step: AnyNode) {
  const holder = step as { children?: AnyNode[] };
  if (holder.children) holder.children = holder.children.filter((c) => !(isJsx(c) && c.name === "TrainerNotes"));
}
