import { eq, sql, type SQL } from "drizzle-orm";
import { alias, type BuildAliasTable } from "drizzle-orm/pg-core";
import { databaseHandle, db, rowsOf } from "../../db/client.server";
import {
  type learnerTotals,
  memberships,
  type moduleCompletions,
  type moduleProgress,
  type quizAttempts,
  type scenarioRuns,
  type stepViews,
  type UserRole,
} from "../../db/schema";
import { reportReach } from "../auth/policy";

// Who may see what (app/auth/policy.ts, reportReach). An organiser reports on the groups
// they are a member of, and on the people in those groups; an admin on every group and
// every person. Trainers see only the reports of their own live sessions
// (sessions.server.ts, ROLES.seeSessionReports): every page that takes ROLES.seeReports
// refuses them, like activists.

export interface Viewer {
  id: string;
  role: UserRole;
}

export type ReportScope = { all: true } | { all: false; groupIds: string[] };

export async function scopeOf(viewer: Viewer): Promise<ReportScope> {
  const reach = reportReach(viewer.role);
  if (reach === "everything") return { all: true };
  if (reach !== "own groups") return { all: false, groupIds: [] };
  const rows = await db().select({ id: memberships.groupId }).from(memberships).where(eq(memberships.userId, viewer.id));
  return { all: false, groupIds: rows.map((r) => r.id) };
}

/** A narrower scope of one group, if that group is inside `scope`. */
export function narrowTo(scope: ReportScope, groupId: string): ReportScope | undefined {
  if (scope.all || scope.groupIds.includes(groupId)) return { all: false, groupIds: [groupId] };
  return undefined;
}

const idList = (ids: string[]) => sql.join(ids.map((id) => sql`${id}`), sql`, `);

/** SQL: this group id expression is inside the scope. */
export function groupInScope(scope: ReportScope, groupId: SQL): SQL {
  if (scope.all) return sql`true`;
  if (scope.groupIds.length === 0) return sql`false`;
  return sql`${groupId} in (${idList(scope.groupIds)})`;
}

/**
 * SQL: this user id expression belongs to someone the scope covers. Admins see everyone,
 * including people not yet in any group; organisers see members of their groups only.
 */
export function userInScope(scope: ReportScope, userId: SQL): SQL {
  if (scope.all) return sql`true`;
  if (scope.groupIds.length === 0) return sql`false`;
  return sql`exists (select 1 from memberships sm where sm.user_id = ${userId} and sm.group_id in (${idList(scope.groupIds)}))`;
}

/**
 * FROM clause for "people in scope" as `u`. For an organiser it starts from the members
 * of their groups (an index range per group, deduplicated) and joins users by primary
 * key, so the planner drives every per-person subquery from a few hundred or thousand
 * rows instead of scanning all users and probing memberships for each.
 */
export function peopleInScope(scope: ReportScope): SQL {
  if (scope.all) return sql`users u`;
  if (scope.groupIds.length === 0) return sql`users u join (select null::text as user_id where false) s on s.user_id = u.id`;
  // `offset 0` keeps the lateral lookup a primary-key probe per member: left free, the
  // planner prefers reading all users and hashing, which costs more than the rest of
  // the query for a typical organiser.
  // (`group by`, not `distinct`: with distinct the planner liked walking the whole primary
  // key in user order with parallel workers, ten times the cost of hashing the members.)
  return sql`(select sm.user_id from memberships sm where sm.group_id in (${idList(scope.groupIds)}) group by sm.user_id) s
    cross join lateral (select * from users uu where uu.id = s.user_id offset 0) u`;
}

export type ProgressTable =
  | typeof stepViews
  | typeof moduleCompletions
  | typeof quizAttempts
  | typeof scenarioRuns
  | typeof moduleProgress
  | typeof learnerTotals;

/**
 * A subquery of the rows of a progress table that belong to activists in scope and
 * match `where` (given the table's alias `t`). Every progress table's primary key or
 * main index starts with user_id, so for an organiser (a few hundred or thousand people)
 * it walks from each member to their own rows, a short index range each; `offset 0`
 * stops the planner from flattening that into a scan of the whole table. For an admin
 * (everyone) it reads the table, or the index range `where` selects, and keeps the
 * activists' rows with one hash semi-join.
 */
