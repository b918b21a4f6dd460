import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { matrixFilterSchema, parseFilters } from "~/reports/filter-schemas.server";
import { PAGE_SIZE } from "~/reports/filters";
import { activistMatrix } from "~/reports/matrix.server";
import { withTestDatabase } from "../setup/database";
import { makeGroup, makeUser, type TestUser } from "../setup/fixtures";

// The whole movement's matrix (an admin's) is paged by different SQL from an organiser's:
// sorted by a module column it merges three index-ordered parts (complete, in progress,
// not started) instead of sorting everyone (app/reports/matrix.server.ts,
// movementPageQuery). Here ~6 pages of people (each part longer than a page, so each
// part's own order and limit matter), with dates and names that tie on purpose,
// are listed page by page both ways and compared with the order worked out in
// JavaScript from the rows written, and with an organiser whose one group holds them all.

const database = withTestDatabase();

interface Person {
  id: string;
  name: string;
  rank: 0 | 1 | 2; // not started, in progress, complete
  at: number | null; // completion or start, ms
}

const COUNT = 5 * PAGE_SIZE + 31;
const people: Person[] = [];
let admin: TestUser;
let organiser: TestUser;

const day = (n: number) => new Date(Date.UTC(2026, 0, 1 + n));

beforeAll(async () => {
  const group = await makeGroup();
  admin = await makeUser("admin");
  organiser = await makeUser("organiser", { groupIds: [group.id] });
  const db = database().db;
  await db.execute(sql`
    insert into modules (slug, title, position, content_hash, draft, step_count, required_quiz_ids, required_scenario_ids)
    values ('mv-one', 'One', 1, 'h1', false, 2, '[]', '[]')`);
  const users: ReturnType<typeof sql>[] = [];
  const members: ReturnType<typeof sql>[] = [];
  const views: ReturnType<typeof sql>[] = [];
  const completions: ReturnType<typeof sql>[] = [];
  for (let i = 0; i < COUNT; i++) {
    const id = `mv-${String(i).padStart(4, "0")}`;
    // Names repeat every 40 people, so the id decides between namesakes.
    const name = `Member ${String((i * 7) % 40).padStart(2, "0")}`;
    // Most are in progress, so that part is long enough to be cut short in the middle.
    const rank: Person["rank"] = i % 5 === 0 ? 0 : i % 5 === 4 ? 2 : 1;
    // Few distinct dates, so many people tie on the date and the name decides.
    const started = day(i % 6);
    const completed = day(10 + (i % 4));
    people.push({ id, name, rank, at: rank === 2 ? completed.getTime() : rank === 1 ? started.getTime() : null });
    users.push(sql`(${id}, ${`${id}@example.org`}, ${name}, 'x', 'activist')`);
    members.push(sql`(${id}, ${group.id}::uuid)`);
    if (rank >= 1) views.push(sql`(${id}, 'mv-one', 's1', ${started.toISOString()}::timestamptz)`);
    if (rank === 2) completions.push(sql`(${id}, 'mv-one', 'h1', ${i % 2 ? "live" : "self"}::completion_how, ${completed.toISOString()}::timestamptz)`);
  }
  const list = (values: ReturnType<typeof sql>[]) => sql.join(values, sql`, `);
  await db.execute(sql`insert into users (id, email, name, password_hash, role) values ${list(users)}`);
  await db.execute(sql`insert into memberships (user_id, group_id) values ${list(members)}`);
  await db.execute(sql`insert into step_views (user_id, module_slug, step_id, first_seen_at) values ${list(views)}`);
  await db.execute(sql`insert into module_completions (user_id, module_slug, content_hash, how, completed_at) values ${list(completions)}`);
  // A trainer with progress: not an activist, so outside the default role filter.
  await db.execute(sql`insert into users (id, email, name, password_hash, role) values ('mv-trainer', 'mv-trainer@example.org', 'Member 00', 'x', 'trainer')`);
  await db.execute(sql`insert into step_views (user_id, module_slug, step_id, first_seen_at) values ('mv-trainer', 'mv-one', 's1', ${day(3).toISOString()})`);
});

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The matrix's module order: rank, then date, then name, then id, all one way. */
function expectedOrder(list: Person[], dir: "asc" | "desc"): string[] {
  const sign = dir === "asc" ? 1 : -1;
  return [...list]
    .sort((a, b) => {
      if (a.rank !== b.rank) return sign * (a.rank - b.rank);
      if (a.at !== b.at) {
        if (a.at === null) return 1; // nulls last, both ways (only "not started" has none)
        if (b.at === null) return -1;
        return sign * (a.at - b.at);
      }
      return sign * (byText(a.name, b.name) || byText(a.id, b.id));
    })
    .map((p) => p.id);
}

