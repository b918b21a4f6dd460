import type { Root } from "mdast";
import { pollReader } from "../activities/poll/extract";
import { quizReader } from "../activities/quiz/extract";
import { childElements, createMdxReader, isJsx, textOf, type ActivityReader, type AnyNode, type ContentProblem } from "../activities/reading/mdx-reader";
import { reflectReader } from "../activities/reflect/extract";
import { rolePlayReader } from "../activities/roleplay/extract";
import { scenarioReader } from "../activities/scenario/extract";
import type { Activity, ModuleManifest, StepInfo } from "./manifest";

export type { ContentProblem } from "../activities/reading/mdx-reader";

/**
 * Each activity kind's reader (app/activities/<kind>/extract.ts), by the tag authors
 * write. A new kind adds its reader here ("Adding an activity kind", docs/authoring.md).
 */
export const ACTIVITY_READERS: readonly ActivityReader<Activity>[] = [quizReader, scenarioReader, pollReader, rolePlayReader, reflectReader];

const READER_BY_TAG = new Map(ACTIVITY_READERS.map((r) => [r.tag, r]));
/** Where a part like "Option" goes (several kinds may use one tag), for the "belongs inside" message. */
const PLACES_OF_PART = new Map<string, string[]>();
for (const r of ACTIVITY_READERS) for (const [part, place] of Object.entries(r.parts)) PLACES_OF_PART.set(part, [...(PLACES_OF_PART.get(part) ?? []), place]);
const COMPONENTS = new Set(["Step", "Tip", ...ACTIVITY_READERS.flatMap((r) => [r.tag, ...Object.keys(r.parts)])]);

/** Step ids that would hide a module page with the same address (app/routes/modules.$slug.complete.tsx). */
const RESERVED_STEP_IDS = ["complete"];

/**
 * Reads a module's MDX tree into a manifest (steps, activities, scenario graphs) and
 * lists every authoring mistake with its line. Runs as a remark plugin during compile,
 * so checking and compiling read the file once.
 */
export function extractManifest(tree: Root, moduleDefaults: { passMark: number }): { manifest: ModuleManifest; problems: ContentProblem[] } {
  const reader = createMdxReader(moduleDefaults);
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
          step.activityIds.push(activity.id);
        }
      } else if (name === "Tip") {
        walkStep(el, step);
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
      const step: StepInfo = { id: a.str("id"), title: a.str("title"), activityIds: [] };
      if (RESERVED_STEP_IDS.includes(step.id)) reader.problem(node, `Step id "${step.id}" is taken by a page of every module (/modules/<slug>/${step.id}); choose another.`);
      else if (reader.claimId(node, step.id, reader.moduleIds, "Step")) steps.push(step);
      walkStep(node, step);
      continue;
    }
    const text = textOf(node);
    if (text || isJsx(node)) reader.problem(node, `Everything must be inside a <Step>; found ${isJsx(node) ? `<${node.name}>` : `“${text.slice(0, 40)}”`} outside one.`);
  }
  if (steps.length === 0) reader.problemAtLine(1, 'The module has no steps. Wrap its content in <Step id="…" title="…">…</Step>.');
  return { manifest: { steps, activities }, problems: reader.problems };
}
