import { describe, expect, it } from "vitest";
import { isPinned, shuffled } from "~/activities/order/shuffle";
import { liveShuffleSeeds, shuffleSeed, stepShuffleSeeds } from "~/activities/order/shuffle.server";
import type { Activity } from "~/content/manifest";

const options = ["a", "b", "c", "d"].map((id) => ({ id }));
const ids = (list: { id: string }[]) => list.map((o) => o.id).join("");

describe("shuffled: a learner's order of options", () => {
  it("is the same for the same seed and key, and a permutation of the options", () => {
    for (let i = 0; i < 200; i++) {
      const seed = shuffleSeed(`user-${i}`, "quiz", 0);
      const order = shuffled(options, seed, "q1");
      expect(ids(shuffled(options, seed, "q1"))).toBe(ids(order));
      expect([...order].sort((x, y) => x.id.localeCompare(y.id))).toEqual(options);
    }
  });

  it("keeps the author's order without a seed (the presenter's screen)", () => {
    expect(ids(shuffled(options, null, "q1"))).toBe("abcd");
    expect(ids(shuffled(options, undefined, "q1"))).toBe("abcd");
  });

  it("puts pinned options last, in the order the author wrote them", () => {
    const withPinned = [{ id: "none", pinned: true }, { id: "a" }, { id: "b" }, { id: "all", pinned: true }, { id: "c" }];
    for (let i = 0; i < 100; i++) {
      const order = shuffled(withPinned, shuffleSeed(`u${i}`, "quiz", 0), "q", isPinned);
      expect(order.slice(-2).map((o) => o.id)).toEqual(["none", "all"]);
      expect(order.slice(0, 3).map((o) => o.id).sort()).toEqual(["a", "b", "c"]);
    }
  });

  it("gives a new order for another attempt, and another question, for most learners", () => {
    let newOnRetry = 0;
    let otherQuestion = 0;
    for (let i = 0; i < 200; i++) {
      const first = ids(shuffled(options, shuffleSeed(`u${i}`, "quiz", 0), "q1"));
      if (ids(shuffled(options, shuffleSeed(`u${i}`, "quiz", 1), "q1")) !== first) newOnRetry++;
      if (ids(shuffled(options, shuffleSeed(`u${i}`, "quiz", 0), "q2")) !== first) otherQuestion++;
    }
    // 4 options: the same order again by chance 1 time in 24.
    expect(newOnRetry).toBeGreaterThan(180);
    expect(otherQuestion).toBeGreaterThan(180);
  });

  it("puts each option first about equally often over many learners", () => {
    const n = 8000;
    const firsts = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const first = shuffled(options, shuffleSeed(`learner-${i}`, "quiz", 0), "q1")[0]!.id;
      firsts.set(first, (firsts.get(first) ?? 0) + 1);
    }
    // Expected 2000 each; a fair draw stays within ±10% (about 5 standard deviations).
    for (const id of ["a", "b", "c", "d"]) expect(Math.abs((firsts.get(id) ?? 0) - n / 4)).toBeLessThan(n / 40);
    // Every one of the 24 orders turns up.
    const orders = new Set(Array.from({ length: 2000 }, (_, i) => ids(shuffled(options, shuffleSeed(`x${i}`, "quiz", 0), "q1"))));
    expect(orders.size).toBe(24);
  });
});

describe("shuffle seeds", () => {
  const quiz = { kind: "quiz", id: "check", stepId: "s", passMark: 80, questions: [] } as Activity;
  const scenario = { kind: "scenario", id: "door", stepId: "s", title: "", start: "a", setting: "", nodes: {} } as Activity;
  const activities = { check: quiz, door: scenario };

  it("self-paced: the form is attempt n, the feedback attempt n − 1; a scenario is seeded by its run", () => {
    const none = stepShuffleSeeds("u1", activities, { quizzes: {}, scenarios: {} });
    expect(none).toEqual({ check: { current: shuffleSeed("u1", "check", 0), answered: null } });
    const two = stepShuffleSeeds("u1", activities, { quizzes: { check: { attempts: 2 } }, scenarios: { door: { latest: { id: "run-1" } } } });
    expect(two.check).toEqual({ current: shuffleSeed("u1", "check", 2), answered: shuffleSeed("u1", "check", 1) });
    expect(two.door).toEqual({ current: shuffleSeed("u1", "door", "run-1"), answered: null });
    expect(shuffleSeed("u1", "check", 0)).toMatch(/^[0-9a-f]{16}$/);
    expect(shuffleSeed("u2", "check", 0)).not.toBe(shuffleSeed("u1", "check", 0));
  });

  it("live: one seed per participant and session", () => {
    const seeds = liveShuffleSeeds("u1", "session-1", activities);
    expect(seeds.check!.current).toBe(seeds.check!.answered);
    expect(seeds.check!.current).not.toBe(liveShuffleSeeds("u2", "session-1", activities).check!.current);
    expect(seeds.check!.current).not.toBe(liveShuffleSeeds("u1", "session-2", activities).check!.current);
  });
});
