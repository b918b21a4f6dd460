import { useSyncExternalStore } from "react";
import type { Activity } from "~/content/manifest";
import type { ActivityScreen, AnyActivityView } from "./runtime/views";

// Each activity kind's views, by the MDX tag authors write. The MDX components
// (app/mdx/components.tsx) are built from this table; adding a kind is its folder plus
// a line here and one in app/content/extract.server.ts (docs/authoring.md, "Adding an
// activity kind"). The manifest readers are a separate, server-only table so the
// browser bundle does not carry the MDX parser.
//
// A kind's views are their own chunks, one per screen (self-paced, live, projector), loaded
// only by pages that show that kind on that screen (issue 18, page weight: all six kinds cost
// a phone 12 kB gzipped on every step, most of which shows one kind or none; a phone never
// shows the projector's view, nor a step page the live one). The server has them all from
// the start (./views.server.ts); the browser loads a page's views before hydrating
// (app/entry.client.tsx) and on client navigations (the routes' clientLoaders), so a first
// render never differs from the server's.

/** One kind's views: a loader per screen (a literal import each, so each is its own chunk). */
const kind = <K extends Activity["kind"]>(kind: K, load: Record<ActivityScreen, () => Promise<AnyActivityView>>) => ({ kind, load });

export const ACTIVITY_KINDS = {
  Quiz: kind("quiz", {
    self: () => import("./quiz/ui/self").then((m) => m.view),
    live: () => import("./quiz/ui/live").then((m) => m.view),
    display: () => import("./quiz/ui/display").then((m) => m.view),
  }),
  Scenario: kind("scenario", {
    self: () => import("./scenario/ui/self").then((m) => m.view),
    live: () => import("./scenario/ui/live").then((m) => m.view),
    display: () => import("./scenario/ui/display").then((m) => m.view),
  }),
  Poll: kind("poll", {
    self: () => import("./poll/ui/self").then((m) => m.view),
    live: () => import("./poll/ui/live").then((m) => m.view),
    display: () => import("./poll/ui/display").then((m) => m.view),
  }),
  RolePlay: kind("roleplay", {
    self: () => import("./roleplay/ui/self").then((m) => m.view),
    live: () => import("./roleplay/ui/live").then((m) => m.view),
    display: () => import("./roleplay/ui/display").then((m) => m.view),
  }),
  Reflect: kind("reflect", {
    self: () => import("./reflect/ui/self").then((m) => m.view),
    live: () => import("./reflect/ui/live").then((m) => m.view),
    display: () => import("./reflect/ui/display").then((m) => m.view),
  }),
  Record: kind("record", {
    self: () => import("./record/ui/self").then((m) => m.view),
    live: () => import("./record/ui/live").then((m) => m.view),
    display: () => import("./record/ui/display").then((m) => m.view),
  }),
};

export type ActivityTag = keyof typeof ACTIVITY_KINDS;

export { MANIFEST_ONLY_TAGS } from "./tags/manifest-only";

/** Tags a kind renders itself, inside its own tag, and which kind they belong to. */
export const ACTIVITY_PARTS: Readonly<Record<string, ActivityTag>> = { Role: "RolePlay", Debrief: "RolePlay", Ending: "Scenario" };

const TAG_OF_KIND = new Map<string, ActivityTag>(Object.entries(ACTIVITY_KINDS).map(([tag, { kind }]) => [kind, tag as ActivityTag]));

const loaded = new Map<string, AnyActivityView>();
const pending = new Map<string, Promise<void>>();
const listeners = new Set<() => void>();
const keyOf = (tag: ActivityTag, screen: ActivityScreen) => `${tag} ${screen}`;

/** The screen a page shows its activities on: self-paced, a live phone or presenter, or the projector. */
export function screenOf(runtime: { mode: string; live?: { role: string } | null }): ActivityScreen {
  if (runtime.mode !== "live") return "self";
  return runtime.live?.role === "display" ? "display" : "live";
}

/** Server: every kind's views, imported statically (./views.server.ts). */
export function provideActivityView(tag: ActivityTag, screen: ActivityScreen, view: AnyActivityView) {
  loaded.set(keyOf(tag, screen), view);
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

/** Loads the views of these kinds (manifest kinds) for one screen, if this tab has not yet. */
export function loadActivityViews(kinds: Iterable<string>, screen: ActivityScreen): Promise<void> {
  return Promise.all(
    tagsOfKinds(kinds).map((tag) => {
      const key = keyOf(tag, screen);
      if (loaded.has(key)) return undefined;
      let promise = pending.get(key);
      if (!promise) {
        promise = ACTIVITY_KINDS[tag].load[screen]().then(
          (view) => {
            loaded.set(key, view);
            pending.delete(key);
            for (const listener of listeners) listener();
          },
          (error: unknown) => {
            pending.delete(key);
            throw error;
          },
        );
        pending.set(key, promise);
      }
      return promise;
    }),
  ).then(() => undefined);
}

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

/** A kind's view for a screen once loaded (always on the server); re-renders when it arrives. */
export function useActivityView(tag: ActivityTag, screen: ActivityScreen): AnyActivityView | undefined {
  const get = () => loaded.get(keyOf(tag, screen));
  return useSyncExternalStore(subscribe, get, get);
}
