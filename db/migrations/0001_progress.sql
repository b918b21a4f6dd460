CREATE TYPE "public"."completion_how" AS ENUM('self', 'live');--> statement-breakpoint
CREATE TABLE "module_completions" (
	"user_id" text NOT NULL,
	"module_slug" text NOT NULL,
	"content_hash" text NOT NULL,
	"how" "completion_how" NOT NULL,
	"live_session_id" uuid,
	"completed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "module_completions_user_id_module_slug_pk" PRIMARY KEY("user_id","module_slug")
);
--> statement-breakpoint
CREATE TABLE "modules" (
	"slug" text PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"position" integer NOT NULL,
	"content_hash" text NOT NULL,
	"draft" boolean DEFAULT false NOT NULL,
	"step_count" integer NOT NULL,
	"required_quiz_ids" jsonb NOT NULL,
	"required_scenario_ids" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "poll_answers" (
	"user_id" text NOT NULL,
	"module_slug" text NOT NULL,
	"poll_id" text NOT NULL,
	"option_id" text NOT NULL,
	"answered_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "poll_answers_user_id_module_slug_poll_id_pk" PRIMARY KEY("user_id","module_slug","poll_id")
);
--> statement-breakpoint
CREATE TABLE "quiz_attempts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" text NOT NULL,
	"module_slug" text NOT NULL,
	"quiz_id" text NOT NULL,
	"content_hash" text NOT NULL,
	"attempt_key" text NOT NULL,
	"answers" jsonb NOT NULL,
	"results" jsonb NOT NULL,
	"score" integer NOT NULL,
	"passed" boolean NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "quiz_attempts_score_range" CHECK ("quiz_attempts"."score" between 0 and 100)
);
--> statement-breakpoint
CREATE TABLE "reflections" (
	"user_id" text NOT NULL,
	"module_slug" text NOT NULL,
	"reflect_id" text NOT NULL,
	"body" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reflections_user_id_module_slug_reflect_id_pk" PRIMARY KEY("user_id","module_slug","reflect_id"),
	CONSTRAINT "reflections_body_length" CHECK (length("reflections"."body") <= 5000)
);
--> statement-breakpoint
CREATE TABLE "scenario_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" text NOT NULL,
	"module_slug" text NOT NULL,
	"scenario_id" text NOT NULL,
	"content_hash" text NOT NULL,
	"run_key" text NOT NULL,
	"path" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"current_node" text NOT NULL,
	"ending_id" text,
	"outcome" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone,
	CONSTRAINT "scenario_runs_outcome" CHECK ("scenario_runs"."outcome" is null or "scenario_runs"."outcome" in ('good', 'mixed', 'lost'))
);
--> statement-breakpoint
CREATE TABLE "step_views" (
	"user_id" text NOT NULL,
	"module_slug" text NOT NULL,
	"step_id" text NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "step_views_user_id_module_slug_step_id_pk" PRIMARY KEY("user_id","module_slug","step_id")
);
--> statement-breakpoint
ALTER TABLE "module_completions" ADD CONSTRAINT "module_completions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_answers" ADD CONSTRAINT "poll_answers_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quiz_attempts" ADD CONSTRAINT "quiz_attempts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reflections" ADD CONSTRAINT "reflections_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scenario_runs" ADD CONSTRAINT "scenario_runs_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "step_views" ADD CONSTRAINT "step_views_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "module_completions_module_idx" ON "module_completions" USING btree ("module_slug","completed_at");--> statement-breakpoint
CREATE INDEX "poll_answers_module_idx" ON "poll_answers" USING btree ("module_slug","poll_id");--> statement-breakpoint
CREATE UNIQUE INDEX "quiz_attempts_key_idx" ON "quiz_attempts" USING btree ("user_id","attempt_key");--> statement-breakpoint
CREATE INDEX "quiz_attempts_user_module_idx" ON "quiz_attempts" USING btree ("user_id","module_slug","quiz_id");--> statement-breakpoint
CREATE INDEX "quiz_attempts_module_idx" ON "quiz_attempts" USING btree ("module_slug","quiz_id");--> statement-breakpoint
CREATE UNIQUE INDEX "scenario_runs_key_idx" ON "scenario_runs" USING btree ("user_id","run_key");--> statement-breakpoint
CREATE INDEX "scenario_runs_user_module_idx" ON "scenario_runs" USING btree ("user_id","module_slug","scenario_id");--> statement-breakpoint
CREATE INDEX "scenario_runs_module_idx" ON "scenario_runs" USING btree ("module_slug","scenario_id");--> statement-breakpoint
CREATE INDEX "step_views_module_idx" ON "step_views" USING btree ("module_slug");