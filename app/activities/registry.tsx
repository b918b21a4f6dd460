import { useSyncExternalStore } from "react";
import type { Activity } from "~/content/manifest";
import type { AnyActivityViews } from "./runtime/views";

// Each activity kind's views, by the MDX tag authors write. The MDX components
// (app/mdx/components.tsx) are built from this table; adding a kind is its folder plus
// a line here and one in app/content/extract.server.ts (docs/authoring.md, "Adding an
// activity kind"). The manifest readers are a separate, server-only table so the
// browser bundle does not carry the MDX parser.
//
// A kind's views are their own chunk, loaded only by pages that show that kind (issue 18,
// page weight: all six cost a phone 12 kB gzipped on every step, most of which shows one
// kind or none). The server has them all from the start (./views.server.ts); the browser
// loads a page's kinds before hydrating (app/entry.client.tsx) and on client navigations
// (the routes' clientLoaders), so a first render never differs from the server's.

export const ACTIVITY_KINDS = {
  Quiz: { kind: "quiz", load: () => import("./quiz/ui").then((m) => m.views) },
  Scenario: { kind: "scenario", load: () => import("./scenario/ui").then((m) => m.views) },
  Poll: { kind: "poll", load: () => import("./poll/ui").then((m) => m.views) },
  RolePlay: { kind: "roleplay", load: () => import("./roleplay/ui").then((m) => m.views) },
  Reflect: { kind: "reflect", load: () => import("./reflect/ui").then((m) => m.views) },
  Record: { kind: "record", load: () => import("./record/ui").then((m) => m.views) },
} as const satisfies Record<string, { kind: Activity["kind"]; load: () => Promise<AnyActivityViews> }>;

export type ActivityTag = keyof typeof ACTIVITY_KINDS;

export { MANIFEST_ONLY_TAGS } from "./tags/manifest-only";

/** Tags a kind renders itself, inside its own tag, and which kind they belong to. */
export const ACTIVITY_PARTS: Readonly<Record<string, ActivityTag>> = { Role: "RolePlay", Debrief: "RolePlay", Ending: "Scenario" };

const TAG_OF_KIND = new Map<string, ActivityTag>(Object.entries(ACTIVITY_KINDS).map(([tag, { kind }]) => [kind, tag as ActivityTag]));

const loaded = new Map<ActivityTag, AnyActivityViews>();
const pending = new Map<ActivityTag, Promise<void>>();
const listeners = new Set<() => void>();

/** Server: every kind's views, imported statically (./views.server.ts). */
export function provideActivityViews(tag: ActivityTag, views: AnyActivityViews) {
  loaded.set(tag, views);
}

/** The tags of the activity kinds named (manifest kinds such as "quiz"); unknown kinds are ignored. */
export function tagsOfKinds(kinds: Iterable<string>): ActivityTag[] {
  return [...new Set([...kinds].flatMap((kind) => TAG_OF_KIND.get(kind) ?? []))];
}

/** The kinds of a set of activities (a module's), or of those on one step. */
export const kindsOf = (activities: Record<string, { kind: string; stepId: string }> | undefined, stepId?: string) => [
  ...new Set(
    Object.values(activities ?? {})
      .filter((a) => stepId === undefined || a.stepId === stepId)
      .map((a) => a.kind),
  ),
];

/** Loads the views of these kinds (manifest kinds) if this tab has not yet. */
export function loadActivityViews(kinds: Iterable<string>): Promise<void> {
  return Promise.all(
    tagsOfKinds(kinds).map((tag) => {
      if (loaded.has(tag)) return undefined;
      let promise = pending.get(tag);
      if (!promise) {
        promise = ACTIVITY_KINDS[tag].load().then(
          (views) => {
            loaded.set(tag, views);
            pending.delete(tag);
            for (const listener of listeners) listener();
          },
          (error: unknown) => {
            pending.delete(tag);
            throw error;
          },
        );
        pending.set(tag, promise);
      }
      return promise;
    }),
  ).then(() => undefined);
}

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

/** A kind's views once loaded (always on the server); re-renders when they arrive. */
export function useActivityViews(tag: ActivityTag): AnyActivityViews | undefined {
  const get = () => loaded.get(tag);
  return useSyncExternalStore(subscribe, get, get);
}
