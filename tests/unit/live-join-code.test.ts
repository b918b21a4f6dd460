import { describe, expect, it } from "vitest";
import { formatJoinCode, generateJoinCode, JOIN_CODE_ALPHABET, normaliseJoinCode } from "~/live/join-code";

describe("join codes", () => {
  it("are six letters with no I, L or O and no digits", () => {
    expect(JOIN_CODE_ALPHABET).not.toMatch(/[ILO0-9]/);
    for (let i = 0; i < 500; i++) expect(generateJoinCode()).toMatch(/^[A-HJKMNP-Z]{6}$/);
  });

  it("use every letter of the alphabet, evenly enough", () => {
    const seen = new Map<string, number>();
    for (let i = 0; i < 2000; i++) for (const ch of generateJoinCode()) seen.set(ch, (seen.get(ch) ?? 0) + 1);
    expect([...seen.keys()].sort().join("")).toBe(JOIN_CODE_ALPHABET);
    const counts = [...seen.values()];
    expect(Math.min(...counts) / Math.max(...counts)).toBeGreaterThan(0.6);
  });

  it("skip random bytes that would bias the choice", () => {
    // 253 and above are out of range for a 23-letter alphabet (253 = 11 × 23).
    const bytes = [255, 254, 253, 0, 1, 2, 3, 4, 5, 22, 23, 24];
    const code = generateJoinCode((n) => Uint8Array.from(bytes.slice(0, n)));
    expect(code).toBe("ABCDEF");
  });

  it("are read whatever the case, spaces and dashes", () => {
    expect(normaliseJoinCode("abc-def")).toBe("ABCDEF");
    expect(normaliseJoinCode(" Abc Def ")).toBe("ABCDEF");
    expect(normaliseJoinCode("ABCDE")).toBeNull();
    expect(normaliseJoinCode("ABCDEFG")).toBeNull();
    expect(normaliseJoinCode("ABCDE0")).toBeNull();
    expect(normaliseJoinCode("ABCDEI")).toBeNull();
    expect(formatJoinCode("ABCDEF")).toBe("ABC DEF");
  });
});
