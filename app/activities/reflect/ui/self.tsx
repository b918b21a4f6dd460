import type { ActivityView } from "../../runtime/views";
import { useId } from "react";
import { useActivity, useRuntime } from "~/activities/runtime/context";
import { ActivityError, useActivityForm } from "~/activities/runtime/forms";

// A reflection is private in both modes: a learner writes it to their own record, on
// the step page or on their live screen (the same form, posting intent "reflect" with a
// body, read by app/activities/reflect/form.server.ts). The live view is ./live.tsx.

export function SelfPacedReflect({ id }: { id: string }) {
  const reflect = useActivity(id, "reflect");
  const runtime = useRuntime();
  const { fetcher, failure, busy } = useActivityForm(id);
  const fieldId = useId();
  if (!reflect) return null;
  const saved = runtime.progress.reflections[id];
  const justSaved = fetcher.state === "idle" && fetcher.data?.ok;
  return (
    <section className="activity reflect" id={id}>
      <fetcher.Form method="post" action={runtime.actionPath}>
        <input type="hidden" name="intent" value="reflect" />
        <input type="hidden" name="activityId" value={id} />
        <label htmlFor={fieldId} className="activity__title reflect__prompt">
          {reflect.prompt}
        </label>
        <p className="field__hint">Private: only you can read this.</p>
        <textarea id={fieldId} name="body" rows={5} maxLength={5000} defaultValue={saved ?? ""} />
        <ActivityError message={failure} />
        <div className="button-row">
          <button type="submit" className="button button--secondary" disabled={busy}>
            {busy ? "Saving…" : "Save"}
          </button>
          {justSaved ? (
            <span role="status" className="muted">
              Saved.
            </span>
          ) : saved ? (
            <span className="muted">You saved an answer earlier.</span>
          ) : null}
        </div>
      </fetcher.Form>
    </section>
  );
}

/** The self-paced view: its own chunk, loaded by pages that show a reflection self-paced (../../registry.tsx). */
export const view = { View: SelfPacedReflect } satisfies ActivityView<{ id: string }>;
