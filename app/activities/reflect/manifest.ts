// A reflection prompt as the engine reads it from MDX (./extract.ts). Client-safe.

export interface ReflectActivity {
  kind: "reflect";
  id: string;
  stepId: string;
  prompt: string;
}
