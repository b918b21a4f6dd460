import { describe, expect, it } from "vitest";
import { makeGroups, swapRoles } from "~/live/pairing";

const people = (n: number) => Array.from({ length: n }, (_, i) => `u${i}`);

function seeded(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

describe("pairing", () => {
  it("needs two people", () => {
    expect(makeGroups([], { trios: false })).toBeNull();
    expect(makeGroups(["a"], { trios: true })).toBeNull();
  });

  it.each([
    [2, [2]],
    [3, [3]],
    [4, [2, 2]],
    [5, [2, 3]],
    [9, [2, 2, 2, 3]],
  ])("pairs %i people as %j, the odd one out making a trio", (n, sizes) => {
    const groups = makeGroups(people(n), { trios: false, random: seeded(n) })!;
    expect(groups.map((g) => g.length)).toEqual(sizes);
    expect(groups.flat().map((m) => m.userId).sort()).toEqual(people(n).sort());
  });

  it.each([
    [2, [2]],
    [3, [3]],
    [4, [2, 2]],
    [5, [3, 2]],
    [6, [3, 3]],
    [7, [3, 2, 2]],
    [10, [3, 3, 2, 2]],
  ])("makes trios of %i people as %j", (n, sizes) => {
    const groups = makeGroups(people(n), { trios: true, random: seeded(n) })!;
    expect(groups.map((g) => g.length)).toEqual(sizes);
    expect(new Set(groups.flat().map((m) => m.userId)).size).toBe(n);
  });

  it("gives each group a canvasser and a resident, and a trio an observer", () => {
    for (const group of makeGroups(people(11), { trios: false })!) {
      expect(group.map((m) => m.role)).toEqual(group.length === 3 ? ["canvasser", "resident", "observer"] : ["canvasser", "resident"]);
    }
  });

  it("ignores a person listed twice", () => {
    expect(makeGroups(["a", "a", "b"], { trios: false })!.flat()).toHaveLength(2);
  });

  it("is random: different seeds give different pairs", () => {
    const a = JSON.stringify(makeGroups(people(10), { trios: false, random: seeded(1) }));
    const b = JSON.stringify(makeGroups(people(10), { trios: false, random: seeded(2) }));
    expect(a).not.toBe(b);
  });

  it("swaps roles in pairs and rotates them in trios so everyone canvasses in three rounds", () => {
    const groups = makeGroups(people(5), { trios: false, random: seeded(3) })!;
    const round2 = swapRoles(groups);
    const pairBefore = groups.find((g) => g.length === 2)!;
    const pairAfter = round2.find((g) => g.length === 2)!;
    expect(pairAfter.find((m) => m.userId === pairBefore[0]!.userId)!.role).toBe("resident");
    expect(pairAfter.find((m) => m.userId === pairBefore[1]!.userId)!.role).toBe("canvasser");
    const trio = groups.find((g) => g.length === 3)!;
    const canvassers = new Set<string>();
    let round = trio;
    for (let i = 0; i < 3; i++) {
      canvassers.add(round.find((m) => m.role === "canvasser")!.userId);
      expect(round.map((m) => m.role).sort()).toEqual(["canvasser", "observer", "resident"]);
      round = swapRoles([round])[0]!;
    }
    expect(canvassers.size).toBe(3);
  });
});
