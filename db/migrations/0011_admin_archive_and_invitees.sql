ALTER TABLE "groups" ADD COLUMN "archived_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "invites" ADD COLUMN "invitee_name" text;--> statement-breakpoint
ALTER TABLE "invites" ADD COLUMN "invitee_email" text;--> statement-breakpoint
CREATE INDEX "invites_invitee_email_idx" ON "invites" USING btree ("invitee_email");