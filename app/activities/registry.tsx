import type { ReactNode } from "react";
import { LivePoll, SelfPacedPoll } from "./poll/ui/views";
import { LiveQuiz, SelfPacedQuiz } from "./quiz/ui/views";
import { LiveReflect, SelfPacedReflect } from "./reflect/ui/views";
import { LiveRolePlay, SelfPacedRolePlay, type RolePlayProps } from "./roleplay/ui/views";
import { LiveScenario, SelfPacedScenario } from "./scenario/ui/views";

// Which view each activity kind shows, by mode. The MDX components (app/mdx/components.tsx)
// are a thin switch over this table; adding a kind is its folder plus one line here
// (docs/authoring.md, "Adding an activity kind").

/** A kind's views: self-paced, and live (which renders the presenter's or a participant's side). */
export interface ActivityViews<Props extends { id: string } = { id: string; children?: ReactNode }> {
  SelfPaced: (props: Props) => JSX.Element | null;
  Live: (props: Props) => JSX.Element | null;
}

export const ACTIVITY_VIEWS = {
  poll: { SelfPaced: SelfPacedPoll, Live: LivePoll },
  quiz: { SelfPaced: SelfPacedQuiz, Live: LiveQuiz },
  reflect: { SelfPaced: SelfPacedReflect, Live: LiveReflect },
  scenario: { SelfPaced: SelfPacedScenario, Live: LiveScenario },
  roleplay: { SelfPaced: SelfPacedRolePlay, Live: LiveRolePlay } satisfies ActivityViews<RolePlayProps>,
} satisfies Record<string, ActivityViews<never>>;
