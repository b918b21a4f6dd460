import type { ScenarioActivity } from "../manifest";

// The conversation as every screen shows it: self-paced, live and on the projector.

type ResidentNode = Extract<ScenarioActivity["nodes"][string], { kind: "resident" }>;

/** What the resident says; the current line is announced as it changes. */
export function ResidentSays({ node, current = false }: { node: ResidentNode; current?: boolean }) {
  return (
    <p className={`line line--resident${current ? " line--current" : ""}`} aria-live={current ? "polite" : undefined}>
      <span className="speaker">Resident{node.mood ? ` (${node.mood})` : ""}:</span> {node.says}
    </p>
  );
}

/** The conversation so far, self-paced ("You") or played by a room ("The room", with its votes). */
export function Transcript({ scenario, path, speaker }: { scenario: ScenarioActivity; path: { node: string; choice: number; votes?: Record<string, number> }[]; speaker: string }) {
  return (
    <ol className="transcript" aria-label="The conversation so far">
      {path.map((move, i) => {
        const node = scenario.nodes[move.node];
        if (!node || node.kind !== "resident") return null;
        const choice = node.choices[move.choice];
        const total = move.votes ? Object.values(move.votes).reduce((a, b) => a + b, 0) : 0;
        return (
          <li key={i} className="transcript__turn">
            <ResidentSays node={node} />
            <p className="line line--you">
              <span className="speaker">{speaker}:</span> {choice?.text}
            </p>
            {choice ? (
              <p className="coaching">
                {choice.feedback}
                {move.votes ? (
                  <>
                    {" "}
                    <span className="muted">
                      ({move.votes[move.choice] ?? 0} of {total} votes)
                    </span>
                  </>
                ) : null}
              </p>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}
