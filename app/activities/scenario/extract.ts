import { childElements, lineOf, textOf, type ActivityReader, type JsxElement, type MdxReader } from "../reading/mdx-reader";
import type { EndingOutcome, ScenarioActivity, ScenarioNode } from "./manifest";

/**
 * <Scenario id title start setting?> holding <Resident id says mood? tags?> (with <Choice to
 * feedback pinned? tags?>reply</Choice>s) and <Ending id outcome title>. The graph is checked: every
 * node reachable from the start, every path able to reach an ending.
 */
export const scenarioReader: ActivityReader<ScenarioActivity> = {
  tag: "Scenario",
  parts: { Resident: "<Scenario>", Choice: "<Scenario><Resident>", Ending: "<Scenario>" },
  read(el, stepId, reader) {
    const a = reader.attrs(el);
    const id = a.str("id");
    const start = a.str("start");
    reader.expectOnly(el, ["Resident", "Ending"]);
    const nodeIds = new Map<string, number>();
    const nodes: Record<string, ScenarioNode> = {};
    const choiceLines: { line: number; to: string; from: string }[] = [];
    for (const child of childElements(el)) {
      const ca = reader.attrs(child);
      const nid = ca.str("id");
      if (!reader.claimId(child, nid, nodeIds, "Scenario node")) continue;
      if (child.name === "Resident") {
        reader.expectOnly(child, ["Choice"]);
        const choices = childElements(child)
          .filter((c) => c.name === "Choice")
          .map((c, index) => {
            const cha = reader.attrs(c);
            const to = cha.str("to");
            const text = textOf(c);
            if (!text) reader.problem(c, `A <Choice> in "${nid}" needs the canvasser's reply as its text.`);
            choiceLines.push({ line: lineOf(c), to, from: nid });
            const tags = reader.tags(c);
            return { index, to, feedback: cha.str("feedback"), text, ...(cha.flag("pinned") ? { pinned: true } : {}), ...(tags.length ? { tags } : {}) };
          });
        if (choices.length === 0) reader.problem(child, `<Resident id="${nid}"> has no <Choice>: every resident line needs at least one reply (or make it an <Ending>).`);
        const tags = reader.tags(child);
        nodes[nid] = { kind: "resident", id: nid, says: ca.str("says"), mood: ca.str("mood", false), choices, ...(tags.length ? { tags } : {}) };
      } else if (child.name === "Ending") {
        const outcome = ca.str("outcome");
        if (outcome && !["good", "mixed", "lost"].includes(outcome)) reader.problem(child, `<Ending id="${nid}"> outcome must be good, mixed or lost (not "${outcome}").`);
        nodes[nid] = { kind: "ending", id: nid, outcome: outcome as EndingOutcome, title: ca.str("title") };
      }
    }
    for (const choice of choiceLines) {
      if (choice.to && !nodes[choice.to]) {
        reader.problemAtLine(choice.line, `A choice in "${choice.from}" leads to "${choice.to}", which is not a <Resident> or <Ending> in scenario "${id}".`);
      }
    }
    checkGraph(reader, el, id, start, nodes);
    return { kind: "scenario", id, stepId, title: a.str("title"), start, setting: a.str("setting", false), nodes };
  },
};

function checkGraph(reader: MdxReader, el: JsxElement, id: string, start: string, nodes: Record<string, ScenarioNode>) {
  if (!start) return;
  if (!nodes[start]) {
    reader.problem(el, `Scenario "${id}" starts at "${start}", but no <Resident> has that id.`);
    return;
  }
  if (!Object.values(nodes).some((n) => n.kind === "ending")) reader.problem(el, `Scenario "${id}" has no <Ending>: every conversation must be able to finish.`);
  const lineOfNode = (nid: string) => {
    const child = childElements(el).find((c) => c.attributes.some((x) => x.type === "mdxJsxAttribute" && x.name === "id" && x.value === nid));
    return child ? lineOf(child) : lineOf(el);
  };
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
      reader.problemAtLine(lineOfNode(node.id), `Scenario "${id}": "${node.id}" cannot be reached from the start "${start}". Point a <Choice to="${node.id}"> at it, or remove it.`);
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
      reader.problemAtLine(
        lineOfNode(node.id),
        `Scenario "${id}": from "${node.id}" no path ever reaches an <Ending> (the conversation loops forever). Give it a choice that leads towards an ending.`,
      );
    }
  }
}
