import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// Icons drawn with emoji or symbol characters (💡 🎉 ✓ ⤓ ▲ ● ⌂) depend on the fonts a
// phone happens to have, and render as empty boxes where none has the glyph. The UI draws
// them with app/components/icons.tsx instead. Plain typographic arrows (← →), quotes,
// · and › are in every text font and stay allowed.

// Emoji (Extended_Pictographic covers 💡 🎉 ✔ ↕ ©…), the variation selector that asks for
// emoji presentation, and the symbol blocks that text fonts often lack: Miscellaneous
// Technical (⌂ ⏱), Geometric Shapes (▲ ▼ ●), Miscellaneous Symbols and Dingbats (☆ ✓),
// Supplemental Arrows-B (⤓) and Miscellaneous Symbols and Arrows (⬇ ⭐).
const ICON_CHARACTER = /[\p{Extended_Pictographic}\u{FE0F}\u{2300}-\u{23FF}\u{25A0}-\u{25FF}\u{2600}-\u{27BF}\u{2900}-\u{297F}\u{2B00}-\u{2BFF}]/u;

const ROOT = path.resolve(__dirname, "../../app");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(tsx?|css)$/.test(entry.name) ? [full] : [];
  });
}

/** Comments may name the characters (as this file does); code and markup may not. */
function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
}

describe("no emoji or symbol-font icons in the UI", () => {
  it("finds such characters when they are there (the check can fail)", () => {
    for (const icon of ["💡", "🎉", "✓", "⤓", "▲", "●", "⌂", "↕", "✔\uFE0F"]) expect(ICON_CHARACTER.test(`<span>${icon}</span>`)).toBe(true);
    for (const text of ["Next →", "← Previous", "“quoted”", "a · b", "Modules › Step", "≈ 3", "…"]) expect(ICON_CHARACTER.test(text)).toBe(false);
    expect(withoutComments('// a ✓ here\nconst x = "✓";')).toContain('"✓"');
    expect(withoutComments("/* ▲ */ .a { content: '▲' }")).toContain("'▲'");
  });

  it("app/ has none outside comments", () => {
    const found: string[] = [];
    const files = sourceFiles(ROOT);
    expect(files.length).toBeGreaterThan(50);
    for (const file of files) {
      withoutComments(readFileSync(file, "utf8"))
        .split("\n")
        .forEach((line, i) => {
          const match = ICON_CHARACTER.exec(line);
          if (match) found.push(`${path.relative(ROOT, file)}:${i + 1}: “${match[0]}” in ${line.trim().slice(0, 80)}`);
        });
    }
    expect(found, `Use an icon from app/components/icons.tsx instead:\n${found.join("\n")}`).toEqual([]);
  });
});
