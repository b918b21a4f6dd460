import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  date,
  doublePrecision,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { contactResults, debriefOutcomes, fieldKinds, groupKinds, mailStatuses, timingAccommodations, userRoles } from "./enums";

// ---------------------------------------------------------------- enums

export { contactResults, debriefOutcomes, fieldKinds, groupKinds, mailStatuses, timingAccommodations, userRoles };
export type TimingAccommodation = (typeof timingAccommodations)[number];
export const userRole = pgEnum("user_role", userRoles);

export const groupKind = pgEnum("group_kind", groupKinds);

// ---------------------------------------------------------------- accounts

export const users = pgTable(
  "users",
  {
    id: text("id").primaryKey(),
    // Always stored lower-cased so the unique index is case-insensitive in effect.
    email: text("email").notNull().unique(),
    name: text("name").notNull(),
    passwordHash: text("password_hash").notNull(),
    role: userRole("role").notNull().default("activist"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    // Timers as usual, ×2, ×3, or none (WCAG 2.2.1): text with a check rather than an
    // enum type, so a fifth choice is a one-line migration.
    timing: text("timing").$type<TimingAccommodation>().notNull().default("standard"),
    // Reminders and nudges by email (issue 18); the unsubscribe link turns this off. Mail a
    // person asked for (a sign-in link, a password reset) ignores it.
    nudgeEmails: boolean("nudge_emails").notNull().default(true),
  },
  // Reports check "is this member an activist?" once per person in an organiser's scope:
  // answered from this index alone, without visiting the table (docs/performance.md).
  (t) => [
    index("users_id_role_idx").on(t.id, t.role),
    // The matrix lists people by name (its default sort, the not-started part of a module
    // sort, the export's keyset): a walk of this index stops after one page.
    index("users_name_idx").on(t.name, t.id),
    check("users_timing_known", sql`${t.timing} in ('standard', 'double', 'triple', 'off')`),
  ],
);

// lucia v3 owns this table's first three columns. `id` holds sha256(token), never the
// token itself, so a leaked table cannot be replayed as cookies.
export const sessions = pgTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    userAgent: text("user_agent").notNull().default(""),
  },
  (t) => [index("sessions_user_id_idx").on(t.userId)],
);

export const groups = pgTable(
  "groups",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull().unique(),
    kind: groupKind("kind").notNull(),
    isTargetSeat: boolean("is_target_seat").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    // Archived groups keep their members and their place in reports, but are offered in no
    // picker and take no new invites (app/groups/groups.server.ts). Null: active.
    archivedAt: timestamp("archived_at", { withTimezone: true }),
  },
  (t) => [check("groups_name_not_blank", sql`length(trim(${t.name})) > 0`)],
);

// Membership scopes what a person sees: an organiser reports on the groups they are a
// member of; an activist trains as part of theirs. Capabilities come from users.role.
export const memberships = pgTable(
  "memberships",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    groupId: uuid("group_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  // (group, user): an organiser's members are read from the index alone.
  (t) => [primaryKey({ columns: [t.userId, t.groupId] }), index("memberships_group_user_idx").on(t.groupId, t.userId)],
);

export const invites = pgTable(
  "invites",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    // sha256 of the token in the link, for the same reason as sessions.id.
    tokenHash: text("token_hash").notNull().unique(),
    groupId: uuid("group_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    role: userRole("role").notNull(),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    usedBy: text("used_by").references(() => users.id, { onDelete: "set null" }),
    // Who a bulk invite was made for (a volunteer, never a resident): pre-fills the sign-up
    // form and lets a second batch refuse someone already invited. Null for a plain link.
    inviteeName: text("invitee_name"),
    inviteeEmail: text("invitee_email"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("invites_group_idx").on(t.groupId), index("invites_invitee_email_idx").on(t.inviteeEmail)],
);

// Rate limits (app/auth/rate-limit.server.ts): one counter per key ("sign-in:address:…",
// "join:wrong-code:…") in a fixed window that ends at window_ends_at. In the database, not
// in memory, so every app instance counts the same; rows past their window are deleted.
export const rateLimits = pgTable(
  "rate_limits",
  {
    key: text("key").primaryKey(),
    count: integer("count").notNull(),
    windowEndsAt: timestamp("window_ends_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("rate_limits_window_ends_idx").on(t.windowEndsAt)],
);

// ---------------------------------------------------------------- content & progress

// One row per module on disk, upserted at boot, so reports can join and aggregate in SQL.
export const modules = pgTable("modules", {
  slug: text("slug").primaryKey(),
  title: text("title").notNull(),
  position: integer("position").notNull(),
  contentHash: text("content_hash").notNull(),
  draft: boolean("draft").notNull().default(false),
  // A module variant (ADR 039): the slug of the module it is another version of. A variant
  // is mirrored here with draft = true, so every report and summary that counts published
  // modules leaves it out; its completions are copied to the original by a trigger
  // (migration 0028), so completing either version counts once, as the original.
  variantOf: text("variant_of"),
  stepCount: integer("step_count").notNull(),
  // Ids a learner must finish: every step seen, every quiz passed, every scenario ended.
  requiredQuizIds: jsonb("required_quiz_ids").$type<string[]>().notNull(),
  requiredScenarioIds: jsonb("required_scenario_ids").$type<string[]>().notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export const completionHows = ["self", "live"] as const;
export const completionHow = pgEnum("completion_how", completionHows);

export const stepViews = pgTable(
  "step_views",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    moduleSlug: text("module_slug").notNull(),
    stepId: text("step_id").notNull(),
    firstSeenAt: timestamp("first_seen_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.moduleSlug, t.stepId] }), index("step_views_module_idx").on(t.moduleSlug)],
);

export const quizAttempts = pgTable(
  "quiz_attempts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    moduleSlug: text("module_slug").notNull(),
    quizId: text("quiz_id").notNull(),
    contentHash: text("content_hash").notNull(),
    // The form's one-time key: a double submit or a retry finds the attempt it made.
    attemptKey: text("attempt_key").notNull(),
    answers: jsonb("answers").$type<Record<string, string[]>>().notNull(),
    // questionId -> answered exactly right
    results: jsonb("results").$type<Record<string, boolean>>().notNull(),
    score: integer("score").notNull(),
    passed: boolean("passed").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("quiz_attempts_key_idx").on(t.userId, t.attemptKey),
    index("quiz_attempts_user_module_idx").on(t.userId, t.moduleSlug, t.quizId),
    index("quiz_attempts_module_idx").on(t.moduleSlug, t.quizId),
    check("quiz_attempts_score_range", sql`${t.score} between 0 and 100`),
  ],
);

export interface ScenarioMove {
  node: string;
  choice: number;
}

export const scenarioRuns = pgTable(
  "scenario_runs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    moduleSlug: text("module_slug").notNull(),
    scenarioId: text("scenario_id").notNull(),
    contentHash: text("content_hash").notNull(),
    runKey: text("run_key").notNull(),
    path: jsonb("path").$type<ScenarioMove[]>().notNull().default([]),
    currentNode: text("current_node").notNull(),
    endingId: text("ending_id"),
    outcome: text("outcome"),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    endedAt: timestamp("ended_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("scenario_runs_key_idx").on(t.userId, t.runKey),
    index("scenario_runs_user_module_idx").on(t.userId, t.moduleSlug, t.scenarioId),
    index("scenario_runs_module_idx").on(t.moduleSlug, t.scenarioId),
    check("scenario_runs_outcome", sql`${t.outcome} is null or ${t.outcome} in ('good', 'mixed', 'lost')`),
  ],
);

export const pollAnswers = pgTable(
  "poll_answers",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    moduleSlug: text("module_slug").notNull(),
    pollId: text("poll_id").notNull(),
    optionId: text("option_id").notNull(),
    answeredAt: timestamp("answered_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.moduleSlug, t.pollId] }), index("poll_answers_module_idx").on(t.moduleSlug, t.pollId)],
);

export const reflections = pgTable(
  "reflections",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    moduleSlug: text("module_slug").notNull(),
    reflectId: text("reflect_id").notNull(),
    body: text("body").notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.moduleSlug, t.reflectId] }), check("reflections_body_length", sql`length(${t.body}) <= 5000`)],
);

/** A learner's record of a practice conversation (app/activities/record): codes only, never a resident's name. */
export interface RecordEntryValue {
  support: string;
  issues: string[];
  commitment: string;
  "follow-up": string;
  note: string;
}

// The latest record a learner saved for each <Record> (saving again replaces it), with how
// it compared with what the resident said, against the ending their conversation reached.
export const recordEntries = pgTable(
  "record_entries",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    moduleSlug: text("module_slug").notNull(),
    recordId: text("record_id").notNull(),
    entry: jsonb("entry").$type<RecordEntryValue>().notNull(),
    // field -> matched what the resident said
    results: jsonb("results").$type<Record<string, boolean>>().notNull(),
    endingId: text("ending_id"),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.moduleSlug, t.recordId] }), index("record_entries_module_idx").on(t.moduleSlug, t.recordId)],
);

