CREATE TABLE "email_links" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"purpose" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "email_links_purpose_known" CHECK ("email_links"."purpose" in ('sign-in', 'reset', 'unsubscribe'))
);
--> statement-breakpoint
ALTER TABLE "email_links" ADD CONSTRAINT "email_links_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "email_links_user_idx" ON "email_links" USING btree ("user_id","purpose");--> statement-breakpoint
CREATE INDEX "email_links_expires_idx" ON "email_links" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "mail_messages_unwiped_secret_idx" ON "mail_messages" USING btree ("created_at") WHERE "mail_messages"."sensitive" and "mail_messages"."text_body" <> '';