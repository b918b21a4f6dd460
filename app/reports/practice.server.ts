import { listModules } from "../content/catalog.server";
import type { CompiledModule } from "../content/manifest";

// Where an organiser sends someone to practise an objection the report shows. The one
// place the impact report asks this, so it can be swapped for the debrief page's own
// mapping (issue 17 part 1) without touching the report: it looks for a published
// scenario tagged with the objection code, then a module tagged with it, and otherwise
// points at the catalogue.

export interface PracticeLink {
  href: string;
  /** What the link opens, in the organiser's words. */
  label: string;
}

const CATALOGUE: PracticeLink = { href: "/modules", label: "Browse the modules" };

function tagsOf(thing: unknown): string[] {
  const tags = (thing as { tags?: unknown } | null)?.tags;
  return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === "string") : [];
}

function published(): CompiledModule[] {
  try {
    return listModules({ includeDrafts: false });
  } catch {
    return []; // catalogue not loaded (a script without boot): the catalogue link still works
  }
}

export function practiceFor(objectionCode: string): PracticeLink {
  const modules = published();
  for (const module of modules) {
    for (const activity of Object.values(module.manifest.activities)) {
      if (activity.kind === "scenario" && tagsOf(activity).includes(objectionCode)) {
        return { href: `/modules/${module.slug}/${activity.stepId}`, label: `Practise: ${activity.title}` };
      }
    }
  }
  const tagged = modules.find((m) => tagsOf(m.frontmatter).includes(objectionCode));
  if (tagged) return { href: `/modules/${tagged.slug}`, label: `Practise: ${tagged.frontmatter.title}` };
  return CATALOGUE;
}
