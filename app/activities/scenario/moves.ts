import { refuse, type Result } from "../../lib/result";
import type { ScenarioActivity, ScenarioNode } from "./manifest";

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
