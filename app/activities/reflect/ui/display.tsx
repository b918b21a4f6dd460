import type { ActivityView } from "../../runtime/views";
import { useActivity } from "~/activities/runtime/context";

// A reflection on the projector: the prompt only. Answers are private to each learner.

export function DisplayReflect({ id }: { id: string }) {
  const reflect = useActivity(id, "reflect");
  if (!reflect) return null;
  return (
    <section className="activity reflect display-activity" id={id}>
      <p className="activity__title reflect__prompt">{reflect.prompt}</p>
      <p className="display-hint">Write your own answer on your phone. It stays private: nobody else sees it.</p>
    </section>
  );
}

/** The projector's view: its own chunk (../../registry.tsx). */
export const view = { View: DisplayReflect } satisfies ActivityView<{ id: string }>;
