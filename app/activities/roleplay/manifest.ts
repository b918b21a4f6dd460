// A pair role-play as the engine reads it from MDX (./extract.ts). Client-safe.

export interface RolePlayRole {
  type: "canvasser" | "resident";
  name: string;
  situation: string;
  concerns: string;
  goal: string;
  movedBy: string;
}
export interface RolePlayActivity {
  kind: "roleplay";
  id: string;
  stepId: string;
  title: string;
  minutes: number;
  roles: RolePlayRole[];
}
