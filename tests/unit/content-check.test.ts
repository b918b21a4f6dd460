import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compilerFingerprint, loadModule } from "~/content/catalog.server";
import { compileModuleSource, contentHash } from "~/content/compile.server";
import type { QuizActivity, ScenarioActivity } from "~/content/manifest";

const BROKEN = "tests/fixtures/broken-modules";
const VALID = "tests/fixtures/modules";
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
  const cli = (dir: string) =>
    promisify(execFile)("npx", ["tsx", "scripts/content-check.ts", dir], { encoding: "utf8" }).then(
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
      { id: "intro", title: "Why we knock", activityIds: [] },
      { id: "check", title: "A quick check", activityIds: ["basics-quiz"] },
      { id: "practice", title: "A doorstep", activityIds: ["first-door"] },
      { id: "wrap-up", title: "Wrapping up", activityIds: ["feeling", "my-why"] },
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
      choices: [
        { index: 0, to: "warm", feedback: "Good: you asked about them.", text: "Hi, I live down the road. What would you change round here?" },
        { index: 1, to: "closed", feedback: "Leading with the ask feels like selling.", text: "Will you sign our petition?" },
      ],
    });
    expect(scenario.nodes.warm).toMatchObject({ kind: "resident", choices: [{ index: 0, to: "good" }, { index: 1, to: "door" }] });
    expect(scenario.nodes.good).toEqual({ kind: "ending", id: "good", outcome: "good", title: "She'll come on Thursday" });
    expect(scenario.nodes.closed).toEqual({ kind: "ending", id: "closed", outcome: "lost", title: "Door closed" });
  });

  it("compiles the authors' example module cleanly", async () => {
    const result = await compileModuleSource("example", readFileSync("content/modules/example/index.mdx", "utf8"));
    expect(result.ok ? [] : result.problems).toEqual([]);
  });
});
