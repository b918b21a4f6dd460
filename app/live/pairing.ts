// Pairing for role-plays: pure, so it is tested without a database.
import type { LiveRole } from "../../db/schema";

export type PairingGroup = { userId: string; role: LiveRole }[];

const ROLE_ORDER: LiveRole[] = ["canvasser", "resident", "observer"];

function shuffle<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * Random groups for a pair exercise. Pairs: an odd person out makes the last pair a trio.
 * Trios: groups of three; one left over makes the last four two pairs, two left over make
 * a pair. The first of a group canvasses, the second is the resident, a third observes.
 * Fewer than two people cannot be paired: returns null.
 */
export function makeGroups(userIds: string[], options: { trios: boolean; random?: () => number }): PairingGroup[] | null {
  const people = shuffle([...new Set(userIds)], options.random ?? Math.random);
  if (people.length < 2) return null;
  const sizes: number[] = [];
  if (options.trios) {
    const trios = Math.floor(people.length / 3);
    const rest = people.length % 3;
    if (rest === 0) sizes.push(...Array<number>(trios).fill(3));
    else if (rest === 2) sizes.push(...Array<number>(trios).fill(3), 2);
    else sizes.push(...Array<number>(trios - 1).fill(3), 2, 2); // one left over: the last four become two pairs
  } else {
    for (let i = 0; i < Math.floor(people.length / 2); i++) sizes.push(2);
    if (people.length % 2 === 1) sizes[sizes.length - 1] = 3;
  }
  const groups: PairingGroup[] = [];
  let at = 0;
  for (const size of sizes) {
    groups.push(people.slice(at, at + size).map((userId, i) => ({ userId, role: ROLE_ORDER[i]! })));
    at += size;
  }
  return groups;
}

/**
 * The next round: in a pair the canvasser and resident swap; in a trio roles rotate
 * (observer → canvasser → resident → observer), so over three rounds everyone canvasses
 * and everyone observes once.
 */
export function swapRoles(groups: PairingGroup[]): PairingGroup[] {
  const next: Record<LiveRole, LiveRole> = { observer: "canvasser", canvasser: "resident", resident: "observer" };
  return groups.map((group) =>
    group.length === 2
      ? group.map((m) => ({ userId: m.userId, role: m.role === "canvasser" ? ("resident" as const) : ("canvasser" as const) }))
      : group.map((m) => ({ userId: m.userId, role: next[m.role] })),
  );
}
