// Client-safe: the nudge templates, their two placeholders and how a message is filled in
// for one person, shared by the compose page (its preview) and the sender
// (nudges.server.ts), so the preview is exactly what goes out.

export const PLACEHOLDERS = { firstName: "{first name}", nextModule: "{next module}" } as const;

/** One person is nudged at most once in this many days, whoever sends (ADR 030). */
export const PERSON_QUIET_DAYS = 3;

export type LeftOutReason = "opted-out" | "archived" | "recently-nudged";
export const LEFT_OUT_LABEL: Record<LeftOutReason, string> = {
  "opted-out": "turned nudge emails off",
  archived: "only in archived groups",
  "recently-nudged": `already nudged in the last ${PERSON_QUIET_DAYS} days`,
};

/** A nudge goes to at most this many people; a bigger filter is narrowed first (ADR 030). */
export const MAX_RECIPIENTS = 2000;

export const SUBJECT_MAX = 150;
export const BODY_MAX = 5000;

export interface NudgeTemplate {
  label: string;
  subject: string;
  body: string;
}

export const NUDGE_TEMPLATES = {
  "next-module": {
    label: "Your next module",
    subject: "Your next Doorstep module: {next module}",
    body: "Hi {first name},\n\nYour next training module is {next module}. It works on a phone and remembers where you stopped, so it can be done in a few short goes.\n\nThank you for everything you do on the doors.",
  },
  "before-canvass": {
    label: "Before the next canvass",
    subject: "One module before the next canvass, {first name}?",
    body: "Hi {first name},\n\nBefore our next canvass, could you do {next module}? People who have practised the conversation find the first doors much easier.\n\nSee you out there.",
  },
  "pick-up": {
    label: "Pick up where you left off",
    subject: "Pick up where you left off: {next module}",
    body: "Hi {first name},\n\nYou're part-way through {next module}. It remembers where you stopped, so the rest only takes a few minutes.\n\nThanks!",
  },
} as const satisfies Record<string, NudgeTemplate>;

export type NudgeTemplateKey = keyof typeof NUDGE_TEMPLATES;
export const NUDGE_TEMPLATE_KEYS = Object.keys(NUDGE_TEMPLATES) as NudgeTemplateKey[];
export const isTemplateKey = (key: unknown): key is NudgeTemplateKey => typeof key === "string" && Object.hasOwn(NUDGE_TEMPLATES, key);

/** What a placeholder becomes for one person. */
export interface NudgePerson {
  name: string;
  /** Title of their next module; null when they have completed every one. */
  nextModule: string | null;
}

/** Everything in braces that is not one of the two placeholders (a typo the organiser should see). */
export function unknownPlaceholders(text: string): string[] {
  const known = new Set<string>(Object.values(PLACEHOLDERS));
  return [...new Set([...text.matchAll(/\{[^{}\n]{0,40}\}/g)].map((m) => m[0]).filter((p) => !known.has(p)))];
}

export const firstName = (name: string) => name.trim().split(/\s+/)[0] || "there";

/** The message for one person, as plain text: the placeholders filled in, nothing else changed. */
export function fillPlaceholders(text: string, person: NudgePerson): string {
  return text
    .split(PLACEHOLDERS.firstName)
    .join(firstName(person.name))
    .split(PLACEHOLDERS.nextModule)
    .join(person.nextModule ?? "a refresher of any module");
}

export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
