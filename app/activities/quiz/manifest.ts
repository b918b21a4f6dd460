// A quiz as the engine reads it from MDX (./extract.ts): what scoring, the views and the
// reports use, never the rendered React tree. Client-safe.

export interface QuizOption {
  id: string;
  correct: boolean;
  feedback: string;
  text: string;
  /** Shown last whatever the shuffle ("None of these"); absent unless the author pinned it. */
  pinned?: boolean;
}
export interface QuizQuestion {
  id: string;
  prompt: string;
  multiple: boolean;
  explanation: string;
  options: QuizOption[];
}
export interface QuizActivity {
  kind: "quiz";
  id: string;
  stepId: string;
  passMark: number;
  questions: QuizQuestion[];
}