export const moduleCompletions = pgTable(
  "module_completions",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    moduleSlug: text("module_slug").notNull(),
    contentHash: text("content_hash").notNull(),
    how: completionHow("how").notNull(),
    liveSessionId: uuid("live_session_id").references(() => liveSessions.id, { onDelete: "set null" }),
    completedAt: timestamp("completed_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.moduleSlug] }),
    index("module_completions_module_idx").on(t.moduleSlug, t.completedAt),
  ],
);

// ---------------------------------------------------------------- report summaries

// Summaries the reports read instead of aggregating millions of progress rows. Kept by
// triggers (db/migrations/0003_report_summaries.sql) in the same transaction as every
// write to step_views, module_completions and modules, whichever code writes them
// (progress, live attendance, the demo, a bulk load), so they are never stale and never
// "eventually" right. They count every person; reports that count activists only take
// the few non-activists' share away. tests/integration/report-summaries.test.ts proves
// they equal what the raw tables say.

/** One row per person and module they have started (a step seen) or completed. */
export const moduleProgress = pgTable(
  "module_progress",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    moduleSlug: text("module_slug").notNull(),
    /** The earlier of the first step view and the completion (a live one has no views). */
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    completedAt: timestamp("completed_at", { withTimezone: true }),
    how: completionHow("how"),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.moduleSlug] }),
    // A module's rows, and the admin's matrix sorted by a module column: its completions
    // in date order straight off the index, a page at a time (matrix.server.ts).
    index("module_progress_module_dates_idx").on(t.moduleSlug, t.completedAt, t.startedAt),
    // Everything a report reads of a person's progress, so a scoped report walks this
    // index person by person without visiting the table (docs/performance.md).
    index("module_progress_user_cover_idx").on(t.userId, t.moduleSlug, t.startedAt, t.completedAt, t.how),
  ],
);

// The two per-module tallies below are split into 8 rows per key, stripes (migration 0008):
// every first step view and every completion of a module updated the same row and held it
// until commit. Each person's changes go to the stripe report_stripe(user_id) picks, so
// writers for different people rarely wait on each other, and a figure is the sum over a
// key's stripes. Each stripe holds only its own people, so none goes below zero. (The
// per-group tallies are not striped: a group's rows are shared only by its own members,
// and striping them made the admin's group tables read 2× the rows.)
const stripe = () => smallint("stripe").notNull().default(0);

/** Per module: people who started it, completed it self-paced, completed it live. */
export const moduleTallies = pgTable(
  "module_tallies",
  {
    moduleSlug: text("module_slug").notNull(),
    stripe: stripe(),
    started: integer("started").notNull().default(0),
    self: integer("self").notNull().default(0),
    live: integer("live").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.moduleSlug, t.stripe] })],
);

