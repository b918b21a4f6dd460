import type { ActivityView } from "../../runtime/views";
import { RolePlayContext } from "~/activities/runtime/context";
import { useLive } from "~/activities/runtime/live-forms";
import { ROLEPLAY_PARTS, type RolePlayProps } from "./cards";

// The role-play on the projector: what the pairs do and the debrief questions. The role
// cards stay on each person's phone (a resident's concerns are not the canvasser's to
// read), and so do the pairs' names: <Role> renders nothing on the display.

export function DisplayRolePlay({ id, title, minutes, children }: RolePlayProps) {
  const { live } = useLive();
  const paired = live.pairing?.activityId === id ? live.pairing : null;
  return (
    <section className="activity roleplay display-activity" id={id} aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} className="activity__title">
        Pair role-play: {title}
      </h2>
      <p className="display-hint">
        {minutes} minutes.{" "}
        {paired
          ? `Round ${paired.round}: your role and partner are on your phone.`
          : "The trainer will pair you up; your role card will appear on your phone."}
      </p>
      <RolePlayContext.Provider value={id}>{children}</RolePlayContext.Provider>
    </section>
  );
}

/** The projector's view: its own chunk (../../registry.tsx). */
export const view = { View: DisplayRolePlay, parts: ROLEPLAY_PARTS } satisfies ActivityView<RolePlayProps>;
