// The order a learner sees a quiz's options and a scenario's replies in. Without it the
// right answer was always on top (issue 15), so tapping the first option passed every quiz.
//
// Client-safe and pure: the server sends an opaque seed per activity (shuffle.server.ts,
// SHA-256 of learner, activity and attempt), and the views draw the same order from it on
// the server and in the browser, so the HTML is the same with and without JavaScript.
// Forms still post option ids and canonical reply indices: only the display order moves.

/** One activity's seeds: the attempt being answered now, and the one whose feedback shows. */
export interface ShuffleSeeds {
  /** The form on screen: the next quiz attempt, the current scenario run or live session. */
  current: string;
  /** The quiz attempt whose result is shown (the previous one), if any. */
  answered: string | null;
}

/** 128 bits from a string (cyrb128): the seed's entropy comes from SHA-256; this only mixes in the key. */
function hash128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** sfc32: a small PRNG with a 128-bit state, uniform in [0, 1). */
function sfc32([s0, s1, s2, s3]: [number, number, number, number]): () => number {
  let a = s0;
  let b = s1;
  let c = s2;
  let d = s3;
  const next = () => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  // The first outputs of sfc32 still echo the state: throw a few away.
  for (let i = 0; i < 12; i++) next();
  return next;
}

/**
 * `items` in the order drawn from `seed` and `key` (the question id, or the scenario
 * point): a uniform shuffle (Fisher–Yates) of the unpinned items, then the pinned ones in
 * the order the author wrote them ("None of these" stays last). No seed: the author's order.
 */
export function shuffled<T>(items: readonly T[], seed: string | null | undefined, key: string, isPinned: (item: T) => boolean = () => false): T[] {
  if (!seed) return [...items];
  const free = items.filter((item) => !isPinned(item));
  const pinned = items.filter((item) => isPinned(item));
  const random = sfc32(hash128(`${seed}|${key}`));
  for (let i = free.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [free[i], free[j]] = [free[j]!, free[i]!];
  }
  return [...free, ...pinned];
}

/** Options and replies carry `pinned` when the author pinned them to the end. */
export const isPinned = (item: { pinned?: boolean }) => item.pinned === true;
