import type { AnyNode } from "../activities/reading/mdx-reader";

// Trainer notes become HTML once, when the module compiles, from the markdown tree the
// compiler has already parsed. Only the elements below are ever written and the only
// attributes are a checked link address and a list's start number: whatever else an
// author types (raw HTML, a JSX tag, an expression, an image) comes out as its text or
// not at all, so the HTML the presenter view inserts cannot carry an author's markup.

const escapeHtml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Web and mail links only; a relative path stays on the site. */
const SAFE_HREF = /^(https?:\/\/|mailto:|\/(?!\/))/i;

type Parent = { children?: AnyNode[] };

function inner(node: AnyNode): string {
  return ((node as Parent).children ?? []).map(nodeHtml).join("");
}

function wrap(tag: string, node: AnyNode): string {
  return `<${tag}>${inner(node)}</${tag}>`;
}

/** Code and pictures have no place in notes: left out (their text would only confuse). */
const DROPPED = new Set(["mdxFlowExpression", "mdxTextExpression", "mdxjsEsm", "image", "imageReference", "definition"]);

function nodeHtml(node: AnyNode): string {
  if (DROPPED.has(node.type)) return "";
  switch (node.type) {
    case "text":
      return escapeHtml(node.value);
    case "paragraph":
      return wrap("p", node);
    case "heading":
      // Notes sit under the step's own headings: their headings start two levels down.
      return wrap(`h${Math.min(6, node.depth + 2)}`, node);
    case "emphasis":
      return wrap("em", node);
    case "strong":
      return wrap("strong", node);
    case "delete":
      return wrap("del", node);
    case "inlineCode":
      return `<code>${escapeHtml(node.value)}</code>`;
    case "code":
      return `<pre><code>${escapeHtml(node.value)}</code></pre>`;
    case "blockquote":
      return wrap("blockquote", node);
    case "list": {
      const start = node.ordered && typeof node.start === "number" && node.start !== 1 ? ` start="${Math.trunc(node.start)}"` : "";
      return `<${node.ordered ? "ol" : "ul"}${start}>${inner(node)}</${node.ordered ? "ol" : "ul"}>`;
    }
    case "listItem":
      // A tight list's items hold bare paragraphs: keep them inline, as a browser would.
      return `<li>${node.spread ? inner(node) : (node.children ?? []).map((c) => (c.type === "paragraph" ? inner(c) : nodeHtml(c))).join("")}</li>`;
    case "break":
      return "<br>";
    case "thematicBreak":
      return "<hr>";
    case "link":
      return SAFE_HREF.test(node.url) ? `<a href="${escapeHtml(node.url)}">${inner(node)}</a>` : inner(node);
    case "html":
      // Raw HTML is shown as the text the author typed, never as markup.
      return escapeHtml(node.value);
    default:
      // Tables, JSX tags and anything newer: their text, without their markup.
      return "value" in node && typeof node.value === "string" ? escapeHtml(node.value) : inner(node);
  }
}

/** The HTML of one `<TrainerNotes>` block, from its markdown children. */
export function notesToHtml(children: AnyNode[]): string {
  return children.map(nodeHtml).join("\n");
}

/**
 * The notes beside a step a trainer previews self-paced, as the inside of the step page's
 * `<aside class="trainer-notes">`; null when there is nothing to show. Made on the server
 * (app/progress/step-page.server.ts) so a learner's step page carries no code for what only
 * trainers see (ADR 036). The notes are this file's HTML; the minutes are a number.
 */
export function trainerNotesAsideHtml(notesHtml: string[], liveMinutes: number | null): string | null {
  if (notesHtml.length === 0 && liveMinutes === null) return null;
  return [
    `<h2 class="trainer-notes__title">Trainer notes <span class="muted">(only trainers and admins see these)</span></h2>`,
    liveMinutes !== null ? `<p class="trainer-notes__minutes">Planned live: ${Number(liveMinutes)} min</p>` : "",
    ...notesHtml.map((html) => `<div class="trainer-notes__block">${html}</div>`),
  ].join("");
}

