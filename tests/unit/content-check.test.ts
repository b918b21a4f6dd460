import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compilerFingerprint, loadModule } from "~/content/catalog.server";
import { compileModuleSource, contentHash } from "~/content/compile.server";
import type { QuizActivity, ScenarioActivity } from "~/content/manifest";
import { answerBias, answerObservations, atLeastByChance } from "~/content/answer-bias";

const BROKEN = "tests/fixtures/broken-modules";
const VALID = "tests/fixtures/modules";
// Modules that compile but give their answers away (or do not): warnings, not problems.
const BIASED = "tests/fixtures/biased-modules";
const read = (dir: string, slug: string) => readFileSync(path.join(dir, slug, "index.mdx"), "utf8");

// Each broken fixture holds exactly one mistake; these are the lines and messages
// content:check must report for it, and nothing else.
const BROKEN_CASES: Record<string, { line: number; message: RegExp }[]> = {
  "frontmatter-invalid": [{ line: 4, message: /^frontmatter minutes: minutes must be a whole number/ }],
  "frontmatter-yaml": [{ line: 3, message: /^Frontmatter is not valid YAML: / }],
  "mdx-syntax": [{ line: 12, message: /^MDX syntax: .*before attribute value/ }],
  "mdx-unclosed-tag": [{ line: 18, message: /^MDX syntax: .*closing tag for `<Tip>` \(14:1/ }],
  "list-closing-tag": [{ line: 15, message: /^MDX syntax: Expected the closing tag `<\/Step>`/ }],
  "duplicate-step-id": [{ line: 16, message: /^Duplicate id "one" \(first used on line 10\)/ }],
  "reserved-step-id": [{ line: 16, message: /^Step id "complete" is taken by a page of every module/ }],
  "duplicate-activity-id": [{ line: 18, message: /^Duplicate id "thoughts" \(first used on line 12\)/ }],
  "quiz-no-correct": [{ line: 17, message: /^Question "no-answer" has no correct option/ }],
  "scenario-unreachable": [{ line: 17, message: /^Scenario "door": "orphan" cannot be reached from the start "hello"/ }],
  "scenario-dangling-choice": [{ line: 15, message: /^A choice in "hello" leads to "maybe", which is not a <Resident> or <Ending>/ }],
  "scenario-unknown-tag": [{ line: 15, message: /^<Choice> has the unknown objection tag "too-pushy"\. Use one of: all-the-same, / }],
  "scenario-endless": [
    { line: 17, message: /^Scenario "door": from "round" no path ever reaches an <Ending>/ },
    { line: 20, message: /^Scenario "door": from "and-round" no path ever reaches an <Ending>/ },
  ],
};

describe("content:check messages, one broken fixture per mistake", () => {
  it("has a fixture folder for every case and a case for every fixture folder", () => {
    expect(readdirSync(BROKEN).sort()).toEqual(Object.keys(BROKEN_CASES).sort());
  });

  for (const [slug, expected] of Object.entries(BROKEN_CASES)) {
    it(`${slug}: line ${expected.map((e) => e.line).join(", ")}`, async () => {
      const result = await compileModuleSource(slug, read(BROKEN, slug));
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.problems.map((p) => p.line)).toEqual(expected.map((e) => e.line));
      result.problems.forEach((p, i) => expect(p.message).toMatch(expected[i]!.message));
    });
  }

  it("refuses a file without frontmatter, and a folder name that is not a slug", async () => {
    const noFrontmatter = await compileModuleSource("no-frontmatter", '<Step id="a" title="A">\n\nText.\n\n</Step>\n');
    expect(noFrontmatter).toEqual({ ok: false, problems: [{ line: 1, message: expect.stringMatching(/must start with a frontmatter block/) }] });
    const badSlug = await compileModuleSource("Doorstep_Basics", read(VALID, "follow-up"));
    expect(badSlug).toEqual({ ok: false, problems: [{ line: 1, message: expect.stringMatching(/folder name "Doorstep_Basics"/) }] });
  });
});

