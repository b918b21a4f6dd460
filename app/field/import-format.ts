// The generic canvass-results format (docs/import.md) as the pages show it: which columns an
// import needs, in the organisers' words. Client-safe: the mapping page imports it.

export const IMPORT_FIELDS = [
  { key: "externalId", label: "Contact id", required: true, hint: "The canvassing tool's own id for this contact attempt: what makes a re-import add nothing twice." },
  { key: "person", label: "Canvasser", required: true, hint: "Who knocked: their email address, or their Doorstep person id." },
  { key: "date", label: "Date", required: true, hint: "2026-05-02, 02/05/2026 (day first) or a timestamp." },
  { key: "area", label: "Area", required: true, hint: "The Doorstep group the door is in, by name or id: one of your groups." },
  { key: "result", label: "Contact result", required: true, hint: "no-answer, contact or conversation (and the usual spellings of each)." },
  { key: "support", label: "Support level", required: false, hint: "1 (strong support) to 5 (strongly against), or blank." },
  { key: "commitment", label: "Commitment", required: false, hint: "yes / no (also y, n, true, false, 1, 0), or blank for no." },
] as const;

export type ImportFieldKey = (typeof IMPORT_FIELDS)[number]["key"];
export type PersonBy = "email" | "id";

export const IMPORT_STATUSES = ["staged", "checking", "refused", "importing", "done", "failed"] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

export const IMPORT_STATUS_LABEL: Record<string, string> = {
  staged: "Uploaded, not imported",
  checking: "Checking",
  refused: "Not imported: lines need fixing",
  importing: "Importing",
  done: "Imported",
  failed: "Stopped by an error",
};

/** Still running on the server: the page refreshes (or polls) until it is not. */
export const isRunning = (status: string) => status === "checking" || status === "importing";

export interface LineProblem {
  line: number;
  message: string;
}

/** What one line of the file will become, for the preview. */
export interface PreviewRow {
  line: number;
  /** The canvasser's name, the area's name, and the codes stored; or the problem. */
  outcome:
    | { ok: true; canvasser: string; area: string; day: string; result: string; support: number | null; commitment: boolean; alreadyThere: boolean }
    | { ok: false; message: string; unknownPerson: boolean };
}

export interface CheckSummary {
  rows: number;
  newRows: number;
  alreadyThere: number;
  unknownPeople: number;
  errorCount: number;
  errors: LineProblem[];
  preview: PreviewRow[];
}
