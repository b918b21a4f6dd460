import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { CompiledModule } from "~/content/manifest";
import { endSession, markAttendance } from "~/live/attendance.server";
import { joinWithCode } from "~/live/joining.server";
import { createLiveSession } from "~/live/lifecycle.server";
import { completeIfDone } from "~/progress/completion.server";
import * as modulePage from "~/routes/modules.$slug._index";
import * as cataloguePage from "~/routes/modules._index";
import { withEditedCatalog, withFixtureCatalog } from "../setup/content";
import { withTestDatabase } from "../setup/database";
import { get, makeUser, run, type TestUser } from "../setup/fixtures";
import { basics, completionsOf, GOOD, HALF_RIGHT, openStep, openSteps, playScenario, postQuiz, reply, RIGHT, startRun, submit } from "../setup/learner";

// "This module is complete" is one rule (app/progress/completion.server.ts); these tests
// ask every reader of it after every action, so a second copy that drifts is caught.

withTestDatabase();
withFixtureCatalog();

interface Readings {
  recorded: boolean;
  stepPage: boolean | null;
  modulePage: { complete: boolean; percent: number };
  catalogue: { status: string; percent: number };
}

/**
 * What each reader says, through the routes that show it: the recorded completion, the
 * module page (moduleProgress), the catalogue (catalogueStatus) and — when the learner has
 * opened a step, so re-opening it changes nothing — the step page (viewStep). The pure
 * readers go first: the step page records a completion that is due.
 */
async function readings(user: TestUser, module: CompiledModule, seenStep: string | null): Promise<Readings> {
  const recorded = (await completionsOf(user.id)).some((c) => c.moduleSlug === module.slug);
  const page = await run(modulePage.loader, get(`/modules/${module.slug}`, user.cookie), { slug: module.slug });
  const { percent, completion } = page.body as { percent: number; completion: unknown };
  const catalogue = await run(cataloguePage.loader, get("/modules", user.cookie));
  const status = (catalogue.body as { modules: { slug: string; status: { status: string; percent: number } }[] }).modules.find((m) => m.slug === module.slug)!.status;
  const stepPage = seenStep ? (await openStep(user, module, seenStep)).completion !== null : null;
  return { recorded, stepPage, modulePage: { complete: completion !== null, percent }, catalogue: { status: status.status, percent: status.percent } };
}

