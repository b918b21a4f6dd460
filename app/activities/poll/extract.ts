import { childElements, textOf, type ActivityReader } from "../reading/mdx-reader";
import type { PollActivity } from "./manifest";

/** <Poll id question> holding <Option id>text</Option>s (no right answer). */
export const pollReader: ActivityReader<PollActivity> = {
  tag: "Poll",
  parts: { Option: "<Poll>" },
  read(el, stepId, reader) {
    const a = reader.attrs(el);
    reader.expectOnly(el, ["Option"]);
    const optionIds = new Map<string, number>();
    const options = childElements(el)
      .filter((o) => o.name === "Option")
      .map((o) => {
        const oid = reader.attrs(o).str("id");
        reader.claimId(o, oid, optionIds, "Option");
        return { id: oid, text: textOf(o) };
      });
    if (options.length < 2) reader.problem(el, `<Poll id="${a.str("id", false)}"> needs at least two <Option>s.`);
    return { kind: "poll", id: a.str("id"), stepId, question: a.str("question"), options };
  },
};