// Each run starts node + tsx + esbuild: seconds, not milliseconds, on a busy machine.
describe("content:check CLI", { timeout: 30_000 }, () => {
  const cli = (dir: string, ...flags: string[]) =>
    promisify(execFile)("npx", ["tsx", "scripts/content-check.ts", ...flags, dir], { encoding: "utf8" }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );

  it("prints file:line: message for every broken fixture and exits 1", async () => {
    const { code, stdout } = await cli(BROKEN);
    expect(code).toBe(1);
    const lines = stdout.trim().split("\n");
    const expected = Object.entries(BROKEN_CASES).flatMap(([slug, problems]) => problems.map((p) => ({ slug, ...p })));
    for (const e of expected) {
      const prefix = `${BROKEN}/${e.slug}/index.mdx:${e.line}: `;
      const line = lines.find((l) => l.startsWith(prefix));
      expect(line, `no line starting ${prefix}\n${stdout}`).toBeDefined();
      expect(line!.slice(prefix.length)).toMatch(e.message);
    }
    expect(lines.filter((l) => /^\S+\.mdx:\d+: /.test(l))).toHaveLength(expected.length);
    expect(lines.at(-1)).toBe(`${Object.keys(BROKEN_CASES).length} modules checked, ${expected.length} problems.`);
  });

  it("exits 0 on valid modules", async () => {
    const { code, stdout } = await cli(VALID);
    expect(stdout.trim()).toBe("2 modules checked, 0 problems.");
    expect(code).toBe(0);
  });

  it("warns about answers that give themselves away, and exits 0", async () => {
    const { code, stdout } = await cli(BIASED);
    const file = `${BIASED}/answers-give-away/index.mdx`;
    expect(stdout.trim().split("\n")).toEqual([
      expect.stringMatching(new RegExp(`^${file}: warning: answer position: the right answer is listed first in 5 of 5 quiz questions \\(chance alone would give about 2\\)`)),
      expect.stringMatching(new RegExp(`^${file}: warning: answer length: the right answer is the longest option in 5 of 5 quiz questions`)),
      expect.stringMatching(new RegExp(`^${file}: warning: reply position: the recommended reply is listed first at 5 of 5 scenario choice points`)),
      expect.stringMatching(new RegExp(`^${file}: warning: reply length: the recommended reply is the longest at 5 of 5 scenario choice points`)),
      "2 modules checked, 0 problems, 4 warnings (an error under --strict).",
    ]);
    expect(code).toBe(0);
  });

  it("checks variants: the original exists and is not a variant, and a label is given (ADR 039)", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "doorstep-variants-"));
    try {
      cpSync(VALID, dir, { recursive: true });
      const variant = (slug: string, frontmatter: string) => {
        const source = read(VALID, "follow-up").replace("order: 2\n", `order: 2\n${frontmatter}\n`);
        mkdirSync(path.join(dir, slug));
        writeFileSync(path.join(dir, slug, "index.mdx"), source);
      };
      variant("follow-up-b", "variant:\n  of: follow-up\n  label: By example");
      variant("of-missing", "variant:\n  of: no-such-module\n  label: Other");
      variant("of-variant", "variant:\n  of: follow-up-b\n  label: Twice removed");
      variant("no-label", "variant:\n  of: follow-up");
      const { code, stdout } = await cli(dir);
      const problems = stdout.trim().split("\n").filter((l) => /^\S+\.mdx:\d+: /.test(l));
      expect(problems).toHaveLength(3);
      expect(problems.find((l) => l.includes("/of-missing/"))).toMatch(/variant\.of: there is no module "no-such-module"/);
      expect(problems.find((l) => l.includes("/of-variant/"))).toMatch(/variant\.of: "follow-up-b" is itself a variant/);
      expect(problems.find((l) => l.includes("/no-label/"))).toMatch(/variant/);
      // The good variant shares its original's order without an order clash.
      expect(problems.some((l) => l.includes("/follow-up-b/"))).toBe(false);
      expect(code).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("--strict makes them errors and exits 1", async () => {
    const { code, stdout } = await cli(BIASED, "--strict");
    const lines = stdout.trim().split("\n");
    expect(lines.filter((l) => l.startsWith(`${BIASED}/answers-give-away/index.mdx: error: `))).toHaveLength(4);
    expect(lines.some((l) => l.includes("answers-mixed"))).toBe(false);
    expect(lines.at(-1)).toBe("2 modules checked, 4 problems.");
    expect(code).toBe(1);
  });
});