export function activistRows<T extends ProgressTable>(
  scope: ReportScope,
  table: T,
  where: (t: BuildAliasTable<T, "t">) => SQL = () => sql`true`,
): SQL {
  const t = alias(table, "t");
  if (scope.all) return sql`(select ${t}.* from ${table} ${t} where ${where(t)} and ${t.userId} in (select a.id from users a where a.role = 'activist'))`;
  return sql`(select ${t}.* from ${peopleInScope(scope)}
    cross join lateral (select ${t}.* from ${table} ${t} where ${t.userId} = u.id and ${where(t)} offset 0) ${t}
    where u.role = 'activist')`;
}

/**
 * SQL: the share of people who are not activists (trainers, organisers, admins who took a
 * module) in a whole-movement summary: the summaries count everyone, the reports count
 * activists, and the others are few, so taking theirs away costs a handful of probes.
 */
export const nonActivists = sql`(select n.id from users n where n.role <> 'activist')`;

/** Published modules: the ones "trained" means having completed. */
export const coreModules = sql`(select md.slug from modules md where not md.draft)`;
export const coreModuleCount = sql`(select count(*)::int from modules md where not md.draft)`;

// ---------------------------------------------------------------- running raw SQL

/**
 * Rows of a raw query, the same shape from postgres.js (an array) and PGlite ({ rows }).
 *
 * On PostgreSQL each report query runs in its own transaction with JIT off: a report
 * query over a few hundred thousand rows crosses jit_above_cost, and compiling it took
 * ~300 ms of a ~500 ms query at 50,000 activists (docs/performance.md, Reports). (A
 * bigger work_mem was tried too and made the slowest query slower: with room to hash,
 * the planner gives up reading step views in primary-key order.) A query that hashes a
 * few hundred thousand rows may ask for more (`workMem`), for its own transaction only.
 */
export async function rows<T>(query: SQL, options: { workMem?: string } = {}): Promise<T[]> {
  const handle = databaseHandle();
  const result: unknown =
    handle.kind === "postgres"
      ? await handle.db.transaction(async (tx) => {
          await tx.execute(sql`select set_config('jit', 'off', true)`);
          if (options.workMem) await tx.execute(sql`select set_config('work_mem', ${options.workMem}, true)`);
          return tx.execute(query);
        })
      : await handle.db.execute(query);
  return rowsOf<T>(result);
}

/** A json_agg column as a list: postgres.js parses json, PGlite may hand back the text. */
export function jsonList<T>(value: unknown): T[] {
  if (value === null || value === undefined) return [];
  return (typeof value === "string" ? JSON.parse(value) : value) as T[];
}

/** A UTC calendar day as text: both drivers hand back the same string, ready for display. */
export const day = (expr: SQL) => sql`to_char(${expr} at time zone 'UTC', 'YYYY-MM-DD')`;

/** `ilike` pattern for "contains", with the user's % _ and \ taken literally. */
export const containsPattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

// ---------------------------------------------------------------- what the reports cover

export interface ReportModule {
  slug: string;
  title: string;
  stepCount: number;
}

/** Published modules in catalogue order, from the modules table the app keeps in sync. */
export async function publishedModules(): Promise<ReportModule[]> {
  return rows<ReportModule>(sql`
    select slug, title, step_count as "stepCount" from modules where not draft order by position, title`);
}

export interface ScopeGroup {
  id: string;
  name: string;
  kind: string;
  isTargetSeat: boolean;
}

/** Groups in scope for a filter list; only counted when there are more than `limit`. */
export async function scopeGroups(scope: ReportScope, limit = 300): Promise<{ total: number; groups: ScopeGroup[] }> {
  const [count] = await rows<{ n: number }>(sql`select count(*)::int as n from groups g where ${groupInScope(scope, sql`g.id`)}`);
  const total = Number(count?.n ?? 0);
  if (total > limit) return { total, groups: [] };
  const groups = await rows<ScopeGroup>(sql`
    select g.id, g.name, g.kind::text as kind, g.is_target_seat as "isTargetSeat"
    from groups g where ${groupInScope(scope, sql`g.id`)} order by g.kind, g.name`);
  return { total, groups };
}

export async function findScopeGroup(scope: ReportScope, groupId: string): Promise<ScopeGroup | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(groupId)) return undefined;
  const [group] = await rows<ScopeGroup>(sql`
    select g.id, g.name, g.kind::text as kind, g.is_target_seat as "isTargetSeat"
    from groups g where g.id = ${groupId} and ${groupInScope(scope, sql`g.id`)}`);
  return group;
}