/** Completions per module, UTC week (Monday) and how. */
export const completionWeeks = pgTable(
  "completion_weeks",
  {
    moduleSlug: text("module_slug").notNull(),
    week: timestamp("week", { withTimezone: false }).notNull(),
    how: completionHow("how").notNull(),
    stripe: stripe(),
    completions: integer("completions").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.moduleSlug, t.week, t.how, t.stripe] })],
);

/** Per person: completions of published (non-draft) modules. Trained = all of them. */
export const learnerTotals = pgTable(
  "learner_totals",
  {
    userId: text("user_id")
      .primaryKey()
      .references(() => users.id, { onDelete: "cascade" }),
    coreCompleted: integer("core_completed").notNull().default(0),
  },
  (t) => [index("learner_totals_core_idx").on(t.coreCompleted)],
);

/**
 * Per person with any published module complete: the UTC day of their latest such
 * completion (migration 0027, ADR 042). When learner_totals says every published module is
 * complete, this is their training day (ADR 028), so the impact report reads no completions.
 * Its own table rather than a column of learner_totals, whose shape other summaries' tests
 * and rebuilds compare whole.
 */
export const learnerCoreDays = pgTable("learner_core_days", {
  userId: text("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  lastCoreDay: date("last_core_day", { mode: "string" }).notNull(),
});

/**
 * Per group: how many of its activists have completed 0, 1, 2, … published modules. The
 * groups table reads a group's activists, trained people (the row at the full count) and
 * completions (Σ count × activists) from a dozen rows instead of joining every member.
 */
export const groupProgressCounts = pgTable(
  "group_progress_counts",
  {
    groupId: uuid("group_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    coreCompleted: integer("core_completed").notNull(),
    activists: integer("activists").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.coreCompleted] })],
);

/**
 * Per group and module: the group's activists who completed it self-paced and live
 * (migration 0005). The module page's table of groups reads one row per group instead of
 * joining every membership to the module's completions.
 */
export const groupModuleTallies = pgTable(
  "group_module_tallies",
  {
    groupId: uuid("group_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    moduleSlug: text("module_slug").notNull(),
    self: integer("self").notNull().default(0),
    live: integer("live").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.moduleSlug] })],
);

// Quiz and scenario summaries (migration 0004_quiz_scenario_summaries.sql), kept by triggers
// on quiz_attempts and scenario_runs like the ones above. Per-person rows have no foreign
// key: they disappear with the person's last attempt or run (a cascade deletes those).

/**
 * Per quiz question: attempts that answered it, and of those exactly right; and the same
 * for people's first attempts only (migration 0011), where a retry cannot lift the share.
 */
export const quizQuestionTallies = pgTable(
  "quiz_question_tallies",
  {
    moduleSlug: text("module_slug").notNull(),
    quizId: text("quiz_id").notNull(),
    questionId: text("question_id").notNull(),
    attempts: integer("attempts").notNull().default(0),
    right: integer("right").notNull().default(0),
    firstAttempts: integer("first_attempts").notNull().default(0),
    firstRight: integer("first_right").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.moduleSlug, t.quizId, t.questionId] })],
);

/** Per quiz question and option: times it was picked in an attempt that got the question wrong. */
export const quizWrongPicks = pgTable(
  "quiz_wrong_picks",
  {
    moduleSlug: text("module_slug").notNull(),
    quizId: text("quiz_id").notNull(),
    questionId: text("question_id").notNull(),
    optionId: text("option_id").notNull(),
    times: integer("times").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.moduleSlug, t.quizId, t.questionId, t.optionId] })],
);

/** Per person and quiz: best score and whether any attempt passed. */
export const quizBests = pgTable(
  "quiz_bests",
  {
    userId: text("user_id").notNull(),
    moduleSlug: text("module_slug").notNull(),
    quizId: text("quiz_id").notNull(),
    best: integer("best").notNull(),
    passed: boolean("passed").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.moduleSlug, t.quizId] })],
);

/** Per person and quiz: their first attempt (earliest, then lowest id) and its results. */
export const quizFirstAttempts = pgTable(
  "quiz_first_attempts",
  {
    userId: text("user_id").notNull(),
    moduleSlug: text("module_slug").notNull(),
    quizId: text("quiz_id").notNull(),
    attemptId: uuid("attempt_id").notNull(),
    results: jsonb("results").$type<Record<string, boolean>>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.moduleSlug, t.quizId] })],
);

/** Per quiz: people who attempted it, passed it, and the sum of their best scores. */
export const quizTallies = pgTable(
  "quiz_tallies",
  {
    moduleSlug: text("module_slug").notNull(),
    quizId: text("quiz_id").notNull(),
    learners: integer("learners").notNull().default(0),
    passed: integer("passed").notNull().default(0),
    bestSum: bigint("best_sum", { mode: "number" }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.moduleSlug, t.quizId] })],
);

/**
 * Per person, scenario, point and reply taken in self-paced runs: how many times. choice
 * -1 is "any reply at this point" (times they replied there), so distinct people per
 * point are a count of rows like distinct people per reply.
 */
export const scenarioMoves = pgTable(
  "scenario_moves",
  {
    userId: text("user_id").notNull(),
    moduleSlug: text("module_slug").notNull(),
    scenarioId: text("scenario_id").notNull(),
    node: text("node").notNull(),
    choice: integer("choice").notNull(),
    times: integer("times").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.userId, t.moduleSlug, t.scenarioId, t.node, t.choice] })],
);

/** Per scenario point and reply (-1: any): distinct people who took it self-paced. */
export const scenarioChoiceTallies = pgTable(
  "scenario_choice_tallies",
  {
    moduleSlug: text("module_slug").notNull(),
    scenarioId: text("scenario_id").notNull(),
    node: text("node").notNull(),
    choice: integer("choice").notNull(),
    learners: integer("learners").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.moduleSlug, t.scenarioId, t.node, t.choice] })],
);

