import { describe, expect, it } from "vitest";
import { ACTIVITY_KINDS, ACTIVITY_PARTS, type ActivityTag } from "~/activities/registry";
import { ACTIVITY_READERS } from "~/content/extract.server";
import { mdxComponents } from "~/mdx/components";

// A kind is a folder plus a line in two tables: the views (client) and the manifest
// readers (server). These checks catch a kind, or a tag inside one, added to one table
// and not the other: the checker would accept MDX the page cannot render, or the page
// would render a tag the checker refuses.

describe("the activity kinds", () => {
  it("have a view for every kind the content engine reads, and no view without a reader", () => {
    expect(Object.keys(ACTIVITY_KINDS).sort()).toEqual(ACTIVITY_READERS.map((r) => r.tag).sort());
  });

  it("load, for each tag and each screen, the view of the manifest kind that tag's reader produces, with exactly the parts the registry routes to it", async () => {
    for (const [tag, entry] of Object.entries(ACTIVITY_KINDS)) {
      const routedHere = Object.entries(ACTIVITY_PARTS).filter(([, owner]) => owner === (tag as ActivityTag)).map(([name]) => name);
      for (const screen of ["self", "live", "display"] as const) {
        const view = await entry.load[screen]();
        expect(typeof view.View, `${tag} ${screen}`).toBe("function");
        expect(Object.keys(view.parts ?? {}).sort(), `${tag} ${screen}`).toEqual(routedHere.sort());
      }
    }
  });

  it("load a different view for each screen of a kind, each its own module (the page-weight split, ADR 036)", async () => {
    for (const [tag, entry] of Object.entries(ACTIVITY_KINDS)) {
      const views = await Promise.all([entry.load.self(), entry.load.live(), entry.load.display()]);
      expect(new Set(views.map((v) => v.View)).size, tag).toBe(3);
    }
  });

  it("give authors an MDX component for every tag the engine accepts, and none it would refuse", () => {
    const accepted = ["Step", "Tip", ...ACTIVITY_READERS.flatMap((r) => [r.tag, ...Object.keys(r.parts)])];
    expect(Object.keys(mdxComponents).sort()).toEqual([...new Set(accepted)].sort());
  });
});
