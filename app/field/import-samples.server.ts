import { readFile } from "node:fs/promises";
import path from "node:path";

// The sample files of docs/samples, offered on the in-app format page, so an organiser can
// download them without the repository. Read from disk on each request (they are a few
// hundred bytes) so the page and docs/import.md link the same files, never two copies.

export interface ImportSample {
  file: string;
  title: string;
  description: string;
}

export const IMPORT_SAMPLES: ImportSample[] = [
  {
    file: "canvass-results.csv",
    title: "Six good lines",
    description: "For the demo data, in the spellings the format accepts: imports six contacts.",
  },
  {
    file: "canvass-results-overlap.csv",
    title: "The next export, overlapping",
    description: "Shares two lines with the first file: importing both adds 8 contacts, not 10.",
  },
  {
    file: "canvass-results-with-problems.csv",
    title: "One good line and seven problems",
    description: "One of each kind of mistake, to see the messages the check gives. Nothing is imported from it.",
  },
];

const samplesDir = () => path.resolve(process.env.IMPORT_SAMPLES_DIR ?? "docs/samples");

/** The election results sample (the demo election's figures), offered on /reports/elections. */
export const ELECTION_SAMPLE = "election-results.csv";

/** A sample's text, or undefined for a name that is not one of IMPORT_SAMPLES. */
export async function readImportSample(file: string): Promise<string | undefined> {
  if (!IMPORT_SAMPLES.some((s) => s.file === file)) return undefined;
  return readFile(path.join(samplesDir(), file), "utf8");
}

/** The election results sample's text. */
export const readElectionSample = () => readFile(path.join(samplesDir(), ELECTION_SAMPLE), "utf8");