/** Per person, scenario and ending: finished runs that ended there. */
export const scenarioEndings = pgTable(
  "scenario_endings",
  {
    userId: text("user_id").notNull(),
    moduleSlug: text("module_slug").notNull(),
    scenarioId: text("scenario_id").notNull(),
    endingId: text("ending_id").notNull(),
    runs: integer("runs").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.userId, t.moduleSlug, t.scenarioId, t.endingId] })],
);

/** Per scenario ending: finished runs and distinct people. */
export const scenarioEndingTallies = pgTable(
  "scenario_ending_tallies",
  {
    moduleSlug: text("module_slug").notNull(),
    scenarioId: text("scenario_id").notNull(),
    endingId: text("ending_id").notNull(),
    runs: integer("runs").notNull().default(0),
    learners: integer("learners").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.moduleSlug, t.scenarioId, t.endingId] })],
);

export type User = typeof users.$inferSelect;
export type Group = typeof groups.$inferSelect;
export type Invite = typeof invites.$inferSelect;
export type UserRole = (typeof userRoles)[number];
export type GroupKind = (typeof groupKinds)[number];

// ---------------------------------------------------------------- live sessions

export const liveStatuses = ["open", "ended"] as const;
export const liveStatus = pgEnum("live_status", liveStatuses);

export type LiveRole = "canvasser" | "resident" | "observer";

/** Who plays what in the current pair exercise. Each group is a pair or a trio. */
export interface LivePairing {
  activityId: string;
  /** 1 for the first round; each swap adds one. */
  round: number;
  trios: boolean;
  groups: { userId: string; role: LiveRole }[][];
}

/** One move of a scenario the room plays together, with the vote it was taken on. */
export interface LiveScenarioTurn {
  node: string;
  choice: number;
  votes: Record<string, number>;
}

export interface LiveScenarioRoom {
  /** Incremented on "play again", so votes of an earlier run never count twice. */
  run: number;
  currentNode: string;
  path: LiveScenarioTurn[];
  endingId: string | null;
}

export type LiveAnswer =
  | { kind: "poll"; optionId: string }
  | { kind: "quiz"; answers: Record<string, string[]> }
  | { kind: "vote"; choice: number }
  | { kind: "record"; entry: RecordEntryValue; results: Record<string, boolean>; endingId: string | null };

// The whole state of a session is this row plus its participants and responses. Every
// change bumps `version` and NOTIFYs doorstep_live in the same transaction, so every app
// instance hears about it after commit (docs/live.md).
export const liveSessions = pgTable(
  "live_sessions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    code: text("code").notNull().unique(),
    moduleSlug: text("module_slug").notNull(),
    contentHash: text("content_hash").notNull(),
    trainerId: text("trainer_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    groupId: uuid("group_id").references(() => groups.id, { onDelete: "set null" }),
    status: liveStatus("status").notNull().default("open"),
    version: integer("version").notNull().default(1),
    stepIndex: integer("step_index").notNull().default(0),
    revealed: jsonb("revealed").$type<string[]>().notNull().default([]),
    timerEndsAt: timestamp("timer_ends_at", { withTimezone: true }),
    timerSeconds: integer("timer_seconds"),
    pairing: jsonb("pairing").$type<LivePairing>(),
    scenarios: jsonb("scenarios").$type<Record<string, LiveScenarioRoom>>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    // When the trainer first moved past the first step: "present from the start" is
    // measured against it (docs/live.md).
    firstAdvancedAt: timestamp("first_advanced_at", { withTimezone: true }),
    // When the current step was put on screen: the presenter's "elapsed on this step"
    // against its planned minutes (issue 15), the same on every device and after a reload.
    stepStartedAt: timestamp("step_started_at", { withTimezone: true }).notNull().defaultNow(),
    endedAt: timestamp("ended_at", { withTimezone: true }),
  },
  (t) => [
    index("live_sessions_trainer_idx").on(t.trainerId, t.createdAt),
    check("live_sessions_code_format", sql`${t.code} ~ '^[A-HJKMNP-Z]{6}$'`),
    check("live_sessions_step_index", sql`${t.stepIndex} >= 0`),
    check("live_sessions_timer_seconds", sql`${t.timerSeconds} is null or ${t.timerSeconds} between 1 and 3600`),
  ],
);

export const liveAttendanceMarks = ["present", "absent"] as const;

