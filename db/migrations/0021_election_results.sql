CREATE TABLE "election_results" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"election" text NOT NULL,
	"seat" text NOT NULL,
	"group_id" uuid,
	"region" text NOT NULL,
	"electorate" integer,
	"previous_share" double precision NOT NULL,
	"new_share" double precision NOT NULL,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "election_results_names_not_blank" CHECK (length(trim("election_results"."election")) > 0 and length(trim("election_results"."seat")) > 0 and length(trim("election_results"."region")) > 0),
	CONSTRAINT "election_results_shares_are_percent" CHECK ("election_results"."previous_share" between 0 and 100 and "election_results"."new_share" between 0 and 100),
	CONSTRAINT "election_results_electorate_positive" CHECK ("election_results"."electorate" is null or "election_results"."electorate" > 0)
);
--> statement-breakpoint
ALTER TABLE "election_results" ADD CONSTRAINT "election_results_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "election_results_election_seat_idx" ON "election_results" USING btree ("election","seat");