CREATE TABLE "canvass_contacts" (
	"source" text NOT NULL,
	"external_id" text NOT NULL,
	"import_id" uuid,
	"user_id" text NOT NULL,
	"group_id" uuid NOT NULL,
	"day" date NOT NULL,
	"result" text NOT NULL,
	"support" smallint,
	"commitment" boolean DEFAULT false NOT NULL,
	CONSTRAINT "canvass_contacts_source_external_id_pk" PRIMARY KEY("source","external_id"),
	CONSTRAINT "canvass_contacts_result_known" CHECK ("canvass_contacts"."result" in ('no-answer', 'contact', 'conversation')),
	CONSTRAINT "canvass_contacts_support_range" CHECK ("canvass_contacts"."support" is null or "canvass_contacts"."support" between 1 and 5)
);
--> statement-breakpoint
CREATE TABLE "canvass_imports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"source" text NOT NULL,
	"file_name" text DEFAULT '' NOT NULL,
	"created_by" text,
	"status" text DEFAULT 'running' NOT NULL,
	"mapping" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"rows_read" integer DEFAULT 0 NOT NULL,
	"rows_added" integer DEFAULT 0 NOT NULL,
	"rows_already_there" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "debriefs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" text NOT NULL,
	"group_id" uuid NOT NULL,
	"shift_id" uuid,
	"day" date NOT NULL,
	"kind" text NOT NULL,
	"attempts" integer NOT NULL,
	"contacts" integer NOT NULL,
	"conversations" integer NOT NULL,
	"commitments" integer NOT NULL,
	"outcomes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"objections" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"hardest_objection" text,
	"differently" text DEFAULT '' NOT NULL,
	"form_key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "debriefs_kind_known" CHECK ("debriefs"."kind" in ('doors', 'phones')),
	CONSTRAINT "debriefs_counts_nest" CHECK ("debriefs"."commitments" >= 0 and "debriefs"."conversations" >= "debriefs"."commitments" and "debriefs"."contacts" >= "debriefs"."conversations" and "debriefs"."attempts" >= "debriefs"."contacts")
);
--> statement-breakpoint
CREATE TABLE "field_daily" (
	"user_id" text NOT NULL,
	"group_id" uuid NOT NULL,
	"day" date NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"contacts" integer DEFAULT 0 NOT NULL,
	"conversations" integer DEFAULT 0 NOT NULL,
	"commitments" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "field_daily_user_id_group_id_day_pk" PRIMARY KEY("user_id","group_id","day")
);
--> statement-breakpoint
CREATE TABLE "mail_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"to_address" text NOT NULL,
	"user_id" text,
	"template" text NOT NULL,
	"subject" text NOT NULL,
	"text_body" text NOT NULL,
	"html_body" text NOT NULL,
	"attachments" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"sensitive" boolean DEFAULT false NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error" text,
	"dedupe_key" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	CONSTRAINT "mail_messages_dedupe_key_unique" UNIQUE("dedupe_key"),
	CONSTRAINT "mail_messages_status_known" CHECK ("mail_messages"."status" in ('queued', 'sending', 'sent', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "shifts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"group_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"day" date NOT NULL,
	"meeting_point" text DEFAULT '' NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "shifts_kind_known" CHECK ("shifts"."kind" in ('doors', 'phones'))
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "nudge_emails" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "canvass_contacts" ADD CONSTRAINT "canvass_contacts_import_id_canvass_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."canvass_imports"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "canvass_contacts" ADD CONSTRAINT "canvass_contacts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "canvass_contacts" ADD CONSTRAINT "canvass_contacts_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "canvass_imports" ADD CONSTRAINT "canvass_imports_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "debriefs" ADD CONSTRAINT "debriefs_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "debriefs" ADD CONSTRAINT "debriefs_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "debriefs" ADD CONSTRAINT "debriefs_shift_id_shifts_id_fk" FOREIGN KEY ("shift_id") REFERENCES "public"."shifts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "field_daily" ADD CONSTRAINT "field_daily_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "field_daily" ADD CONSTRAINT "field_daily_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mail_messages" ADD CONSTRAINT "mail_messages_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shifts" ADD CONSTRAINT "shifts_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shifts" ADD CONSTRAINT "shifts_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "canvass_contacts_group_day_idx" ON "canvass_contacts" USING btree ("group_id","day");--> statement-breakpoint
CREATE INDEX "canvass_contacts_user_day_idx" ON "canvass_contacts" USING btree ("user_id","day");--> statement-breakpoint
CREATE UNIQUE INDEX "debriefs_user_form_key_idx" ON "debriefs" USING btree ("user_id","form_key");--> statement-breakpoint
CREATE INDEX "debriefs_group_day_idx" ON "debriefs" USING btree ("group_id","day");--> statement-breakpoint
CREATE INDEX "debriefs_user_day_idx" ON "debriefs" USING btree ("user_id","day");--> statement-breakpoint
CREATE INDEX "debriefs_shift_idx" ON "debriefs" USING btree ("shift_id");--> statement-breakpoint
CREATE INDEX "field_daily_group_day_idx" ON "field_daily" USING btree ("group_id","day");--> statement-breakpoint
CREATE INDEX "field_daily_user_day_idx" ON "field_daily" USING btree ("user_id","day");--> statement-breakpoint
CREATE INDEX "mail_messages_due_idx" ON "mail_messages" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "mail_messages_user_idx" ON "mail_messages" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "shifts_group_day_idx" ON "shifts" USING btree ("group_id","day");