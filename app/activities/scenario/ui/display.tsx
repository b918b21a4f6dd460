import type { ActivityView } from "../../runtime/views";
import type { ReactNode } from "react";
import { BarChart } from "~/components/live/bar-chart";
import { useActivity } from "~/activities/runtime/context";
import { useLive } from "~/activities/runtime/live-forms";
import { EndingTag, endingDebrief, SCENARIO_PARTS } from "./endings";
import { ResidentSays, Transcript } from "./transcript";

// The room's scenario on the projector: the conversation so far, what the resident says
// now and the room's votes, each reply numbered and named as on every device (devices
// shuffle the order, never the numbers), in the author's order; then the ending's debrief.

export function DisplayScenario({ id, children }: { id: string; children?: ReactNode }) {
  const scenario = useActivity(id, "scenario");
  const { live } = useLive();
  if (!scenario) return null;
  const room = live.scenarios[id];
  const current = room ? scenario.nodes[room.currentNode] : undefined;
  const votes = room?.votes ?? {};
  const top = Math.max(0, ...Object.values(votes));
  return (
    <section className="activity scenario display-activity" id={id} aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} className="activity__title">
        Practice conversation, played together: {scenario.title}
      </h2>
      {scenario.setting ? <p className="scenario__setting">{scenario.setting}</p> : null}
      {room ? <Transcript scenario={scenario} path={room.path} speaker="The room" /> : null}
      {room && current?.kind === "resident" ? (
        <div className="scenario__choices">
          <ResidentSays node={current} current />
          <BarChart
            label={`What would you say? Vote on your phone: ${room.voters} voted so far.`}
            total={room.voters}
            bars={current.choices.map((c) => ({ id: String(c.index), label: `${c.index + 1}. ${c.text}`, count: votes[c.index] ?? 0, leading: top > 0 && (votes[c.index] ?? 0) === top }))}
          />
        </div>
      ) : room && current?.kind === "ending" ? (
        <div className={`ending ending--${current.outcome}`}>
          <p>
            <EndingTag outcome={current.outcome} />
          </p>
          <h3>{current.title}</h3>
          <div className="debrief">{room.endingId ? endingDebrief(children, room.endingId) : null}</div>
        </div>
      ) : null}
    </section>
  );
}

/** The projector's view: its own chunk (../../registry.tsx). */
export const view = { View: DisplayScenario, parts: SCENARIO_PARTS } satisfies ActivityView<{ id: string; children?: ReactNode }>;