export const liveParticipants = pgTable(
  "live_participants",
  {
    sessionId: uuid("session_id")
      .notNull()
      .references(() => liveSessions.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    joinedAt: timestamp("joined_at", { withTimezone: true }).notNull().defaultNow(),
    // Refreshed by the event stream (on connect and every heartbeat) and by page loads:
    // "connected now" is a recent last_seen_at, visible to every instance.
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
    // The trainer's override, set before ending: present or absent whatever the clock says.
    mark: text("mark"),
    // Decided once, when the session ends.
    attended: boolean("attended"),
    newcomer: boolean("newcomer").notNull().default(false),
  },
  (t) => [
    primaryKey({ columns: [t.sessionId, t.userId] }),
    index("live_participants_user_idx").on(t.userId),
    check("live_participants_mark", sql`${t.mark} is null or ${t.mark} in ('present', 'absent')`),
  ],
);

// One answer per participant per activity (per scenario turn: `slot`); a changed answer
// replaces the row.
export const liveResponses = pgTable(
  "live_responses",
  {
    sessionId: uuid("session_id")
      .notNull()
      .references(() => liveSessions.id, { onDelete: "cascade" }),
    activityId: text("activity_id").notNull(),
    // '' for quizzes and polls; 'r<run>t<turn>' for a scenario vote.
    slot: text("slot").notNull().default(""),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    answer: jsonb("answer").$type<LiveAnswer>().notNull(),
    answeredAt: timestamp("answered_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.activityId, t.slot, t.userId] })],
);

// An observer's checklist for the canvasser they watched, per role-play round.
export const liveRubricTicks = pgTable(
  "live_rubric_ticks",
  {
    sessionId: uuid("session_id")
      .notNull()
      .references(() => liveSessions.id, { onDelete: "cascade" }),
    activityId: text("activity_id").notNull(),
    round: integer("round").notNull(),
    observerId: text("observer_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    canvasserId: text("canvasser_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    items: jsonb("items").$type<string[]>().notNull().default([]),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.activityId, t.round, t.observerId] })],
);

// Accounts made at the door with a join code: they choose a password afterwards, from
// their own signed-in screen.
export const liveNewcomers = pgTable("live_newcomers", {
  userId: text("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  sessionId: uuid("session_id").references(() => liveSessions.id, { onDelete: "set null" }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  passwordSetAt: timestamp("password_set_at", { withTimezone: true }),
});

export type LiveSession = typeof liveSessions.$inferSelect;
export type LiveParticipant = typeof liveParticipants.$inferSelect;

// ---------------------------------------------------------------- field (issue 17)
//
// What happens at the door, as counts and codes only: how a resident may vote is special
// category data, so no table here holds a resident's name, address or any free text about
// them (docs/privacy.md). Every row names the canvasser (a volunteer) and an area (one of
// their groups), so every figure can be scoped to the viewer's groups.

export type FieldKind = (typeof fieldKinds)[number];
export type ContactResult = (typeof contactResults)[number];
export type DebriefOutcome = (typeof debriefOutcomes)[number];

// A planned session on the doors or phones that activists log against.
export const shifts = pgTable(
  "shifts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    groupId: uuid("group_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    kind: text("kind").$type<FieldKind>().notNull(),
    day: date("day", { mode: "string" }).notNull(),
    meetingPoint: text("meeting_point").notNull().default(""),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("shifts_group_day_idx").on(t.groupId, t.day), check("shifts_kind_known", sql`${t.kind} in ('doors', 'phones')`)],
);

// One activist's account of one shift, in counts. `attempts` is doors knocked or calls
// made; contacts ⊆ attempts (someone answered), conversations ⊆ contacts, commitments ⊆
// conversations.
export const debriefs = pgTable(
  "debriefs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    groupId: uuid("group_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    shiftId: uuid("shift_id").references(() => shifts.id, { onDelete: "set null" }),
    day: date("day", { mode: "string" }).notNull(),
    kind: text("kind").$type<FieldKind>().notNull(),
    attempts: integer("attempts").notNull(),
    contacts: integer("contacts").notNull(),
    conversations: integer("conversations").notNull(),
    commitments: integer("commitments").notNull(),
    outcomes: jsonb("outcomes").$type<Partial<Record<DebriefOutcome, number>>>().notNull().default({}),
    // Objection tags met (shared with scenarios' `tags`), and the one found hardest.
    objections: jsonb("objections").$type<string[]>().notNull().default([]),
    hardestObjection: text("hardest_objection"),
    // "What I'd do differently": the activist's own line about their own practice.
    differently: text("differently").notNull().default(""),
    // The form's one-time key: a double submit or a retry records once.
    formKey: text("form_key").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("debriefs_user_form_key_idx").on(t.userId, t.formKey),
    index("debriefs_group_day_idx").on(t.groupId, t.day),
    // The impact report's whole-movement objections read the partial weeks at a period's
    // ends from debriefs by day alone (ADR 038).
    index("debriefs_day_idx").on(t.day),
    index("debriefs_user_day_idx").on(t.userId, t.day),
    index("debriefs_shift_idx").on(t.shiftId),
    check("debriefs_kind_known", sql`${t.kind} in ('doors', 'phones')`),
    check(
      "debriefs_counts_nest",
      sql`${t.commitments} >= 0 and ${t.conversations} >= ${t.commitments} and ${t.contacts} >= ${t.conversations} and ${t.attempts} >= ${t.contacts}`,
    ),
  ],
);

// One CSV import of canvass results (app/field/import.server.ts).
export const canvassImports = pgTable("canvass_imports", {
  id: uuid("id").primaryKey().defaultRandom(),
  // Names the tool the file came from: with each row's external id, what makes a
  // re-import of the same or an overlapping export add nothing twice.
  source: text("source").notNull(),
  fileName: text("file_name").notNull().default(""),
  createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
  status: text("status").notNull().default("running"),
  mapping: jsonb("mapping").$type<Record<string, string>>().notNull().default({}),
  rowsRead: integer("rows_read").notNull().default(0),
  rowsAdded: integer("rows_added").notNull().default(0),
  rowsAlreadyThere: integer("rows_already_there").notNull().default(0),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp("finished_at", { withTimezone: true }),
  // Records in the staged file (counted while it was uploaded): the progress bar's maximum.
  rowsTotal: integer("rows_total").notNull().default(0),
  // Lines left out on the organiser's say-so (people we don't know, when they chose to skip them).
  rowsSkipped: integer("rows_skipped").notNull().default(0),
  // The first problems found, each naming its line; errorCount counts them all.
  errors: jsonb("errors").$type<{ line: number; message: string }[]>().notNull().default([]),
  errorCount: integer("error_count").notNull().default(0),
  byteSize: integer("byte_size").notNull().default(0),
  // Moved on by a running job at every batch: a checking or importing job whose heartbeat is
  // old belongs to a process that died, and the organiser may resume it.
  heartbeatAt: timestamp("heartbeat_at", { withTimezone: true }),
});

