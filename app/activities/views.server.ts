import { provideActivityViews, type ActivityTag } from "./registry";
import type { AnyActivityViews } from "./runtime/views";
import { views as poll } from "./poll/ui";
import { views as quiz } from "./quiz/ui";
import { views as record } from "./record/ui";
import { views as reflect } from "./reflect/ui";
import { views as rolePlay } from "./roleplay/ui";
import { views as scenario } from "./scenario/ui";

// The server renders any activity at any time, so it holds every kind's views from the
// start; only the browser loads them kind by kind (./registry.tsx).
const EVERY_KIND: Record<ActivityTag, AnyActivityViews> = { Quiz: quiz, Scenario: scenario, Poll: poll, RolePlay: rolePlay, Reflect: reflect, Record: record };
for (const [tag, views] of Object.entries(EVERY_KIND)) provideActivityViews(tag as ActivityTag, views);
