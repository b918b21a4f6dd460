import type { ReactNode } from "react";
import { LivePoll, SelfPacedPoll } from "./poll/ui/views";
import { LiveQuiz, SelfPacedQuiz } from "./quiz/ui/views";
import { LiveRecord, SelfPacedRecord } from "./record/ui/views";
import { LiveReflect, SelfPacedReflect } from "./reflect/ui/views";
import { Debrief, LiveRolePlay, Role, SelfPacedRolePlay } from "./roleplay/ui/views";
import { LiveScenario, SelfPacedScenario } from "./scenario/ui/views";

// Each activity kind's views, by the MDX tag authors write. The MDX components
// (app/mdx/components.tsx) are built from this table; adding a kind is its folder plus
// a line here and one in app/content/extract.server.ts (docs/authoring.md, "Adding an
// activity kind"). The manifest readers are a separate, server-only table so the
// browser bundle does not carry the MDX parser.

/** A kind's views: self-paced, and live (which renders the presenter's or a participant's side). */
export interface ActivityViews<Props extends { id: string }> {
  SelfPaced: (props: Props) => JSX.Element | null;
  Live: (props: Props) => JSX.Element | null;
  /** Components for the tags authors write inside it, where the kind renders them itself (a role card). */
  parts?: Record<string, (props: never) => JSX.Element | null>;
}

/** Ties a kind's two views to one props type, so a view that expects other props does not typecheck. */
const kind = <Props extends { id: string }>(views: ActivityViews<Props>) => views;

/** Tags that only carry content the kind reads from the manifest (./<kind>/extract.ts): rendered as nothing. */
const READ_FROM_MANIFEST = ["Question", "Option", "Resident", "Choice", "Issue", "Expect"] as const;

/** `<Ending>` holds the debrief the scenario view shows for the ending a run reached (scenario/ui/endings.tsx). */
const Ending = ({ children }: { id: string; children?: ReactNode }) => <>{children}</>;

export const ACTIVITY_VIEWS = {
  Quiz: kind({ SelfPaced: SelfPacedQuiz, Live: LiveQuiz }),
  Scenario: kind({ SelfPaced: SelfPacedScenario, Live: LiveScenario, parts: { Ending } }),
  Poll: kind({ SelfPaced: SelfPacedPoll, Live: LivePoll }),
  RolePlay: kind({ SelfPaced: SelfPacedRolePlay, Live: LiveRolePlay, parts: { Role, Debrief } }),
  Reflect: kind({ SelfPaced: SelfPacedReflect, Live: LiveReflect }),
  Record: kind({ SelfPaced: SelfPacedRecord, Live: LiveRecord }),
};

export const MANIFEST_ONLY_TAGS: readonly string[] = READ_FROM_MANIFEST;
