import { provideActivityView, type ActivityTag } from "./registry";
import type { ActivityScreen, AnyActivityView } from "./runtime/views";
import { screens as poll } from "./poll/ui";
import { screens as quiz } from "./quiz/ui";
import { screens as record } from "./record/ui";
import { screens as reflect } from "./reflect/ui";
import { screens as rolePlay } from "./roleplay/ui";
import { screens as scenario } from "./scenario/ui";

// The server renders any activity on any screen at any time, so it holds every view from
// the start; only the browser loads them one kind and screen at a time (./registry.tsx).
const EVERY_KIND: Record<ActivityTag, Record<ActivityScreen, AnyActivityView>> = { Quiz: quiz, Scenario: scenario, Poll: poll, RolePlay: rolePlay, Reflect: reflect, Record: record };
for (const [tag, screens] of Object.entries(EVERY_KIND)) {
  for (const [screen, view] of Object.entries(screens)) provideActivityView(tag as ActivityTag, screen as ActivityScreen, view);
}
