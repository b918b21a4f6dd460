import type { Root, RootContent } from "mdast";
import type { MdxJsxAttribute, MdxJsxExpressionAttribute, MdxJsxFlowElement, MdxJsxTextElement } from "mdast-util-mdx-jsx";
import { toString } from "mdast-util-to-string";

// What every activity kind's reader (app/activities/<kind>/extract.ts) uses to read its
// element of a module's MDX tree: attributes, child elements, ids, and problems with
// their line. Its own folder so kinds can use it while app/content imports the kinds
// (folders import one way only: tests/unit/import-cycles.test.ts).

/** A problem an author can fix: the line it is on and what to do. */
export interface ContentProblem {
  line: number;
  message: string;
}

export type JsxElement = MdxJsxFlowElement | MdxJsxTextElement;
export type AnyNode = Root | RootContent;
type Positioned = { position?: { start: { line: number } } | undefined };

const idPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const isValidId = (id: string) => idPattern.test(id) && id.length <= 64;

export const isJsx = (node: AnyNode): node is JsxElement => node.type === "mdxJsxFlowElement" || node.type === "mdxJsxTextElement";
export const lineOf = (node: Positioned) => node.position?.start.line ?? 1;
/** An element's text content, trimmed (an option's answer, a reply). */
export const textOf = (node: AnyNode) => toString(node).trim();

/** An element's JSX children, looking through paragraphs that wrap inline elements. */
export function childElements(node: AnyNode): JsxElement[] {
  const out: JsxElement[] = [];
  const visit = (n: AnyNode) => {
    if (!("children" in n)) return;
    for (const child of n.children as AnyNode[]) {
      if (isJsx(child)) out.push(child);
      else visit(child);
    }
  };
  visit(node);
  return out;
}

/** One element's attributes, read as the author wrote them; each miss is a problem. */
export interface Attributes {
  /** A non-empty string attribute (a problem if required and missing). */
  str(name: string, required?: boolean): string;
  /** A number, written `{80}` or `"80"`; undefined when absent. */
  num(name: string): number | undefined;
  /** A flag: `correct`, `correct={true}` or `correct="true"`. */
  flag(name: string): boolean;
  has(name: string): boolean;
}

/** The reading of one module: shared by the module's walk and every kind's reader. */
export interface MdxReader {
  problem(node: Positioned, message: string): void;
  problemAtLine(line: number, message: string): void;
  attrs(el: JsxElement): Attributes;
  /** Claim an id in a scope (the module's, or a quiz's questions…); false, with a problem, if invalid or taken. */
  claimId(el: JsxElement, id: string, scope: Map<string, number>, what: string): boolean;
  /** The module-wide id scope (steps and activities). */
  moduleIds: Map<string, number>;
  /** A problem for each child element that is not one of these tags. */
  expectOnly(parent: JsxElement, allowed: string[]): void;
  /** Defaults from the module's frontmatter. */
  defaults: { passMark: number };
  /** The activities read so far, by id: a kind that refers to an earlier one (a record to its scenario) looks it up here. */
  earlier: Map<string, { kind: string }>;
  /**
   * An element's `tags="code,code"`: objection codes from the vocabulary the reader was made
   * with (app/content/objections.ts); an unknown one is a problem. [] when absent.
   */
  tags(el: JsxElement): string[];
  problems: ContentProblem[];
}

/**
 * `tagVocabulary` is handed in by app/content rather than imported here, so the activity
 * folders never import app/content (which imports them: tests/unit/import-cycles.test.ts).
 */
