// Join codes: six letters a room can read off a projector and type on a phone. No I, L
// or O, so nobody wonders whether they saw 1, l, I, 0 or O. 23^6 ≈ 148 million codes.

export const JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ";
export const JOIN_CODE_LENGTH = 6;

/** A random code from the Web Crypto API (Node 20 and browsers), without modulo bias. */
export function generateJoinCode(random: (n: number) => Uint8Array = randomBytes): string {
  let code = "";
  const limit = 256 - (256 % JOIN_CODE_ALPHABET.length);
  while (code.length < JOIN_CODE_LENGTH) {
    for (const byte of random(JOIN_CODE_LENGTH * 2)) {
      if (byte >= limit) continue;
      code += JOIN_CODE_ALPHABET[byte % JOIN_CODE_ALPHABET.length];
      if (code.length === JOIN_CODE_LENGTH) break;
    }
  }
  return code;
}

function randomBytes(n: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(n));
}

/** What someone typed → the code, or null. Case, spaces and dashes don't matter ("abc-def"). */
export function normaliseJoinCode(input: string): string | null {
  const code = input.toUpperCase().replace(/[\s\-_.]/g, "");
  if (code.length !== JOIN_CODE_LENGTH) return null;
  for (const ch of code) if (!JOIN_CODE_ALPHABET.includes(ch)) return null;
  return code;
}

/** "ABCDEF" → "ABC DEF", easier to read aloud and off a screen. */
export function formatJoinCode(code: string): string {
  return `${code.slice(0, 3)} ${code.slice(3)}`;
}