describe("answer bias (content:check)", () => {
  const manifestOf = async (slug: string) => {
    const result = await compileModuleSource(slug, read(BIASED, slug));
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    return result.module.manifest;
  };

  it("counts where the right answer sits and whether it is the longest, against chance", async () => {
    const findings = answerBias(answerObservations(await manifestOf("answers-give-away")));
    expect(findings.map((f) => [f.kind, f.count, f.total])).toEqual([
      ["quiz-first", 5, 5],
      ["quiz-longest", 5, 5],
      ["scenario-first", 5, 5],
      ["scenario-longest", 5, 5],
    ]);
    // Four questions of three free options and one of three (the pinned one never moves).
    expect(findings[0]!.expected).toBeCloseTo(5 / 3);
    // Its pinned "None of these" counts for length (a learner sees it) but not for place.
    expect(findings[1]!.expected).toBeCloseTo(4 / 3 + 1 / 4);
  });

  it("finds nothing when the answers are in mixed places and of ordinary length", async () => {
    expect(answerBias(answerObservations(await manifestOf("answers-mixed")))).toEqual([]);
  });

  it("reads pinned options and replies into the manifest", async () => {
    const quiz = (await manifestOf("answers-give-away")).activities.tells as QuizActivity;
    expect(quiz.questions[2]!.options.map((o) => [o.id, o.pinned ?? false])).toEqual([
      ["right", false],
      ["short", false],
      ["none", true],
      ["never", false],
    ]);
  });

  it("puts the chance of a pattern right (Poisson binomial tail)", () => {
    expect(atLeastByChance([0.5, 0.5], 2)).toBeCloseTo(0.25);
    expect(atLeastByChance([0.5, 0.5], 1)).toBeCloseTo(0.75);
    expect(atLeastByChance([1 / 3, 1 / 3, 1 / 3, 1 / 3, 1 / 3, 1 / 3], 5)).toBeCloseTo(13 / 729);
    expect(atLeastByChance([0.2, 0.7], 0)).toBe(1);
  });
});

describe("content hash and compile cache", () => {
  let cacheDir: string;
  let workDir: string;
  const previousCacheDir = process.env.CONTENT_CACHE_DIR;
  beforeAll(() => {
    cacheDir = mkdtempSync(path.join(tmpdir(), "doorstep-cache-"));
    workDir = mkdtempSync(path.join(tmpdir(), "doorstep-content-"));
    process.env.CONTENT_CACHE_DIR = cacheDir;
  });
  afterAll(() => {
    if (previousCacheDir === undefined) delete process.env.CONTENT_CACHE_DIR;
    else process.env.CONTENT_CACHE_DIR = previousCacheDir;
    rmSync(cacheDir, { recursive: true, force: true });
    rmSync(workDir, { recursive: true, force: true });
  });

  it("is stable for the same source and changes when the source changes", async () => {
    const source = read(VALID, "follow-up");
    expect(contentHash(source)).toBe(contentHash(`${source}`));
    expect(contentHash(source)).toMatch(/^[0-9a-f]{16}$/);
    expect(contentHash(source.replace("People remember", "People recall"))).not.toBe(contentHash(source));
    expect(contentHash(`${source}\n`)).not.toBe(contentHash(source));
    const compiled = await compileModuleSource("follow-up", source);
    expect(compiled.ok && compiled.module.hash).toBe(contentHash(source));
  });

  it("compiles once, then loads from the cache until the file changes", async () => {
    cpSync(path.join(VALID, "follow-up"), path.join(workDir, "follow-up"), { recursive: true });
    const file = path.join(workDir, "follow-up", "index.mdx");
    const first = await loadModule("follow-up", file);
    expect(first).toMatchObject({ cached: false, problems: [] });
    expect(readdirSync(cacheDir)).toEqual([`follow-up-${first.module!.hash}-${compilerFingerprint()}.json`]);
    expect(compilerFingerprint()).toMatch(/^[0-9a-f]{12}$/);
    const second = await loadModule("follow-up", file);
    expect(second.cached).toBe(true);
    expect(second.module).toEqual(first.module);

    writeFileSync(file, readFileSync(file, "utf8").replace("People remember the second knock.", "People remember who came back."));
    const changed = await loadModule("follow-up", file);
    expect(changed.cached).toBe(false);
    expect(changed.module!.hash).not.toBe(first.module!.hash);
    expect((await loadModule("follow-up", file)).cached).toBe(true);
    // The earlier output is gone; only the current one is kept.
    expect(readdirSync(cacheDir).filter((f) => f.startsWith("follow-up-"))).toEqual([`follow-up-${changed.module!.hash}-${compilerFingerprint()}.json`]);
  });

  it("recompiles over a torn cache file, and caches nothing for a broken module", async () => {
    cpSync(path.join(VALID, "doorstep-basics"), path.join(workDir, "torn"), { recursive: true });
    const file = path.join(workDir, "torn", "index.mdx");
    const hash = contentHash(readFileSync(file, "utf8"));
    writeFileSync(path.join(cacheDir, `torn-${hash}-${compilerFingerprint()}.json`), '{"slug":"torn","ha');
    const result = await loadModule("torn", file);
    expect(result).toMatchObject({ cached: false, module: { slug: "torn", hash } });
    expect((await loadModule("torn", file)).cached).toBe(true);

    const brokenFile = path.join(BROKEN, "quiz-no-correct", "index.mdx");
    const broken = await loadModule("quiz-no-correct", brokenFile);
    expect(broken).toMatchObject({ cached: false, problems: [{ line: 17 }] });
    expect(broken.module).toBeUndefined();
    expect(readdirSync(cacheDir).some((f) => f.startsWith("quiz-no-correct-"))).toBe(false);
  });

  it("never reuses output cached by another version of the compiler", async () => {
    cpSync(path.join(VALID, "doorstep-basics"), path.join(workDir, "older"), { recursive: true });
    const file = path.join(workDir, "older", "index.mdx");
    const hash = contentHash(readFileSync(file, "utf8"));
    // What an earlier build left: the same source, another compiler (and the naming before
    // compilers were told apart), with a manifest of an older shape.
    const stale = JSON.stringify({ slug: "older", hash, manifest: { steps: [] } });
    writeFileSync(path.join(cacheDir, `older-${hash}.json`), stale);
    writeFileSync(path.join(cacheDir, `older-${hash}-000000000000.json`), stale);
    const result = await loadModule("older", file);
    expect(result.cached).toBe(false);
    expect(result.module!.manifest.steps.length).toBeGreaterThan(0);
    expect(readdirSync(cacheDir).filter((f) => f.startsWith("older-"))).toEqual([`older-${hash}-${compilerFingerprint()}.json`]);
  });
});

