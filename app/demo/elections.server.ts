import { eq } from "drizzle-orm";
import { db } from "../../db/client.server";
import { electionResults } from "../../db/schema";
import { storeElection } from "../reports/elections.server";

// Demo election results (issue 17 part 5), so /reports/elections has a table to read. They
// mirror the claim the page was built to examine: the party's share fell everywhere, but
// by about 3 points in Northgate, where organisers worked, against about 10 in its
// region. The other demo target seats (Hillcrest, Eastfield) fell by less than their
// regions too, the seats without organisers by about their region's fall. Fixed figures,
// no randomness: every demo shows the same page.

export const DEMO_ELECTION = "Demo general election 2026";

export const DEMO_ELECTION_SEATS: { seat: string; region: string; previous: number; next: number; electorate: number | null }[] = [
  { seat: "Northgate", region: "North", previous: 44.1, next: 41.1, electorate: 71_500 },
  { seat: "Hillcrest", region: "North", previous: 39.6, next: 33.0, electorate: 68_200 },
  { seat: "Lowmoor", region: "North", previous: 48.3, next: 36.5, electorate: 73_900 },
  { seat: "Ashby", region: "North", previous: 35.2, next: 24.1, electorate: 66_000 },
  { seat: "Eastfield", region: "South", previous: 42.0, next: 36.1, electorate: 70_100 },
  { seat: "Southwick", region: "South", previous: 37.5, next: 27.9, electorate: 69_400 },
  { seat: "Marsh End", region: "South", previous: 33.8, next: 23.2, electorate: 64_800 },
];

/** Idempotent: an election already imported under the demo's name is left as it is. */
export async function seedDemoElection(): Promise<void> {
  const [existing] = await db().select({ id: electionResults.id }).from(electionResults).where(eq(electionResults.election, DEMO_ELECTION)).limit(1);
  if (existing) return;
  await storeElection(DEMO_ELECTION, DEMO_ELECTION_SEATS);
}