// The uploaded file between upload and import (ADR 027), as UTF-8 text in order, so the
// mapping, the preview and the import each stream it again from any app instance. Deleted
// when the import finishes or is cancelled.
export const canvassImportChunks = pgTable(
  "canvass_import_chunks",
  {
    importId: uuid("import_id")
      .notNull()
      .references(() => canvassImports.id, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    content: text("content").notNull(),
  },
  (t) => [primaryKey({ columns: [t.importId, t.seq] })],
);

// One contact attempt from a canvassing tool's export: a canvasser, an area, a day and
// what came of it, in codes. Keyed by (group, source, external id) so imports are idempotent.
export const canvassContacts = pgTable(
  "canvass_contacts",
  {
    source: text("source").notNull(),
    externalId: text("external_id").notNull(),
    importId: uuid("import_id").references(() => canvassImports.id, { onDelete: "set null" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    groupId: uuid("group_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    day: date("day", { mode: "string" }).notNull(),
    result: text("result").$type<ContactResult>().notNull(),
    support: smallint("support"),
    commitment: boolean("commitment").notNull().default(false),
  },
  (t) => [
    // An external id is unique within one tool's account, and two branches may each have an
    // account of the same tool: the key is scoped to the row's group (ADR 027, amended), so
    // one branch's "NationBuilder" line 1 never hides or reveals another's.
    primaryKey({ columns: [t.groupId, t.source, t.externalId] }),
    index("canvass_contacts_group_day_idx").on(t.groupId, t.day),
    index("canvass_contacts_user_day_idx").on(t.userId, t.day),
    check("canvass_contacts_result_known", sql`${t.result} in ('no-answer', 'contact', 'conversation')`),
    check("canvass_contacts_support_range", sql`${t.support} is null or ${t.support} between 1 and 5`),
  ],
);

// Per canvasser, area and day, the sum of their debriefs and imported contacts: what the
// impact report reads, so its pages cost the same at 5,000,000 contact rows as at 5,000.
// Kept in step by app/field/daily.server.ts inside the transaction that writes the source
// rows (and takes them away again when a debrief is deleted or retention removes it).
export const fieldDaily = pgTable(
  "field_daily",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    groupId: uuid("group_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    day: date("day", { mode: "string" }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    contacts: integer("contacts").notNull().default(0),
    conversations: integer("conversations").notNull().default(0),
    commitments: integer("commitments").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.groupId, t.day] }),
    index("field_daily_group_day_idx").on(t.groupId, t.day),
    index("field_daily_user_day_idx").on(t.userId, t.day),
  ],
);

// Per area and ISO week (Monday): how many debriefs were logged, and how many of them met
// each objection code. Kept by triggers on debriefs (migration 0024; ADR 038), so every
// writer, a cascade from a deleted person or group, and retention all keep it equal to
// the debriefs it counts. The impact report reads whole weeks here and only the partial
// weeks at either end of a period from debriefs, instead of expanding every debrief's
// objections (docs/performance.md, "Impact report").
export const fieldDebriefWeeks = pgTable(
  "field_debrief_weeks",
  {
    groupId: uuid("group_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    week: date("week", { mode: "string" }).notNull(),
    debriefs: integer("debriefs").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.week] })],
);

export const fieldObjectionWeeks = pgTable(
  "field_objection_weeks",
  {
    groupId: uuid("group_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    week: date("week", { mode: "string" }).notNull(),
    code: text("code").notNull(),
    debriefs: integer("debriefs").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.week, t.code] })],
);

// The impact report's figures, kept for reuse until the data they come from changes
// (migration 0030, ADR 044). Every write to a table the figures read bumps one of eight
// counters (a stripe per transaction, once, at commit), so the sum of `changes` grows with
// every committed change; a kept answer is served only while the sum still equals the one
// read before it was computed, and is exact by construction.
export const impactDataStripes = pgTable("impact_data_stripes", {
  stripe: smallint("stripe").primaryKey(),
  changes: bigint("changes", { mode: "number" }).notNull().default(0),
});

export const impactReportCache = pgTable("impact_report_cache", {
  /** The viewer's scope, the filters and the parts computed, as JSON. */
  key: text("key").primaryKey(),
  /** The sum of impact_data_stripes.changes read before the answer was computed. */
  version: bigint("version", { mode: "number" }).notNull(),
  /** The figure statement's row and the raw objection rows (labels and links are added on reading). */
  answer: jsonb("answer").notNull(),
  computedAt: timestamp("computed_at", { withTimezone: true }).notNull().defaultNow(),
});

