import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  index,
  integer,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";

// ---------------------------------------------------------------- enums

export const userRoles = ["activist", "trainer", "organiser", "admin"] as const;
export const userRole = pgEnum("user_role", userRoles);

export const groupKinds = ["branch", "constituency", "union", "campus", "other"] as const;
export const groupKind = pgEnum("group_kind", groupKinds);

// ---------------------------------------------------------------- accounts

export const users = pgTable("users", {
  id: text("id").primaryKey(),
  // Always stored lower-cased so the unique index is case-insensitive in effect.
  email: text("email").notNull().unique(),
  name: text("name").notNull(),
  passwordHash: text("password_hash").notNull(),
  role: userRole("role").notNull().default("activist"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

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
  (t) => [primaryKey({ columns: [t.userId, t.groupId] }), index("memberships_group_idx").on(t.groupId)],
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
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("invites_group_idx").on(t.groupId)],
);

// Failed sign-ins per key ("email:…" or "ip:…") in a fixed window. In the database, not
// in memory, so every app instance sees the same count.
export const loginThrottle = pgTable(
  "login_throttle",
  {
    key: text("key").primaryKey(),
    windowStartedAt: timestamp("window_started_at", { withTimezone: true }).notNull(),
    failures: integer("failures").notNull().default(0),
  },
);

export type User = typeof users.$inferSelect;
export type Group = typeof groups.$inferSelect;
export type Invite = typeof invites.$inferSelect;
export type UserRole = (typeof userRoles)[number];
export type GroupKind = (typeof groupKinds)[number];
