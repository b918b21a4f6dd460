CREATE TABLE "scheduled_sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"module_slug" text NOT NULL,
	"group_id" uuid NOT NULL,
	"trainer_id" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"minutes" integer NOT NULL,
	"place" text,
	"call_url" text,
	"origin" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"cancelled_at" timestamp with time zone,
	"live_session_id" uuid,
	CONSTRAINT "scheduled_sessions_live_session_id_unique" UNIQUE("live_session_id"),
	CONSTRAINT "scheduled_sessions_minutes_range" CHECK ("scheduled_sessions"."minutes" between 15 and 480),
	CONSTRAINT "scheduled_sessions_place_or_call" CHECK (("scheduled_sessions"."place" is null) <> ("scheduled_sessions"."call_url" is null))
);
--> statement-breakpoint
CREATE TABLE "session_rsvps" (
	"scheduled_session_id" uuid NOT NULL,
	"user_id" text NOT NULL,
	"coming" boolean NOT NULL,
	"answered_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "session_rsvps_scheduled_session_id_user_id_pk" PRIMARY KEY("scheduled_session_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "scheduled_sessions" ADD CONSTRAINT "scheduled_sessions_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scheduled_sessions" ADD CONSTRAINT "scheduled_sessions_trainer_id_users_id_fk" FOREIGN KEY ("trainer_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scheduled_sessions" ADD CONSTRAINT "scheduled_sessions_live_session_id_live_sessions_id_fk" FOREIGN KEY ("live_session_id") REFERENCES "public"."live_sessions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_rsvps" ADD CONSTRAINT "session_rsvps_scheduled_session_id_scheduled_sessions_id_fk" FOREIGN KEY ("scheduled_session_id") REFERENCES "public"."scheduled_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_rsvps" ADD CONSTRAINT "session_rsvps_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "scheduled_sessions_group_starts_idx" ON "scheduled_sessions" USING btree ("group_id","starts_at");--> statement-breakpoint
CREATE INDEX "scheduled_sessions_trainer_starts_idx" ON "scheduled_sessions" USING btree ("trainer_id","starts_at");