async function listAll(viewer: TestUser, query: string): Promise<{ ids: string[]; totals: number[] }> {
  const ids: string[] = [];
  const totals: number[] = [];
  for (let page = 1, pages = 1; page <= pages; page++) {
    const view = await activistMatrix(viewer, parseFilters(matrixFilterSchema, new URLSearchParams(`${query}&page=${page}`)));
    if (!view.ok) throw new Error(JSON.stringify(view.errors));
    totals.push(view.page.total);
    ids.push(...view.page.rows.map((r) => r.id));
    pages = view.page.pageCount;
  }
  return { ids, totals };
}

describe("the whole movement's matrix, page by page", () => {
  it("sorts by a module column both ways, exactly as the rule says, across pages", async () => {
    for (const dir of ["asc", "desc"] as const) {
      const { ids, totals } = await listAll(admin, `sort=m:mv-one&dir=${dir}`);
      expect(totals).toEqual(Array(Math.ceil(COUNT / PAGE_SIZE)).fill(COUNT));
      expect(ids).toEqual(expectedOrder(people, dir));
      // The organiser's SQL (one statement over their scope) agrees.
      expect((await listAll(organiser, `sort=m:mv-one&dir=${dir}`)).ids).toEqual(ids);
    }
  });

  it("applies the filters inside each part of the sorted list", async () => {
    const namesake = people.filter((p) => p.name === "Member 07");
    const { ids, totals } = await listAll(admin, "sort=m:mv-one&dir=desc&q=member%2007");
    expect(totals[0]).toBe(namesake.length);
    expect(ids).toEqual(expectedOrder(namesake, "desc"));

    const inProgress = people.filter((p) => p.rank === 1);
    const filtered = await listAll(admin, "sort=m:mv-one&module=mv-one&status=in-progress");
    expect(filtered.totals[0]).toBe(inProgress.length);
    expect(filtered.ids).toEqual(expectedOrder(inProgress, "asc"));

    // Everyone, the trainer included: a namesake of "Member 00" who started on day 3.
    const everyone = await listAll(admin, "sort=m:mv-one&role=all&q=member%2000");
    const withTrainer = [...people.filter((p) => p.name === "Member 00"), { id: "mv-trainer", name: "Member 00", rank: 1, at: day(3).getTime() } as Person];
    expect(everyone.ids).toEqual(expectedOrder(withTrainer, "asc"));
  });

  it("pages by name, and counts everyone, without a module sort", async () => {
    const { ids, totals } = await listAll(admin, "sort=name&dir=desc");
    expect(totals[0]).toBe(COUNT);
    expect(ids).toEqual([...people].sort((a, b) => -(byText(a.name, b.name) || byText(a.id, b.id))).map((p) => p.id));
    const past = await activistMatrix(admin, parseFilters(matrixFilterSchema, new URLSearchParams("page=9")));
    expect(past.ok && past.page).toMatchObject({ rows: [], total: COUNT, pageCount: Math.ceil(COUNT / PAGE_SIZE) });
  });
});
