import { sql } from "drizzle-orm";
import { db, rowsOf } from "../../db/client.server";
import { canvassContacts, canvassImports, debriefs, shifts } from "../../db/schema";
import { OBJECTIONS } from "../content/objections";
import { adjustFieldDaily, type FieldCounts } from "../field/daily.server";
import { CONTACT_COUNTS } from "../field/retention.server";
import { MOVEMENT_EMAIL_DOMAIN, prng } from "./movement.server";

// Field results for the demo movement, so the impact report shows something on first
// start: about five months of weekly shifts in the demo groups, logged as debriefs, and
// one area's results as an imported canvassing-tool export (one row per door). Trained
// canvassers do somewhat better (a few points on each rate), each person has their own
// knack, and every door is a coin toss, so the gap is real but noisy, as it would be.
// Deterministic: the same seed gives the same shifts, doors and objections.
//
// Runs after the movement exists, because who is trained when comes from their module
// completions. Counts and codes only: no resident is named (docs/privacy.md).

export const DEMO_FIELD_SOURCE = "demo-canvass-tool";
const WEEKS = 22;
/** The area whose results arrive as an import rather than as debriefs. */
const IMPORTED_AREA = "Eastfield";

/** Base rates, and what training adds to each (the effect the demo lets the report find). */
const BASE = { contact: 0.3, conversation: 0.48, commitment: 0.2 };
const TRAINED_BONUS = { contact: 0.04, conversation: 0.08, commitment: 0.06 };

// Which objections each area meets most (weights in OBJECTIONS order), so "per area" differs.
const AREA_OBJECTIONS: Record<string, number[]> = {
  Northgate: [5, 4, 6, 3, 1, 1, 2, 2, 1, 0.5],
  Eastfield: [2, 2, 6, 2, 2, 3, 1, 1, 1, 0.5],
  Hillcrest: [3, 5, 2, 2, 1, 2, 3, 1, 1, 0.5],
  "Riverside Branch": [3, 2, 4, 1, 3, 2, 2, 1, 2, 0.5],
};

interface Canvasser {
  id: string;
  groups: string[];
  trainedOn: string | null;
}

