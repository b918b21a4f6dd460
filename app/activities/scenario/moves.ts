import { refuse, type Result } from "../../lib/result";
import type { EndingOutcome, ScenarioActivity, ScenarioNode } from "./manifest";

// Moving through a practice conversation, the same for the self-paced step page
// (app/progress/record.server.ts) and a live session (app/live/scenario.server.ts).

/** Where the reply leads. */
export type MoveCheck = Result<ScenarioNode, 400>;

/** Is this reply allowed from this node, and where does it lead? */
export function checkMove(scenario: ScenarioActivity, fromNode: string, choice: number): MoveCheck {
  const node = scenario.nodes[fromNode];
  if (!node) return refuse(400, `Scenario “${scenario.title}” has no point called "${fromNode}".`);
  if (node.kind !== "resident") return refuse(400, "This conversation has already ended. Start it again to try another way.");
  const picked = node.choices[choice];
  if (!Number.isInteger(choice) || !picked) return refuse(400, "That reply isn't one of the choices here. Reload the page and pick again.");
  const next = scenario.nodes[picked.to];
  if (!next) return refuse(400, "That reply leads nowhere (a content error). Tell your trainer.");
  return { ok: true, value: next };
}

// Which replies are the recommended ones: the organiser's module report marks the others
// as wrong turns, and content:check asks whether the recommended reply gives itself away.
const OUTCOME_RANK: Record<EndingOutcome, number> = { lost: 0, mixed: 1, good: 2 };

/** Best outcome reachable from each node (a fixed point, so loops in the graph are fine). */
export function bestReachable(scenario: ScenarioActivity): Map<string, number> {
  const best = new Map<string, number>();
  for (const node of Object.values(scenario.nodes)) best.set(node.id, node.kind === "ending" ? OUTCOME_RANK[node.outcome] : -1);
  for (let changed = true; changed; ) {
    changed = false;
    for (const node of Object.values(scenario.nodes)) {
      if (node.kind !== "resident") continue;
      const value = Math.max(-1, ...node.choices.map((c) => best.get(c.to) ?? -1));
      if (value > best.get(node.id)!) {
        best.set(node.id, value);
        changed = true;
      }
    }
  }
  return best;
}

/**
 * The recommended replies at each point: those that keep the best ending still in reach
 * and get there in the fewest turns (a reply that recovers after a detour is not the one
 * the author recommends, though it is no wrong turn either).
 */
export function recommendedReplies(scenario: ScenarioActivity): Map<string, Set<number>> {
  const best = bestReachable(scenario);
  const turns = new Map<string, number>();
  for (const node of Object.values(scenario.nodes)) if (node.kind === "ending") turns.set(node.id, 0);
  const via = (c: { to: string }, rank: number) => (best.get(c.to) === rank ? (turns.get(c.to) ?? Infinity) + 1 : Infinity);
  for (let changed = true; changed; ) {
    changed = false;
    for (const node of Object.values(scenario.nodes)) {
      if (node.kind !== "resident") continue;
      const fewest = Math.min(...node.choices.map((c) => via(c, best.get(node.id)!)));
      if (fewest < (turns.get(node.id) ?? Infinity)) {
        turns.set(node.id, fewest);
        changed = true;
      }
    }
  }
  const recommended = new Map<string, Set<number>>();
  for (const node of Object.values(scenario.nodes)) {
    if (node.kind !== "resident") continue;
    const fewest = turns.get(node.id) ?? Infinity;
    recommended.set(node.id, new Set(node.choices.filter((c) => fewest < Infinity && via(c, best.get(node.id)!) === fewest).map((c) => c.index)));
  }
  return recommended;
}
