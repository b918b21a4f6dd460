// Trainer notes become HTML at compile time from a short list of safe elements: whatever an
// author types, no markup of theirs reaches the page that inserts it.
import { describe, expect, it } from "vitest";
import { compileModuleSource } from "~/content/compile.server";

async function notesHtml(notes: string): Promise<string> {
  const result = await compileModuleSource(
    "notes",
    `---
title: Notes
summary: Notes as HTML.
minutes: 5
order: 1
objectives: [Run it live]
---

<Step id="open" title="Opening">

Everyone reads this.

<TrainerNotes>

${notes}

</TrainerNotes>

</Step>
`,
  );
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.module.manifest.steps[0]!.trainerNotesHtml.join("\n");
}

describe("trainer notes as HTML", { timeout: 30_000 }, () => {
  it("renders markdown: emphasis, lists, links, code", async () => {
    const html = await notesHtml("Ask **who has knocked**, then *wait*.\n\n- one\n- two\n\n1. first\n2. second\n\nSee [the guide](https://example.org/guide) and `open questions`.");
    expect(html).toContain("<p>Ask <strong>who has knocked</strong>, then <em>wait</em>.</p>");
    expect(html).toContain("<ul><li>one</li><li>two</li></ul>");
    expect(html).toContain("<ol><li>first</li><li>second</li></ol>");
    expect(html).toContain('<a href="https://example.org/guide">the guide</a>');
    expect(html).toContain("<code>open questions</code>");
  });

  it("keeps no author markup: JSX tags lose their tag, unsafe links their address, text is escaped", async () => {
    const html = await notesHtml('Say <b onClick="steal()">this</b> loudly.\n\nA [trap](javascript:alert(1)) link.\n\nFive &lt; six &amp; "quotes".');
    expect(html).not.toMatch(/<b\b|onclick|javascript:/i);
    expect(html).toContain("<p>Say this loudly.</p>");
    expect(html).toContain("<p>A trap link.</p>");
    expect(html).toContain("Five &lt; six &amp; &quot;quotes&quot;.");
  });

  it("drops expressions and images", async () => {
    const html = await notesHtml("Before {1 + 1} after.\n\n![a cat](https://example.org/cat.png)");
    expect(html).not.toMatch(/<img|1 \+ 1|cat\.png/);
  });
});
