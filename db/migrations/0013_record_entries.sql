CREATE TABLE "record_entries" (
	"user_id" text NOT NULL,
	"module_slug" text NOT NULL,
	"record_id" text NOT NULL,
	"entry" jsonb NOT NULL,
	"results" jsonb NOT NULL,
	"ending_id" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "record_entries_user_id_module_slug_record_id_pk" PRIMARY KEY("user_id","module_slug","record_id")
);
--> statement-breakpoint
ALTER TABLE "record_entries" ADD CONSTRAINT "record_entries_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "record_entries_module_idx" ON "record_entries" USING btree ("module_slug","record_id");