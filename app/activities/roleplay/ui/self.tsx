import { ROLEPLAY_PARTS, type RolePlayProps } from "./cards";
import type { ActivityView } from "../../runtime/views";
import { PracticeTimer } from "~/components/practice-timer";
import { useRuntime } from "~/activities/runtime/context";

// The pair role-play's self-paced view: both cards, to practise with a friend. The live
// views are ./live.tsx, the projector's ./display.tsx (each screen its own chunk,
// ../../registry.tsx); the role cards every screen renders are ./cards.tsx.

export function SelfPacedRolePlay({ id, title, minutes, children }: RolePlayProps) {
  const { timing } = useRuntime();
  return (
    <section className="activity roleplay" id={id} aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} className="activity__title">
        Pair role-play: {title}
      </h2>
      <p className="muted">Practise with a friend or in a live session: one of you takes each card.</p>
      <PracticeTimer minutes={minutes} timing={timing} />
      <div className="grid grid--2">{children}</div>
    </section>
  );
}

/** The self-paced view: its own chunk, loaded by pages that show a role-play self-paced (../../registry.tsx). */
export const view = { View: SelfPacedRolePlay, parts: ROLEPLAY_PARTS } satisfies ActivityView<RolePlayProps>;
