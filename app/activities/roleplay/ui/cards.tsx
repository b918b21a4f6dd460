import { useContext, type ReactNode } from "react";
import { liveRoleVisible, RolePlayContext, useRuntime } from "~/activities/runtime/context";

// The tags inside a role-play that render (role cards, the debrief questions), shared by
// every screen's view (./self.tsx, ./live.tsx, ./display.tsx).

export type RolePlayProps = { id: string; title: string; minutes: number; children?: ReactNode };
type RoleProps = {
  type: "canvasser" | "resident";
  name: string;
  situation: string;
  concerns: string;
  goal?: string;
  movedBy?: string;
  children?: ReactNode;
};

export function Role(props: RoleProps) {
  const runtime = useRuntime();
  const rolePlayId = useContext(RolePlayContext);
  // Live: a participant sees only the card they were given when paired.
  if (runtime.mode === "live" && runtime.live && !liveRoleVisible(runtime.live, rolePlayId, props.type)) return null;
  return <RoleCard {...props} />;
}

function RoleCard({
  type,
  name,
  situation,
  concerns,
  goal,
  movedBy,
  children,
}: RoleProps) {
  return (
    <article className={`role-card role-card--${type}`}>
      <p className="role-card__type">{type === "canvasser" ? "Canvasser" : "Resident"}</p>
      <h3>{name}</h3>
      <dl>
        <dt>Situation</dt>
        <dd>{situation}</dd>
        <dt>Concerns</dt>
        <dd>{concerns}</dd>
        {goal ? (
          <>
            <dt>Your goal</dt>
            <dd>{goal}</dd>
          </>
        ) : null}
        {movedBy ? (
          <>
            <dt>What would move them</dt>
            <dd>{movedBy}</dd>
          </>
        ) : null}
      </dl>
      {children}
    </article>
  );
}

export function Debrief({ children }: { children?: ReactNode }) {
  return (
    <div className="debrief-questions">
      <h3>Talk it through afterwards</h3>
      {children}
    </div>
  );
}

/** The tags inside `<RolePlay>` that render, the same on every screen. */
export const ROLEPLAY_PARTS = { Role, Debrief };
