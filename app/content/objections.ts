// The objections a canvasser meets at the door, as codes shared by three places: authors
// tag scenario choices and residents' lines with them (`tags="cost-of-living,all-the-same"`),
// activists pick them in a shift debrief, and the impact report counts them per area and
// links each to the scenario that practises it. One list, so the three always agree.
export const OBJECTIONS = [
  { code: "all-the-same", label: "“They’re all the same”" },
  { code: "no-difference", label: "“My vote won’t make a difference”" },
  { code: "cost-of-living", label: "Cost of living comes first" },
  { code: "broken-promises", label: "“You broke your promises before”" },
  { code: "not-political", label: "“I’m not political”" },
  { code: "no-time", label: "“I haven’t got time”" },
  { code: "already-decided", label: "“I’ve already made up my mind”" },
  { code: "blame-others", label: "Blaming another group for local problems" },
  { code: "why-my-details", label: "“Why do you want my details?”" },
  { code: "hostile", label: "Hostile or abusive at the door" },
] as const;

export type ObjectionCode = (typeof OBJECTIONS)[number]["code"];

const LABELS = new Map<string, string>(OBJECTIONS.map((o) => [o.code, o.label]));

export function isObjectionCode(code: string): code is ObjectionCode {
  return LABELS.has(code);
}

export function objectionLabel(code: string): string {
  return LABELS.get(code) ?? code;
}
