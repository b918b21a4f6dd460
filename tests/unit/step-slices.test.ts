import { describe, expect, it } from "vitest";
import { stepSlices } from "~/content/step-code.server";

const front = "---\ntitle: T\n---\n";
const step = (id: string, body = "Hello") => `<Step id="${id}" title="${id}">\n\n${body}\n\n</Step>`;

describe("cutting a module's MDX into steps", () => {
  it("gives each step's block, in order, when the file is only steps", () => {
    const source = `${front}\n${step("one")}\n\n${step("two", "<Quiz id=\"q\">\n</Quiz>")}\n`;
    expect(stepSlices(source, ["one", "two"])).toEqual({ one: step("one"), two: step("two", "<Quiz id=\"q\">\n</Quiz>") });
  });

  it("refuses a file with anything between steps (it would show on every step)", () => {
    expect(stepSlices(`${front}Intro text\n\n${step("one")}\n`, ["one"])).toBeNull();
    expect(stepSlices(`${front}${step("one")}\n\nimport x from "y"\n`, ["one"])).toBeNull();
  });

  it("refuses steps it cannot match to the manifest: other ids, other order, unclosed, nested", () => {
    const two = `${front}${step("one")}\n${step("two")}\n`;
    expect(stepSlices(two, ["two", "one"])).toBeNull();
    expect(stepSlices(two, ["one"])).toBeNull();
    expect(stepSlices(`${front}<Step id="one">\n\nText\n`, ["one"])).toBeNull();
    expect(stepSlices(`${front}<Step id="one">\n<Step id="two">\n</Step>\n</Step>\n`, ["one", "two"])).toBeNull();
    expect(stepSlices(`${front}<Step title="no id">\n</Step>\n`, ["one"])).toBeNull();
  });

  it("cuts every module the project ships", async () => {
    const { readdirSync, readFileSync } = await import("node:fs");
    for (const slug of readdirSync("content/modules")) {
      const source = readFileSync(`content/modules/${slug}/index.mdx`, "utf8");
      const ids = [...source.matchAll(/^<Step id="([^"]+)"/gm)].map((m) => m[1]!);
      const slices = stepSlices(source, ids);
      expect(slices, slug).not.toBeNull();
      expect(Object.keys(slices!), slug).toEqual(ids);
    }
  });
});

describe("a step's code", () => {
  it("leaves out what renders nothing (a scenario's residents and choices), keeps the step's text and endings (ADR 036)", async () => {
    const { loadModule } = await import("~/content/catalog.server");
    const { stepModuleCode, stepCodeKey } = await import("~/content/step-code.server");
    const { module } = await loadModule("after-the-door", "content/modules/after-the-door/index.mdx");
    expect(module).toBeDefined();
    const step = await stepModuleCode(module!, "practice-door");
    expect(step.key).toBe(stepCodeKey(module!.hash, "practice-door"));
    expect(step.code).toContain("Listen carefully");
    // A resident's line and a choice's feedback: the view renders them from the loader data.
    expect(step.code).not.toContain("pan on the hob");
    expect(step.code).not.toContain("Tempting when you're in a hurry");
    expect(module!.code).toContain("pan on the hob");
  }, 30_000);
});
