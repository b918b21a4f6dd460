import type { ReactNode } from "react";
import { DisplayPoll } from "./poll/ui/display";
import { DisplayQuiz } from "./quiz/ui/display";
import { DisplayReflect } from "./reflect/ui/display";
import { DisplayRolePlay } from "./roleplay/ui/display";
import { DisplayScenario } from "./scenario/ui/display";
import { LivePoll, SelfPacedPoll } from "./poll/ui/views";
import { LiveQuiz, SelfPacedQuiz } from "./quiz/ui/views";
import { DisplayRecord } from "./record/ui/display";
import { LiveRecord, SelfPacedRecord } from "./record/ui/views";
import { LiveReflect, SelfPacedReflect } from "./reflect/ui/views";
import { Debrief, LiveRolePlay, Role, SelfPacedRolePlay } from "./roleplay/ui/views";
import { LiveScenario, SelfPacedScenario } from "./scenario/ui/views";

// Each activity kind's views, by the MDX tag authors write. The MDX components
// (app/mdx/components.tsx) are built from this table; adding a kind is its folder plus
// a line here and one in app/content/extract.server.ts (docs/authoring.md, "Adding an
// activity kind"). The manifest readers are a separate, server-only table so the
// browser bundle does not carry the MDX parser.

/** A kind's views: self-paced, live (the presenter's or a participant's side) and the projector's. */
export interface ActivityViews<Props extends { id: string }> {
  SelfPaced: (props: Props) => JSX.Element | null;
  Live: (props: Props) => JSX.Element | null;
  /** The projector's read-only view in a live session: no forms, tallies in the author's order. */
  Display: (props: Props) => JSX.Element | null;
  /** Components for the tags authors write inside it, where the kind renders them itself (a role card). */
  parts?: Record<string, (props: never) => JSX.Element | null>;
}

/** Ties a kind's views to one props type, so a view that expects other props does not typecheck. */
const kind = <Props extends { id: string }>(views: ActivityViews<Props>) => views;

/** Tags that only carry content the kind reads from the manifest (./<kind>/extract.ts): rendered as nothing. */
const READ_FROM_MANIFEST = ["Question", "Option", "Resident", "Choice", "Issue", "Expect"] as const;

/** `<Ending>` holds the debrief the scenario view shows for the ending a run reached (scenario/ui/endings.tsx). */
const Ending = ({ children }: { id: string; children?: ReactNode }) => <>{children}</>;

export const ACTIVITY_VIEWS = {
  Quiz: kind({ SelfPaced: SelfPacedQuiz, Live: LiveQuiz, Display: DisplayQuiz }),
  Scenario: kind({ SelfPaced: SelfPacedScenario, Live: LiveScenario, Display: DisplayScenario, parts: { Ending } }),
  Poll: kind({ SelfPaced: SelfPacedPoll, Live: LivePoll, Display: DisplayPoll }),
  RolePlay: kind({ SelfPaced: SelfPacedRolePlay, Live: LiveRolePlay, Display: DisplayRolePlay, parts: { Role, Debrief } }),
  Reflect: kind({ SelfPaced: SelfPacedReflect, Live: LiveReflect, Display: DisplayReflect }),
  Record: kind({ SelfPaced: SelfPacedRecord, Live: LiveRecord, Display: DisplayRecord }),
};

export const MANIFEST_ONLY_TAGS: readonly string[] = READ_FROM_MANIFEST;
