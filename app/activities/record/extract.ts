import { childElements, textOf, type ActivityReader, type JsxElement, type MdxReader } from "../reading/mdx-reader";
import type { ScenarioActivity } from "../scenario/manifest";
import { FIXED_CODES, RECORD_FIELDS, type RecordActivity, type RecordExpectation, type RecordField } from "./manifest";

const isField = (name: string): name is RecordField => (RECORD_FIELDS as readonly string[]).includes(name);

/**
 * <Record id scenario title?> holding <Issue id>label</Issue>s (the issues a learner may
 * pick) and <Expect field value ending?>explanation</Expect>s: one per field without
 * `ending` (what holds however the conversation went), and any number with `ending` for
 * the fields that differ when the scenario ended there.
 */
export const recordReader: ActivityReader<RecordActivity> = {
  tag: "Record",
  parts: { Issue: "<Record>", Expect: "<Record>" },
  read(el, stepId, reader) {
    const a = reader.attrs(el);
    const id = a.str("id");
    const scenarioId = a.str("scenario");
    const found = scenarioId ? reader.earlier.get(scenarioId) : undefined;
    const scenario = found?.kind === "scenario" ? (found as ScenarioActivity) : null;
    if (scenarioId && !scenario) {
      reader.problem(el, `<Record id="${id}"> scenario="${scenarioId}" must name a <Scenario> earlier in the module (the conversation being recorded).`);
    }
    reader.expectOnly(el, ["Issue", "Expect"]);
    const children = childElements(el);

    const issueIds = new Map<string, number>();
    const issues = children
      .filter((c) => c.name === "Issue")
      .map((c) => {
        const iid = reader.attrs(c).str("id");
        if (iid === "none") reader.problem(c, `<Issue id="none"> is taken: "none" means no issue was raised. Choose another id.`);
        else reader.claimId(c, iid, issueIds, "Issue");
        const text = textOf(c);
        if (!text) reader.problem(c, `<Issue id="${iid}"> needs its label between <Issue …> and </Issue>.`);
        return { id: iid, text };
      });
    if (issues.length < 2) reader.problem(el, `<Record id="${id}"> needs at least two <Issue>s for the learner to choose from.`);

    const expect: Partial<Record<RecordField, RecordExpectation>> = {};
    const byEnding: RecordActivity["byEnding"] = {};
    const endings = new Set(scenario ? Object.values(scenario.nodes).filter((n) => n.kind === "ending").map((n) => n.id) : []);
    for (const c of children.filter((child) => child.name === "Expect")) {
      const ea = reader.attrs(c);
      const field = ea.str("field");
      if (!isField(field)) {
        if (field) reader.problem(c, `<Expect field="${field}"> is not a field of a record; use one of: ${RECORD_FIELDS.join(", ")}.`);
        continue;
      }
      const ending = ea.str("ending", false);
      if (ending && !endings.has(ending)) {
        // Without a scenario its endings are unknown; that problem is already reported.
        if (scenario) reader.problem(c, `<Expect ending="${ending}"> is not an <Ending> of scenario "${scenarioId}"; it has: ${[...endings].join(", ")}.`);
        continue;
      }
      const accepted = acceptedValues(c, field, ea.str("value", field !== "issues"), issueIds, reader);
      const explanation = textOf(c);
      if (!explanation) reader.problem(c, `<Expect field="${field}"> needs an explanation between <Expect …> and </Expect>: quote what the resident said.`);
      const holder = ending ? (byEnding[ending] ??= {}) : expect;
      if (holder[field]) reader.problem(c, `Field "${field}" already has an <Expect>${ending ? ` for ending "${ending}"` : " without an ending"}: keep one.`);
      holder[field] = { accepted, explanation };
    }
    const missing = RECORD_FIELDS.filter((f) => !expect[f]);
    if (missing.length) {
      reader.problem(el, `<Record id="${id}"> needs an <Expect field="…" value="…"> without an ending for: ${missing.join(", ")} (what holds however the conversation went).`);
    }
    const fallback: RecordExpectation = { accepted: [], explanation: "" };
    const complete = Object.fromEntries(RECORD_FIELDS.map((f) => [f, expect[f] ?? fallback])) as Record<RecordField, RecordExpectation>;
    return { kind: "record", id, stepId, scenarioId, title: a.str("title", false) || "Record the conversation", issues, expect: complete, byEnding };
  },
};

/** The codes an <Expect> accepts: space-separated; for issues, the set raised ("none" or empty for no issue). */
function acceptedValues(el: JsxElement, field: RecordField, value: string, issueIds: Map<string, number>, reader: MdxReader): string[] {
  const tokens = value.split(/[\s,]+/).filter(Boolean);
  if (field === "issues") {
    if (tokens.length === 1 && tokens[0] === "none") return [];
    for (const t of tokens) if (!issueIds.has(t)) reader.problem(el, `<Expect field="issues"> names "${t}", which is not an <Issue> of this record.`);
    return [...new Set(tokens)];
  }
  const codes = FIXED_CODES[field].map((c) => c.id);
  for (const t of tokens) if (!codes.includes(t)) reader.problem(el, `<Expect field="${field}" value="${t}"> is not a ${field} code; use one of: ${codes.join(", ")}.`);
  return [...new Set(tokens)];
}