// Settings an admin changes for the whole instance: one row (id is always true). Field
// retention: debriefs and imported contacts older than this many months are deleted, and
// their counts taken out of field_daily (app/field/retention.server.ts); null keeps them.
export const instanceSettings = pgTable(
  "instance_settings",
  {
    id: boolean("id").primaryKey().default(true),
    fieldRetentionMonths: integer("field_retention_months"),
    updatedBy: text("updated_by").references(() => users.id, { onDelete: "set null" }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check("instance_settings_one_row", sql`${t.id}`),
    check("instance_settings_retention_range", sql`${t.fieldRetentionMonths} is null or ${t.fieldRetentionMonths} between 1 and 120`),
  ],
);

// ---------------------------------------------------------------- mail (issue 18)

export type MailStatus = (typeof mailStatuses)[number];
export interface MailAttachment {
  filename: string;
  contentType: string;
  content: string;
}

// The outgoing queue (app/mail/): a request only inserts a row, so a failing SMTP server
// never fails the request that caused the mail; the sender retries with backoff.
export const mailMessages = pgTable(
  "mail_messages",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    toAddress: text("to_address").notNull(),
    userId: text("user_id").references(() => users.id, { onDelete: "set null" }),
    template: text("template").notNull(),
    subject: text("subject").notNull(),
    textBody: text("text_body").notNull(),
    htmlBody: text("html_body").notNull(),
    attachments: jsonb("attachments").$type<MailAttachment[]>().notNull().default([]),
    // Holds a secret link (sign-in, reset): never logged; its body is wiped once sent.
    sensitive: boolean("sensitive").notNull().default(false),
    status: text("status").$type<MailStatus>().notNull().default("queued"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    lastError: text("last_error"),
    // A reminder, nudge or follow-up: the sender checks users.nudge_emails again at send
    // time, so opting out after it was queued still stops it (ADR 037).
    honoursOptOut: boolean("honours_opt_out").notNull().default(false),
    /** Why a "skipped" mail was not sent, for /admin/outbox. */
    skipReason: text("skip_reason"),
    // Same key, same mail: a reminder scheduled twice is queued once.
    dedupeKey: text("dedupe_key").unique(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp("sent_at", { withTimezone: true }),
  },
  (t) => [
    index("mail_messages_due_idx").on(t.status, t.nextAttemptAt),
    index("mail_messages_user_idx").on(t.userId, t.createdAt),
    // The sender's sweep looks for secret bodies still to wipe (ADR 029): few rows, read every round.
    index("mail_messages_unwiped_secret_idx").on(t.createdAt).where(sql`${t.sensitive} and ${t.textBody} <> ''`),
    check("mail_messages_status_known", sql`${t.status} in ('queued', 'sending', 'sent', 'failed', 'skipped')`),
  ],
);

// Links sent by email (issue 18, ADR 029): sign in without a password, reset a password,
// unsubscribe from nudges. Only sha256 of the token is kept, like sessions.id, so a leaked
// table opens nothing. Sign-in and reset links work once (used_at); an unsubscribe link
// may be followed again and only turns nudges off.
export const emailLinkPurposes = ["sign-in", "reset", "unsubscribe"] as const;
export type EmailLinkPurpose = (typeof emailLinkPurposes)[number];

export const emailLinks = pgTable(
  "email_links",
  {
    tokenHash: text("token_hash").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    purpose: text("purpose").$type<EmailLinkPurpose>().notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("email_links_user_idx").on(t.userId, t.purpose),
    index("email_links_expires_idx").on(t.expiresAt),
    check("email_links_purpose_known", sql`${t.purpose} in ('sign-in', 'reset', 'unsubscribe')`),
  ],
);

export type EmailLink = typeof emailLinks.$inferSelect;

export type Shift = typeof shifts.$inferSelect;
export type Debrief = typeof debriefs.$inferSelect;
export type CanvassContact = typeof canvassContacts.$inferSelect;
export type MailMessage = typeof mailMessages.$inferSelect;

// ---------------------------------------------------------------- nudges (issue 18)

// One nudge: an organiser's message to the people a report filter showed at that moment
// (app/reports/nudges.server.ts). The filter is kept as JSON (to reopen it) and as the
// label the organiser read, because group names and module titles change later.
export const nudges = pgTable(
  "nudges",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    senderId: text("sender_id").references(() => users.id, { onDelete: "set null" }),
    sentAt: timestamp("sent_at", { withTimezone: true }).notNull().defaultNow(),
    filter: jsonb("filter").$type<Record<string, string>>().notNull(),
    filterLabel: text("filter_label").notNull(),
    template: text("template").notNull(),
    subject: text("subject").notNull(),
    body: text("body").notNull(),
    recipientCount: integer("recipient_count").notNull(),
    // The compose form's one-time key: a double submit or a retry sends one nudge.
    formKey: text("form_key").notNull(),
  },
  (t) => [uniqueIndex("nudges_sender_form_key_idx").on(t.senderId, t.formKey), index("nudges_sender_sent_idx").on(t.senderId, t.sentAt)],
);

// Everyone the filter showed when the nudge went out. sent_at set: nudged. Null: left out
// (left_out says why), and so the "not nudged" side of the follow-up comparison, taken
// from the same filter at the same moment.
export const nudgeRecipients = pgTable(
  "nudge_recipients",
  {
    nudgeId: uuid("nudge_id")
      .notNull()
      .references(() => nudges.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** The person's next module when the nudge went out; null when they had finished every one. */
    moduleSlug: text("module_slug"),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    leftOut: text("left_out"),
  },
  (t) => [
    primaryKey({ columns: [t.nudgeId, t.userId] }),
    // "Was this person nudged in the last 3 days?" (the per-person throttle).
    index("nudge_recipients_user_sent_idx").on(t.userId, t.sentAt),
    check("nudge_recipients_left_out_known", sql`${t.leftOut} is null or ${t.leftOut} in ('opted-out', 'archived', 'recently-nudged')`),
    check("nudge_recipients_sent_or_left_out", sql`(${t.sentAt} is null) <> (${t.leftOut} is null)`),
  ],
);

export type Nudge = typeof nudges.$inferSelect;
export type NudgeRecipient = typeof nudgeRecipients.$inferSelect;

// ---------------------------------------------------------------- election results

// Published results per seat (issue 17 part 5, ADR 032): public figures, so the whole
// movement shares one copy; only the training coverage beside them is scoped to the
// viewer. Shares are the movement's party's, in percent. A re-import of an election
// replaces all its rows in one transaction (app/reports/elections.server.ts).
export const electionResults = pgTable(
  "election_results",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    election: text("election").notNull(),
    seat: text("seat").notNull(),
    // The target-seat group of the same name (case and spaces ignored) when the results
    // were imported; null when no target seat matched.
    groupId: uuid("group_id").references(() => groups.id, { onDelete: "set null" }),
    region: text("region").notNull(),
    electorate: integer("electorate"),
    previousShare: doublePrecision("previous_share").notNull(),
    newShare: doublePrecision("new_share").notNull(),
    importedAt: timestamp("imported_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("election_results_election_seat_idx").on(t.election, t.seat),
    check("election_results_names_not_blank", sql`length(trim(${t.election})) > 0 and length(trim(${t.seat})) > 0 and length(trim(${t.region})) > 0`),
    check("election_results_shares_are_percent", sql`${t.previousShare} between 0 and 100 and ${t.newShare} between 0 and 100`),
    check("election_results_electorate_positive", sql`${t.electorate} is null or ${t.electorate} > 0`),
  ],
);

export type ElectionResult = typeof electionResults.$inferSelect;

// ---------------------------------------------------------------- randomised evaluations (issue 17)

export const evaluationOutcomes = ["contact", "conversation", "commitment", "module"] as const;
export type EvaluationOutcome = (typeof evaluationOutcomes)[number];
export const evaluationArms = ["now", "later", "original", "variant"] as const;
/** "timing": train now against train later (ADR 033); "variant": version A against version B of a module (ADR 039). */
export const evaluationDesigns = ["timing", "variant"] as const;
export type EvaluationDesign = (typeof evaluationDesigns)[number];
export type EvaluationArm = (typeof evaluationArms)[number];

// A pre-registered "train now / train later" evaluation (ADR 033). A row exists only once
// registered: the preview is never stored. Outcome, period, seed and the people assigned
// are fixed by triggers in migration 0022, not only by the absence of an update path.
export const evaluations = pgTable(
  "evaluations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    outcome: text("outcome").$type<EvaluationOutcome>().notNull(),
    /** The module whose completion is the outcome, when outcome is "module". */
    outcomeModule: text("outcome_module"),
    periodStart: date("period_start", { mode: "string" }).notNull(),
    periodEnd: date("period_end", { mode: "string" }).notNull(),
    /** The shuffle's seed: the assignment can be re-derived from it and the member lists. */
    seed: text("seed").notNull(),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    registeredAt: timestamp("registered_at", { withTimezone: true }).notNull().defaultNow(),
    status: text("status").notNull().default("registered"),
    design: text("design").$type<EvaluationDesign>().notNull().default("timing"),
    /** The variant compared with its original (variant_of), when design is "variant". */
    variantModule: text("variant_module"),
    // Stopping early (ADR 039): when and why, set once with status = 'stopped'.
    stoppedAt: timestamp("stopped_at", { withTimezone: true }),
    stopReason: text("stop_reason"),
    // The new-evaluation form's one-time key: a double submit registers one evaluation, not
    // two draws to choose between.
    formKey: text("form_key").notNull(),
  },
  (t) => [
    uniqueIndex("evaluations_creator_form_key_idx").on(t.createdBy, t.formKey),
    check("evaluations_name_not_blank", sql`length(trim(${t.name})) > 0`),
    check("evaluations_outcome_known", sql`${t.outcome} in ('contact', 'conversation', 'commitment', 'module')`),
    check("evaluations_module_outcome", sql`(${t.outcome} = 'module') = (${t.outcomeModule} is not null)`),
    check("evaluations_period_order", sql`${t.periodEnd} >= ${t.periodStart}`),
    check("evaluations_status_known", sql`${t.status} in ('registered', 'stopped')`),
    check("evaluations_design_known", sql`${t.design} in ('timing', 'variant')`),
    check("evaluations_variant_design", sql`(${t.design} = 'variant') = (${t.variantModule} is not null)`),
    check("evaluations_stop_recorded", sql`(${t.status} = 'stopped') = (${t.stoppedAt} is not null and ${t.stopReason} is not null)`),
    index("evaluations_registered_idx").on(t.registeredAt),
  ],
);

export const evaluationGroups = pgTable(
  "evaluation_groups",
  {
    evaluationId: uuid("evaluation_id")
      .notNull()
      .references(() => evaluations.id, { onDelete: "cascade" }),
    groupId: uuid("group_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    /**
     * Activists of this group the draw left out because they had already begun either
     * version (an A/B evaluation, ADR 046); 0 for the timing design. Null: registered before
     * this was kept (migration 0032), so not known.
     */
    notDrawn: integer("not_drawn"),
  },
  (t) => [
    primaryKey({ columns: [t.evaluationId, t.groupId] }),
    index("evaluation_groups_group_idx").on(t.groupId),
    check("evaluation_groups_not_drawn_count", sql`${t.notDrawn} >= 0`),
  ],
);

// Who was assigned where when the evaluation was registered. A person in two chosen
// groups has one stratum: the first of them in group-id order.
export const evaluationAssignments = pgTable(
  "evaluation_assignments",
  {
    evaluationId: uuid("evaluation_id")
      .notNull()
      .references(() => evaluations.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    stratumGroupId: uuid("stratum_group_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    arm: text("arm").$type<EvaluationArm>().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.evaluationId, t.userId] }),
    index("evaluation_assignments_user_idx").on(t.userId),
    check("evaluation_assignments_arm_known", sql`${t.arm} in ('now', 'later', 'original', 'variant')`),
  ],
);

export type Evaluation = typeof evaluations.$inferSelect;

// Live sessions planned ahead (issue 18 part 4, ADR 034): the group is invited by email
// with an .ics, reminded the day before, and followed up once the live session it became ends.
export const scheduledSessions = pgTable(
  "scheduled_sessions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    moduleSlug: text("module_slug").notNull(),
    groupId: uuid("group_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    trainerId: text("trainer_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    startsAt: timestamp("starts_at", { withTimezone: true }).notNull(),
    minutes: integer("minutes").notNull(),
    /** A meeting place, or an https call link: exactly one. */
    place: text("place"),
    callUrl: text("call_url"),
    // The site the invitation linked to: the follow-up is queued when the session ends,
    // from a live command that has no request of its own to take an origin from.
    origin: text("origin").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    cancelledAt: timestamp("cancelled_at", { withTimezone: true }),
    // The .ics SEQUENCE: 0 as invited, +1 on each edit and on cancelling (RFC 5545 §3.8.7.4),
    // so calendars apply an update or a cancellation over the event they already hold.
    sequence: integer("sequence").notNull().default(0),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    liveSessionId: uuid("live_session_id")
      .unique()
      .references(() => liveSessions.id, { onDelete: "set null" }),
  },
  (t) => [
    index("scheduled_sessions_group_starts_idx").on(t.groupId, t.startsAt),
    index("scheduled_sessions_trainer_starts_idx").on(t.trainerId, t.startsAt),
    check("scheduled_sessions_minutes_range", sql`${t.minutes} between 15 and 480`),
    check("scheduled_sessions_place_or_call", sql`(${t.place} is null) <> (${t.callUrl} is null)`),
  ],
);

export const sessionRsvps = pgTable(
  "session_rsvps",
  {
    scheduledSessionId: uuid("scheduled_session_id")
      .notNull()
      .references(() => scheduledSessions.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    coming: boolean("coming").notNull(),
    answeredAt: timestamp("answered_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.scheduledSessionId, t.userId] })],
);

export type ScheduledSession = typeof scheduledSessions.$inferSelect;