export function createMdxReader(defaults: { passMark: number }, tagVocabulary: ReadonlySet<string> = new Set()): MdxReader {
  const problems: ContentProblem[] = [];
  const moduleIds = new Map<string, number>();
  const problem = (node: Positioned, message: string) => problems.push({ line: lineOf(node), message });

  function attrs(el: JsxElement): Attributes {
    const values = new Map<string, string | number | boolean>();
    for (const attr of el.attributes as (MdxJsxAttribute | MdxJsxExpressionAttribute)[]) {
      if (attr.type !== "mdxJsxAttribute") {
        problem(el, `<${el.name}> has a spread attribute; write each attribute out (name="value").`);
        continue;
      }
      if (attr.value === null || attr.value === undefined) values.set(attr.name, true);
      else if (typeof attr.value === "string") values.set(attr.name, attr.value);
      else {
        const literal = attr.value.value.trim();
        if (/^-?\d+(\.\d+)?$/.test(literal)) values.set(attr.name, Number(literal));
        else if (literal === "true" || literal === "false") values.set(attr.name, literal === "true");
        else if (/^(["']).*\1$/s.test(literal)) values.set(attr.name, literal.slice(1, -1));
        else problem(el, `<${el.name} ${attr.name}={…}> must be a plain number, true/false or a quoted string.`);
      }
    }
    return {
      str(name, required = true) {
        const v = values.get(name);
        if (typeof v === "string" && v.trim()) return v.trim();
        if (required) problem(el, `<${el.name}> needs ${name}="…".`);
        return "";
      },
      num(name) {
        const v = values.get(name);
        if (v === undefined) return undefined;
        if (typeof v === "number") return v;
        if (typeof v === "string" && /^\d+$/.test(v)) return Number(v);
        problem(el, `<${el.name}> ${name} must be a number, like ${name}={80}.`);
        return undefined;
      },
      flag: (name) => values.get(name) === true || values.get(name) === "true",
      has: (name) => values.has(name),
    };
  }

  function claimId(el: JsxElement, id: string, scope: Map<string, number>, what: string): boolean {
    if (!id) return false;
    if (!isValidId(id)) {
      problem(el, `${what} id "${id}" must be lower-case letters, digits and hyphens (like "open-questions").`);
      return false;
    }
    const earlier = scope.get(id);
    if (earlier !== undefined) {
      problem(el, `Duplicate id "${id}" (first used on line ${earlier}). Ids must be unique${scope === moduleIds ? " in the module" : ""}.`);
      return false;
    }
    scope.set(id, lineOf(el));
    return true;
  }

  function expectOnly(parent: JsxElement, allowed: string[]) {
    for (const child of childElements(parent)) {
      if (!allowed.includes(child.name ?? "")) {
        problem(child, `<${child.name}> cannot go inside <${parent.name}>; it holds ${allowed.map((a) => `<${a}>`).join(", ")}.`);
      }
    }
  }

  function tags(el: JsxElement): string[] {
    const attr = (el.attributes as (MdxJsxAttribute | MdxJsxExpressionAttribute)[]).find((a) => a.type === "mdxJsxAttribute" && a.name === "tags");
    if (!attr) return [];
    if (typeof attr.value !== "string") {
      problem(el, `<${el.name}> tags must be a quoted list of codes, like tags="cost-of-living,all-the-same".`);
      return [];
    }
    const codes = [...new Set(attr.value.split(",").map((c) => c.trim()).filter(Boolean))];
    for (const code of codes) {
      if (!tagVocabulary.has(code)) problem(el, `<${el.name}> has the unknown objection tag "${code}". Use one of: ${[...tagVocabulary].join(", ")} (app/content/objections.ts).`);
    }
    return codes.filter((c) => tagVocabulary.has(c));
  }

  return {
    problem,
    problemAtLine: (line, message) => problems.push({ line, message }),
    tags,
    attrs,
    claimId,
    moduleIds,
    expectOnly,
    defaults,
    earlier: new Map(),
    problems,
  };
}

/** How a kind reads its element: what it is called in MDX, the child tags it holds, and the reader. */
export interface ActivityReader<A> {
  /** The MDX tag authors write, e.g. "Quiz". */
  tag: string;
  /** Tags that may only appear inside this one, and where they go, for the "belongs inside" message: { Option: "<Quiz><Question>" }. */
  parts: Readonly<Record<string, string>>;
  read(el: JsxElement, stepId: string, reader: MdxReader): A;
}
