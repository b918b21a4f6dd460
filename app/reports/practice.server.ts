import { practiceFor as scenarioStepsFor } from "../content/practice.server";

// Where the impact report sends an organiser to practise an objection: the first published
// scenario step tagged with it (the same mapping a debrief's suggestion uses,
// app/content/practice.server.ts), otherwise the catalogue.

export interface PracticeLink {
  href: string;
  /** What the link opens, in the organiser's words. */
  label: string;
}

const CATALOGUE: PracticeLink = { href: "/modules", label: "Browse the modules" };

export function practiceFor(objectionCode: string): PracticeLink {
  let first;
  try {
    [first] = scenarioStepsFor(objectionCode);
  } catch {
    return CATALOGUE; // catalogue not loaded (a script without boot): the catalogue link still works
  }
  return first ? { href: first.href, label: `Practise: ${first.scenarioTitle} (${first.moduleTitle})` } : CATALOGUE;
}
