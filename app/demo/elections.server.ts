import { eq } from "drizzle-orm";
import { db } from "../../db/client.server";
import { electionResults } from "../../db/schema";
import { storeElection } from "../reports/elections.server";

// Demo election results (issue 17 part 5), so /reports/elections has a table to read. They
// mirror the claim the page was built to examine: a small swing in the target seat where
// organisers worked (Northgate) against a much bigger one in its region. Fixed figures,
// no randomness: every demo shows the same page.

export const DEMO_ELECTION = "Demo general election 2026";

const SEATS: { seat: string; region: string; previous: number; next: number; electorate: number | null }[] = [
  { seat: "Northgate", region: "North", previous: 31.2, next: 34.0, electorate: 71_500 },
  { seat: "Hillcrest", region: "North", previous: 28.4, next: 38.9, electorate: 68_200 },
  { seat: "Lowmoor", region: "North", previous: 40.1, next: 51.3, electorate: 73_900 },
  { seat: "Ashby", region: "North", previous: 22.0, next: 33.6, electorate: 66_000 },
  { seat: "Eastfield", region: "South", previous: 35.5, next: 41.0, electorate: 70_100 },
  { seat: "Southwick", region: "South", previous: 30.2, next: 39.8, electorate: 69_400 },
  { seat: "Marsh End", region: "South", previous: 26.7, next: 36.1, electorate: 64_800 },
];

/** Idempotent: an election already imported under the demo's name is left as it is. */
export async function seedDemoElection(): Promise<void> {
  const [existing] = await db().select({ id: electionResults.id }).from(electionResults).where(eq(electionResults.election, DEMO_ELECTION)).limit(1);
  if (existing) return;
  await storeElection(DEMO_ELECTION, SEATS);
}
