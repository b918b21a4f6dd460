CREATE TYPE "public"."live_status" AS ENUM('open', 'ended');--> statement-breakpoint
CREATE TABLE "live_join_throttle" (
	"key" text PRIMARY KEY NOT NULL,
	"window_started_at" timestamp with time zone NOT NULL,
	"count" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "live_newcomers" (
	"user_id" text PRIMARY KEY NOT NULL,
	"session_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"password_set_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "live_participants" (
	"session_id" uuid NOT NULL,
	"user_id" text NOT NULL,
	"joined_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"mark" text,
	"attended" boolean,
	"newcomer" boolean DEFAULT false NOT NULL,
	CONSTRAINT "live_participants_session_id_user_id_pk" PRIMARY KEY("session_id","user_id"),
	CONSTRAINT "live_participants_mark" CHECK ("live_participants"."mark" is null or "live_participants"."mark" in ('present', 'absent'))
);
--> statement-breakpoint
CREATE TABLE "live_responses" (
	"session_id" uuid NOT NULL,
	"activity_id" text NOT NULL,
	"slot" text DEFAULT '' NOT NULL,
	"user_id" text NOT NULL,
	"answer" jsonb NOT NULL,
	"answered_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "live_responses_session_id_activity_id_slot_user_id_pk" PRIMARY KEY("session_id","activity_id","slot","user_id")
);
--> statement-breakpoint
CREATE TABLE "live_rubric_ticks" (
	"session_id" uuid NOT NULL,
	"activity_id" text NOT NULL,
	"round" integer NOT NULL,
	"observer_id" text NOT NULL,
	"canvasser_id" text NOT NULL,
	"items" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "live_rubric_ticks_session_id_activity_id_round_observer_id_pk" PRIMARY KEY("session_id","activity_id","round","observer_id")
);
--> statement-breakpoint
CREATE TABLE "live_sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"module_slug" text NOT NULL,
	"content_hash" text NOT NULL,
	"trainer_id" text NOT NULL,
	"group_id" uuid,
	"status" "live_status" DEFAULT 'open' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"step_index" integer DEFAULT 0 NOT NULL,
	"revealed" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"timer_ends_at" timestamp with time zone,
	"timer_seconds" integer,
	"pairing" jsonb,
	"scenarios" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"first_advanced_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	CONSTRAINT "live_sessions_code_unique" UNIQUE("code"),
	CONSTRAINT "live_sessions_code_format" CHECK ("live_sessions"."code" ~ '^[A-HJKMNP-Z]{6}$'),
	CONSTRAINT "live_sessions_step_index" CHECK ("live_sessions"."step_index" >= 0),
	CONSTRAINT "live_sessions_timer_seconds" CHECK ("live_sessions"."timer_seconds" is null or "live_sessions"."timer_seconds" between 1 and 3600)
);
--> statement-breakpoint
ALTER TABLE "live_newcomers" ADD CONSTRAINT "live_newcomers_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_newcomers" ADD CONSTRAINT "live_newcomers_session_id_live_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."live_sessions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_participants" ADD CONSTRAINT "live_participants_session_id_live_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."live_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_participants" ADD CONSTRAINT "live_participants_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_responses" ADD CONSTRAINT "live_responses_session_id_live_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."live_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_responses" ADD CONSTRAINT "live_responses_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_rubric_ticks" ADD CONSTRAINT "live_rubric_ticks_session_id_live_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."live_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_rubric_ticks" ADD CONSTRAINT "live_rubric_ticks_observer_id_users_id_fk" FOREIGN KEY ("observer_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_rubric_ticks" ADD CONSTRAINT "live_rubric_ticks_canvasser_id_users_id_fk" FOREIGN KEY ("canvasser_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_sessions" ADD CONSTRAINT "live_sessions_trainer_id_users_id_fk" FOREIGN KEY ("trainer_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_sessions" ADD CONSTRAINT "live_sessions_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "live_participants_user_idx" ON "live_participants" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "live_sessions_trainer_idx" ON "live_sessions" USING btree ("trainer_id","created_at");--> statement-breakpoint
ALTER TABLE "module_completions" ADD CONSTRAINT "module_completions_live_session_id_live_sessions_id_fk" FOREIGN KEY ("live_session_id") REFERENCES "public"."live_sessions"("id") ON DELETE set null ON UPDATE no action;