export async function seedDemoField(groupIds: Map<string, string>, options: { seed?: number; today?: Date; log?: (line: string) => void } = {}): Promise<{ debriefs: number; contacts: number }> {
  const [already] = rowsOf<{ n: number }>(await db().execute(sql`select count(*)::int as n from debriefs where form_key like 'demo-%'`));
  if (Number(already?.n ?? 0) > 0) return { debriefs: 0, contacts: 0 };
  const areas = [...Object.keys(AREA_OBJECTIONS)].filter((name) => groupIds.has(name));
  if (areas.length === 0) return { debriefs: 0, contacts: 0 };

  const people = rowsOf<{ id: string; groups: string[] | string; trainedOn: string | null }>(
    await db().execute(sql`
      select u.id,
             coalesce((select json_agg(g.name order by g.name) from memberships m join groups g on g.id = m.group_id where m.user_id = u.id), '[]'::json) as groups,
             (select to_char((max(c.completed_at) at time zone 'UTC')::date, 'YYYY-MM-DD') from module_completions c
              where c.user_id = u.id and c.module_slug in (select slug from modules where not draft)
              having count(*) = (select count(*) from modules where not draft) and count(*) > 0) as "trainedOn"
      from users u
      where u.role = 'activist' and (u.email like ${`%@${MOVEMENT_EMAIL_DOMAIN}`} or u.email = 'activist@doorstep.test')
      order by u.email`),
  );
  const random = prng(options.seed ?? 20251104);
  const canvassers: Canvasser[] = people
    .map((p) => ({ id: p.id, groups: (typeof p.groups === "string" ? JSON.parse(p.groups) : p.groups) as string[], trainedOn: p.trainedOn }))
    .filter((p) => p.groups.some((g) => areas.includes(g)))
    // About three in four activists go out at all, nine in ten of those who trained: the
    // people who choose to train are keener, which is why the report's caveat matters.
    .filter((p) => random() < (p.trainedOn ? 0.9 : 0.75));
  const knack = new Map(canvassers.map((c) => [c.id, (random() - 0.5) * 0.12]));
  const keenness = new Map(canvassers.map((c) => [c.id, (c.trainedOn ? 0.45 : 0.25) + random() * 0.5]));

  const today = options.today ?? new Date();
  const dayOf = (daysAgo: number) => new Date(today.getTime() - daysAgo * 86_400_000).toISOString().slice(0, 10);
  const binomial = (n: number, p: number) => {
    let k = 0;
    for (let i = 0; i < n; i++) if (random() < p) k++;
    return k;
  };
  const clamp = (p: number) => Math.min(0.95, Math.max(0.02, p));
  const pickObjections = (area: string) => {
    const weights = AREA_OBJECTIONS[area]!;
    const total = weights.reduce((s, w) => s + w, 0);
    const chosen = new Set<string>();
    const count = Math.floor(random() * 4); // 0 to 3
    for (let i = 0; i < count; i++) {
      let r = random() * total;
      const index = weights.findIndex((w) => (r -= w) < 0);
      chosen.add(OBJECTIONS[Math.max(0, index)]!.code);
    }
    return [...chosen];
  };

  let debriefCount = 0;
  let contactCount = 0;
  await db().transaction(async (tx) => {
    const [importRow] = areas.includes(IMPORTED_AREA)
      ? await tx.insert(canvassImports).values({ source: DEMO_FIELD_SOURCE, fileName: "demo-export.csv", status: "done", finishedAt: new Date() }).returning({ id: canvassImports.id })
      : [];
    const counts: FieldCounts[] = [];
    for (const area of areas) {
      const groupId = groupIds.get(area)!;
      for (let week = WEEKS; week >= 1; week--) {
        const daysAgo = week * 7 - Math.floor(random() * 3);
        const day = dayOf(daysAgo);
        const kind = random() < 0.75 ? ("doors" as const) : ("phones" as const);
        const [shift] = await tx.insert(shifts).values({ groupId, kind, day, meetingPoint: kind === "doors" ? "Community centre" : "Online" }).returning({ id: shifts.id });
        const team = canvassers.filter((c) => c.groups.includes(area) && random() < keenness.get(c.id)! * (area === "Riverside Branch" ? 0.5 : 1));
        for (const person of team) {
          const trained = person.trainedOn !== null && person.trainedOn < day;
          const rate = (key: keyof typeof BASE) => clamp(BASE[key] + knack.get(person.id)! + (trained ? TRAINED_BONUS[key] : 0) + (random() - 0.5) * 0.06);
          const attempts = kind === "doors" ? 15 + Math.floor(random() * 30) : 25 + Math.floor(random() * 35);
          if (area === IMPORTED_AREA && importRow) {
            // One row per door, as a canvassing tool exports it: codes only.
            const rows = [];
            for (let i = 0; i < attempts; i++) {
              const contact = random() < rate("contact");
              const conversation = contact && random() < rate("conversation");
              const commitment = conversation && random() < rate("commitment");
              rows.push({
                source: DEMO_FIELD_SOURCE,
                externalId: `${shift!.id}:${person.id}:${i}`,
                importId: importRow.id,
                userId: person.id,
                groupId,
                day,
                result: conversation ? ("conversation" as const) : contact ? ("contact" as const) : ("no-answer" as const),
                support: conversation ? 1 + Math.floor(random() * 5) : null,
                commitment,
              });
            }
            await tx.insert(canvassContacts).values(rows);
            contactCount += rows.length;
          } else {
            const contacts = binomial(attempts, rate("contact"));
            const conversations = binomial(contacts, rate("conversation"));
            const commitments = binomial(conversations, rate("commitment"));
            const objections = pickObjections(area);
            await tx.insert(debriefs).values({
              userId: person.id,
              groupId,
              shiftId: shift!.id,
              day,
              kind,
              attempts,
              contacts,
              conversations,
              commitments,
              objections,
              hardestObjection: objections[0] ?? null,
              formKey: `demo-${shift!.id}`,
            });
            counts.push({ userId: person.id, groupId, day, attempts, contacts, conversations, commitments });
            debriefCount++;
          }
        }
      }
    }
    await adjustFieldDaily(tx, counts, 1);
    if (importRow) {
      // The import's rows, summed with the same mapping retention subtracts with.
      const imported = rowsOf<{ user_id: string; group_id: string; day: string; attempts: number; contacts: number; conversations: number; commitments: number }>(
        await tx.execute(sql`
          select user_id, group_id, to_char(day, 'YYYY-MM-DD') as day,
                 sum(${CONTACT_COUNTS.attempts})::int as attempts, sum(${CONTACT_COUNTS.contacts})::int as contacts,
                 sum(${CONTACT_COUNTS.conversations})::int as conversations, sum(${CONTACT_COUNTS.commitments})::int as commitments
          from canvass_contacts where import_id = ${importRow.id} group by user_id, group_id, day`),
      );
      await adjustFieldDaily(
        tx,
        imported.map((r) => ({ userId: r.user_id, groupId: r.group_id, day: r.day, attempts: Number(r.attempts), contacts: Number(r.contacts), conversations: Number(r.conversations), commitments: Number(r.commitments) })),
        1,
      );
      await tx.execute(sql`update canvass_imports set rows_read = ${contactCount}, rows_added = ${contactCount} where id = ${importRow.id}`);
    }
  });
  options.log?.(`Demo field data: ${debriefCount} debriefs and ${contactCount} imported contacts over ${WEEKS} weeks.`);
  return { debriefs: debriefCount, contacts: contactCount };
}