describe("manifest extraction", () => {
  it("reads steps in file order with the activity ids each holds", async () => {
    const result = await compileModuleSource("doorstep-basics", read(VALID, "doorstep-basics"));
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const { frontmatter, manifest } = result.module;
    expect(frontmatter).toMatchObject({ title: "Doorstep basics (test fixture)", minutes: 10, order: 1, passMark: 80, draft: false, tags: ["test"] });
    expect(manifest.steps).toEqual([
      { id: "intro", title: "Why we knock", activityIds: [], trainerNotes: [], trainerNotesHtml: [] },
      { id: "check", title: "A quick check", activityIds: ["basics-quiz"], trainerNotes: [], trainerNotesHtml: [] },
      { id: "practice", title: "A doorstep", activityIds: ["first-door"], trainerNotes: [], trainerNotesHtml: [] },
      { id: "wrap-up", title: "Wrapping up", activityIds: ["feeling", "my-why"], trainerNotes: [], trainerNotesHtml: [] },
    ]);
    expect(Object.keys(manifest.activities).sort()).toEqual(["basics-quiz", "feeling", "first-door", "my-why"]);
    expect(manifest.activities.feeling).toEqual({
      kind: "poll",
      id: "feeling",
      stepId: "wrap-up",
      question: "How do you feel about your first door?",
      options: [
        { id: "excited", text: "Excited" },
        { id: "nervous", text: "Nervous" },
      ],
    });
    expect(manifest.activities["my-why"]).toEqual({ kind: "reflect", id: "my-why", stepId: "wrap-up", prompt: "Why do you want to knock on doors?" });
  });

  it("reads quiz questions, options, the correct ones and their feedback", async () => {
    const result = await compileModuleSource("doorstep-basics", read(VALID, "doorstep-basics"));
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const quiz = result.module.manifest.activities["basics-quiz"] as QuizActivity;
    expect(quiz).toEqual({
      kind: "quiz",
      id: "basics-quiz",
      stepId: "check",
      passMark: 80, // from the frontmatter: the Quiz sets none
      questions: [
        {
          id: "open",
          prompt: "Which of these is an open question?",
          multiple: false,
          explanation: "Open questions invite a story.",
          options: [
            { id: "a", correct: true, feedback: "Right: it invites a story.", text: "What's it like living here?" },
            { id: "b", correct: false, feedback: "This can be answered with a yes.", text: "Do you like living here?" },
          ],
        },
        {
          id: "listen",
          prompt: "Which two show you are listening?",
          multiple: true,
          explanation: "",
          options: [
            { id: "reflect", correct: true, feedback: "Reflecting back shows you heard.", text: "“So the damp came back.”" },
            { id: "follow", correct: true, feedback: "A follow-up shows interest.", text: "“How has that affected the kids?”" },
            { id: "pitch", correct: false, feedback: "Jumping to your pitch ends their story.", text: "“Right, so what we're doing is…”" },
          ],
        },
      ],
    });
  });

  it("takes a quiz's own passMark over the module's", async () => {
    const source = read(VALID, "doorstep-basics").replace('<Quiz id="basics-quiz">', '<Quiz id="basics-quiz" passMark={50}>');
    const result = await compileModuleSource("doorstep-basics", source);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect((result.module.manifest.activities["basics-quiz"] as QuizActivity).passMark).toBe(50);
  });

  it("reads scenario nodes, endings and numbered choices", async () => {
    const result = await compileModuleSource("doorstep-basics", read(VALID, "doorstep-basics"));
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const scenario = result.module.manifest.activities["first-door"] as ScenarioActivity;
    expect(scenario).toMatchObject({ kind: "scenario", id: "first-door", stepId: "practice", title: "The first door", start: "door", setting: "A front door, early evening." });
    expect(Object.keys(scenario.nodes)).toEqual(["door", "warm", "good", "closed"]);
    expect(scenario.nodes.door).toEqual({
      kind: "resident",
      id: "door",
      says: "Hello? Can I help you?",
      mood: "curious",
      tags: ["no-time"],
      choices: [
        { index: 0, to: "warm", feedback: "Good: you asked about them.", text: "Hi, I live down the road. What would you change round here?" },
        { index: 1, to: "closed", feedback: "Leading with the ask feels like selling.", text: "Will you sign our petition?" },
      ],
    });
    expect(scenario.nodes.warm).toMatchObject({ kind: "resident", choices: [{ index: 0, to: "good" }, { index: 1, to: "door" }] });
    expect(scenario.nodes.good).toEqual({ kind: "ending", id: "good", outcome: "good", title: "She'll come on Thursday" });
    expect(scenario.nodes.closed).toEqual({ kind: "ending", id: "closed", outcome: "lost", title: "Door closed" });
  });

  it("reads objection tags on replies as a list of codes, and leaves untagged ones without", async () => {
    const source = read(VALID, "doorstep-basics").replace('<Choice to="warm" ', '<Choice to="warm" tags=" cost-of-living, all-the-same,cost-of-living" ');
    const result = await compileModuleSource("doorstep-basics", source);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const door = (result.module.manifest.activities["first-door"] as ScenarioActivity).nodes.door;
    if (door?.kind !== "resident") throw new Error("door is not a resident line");
    expect(door.choices.map((c) => c.tags)).toEqual([["cost-of-living", "all-the-same"], undefined]);
  });

  it("compiles the authors' example module cleanly", async () => {
    const result = await compileModuleSource("example", readFileSync("content/modules/example/index.mdx", "utf8"));
    expect(result.ok ? [] : result.problems).toEqual([]);
  });
});

