// A poll as the engine reads it from MDX (./extract.ts). Client-safe.

export interface PollActivity {
  kind: "poll";
  id: string;
  stepId: string;
  question: string;
  options: { id: string; text: string }[];
}
