CREATE TABLE "nudge_recipients" (
	"nudge_id" uuid NOT NULL,
	"user_id" text NOT NULL,
	"module_slug" text,
	"sent_at" timestamp with time zone,
	"left_out" text,
	CONSTRAINT "nudge_recipients_nudge_id_user_id_pk" PRIMARY KEY("nudge_id","user_id"),
	CONSTRAINT "nudge_recipients_left_out_known" CHECK ("nudge_recipients"."left_out" is null or "nudge_recipients"."left_out" in ('opted-out', 'archived', 'recently-nudged')),
	CONSTRAINT "nudge_recipients_sent_or_left_out" CHECK (("nudge_recipients"."sent_at" is null) <> ("nudge_recipients"."left_out" is null))
);
--> statement-breakpoint
CREATE TABLE "nudges" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"sender_id" text,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL,
	"filter" jsonb NOT NULL,
	"filter_label" text NOT NULL,
	"template" text NOT NULL,
	"subject" text NOT NULL,
	"body" text NOT NULL,
	"recipient_count" integer NOT NULL,
	"form_key" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "nudge_recipients" ADD CONSTRAINT "nudge_recipients_nudge_id_nudges_id_fk" FOREIGN KEY ("nudge_id") REFERENCES "public"."nudges"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "nudge_recipients" ADD CONSTRAINT "nudge_recipients_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "nudges" ADD CONSTRAINT "nudges_sender_id_users_id_fk" FOREIGN KEY ("sender_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "nudge_recipients_user_sent_idx" ON "nudge_recipients" USING btree ("user_id","sent_at");--> statement-breakpoint
CREATE UNIQUE INDEX "nudges_sender_form_key_idx" ON "nudges" USING btree ("sender_id","form_key");--> statement-breakpoint
CREATE INDEX "nudges_sender_sent_idx" ON "nudges" USING btree ("sender_id","sent_at");