/** A small seeded generator, so a failing order can be replayed from its seed. */
function shuffled<T>(items: T[], seed: number): T[] {
  let state = seed;
  const random = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe("one completion rule: every reader agrees after every action", () => {
  const SEEDS = [1, 2, 3, 4, 5];

  it.each(SEEDS)("steps in random order, a failed then a passed quiz, a scenario left and finished (seed %i)", async (seed) => {
    const module = basics();
    const user = await makeUser("activist");
    // The learner's model of the rule: 4 steps, 1 quiz, 1 scenario.
    const seen = new Set<string>();
    let quizPassed = false;
    let scenarioEnded = false;
    let runId = "";
    let attempted = false;

    type Action = { name: string; act: () => Promise<boolean | null> }; // what the request said about completion
    const actions: Action[] = [
      ...module.manifest.steps.map((s) => ({
        name: `open ${s.id}`,
        act: async () => {
          seen.add(s.id);
          return (await openStep(user, module, s.id)).completion !== null;
        },
      })),
      { name: "fail the quiz", act: async () => ((await postQuiz(user, HALF_RIGHT)) as { completed: boolean }).completed },
      {
        name: "pass the quiz",
        act: async () => {
          quizPassed = true;
          return ((await postQuiz(user, RIGHT)) as { completed: boolean }).completed;
        },
      },
      {
        name: "start the scenario, one reply",
        act: async () => {
          runId = await startRun(user);
          return ((await reply(user, runId, [GOOD[0]!])) as { completed: boolean }).completed;
        },
      },
      {
        name: "reach the scenario's ending",
        act: async () => {
          scenarioEnded = true;
          return ((await reply(user, runId, [GOOD[1]!], 1)) as { completed: boolean }).completed;
        },
      },
      { name: "answer the poll", act: async () => ((await submit(user, module, "wrap-up", { intent: "poll", activityId: "feeling", optionId: "excited" })) as { completed: boolean }).completed },
    ];
    // Random order, except that a quiz fails before it passes and a run starts before it ends.
    const order = shuffled(actions, seed);
    const swapIfBefore = (first: string, then: string) => {
      const a = order.findIndex((x) => x.name === first);
      const b = order.findIndex((x) => x.name === then);
      if (b < a) [order[a], order[b]] = [order[b]!, order[a]!];
    };
    swapIfBefore("fail the quiz", "pass the quiz");
    swapIfBefore("start the scenario, one reply", "reach the scenario's ending");

    const done: string[] = [];
    let wasComplete = false;
    for (const action of order) {
      const said = await action.act();
      done.push(action.name);
      attempted ||= action.name.includes("quiz") || action.name.includes("scenario") || action.name.includes("poll");
      const complete = seen.size === 4 && quizPassed && scenarioEnded;
      const met = seen.size + Number(quizPassed) + Number(scenarioEnded);
      const percent = complete ? 100 : Math.min(99, Math.round((met / 6) * 100));
      const context = `seed ${seed}: ${done.join(" → ")}`;
      // A page opened shows the completion from then on; a form post says "completed" once,
      // on the request that completed the module.
      expect(said, context).toBe(action.name.startsWith("open") ? complete : complete && !wasComplete);
      const firstSeen = order.find((x) => x.name.startsWith("open") && done.includes(x.name))?.name.slice("open ".length) ?? null;
      expect(await readings(user, module, firstSeen), context).toEqual({
        recorded: complete,
        stepPage: firstSeen ? complete : null,
        modulePage: { complete, percent },
        catalogue: { status: complete ? "complete" : seen.size ? "in-progress" : "not-started", percent },
      });
      // Nothing was left for a later check to record: every write that completed the module recorded it.
      expect(await completeIfDone(user.id, module), context).toBe(false);
      wasComplete = complete;
    }
    expect(attempted).toBe(true);
    expect(await completionsOf(user.id)).toEqual([expect.objectContaining({ how: "self", contentHash: module.hash })]);
  });

  it("a live session the trainer ended completes the module for every reader, whatever was done alone", async () => {
    const module = basics();
    const user = await makeUser("activist");
    const trainer = await makeUser("trainer");
    await openStep(user, module, "intro");
    expect(await readings(user, module, "intro")).toEqual({
      recorded: false,
      stepPage: false,
      modulePage: { complete: false, percent: 17 },
      catalogue: { status: "in-progress", percent: 17 },
    });
    const session = await createLiveSession(trainer, { moduleSlug: module.slug });
    if (!session.ok) throw new Error(session.message);
    expect((await joinWithCode(session.value.code, user, "198.51.100.13")).ok).toBe(true);
    expect((await markAttendance(session.value.code, trainer, user.id, "present")).ok).toBe(true);
    expect((await endSession(session.value.code, trainer)).ok).toBe(true);

    const complete = { recorded: true, stepPage: true, modulePage: { complete: true, percent: 100 }, catalogue: { status: "complete", percent: 100 } };
    expect(await readings(user, module, "intro")).toEqual(complete);
    // Finishing alone afterwards records nothing more: the completion stays the live one.
    await openSteps(user, module);
    await postQuiz(user, RIGHT);
    expect(await playScenario(user)).toEqual({ ok: true, completed: false });
    expect(await readings(user, module, "intro")).toEqual(complete);
    expect(await completionsOf(user.id)).toEqual([expect.objectContaining({ how: "live", liveSessionId: session.value.id })]);
  });

  it("when a step the learner had not seen is removed, no reader says complete until a step page records it", async () => {
    const module = basics();
    const user = await makeUser("activist");
    await openSteps(user, module, ["intro", "check", "practice"]);
    await postQuiz(user, RIGHT);
    await playScenario(user);
    expect(await completionsOf(user.id)).toEqual([]);

    const restore = await withEditedCatalog((dir) => {
      const file = path.join(dir, "doorstep-basics", "index.mdx");
      writeFileSync(file, readFileSync(file, "utf8").replace(/<Step id="wrap-up"[\s\S]*?<\/Step>/, ""));
    });
    try {
      const changed = basics();
      expect(changed.manifest.steps.map((s) => s.id)).toEqual(["intro", "check", "practice"]);
      // Every requirement of the new version is met, but nothing is recorded yet: the module
      // page, the catalogue and the record agree on "not yet" (the module page once said
      // 100 % while the catalogue said 99 % in progress).
      const before = await readings(user, changed, null);
      expect(before).toEqual({ recorded: false, stepPage: null, modulePage: { complete: false, percent: 99 }, catalogue: { status: "in-progress", percent: 99 } });
      // The next step page records it (the rule's own statement), and then all agree.
      expect(await readings(user, changed, "intro")).toEqual({
        recorded: false, // read before the step page opened
        stepPage: true,
        modulePage: { complete: false, percent: 99 },
        catalogue: { status: "in-progress", percent: 99 },
      });
      expect(await readings(user, changed, "intro")).toEqual({ recorded: true, stepPage: true, modulePage: { complete: true, percent: 100 }, catalogue: { status: "complete", percent: 100 } });
      expect(await completionsOf(user.id)).toEqual([expect.objectContaining({ how: "self", contentHash: changed.hash })]);
    } finally {
      await restore();
    }
  });
});
