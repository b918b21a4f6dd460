import { SelfPacedReflect } from "./self";
import type { ActivityView } from "../../runtime/views";
import { useActivity, useRuntime } from "~/activities/runtime/context";

// The reflection's live view: a participant writes as they would self-paced (./self.tsx);
// the presenter's screen shows the prompt only.

/** Live: a participant writes as they would self-paced; the presenter's screen shows the prompt. */
export function LiveReflect({ id }: { id: string }) {
  return useRuntime().live?.role === "presenter" ? <PresenterReflect id={id} /> : <SelfPacedReflect id={id} />;
}

function PresenterReflect({ id }: { id: string }) {
  const reflect = useActivity(id, "reflect");
  if (!reflect) return null;
  return (
    <section className="activity reflect" id={id}>
      <p className="activity__title reflect__prompt">{reflect.prompt}</p>
      <p className="muted">Everyone writes their own answer on their screen. It stays private: nobody else sees it, you included.</p>
    </section>
  );
}

/** The live view (participant and presenter): its own chunk (../../registry.tsx). */
export const view = { View: LiveReflect } satisfies ActivityView<{ id: string }>;
