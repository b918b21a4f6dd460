import type { ActivityReader } from "../reading/mdx-reader";
import type { ReflectActivity } from "./manifest";

/** <Reflect id prompt />: a private note, no right answer. */
export const reflectReader: ActivityReader<ReflectActivity> = {
  tag: "Reflect",
  parts: {},
  read(el, stepId, reader) {
    const a = reader.attrs(el);
    return { kind: "reflect", id: a.str("id"), stepId, prompt: a.str("prompt") };
  },
};
