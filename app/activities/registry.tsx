import type { ReactNode } from "react";
import { LivePoll, SelfPacedPoll } from "./poll/ui/views";
import { LiveQuiz, SelfPacedQuiz } from "./quiz/ui/views";
import { LiveReflect, SelfPacedReflect } from "./reflect/ui/views";
import { LiveScenario, SelfPacedScenario } from "./scenario/ui/views";

// Which view each activity kind shows, by mode. The MDX components (app/mdx/components.tsx)
// are a thin switch over this table; adding a kind is its folder plus one line here
// (docs/authoring.md, "Adding an activity kind").

/** A kind's views: self-paced, and live (which renders the presenter's or a participant's side). */
export interface ActivityViews {
  SelfPaced: (props: { id: string; children?: ReactNode }) => JSX.Element | null;
  Live: (props: { id: string; children?: ReactNode }) => JSX.Element | null;
}

export const ACTIVITY_VIEWS = {
  poll: { SelfPaced: SelfPacedPoll, Live: LivePoll },
  quiz: { SelfPaced: SelfPacedQuiz, Live: LiveQuiz },
  reflect: { SelfPaced: SelfPacedReflect, Live: LiveReflect },
  scenario: { SelfPaced: SelfPacedScenario, Live: LiveScenario },
} satisfies Record<string, ActivityViews>;
