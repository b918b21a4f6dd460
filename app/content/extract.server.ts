import type { Root, RootContent } from "mdast";
import type { MdxJsxAttribute, MdxJsxExpressionAttribute, MdxJsxFlowElement, MdxJsxTextElement } from "mdast-util-mdx-jsx";
import { toString } from "mdast-util-to-string";
import {
  isValidId,
  type Activity,
  type EndingOutcome,
  type ModuleManifest,
  type QuizActivity,
  type RolePlayRole,
  type ScenarioActivity,
  type ScenarioNode,
  type StepInfo,
} from "./manifest";

/** A problem an author can fix: the line it is on and what to do. */
export interface ContentProblem {
  line: number;
  message: string;
}

type JsxElement = MdxJsxFlowElement | MdxJsxTextElement;
type AnyNode = Root | RootContent;

const COMPONENTS = new Set(["Step", "Tip", "Quiz", "Question", "Option", "Scenario", "Resident", "Choice", "Ending", "Poll", "RolePlay", "Role", "Debrief", "Reflect"]);

const isJsx = (node: AnyNode): node is JsxElement => node.type === "mdxJsxFlowElement" || node.type === "mdxJsxTextElement";
const lineOf = (node: { position?: { start: { line: number } } | undefined }) => node.position?.start.line ?? 1;

function childElements(node: AnyNode): JsxElement[] {
  const out: JsxElement[] = [];
  const visit = (n: AnyNode) => {
    if (!("children" in n)) return;
    for (const child of n.children as AnyNode[]) {
      if (isJsx(child)) out.push(child);
      else visit(child); // a paragraph wrapping inline elements
    }
  };
  visit(node);
  return out;
}

/**
 * Reads a module's MDX tree into a manifest (steps, activities, scenario graphs) and
 * lists every authoring mistake with its line. Runs as a remark plugin during compile,
 * so checking and compiling read the file once.
 */
