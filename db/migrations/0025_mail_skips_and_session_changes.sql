ALTER TABLE "mail_messages" DROP CONSTRAINT "mail_messages_status_known";--> statement-breakpoint
ALTER TABLE "mail_messages" ADD COLUMN "honours_opt_out" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "mail_messages" ADD COLUMN "skip_reason" text;--> statement-breakpoint
ALTER TABLE "scheduled_sessions" ADD COLUMN "sequence" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "scheduled_sessions" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "mail_messages" ADD CONSTRAINT "mail_messages_status_known" CHECK ("mail_messages"."status" in ('queued', 'sending', 'sent', 'failed', 'skipped'));--> statement-breakpoint
-- Mail queued before this migration that is an "extra" (ADR 029/030/034) honours the opt-out at send time too.
UPDATE "mail_messages" SET "honours_opt_out" = true WHERE "template" IN ('nudge', 'session-reminder', 'session-follow-up');--> statement-breakpoint
UPDATE "scheduled_sessions" SET "updated_at" = "created_at";