describe("trainer notes and live timings (issue 15)", () => {
  const moduleWith = (body: string) => `---
title: Notes
summary: A module with trainer notes.
minutes: 5
order: 1
objectives: [Run it live]
materials:
  - Role cards, printed
---

${body}
`;

  it("keeps each note's markdown and the planned minutes, and cuts the notes out of the code learners download", async () => {
    const result = await compileModuleSource(
      "notes",
      moduleWith(`<Step id="open" title="Opening" liveMinutes={8}>

Everyone reads this.

<TrainerNotes>
  Ask the room **who has knocked before**. Watch for the quiet ones.

  - Pair them up
</TrainerNotes>

<TrainerNotes>Debrief the vote: ask why.</TrainerNotes>

</Step>`),
    );
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.module.frontmatter.materials).toEqual(["Role cards, printed"]);
    expect(result.module.manifest.steps[0]).toMatchObject({ liveMinutes: 8, trainerNotes: ["Ask the room **who has knocked before**. Watch for the quiet ones.\n\n- Pair them up", "Debrief the vote: ask why."] });
    expect(result.module.code).toContain("Everyone reads this");
    expect(result.module.code).not.toContain("who has knocked before");
    expect(result.module.code).not.toContain("Debrief the vote");
  });

  it("names empty notes, notes outside a step's own level and impossible timings", async () => {
    const result = await compileModuleSource(
      "notes",
      moduleWith(`<Step id="open" title="Opening" liveMinutes={0}>

<TrainerNotes></TrainerNotes>

<Tip>
<TrainerNotes>Hidden in a tip.</TrainerNotes>
</Tip>

</Step>`),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const messages = result.problems.map((p) => p.message).join("\n");
    expect(messages).toMatch(/liveMinutes=\{0\}> must be a whole number of minutes from 1 to 180/);
    expect(messages).toMatch(/<TrainerNotes> is empty/);
    expect(messages).toMatch(/<TrainerNotes> goes directly inside a <Step>/);
  });
});