export function extractManifest(tree: Root, moduleDefaults: { passMark: number }): { manifest: ModuleManifest; problems: ContentProblem[] } {
  const problems: ContentProblem[] = [];
  const problem = (node: { position?: { start: { line: number } } | undefined }, message: string) => problems.push({ line: lineOf(node), message });
  const steps: StepInfo[] = [];
  const activities: Record<string, Activity> = {};
  const usedIds = new Map<string, number>();

  function attrs(el: JsxElement) {
    const values = new Map<string, string | number | boolean>();
    for (const attr of el.attributes as (MdxJsxAttribute | MdxJsxExpressionAttribute)[]) {
      if (attr.type !== "mdxJsxAttribute") {
        problem(el, `<${el.name}> has a spread attribute; write each attribute out (name="value").`);
        continue;
      }
      if (attr.value === null || attr.value === undefined) values.set(attr.name, true);
      else if (typeof attr.value === "string") values.set(attr.name, attr.value);
      else {
        const literal = attr.value.value.trim();
        if (/^-?\d+(\.\d+)?$/.test(literal)) values.set(attr.name, Number(literal));
        else if (literal === "true" || literal === "false") values.set(attr.name, literal === "true");
        else if (/^(["']).*\1$/s.test(literal)) values.set(attr.name, literal.slice(1, -1));
        else problem(el, `<${el.name} ${attr.name}={…}> must be a plain number, true/false or a quoted string.`);
      }
    }
    const str = (name: string, required = true): string => {
      const v = values.get(name);
      if (typeof v === "string" && v.trim()) return v.trim();
      if (required) problem(el, `<${el.name}> needs ${name}="…".`);
      return "";
    };
    const num = (name: string): number | undefined => {
      const v = values.get(name);
      if (v === undefined) return undefined;
      if (typeof v === "number") return v;
      if (typeof v === "string" && /^\d+$/.test(v)) return Number(v);
      problem(el, `<${el.name}> ${name} must be a number, like ${name}={80}.`);
      return undefined;
    };
    const flag = (name: string): boolean => values.get(name) === true || values.get(name) === "true";
    return { str, num, flag, has: (name: string) => values.has(name) };
  }

  function claimId(el: JsxElement, id: string, scope: Map<string, number>, what: string): boolean {
    if (!id) return false;
    if (!isValidId(id)) {
      problem(el, `${what} id "${id}" must be lower-case letters, digits and hyphens (like "open-questions").`);
      return false;
    }
    const earlier = scope.get(id);
    if (earlier !== undefined) {
      problem(el, `Duplicate id "${id}" (first used on line ${earlier}). Ids must be unique${scope === usedIds ? " in the module" : ""}.`);
      return false;
    }
    scope.set(id, lineOf(el));
    return true;
  }

  function expectOnly(parent: JsxElement, allowed: string[]) {
    for (const child of childElements(parent)) {
      if (!allowed.includes(child.name ?? "")) {
        problem(child, `<${child.name}> cannot go inside <${parent.name}>; it holds ${allowed.map((a) => `<${a}>`).join(", ")}.`);
      }
    }
  }

  function readQuiz(el: JsxElement, stepId: string): QuizActivity {
    const a = attrs(el);
    const id = a.str("id");
    const passMark = a.num("passMark") ?? moduleDefaults.passMark;
    if (passMark < 0 || passMark > 100) problem(el, `<Quiz id="${id}"> passMark must be between 0 and 100.`);
    expectOnly(el, ["Question"]);
    const questionIds = new Map<string, number>();
    const questions = childElements(el)
      .filter((q) => q.name === "Question")
      .map((q) => {
        const qa = attrs(q);
        const qid = qa.str("id");
        claimId(q, qid, questionIds, "Question");
        const multiple = qa.flag("multiple");
        expectOnly(q, ["Option"]);
        const optionIds = new Map<string, number>();
        const options = childElements(q)
          .filter((o) => o.name === "Option")
          .map((o) => {
            const oa = attrs(o);
            const oid = oa.str("id");
            claimId(o, oid, optionIds, "Option");
            const text = toString(o).trim();
            if (!text) problem(o, `<Option id="${oid}"> needs answer text between <Option …> and </Option>.`);
            return { id: oid, correct: oa.flag("correct"), feedback: oa.str("feedback"), text };
          });
        const correct = options.filter((o) => o.correct).length;
        if (options.length < 2) problem(q, `Question "${qid}" needs at least two <Option>s.`);
        if (correct === 0) problem(q, `Question "${qid}" has no correct option: mark the right answer with \`correct\`.`);
        if (!multiple && correct > 1) problem(q, `Question "${qid}" has ${correct} correct options: add \`multiple\` to the Question, or keep one \`correct\`.`);
        return { id: qid, prompt: qa.str("prompt"), multiple, explanation: qa.str("explanation", false), options };
      });
    if (questions.length === 0) problem(el, `<Quiz id="${id}"> needs at least one <Question>.`);
    return { kind: "quiz", id, stepId, passMark, questions };
  }

  function readScenario(el: JsxElement, stepId: string): ScenarioActivity {
    const a = attrs(el);
    const id = a.str("id");
    const start = a.str("start");
    expectOnly(el, ["Resident", "Ending"]);
    const nodeIds = new Map<string, number>();
    const nodes: Record<string, ScenarioNode> = {};
    const choiceLines: { line: number; to: string; from: string }[] = [];
    for (const child of childElements(el)) {
      const ca = attrs(child);
      const nid = ca.str("id");
      if (!claimId(child, nid, nodeIds, "Scenario node")) continue;
      if (child.name === "Resident") {
        expectOnly(child, ["Choice"]);
        const choices = childElements(child)
          .filter((c) => c.name === "Choice")
          .map((c, index) => {
            const cha = attrs(c);
            const to = cha.str("to");
            const text = toString(c).trim();
            if (!text) problem(c, `A <Choice> in "${nid}" needs the canvasser's reply as its text.`);
            choiceLines.push({ line: lineOf(c), to, from: nid });
            return { index, to, feedback: cha.str("feedback"), text };
          });
        if (choices.length === 0) problem(child, `<Resident id="${nid}"> has no <Choice>: every resident line needs at least one reply (or make it an <Ending>).`);
        nodes[nid] = { kind: "resident", id: nid, says: ca.str("says"), mood: ca.str("mood", false), choices };
      } else if (child.name === "Ending") {
        const outcome = ca.str("outcome");
        if (outcome && !["good", "mixed", "lost"].includes(outcome)) problem(child, `<Ending id="${nid}"> outcome must be good, mixed or lost (not "${outcome}").`);
        nodes[nid] = { kind: "ending", id: nid, outcome: outcome as EndingOutcome, title: ca.str("title") };
      }
    }
    for (const choice of choiceLines) {
      if (choice.to && !nodes[choice.to]) {
        problems.push({ line: choice.line, message: `A choice in "${choice.from}" leads to "${choice.to}", which is not a <Resident> or <Ending> in scenario "${id}".` });
      }
    }
    checkScenarioGraph(el, id, start, nodes);
    return { kind: "scenario", id, stepId, title: a.str("title"), start, setting: a.str("setting", false), nodes };
  }

  function checkScenarioGraph(el: JsxElement, id: string, start: string, nodes: Record<string, ScenarioNode>) {
    if (!start) return;
    if (!nodes[start]) {
      problem(el, `Scenario "${id}" starts at "${start}", but no <Resident> has that id.`);
      return;
    }
    if (!Object.values(nodes).some((n) => n.kind === "ending")) problem(el, `Scenario "${id}" has no <Ending>: every conversation must be able to finish.`);
    const reachable = new Set<string>([start]);
    const queue = [start];
    while (queue.length) {
      const node = nodes[queue.shift()!];
      if (node?.kind !== "resident") continue;
      for (const c of node.choices) {
        if (nodes[c.to] && !reachable.has(c.to)) {
          reachable.add(c.to);
          queue.push(c.to);
        }
      }
    }
    for (const node of Object.values(nodes)) {
      if (!reachable.has(node.id)) {
        problems.push({ line: nodeIds(node.id), message: `Scenario "${id}": "${node.id}" cannot be reached from the start "${start}". Point a <Choice to="${node.id}"> at it, or remove it.` });
      }
    }
    // Nodes from which some ending can be reached; the rest trap the learner.
    const canFinish = new Set(Object.values(nodes).filter((n) => n.kind === "ending").map((n) => n.id));
    let grew = true;
    while (grew) {
      grew = false;
      for (const node of Object.values(nodes)) {
        if (node.kind === "resident" && !canFinish.has(node.id) && node.choices.some((c) => canFinish.has(c.to))) {
          canFinish.add(node.id);
          grew = true;
        }
      }
    }
    for (const node of Object.values(nodes)) {
      if (reachable.has(node.id) && !canFinish.has(node.id) && node.kind === "resident" && node.choices.length > 0) {
        problems.push({ line: nodeIds(node.id), message: `Scenario "${id}": from "${node.id}" no path ever reaches an <Ending> (the conversation loops forever). Give it a choice that leads towards an ending.` });
      }
    }
    function nodeIds(nid: string) {
      const child = childElements(el).find((c) => c.attributes.some((x) => x.type === "mdxJsxAttribute" && x.name === "id" && x.value === nid));
      return child ? lineOf(child) : lineOf(el);
    }
  }

  function readActivity(el: JsxElement, stepId: string): Activity | undefined {
    const a = attrs(el);
    switch (el.name) {
      case "Quiz":
        return readQuiz(el, stepId);
      case "Scenario":
        return readScenario(el, stepId);
      case "Poll": {
        expectOnly(el, ["Option"]);
        const optionIds = new Map<string, number>();
        const options = childElements(el)
          .filter((o) => o.name === "Option")
          .map((o) => {
            const oid = attrs(o).str("id");
            claimId(o, oid, optionIds, "Option");
            return { id: oid, text: toString(o).trim() };
          });
        if (options.length < 2) problem(el, `<Poll id="${a.str("id", false)}"> needs at least two <Option>s.`);
        return { kind: "poll", id: a.str("id"), stepId, question: a.str("question"), options };
      }
      case "RolePlay": {
        expectOnly(el, ["Role", "Debrief"]);
        const minutes = a.num("minutes");
        if (minutes === undefined) problem(el, `<RolePlay> needs minutes={…} (the timer length).`);
        const roles: RolePlayRole[] = childElements(el)
          .filter((r) => r.name === "Role")
          .map((r) => {
            const ra = attrs(r);
            const type = ra.str("type");
            if (type !== "canvasser" && type !== "resident") problem(r, `<Role> type must be "canvasser" or "resident".`);
            return {
              type: type as RolePlayRole["type"],
              name: ra.str("name"),
              situation: ra.str("situation"),
              concerns: ra.str("concerns"),
              goal: ra.str("goal", type === "canvasser"),
              movedBy: ra.str("movedBy", type === "resident"),
            };
          });
        const types = roles.map((r) => r.type).sort().join(",");
        if (types !== "canvasser,resident") problem(el, `<RolePlay> needs exactly two <Role>s: one type="canvasser" and one type="resident".`);
        return { kind: "roleplay", id: a.str("id"), stepId, title: a.str("title"), minutes: minutes ?? 5, roles };
      }
      case "Reflect":
        return { kind: "reflect", id: a.str("id"), stepId, prompt: a.str("prompt") };
      default:
        return undefined;
    }
  }

  function walkStep(node: AnyNode, step: StepInfo) {
    for (const el of childElements(node)) {
      if (!COMPONENTS.has(el.name ?? "")) {
        problem(el, `<${el.name}> is not a Doorstep component. Use one of: ${[...COMPONENTS].join(", ")}.`);
        continue;
      }
      if (el.name === "Step") {
        problem(el, "Steps cannot be nested: close the previous </Step> first.");
        continue;
      }
      if (["Quiz", "Scenario", "Poll", "RolePlay", "Reflect"].includes(el.name!)) {
        const activity = readActivity(el, step.id);
        if (activity && activity.id && claimId(el, activity.id, usedIds, el.name!)) {
          activities[activity.id] = activity;
          step.activityIds.push(activity.id);
        }
      } else if (el.name === "Tip") {
        walkStep(el, step);
      } else {
        problem(el, `<${el.name}> belongs inside ${el.name === "Question" ? "<Quiz>" : el.name === "Option" ? "<Quiz><Question> or <Poll>" : el.name === "Role" || el.name === "Debrief" ? "<RolePlay>" : "<Scenario>"}.`);
      }
    }
  }

  for (const node of tree.children) {
    const type: string = node.type;
    if (type === "yaml" || type === "toml" || type === "mdxjsEsm") {
      // Generated nodes (the frontmatter export) have no position; authors' code does.
      if (type === "mdxjsEsm" && node.position) problem(node, "Modules cannot import or export code; use the built-in components.");
      continue;
    }
    if (isJsx(node) && node.name === "Step") {
      const a = attrs(node);
      const step: StepInfo = { id: a.str("id"), title: a.str("title"), activityIds: [] };
      if (claimId(node, step.id, usedIds, "Step")) steps.push(step);
      walkStep(node, step);
      continue;
    }
    const text = toString(node).trim();
    if (text || isJsx(node)) problem(node, `Everything must be inside a <Step>; found ${isJsx(node) ? `<${node.name}>` : `“${text.slice(0, 40)}”`} outside one.`);
  }
  if (steps.length === 0) problems.push({ line: 1, message: 'The module has no steps. Wrap its content in <Step id="…" title="…">…</Step>.' });
  return { manifest: { steps, activities }, problems };
}
