CREATE TABLE "evaluation_assignments" (
	"evaluation_id" uuid NOT NULL,
	"user_id" text NOT NULL,
	"stratum_group_id" uuid NOT NULL,
	"arm" text NOT NULL,
	CONSTRAINT "evaluation_assignments_evaluation_id_user_id_pk" PRIMARY KEY("evaluation_id","user_id"),
	CONSTRAINT "evaluation_assignments_arm_known" CHECK ("evaluation_assignments"."arm" in ('now', 'later'))
);
--> statement-breakpoint
CREATE TABLE "evaluation_groups" (
	"evaluation_id" uuid NOT NULL,
	"group_id" uuid NOT NULL,
	CONSTRAINT "evaluation_groups_evaluation_id_group_id_pk" PRIMARY KEY("evaluation_id","group_id")
);
--> statement-breakpoint
CREATE TABLE "evaluations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"outcome" text NOT NULL,
	"outcome_module" text,
	"period_start" date NOT NULL,
	"period_end" date NOT NULL,
	"seed" text NOT NULL,
	"created_by" text,
	"registered_at" timestamp with time zone DEFAULT now() NOT NULL,
	"status" text DEFAULT 'registered' NOT NULL,
	"form_key" text NOT NULL,
	CONSTRAINT "evaluations_name_not_blank" CHECK (length(trim("evaluations"."name")) > 0),
	CONSTRAINT "evaluations_outcome_known" CHECK ("evaluations"."outcome" in ('contact', 'conversation', 'commitment', 'module')),
	CONSTRAINT "evaluations_module_outcome" CHECK (("evaluations"."outcome" = 'module') = ("evaluations"."outcome_module" is not null)),
	CONSTRAINT "evaluations_period_order" CHECK ("evaluations"."period_end" >= "evaluations"."period_start"),
	CONSTRAINT "evaluations_status_known" CHECK ("evaluations"."status" in ('registered', 'stopped'))
);
--> statement-breakpoint
ALTER TABLE "evaluation_assignments" ADD CONSTRAINT "evaluation_assignments_evaluation_id_evaluations_id_fk" FOREIGN KEY ("evaluation_id") REFERENCES "public"."evaluations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluation_assignments" ADD CONSTRAINT "evaluation_assignments_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluation_assignments" ADD CONSTRAINT "evaluation_assignments_stratum_group_id_groups_id_fk" FOREIGN KEY ("stratum_group_id") REFERENCES "public"."groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluation_groups" ADD CONSTRAINT "evaluation_groups_evaluation_id_evaluations_id_fk" FOREIGN KEY ("evaluation_id") REFERENCES "public"."evaluations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluation_groups" ADD CONSTRAINT "evaluation_groups_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluations" ADD CONSTRAINT "evaluations_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "evaluation_assignments_user_idx" ON "evaluation_assignments" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "evaluation_groups_group_idx" ON "evaluation_groups" USING btree ("group_id");--> statement-breakpoint
CREATE UNIQUE INDEX "evaluations_creator_form_key_idx" ON "evaluations" USING btree ("created_by","form_key");--> statement-breakpoint
CREATE INDEX "evaluations_registered_idx" ON "evaluations" USING btree ("registered_at");
--> statement-breakpoint
-- Pre-registration (ADR 033): once an evaluation is registered its outcome, period, seed,
-- groups and assignments cannot change. Only its status may move on, and created_by may
-- become null when that account is deleted. Groups and assignments may be added only in
-- the transaction that registered it (now() is the transaction's start, the default of
-- registered_at), so people who join a group later are never added. Rows may still be
-- deleted by a cascade: erasing a person or a group wins over the evaluation.
CREATE FUNCTION "evaluation_fixed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.id IS DISTINCT FROM OLD.id OR NEW.name IS DISTINCT FROM OLD.name OR NEW.outcome IS DISTINCT FROM OLD.outcome
     OR NEW.outcome_module IS DISTINCT FROM OLD.outcome_module OR NEW.period_start IS DISTINCT FROM OLD.period_start
     OR NEW.period_end IS DISTINCT FROM OLD.period_end OR NEW.seed IS DISTINCT FROM OLD.seed
     OR NEW.registered_at IS DISTINCT FROM OLD.registered_at OR NEW.form_key IS DISTINCT FROM OLD.form_key
     OR (NEW.created_by IS DISTINCT FROM OLD.created_by AND NEW.created_by IS NOT NULL) THEN
    RAISE EXCEPTION 'evaluation % is registered: its design cannot change', OLD.id USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "evaluations_fixed" BEFORE UPDATE ON "evaluations" FOR EACH ROW EXECUTE FUNCTION "evaluation_fixed"();
--> statement-breakpoint
CREATE FUNCTION "evaluation_member_fixed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    RAISE EXCEPTION 'evaluation % is registered: its assignments cannot change', OLD.evaluation_id USING ERRCODE = 'check_violation';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM evaluations e WHERE e.id = NEW.evaluation_id AND e.registered_at = now()) THEN
    RAISE EXCEPTION 'evaluation % is registered: nobody can be added to it', NEW.evaluation_id USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "evaluation_groups_fixed" BEFORE INSERT OR UPDATE ON "evaluation_groups" FOR EACH ROW EXECUTE FUNCTION "evaluation_member_fixed"();
--> statement-breakpoint
CREATE TRIGGER "evaluation_assignments_fixed" BEFORE INSERT OR UPDATE ON "evaluation_assignments" FOR EACH ROW EXECUTE FUNCTION "evaluation_member_fixed"();
