ALTER TABLE "evaluation_assignments" DROP CONSTRAINT "evaluation_assignments_arm_known";--> statement-breakpoint
ALTER TABLE "evaluations" ADD COLUMN "design" text DEFAULT 'timing' NOT NULL;--> statement-breakpoint
ALTER TABLE "evaluations" ADD COLUMN "variant_module" text;--> statement-breakpoint
ALTER TABLE "evaluations" ADD COLUMN "stopped_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "evaluations" ADD COLUMN "stop_reason" text;--> statement-breakpoint
ALTER TABLE "modules" ADD COLUMN "variant_of" text;--> statement-breakpoint
ALTER TABLE "evaluation_assignments" ADD CONSTRAINT "evaluation_assignments_arm_known" CHECK ("evaluation_assignments"."arm" in ('now', 'later', 'original', 'variant'));--> statement-breakpoint
ALTER TABLE "evaluations" ADD CONSTRAINT "evaluations_design_known" CHECK ("evaluations"."design" in ('timing', 'variant'));--> statement-breakpoint
ALTER TABLE "evaluations" ADD CONSTRAINT "evaluations_variant_design" CHECK (("evaluations"."design" = 'variant') = ("evaluations"."variant_module" is not null));--> statement-breakpoint
ALTER TABLE "evaluations" ADD CONSTRAINT "evaluations_stop_recorded" CHECK (("evaluations"."status" = 'stopped') = ("evaluations"."stopped_at" is not null and "evaluations"."stop_reason" is not null));--> statement-breakpoint
-- ADR 039: the design and the variant are fixed like the rest of the design (ADR 033). An
-- evaluation may be stopped once: status, stopped_at and stop_reason move together from
-- "registered" to "stopped" (evaluations_stop_recorded), and never back or again.
CREATE OR REPLACE FUNCTION "evaluation_fixed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.id IS DISTINCT FROM OLD.id OR NEW.name IS DISTINCT FROM OLD.name OR NEW.outcome IS DISTINCT FROM OLD.outcome
     OR NEW.outcome_module IS DISTINCT FROM OLD.outcome_module OR NEW.period_start IS DISTINCT FROM OLD.period_start
     OR NEW.period_end IS DISTINCT FROM OLD.period_end OR NEW.seed IS DISTINCT FROM OLD.seed
     OR NEW.registered_at IS DISTINCT FROM OLD.registered_at OR NEW.form_key IS DISTINCT FROM OLD.form_key
     OR NEW.design IS DISTINCT FROM OLD.design OR NEW.variant_module IS DISTINCT FROM OLD.variant_module
     OR (NEW.created_by IS DISTINCT FROM OLD.created_by AND NEW.created_by IS NOT NULL) THEN
    RAISE EXCEPTION 'evaluation % is registered: its design cannot change', OLD.id USING ERRCODE = 'check_violation';
  END IF;
  IF OLD.status = 'stopped' AND (NEW.status IS DISTINCT FROM OLD.status OR NEW.stopped_at IS DISTINCT FROM OLD.stopped_at
     OR NEW.stop_reason IS DISTINCT FROM OLD.stop_reason) THEN
    RAISE EXCEPTION 'evaluation % was stopped: its stop cannot change', OLD.id USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
-- Completing a variant counts as completing its original (ADR 039), once: the completion
-- is copied to the original's slug unless the learner already has one there. Reports and
-- summaries count published modules only, and a variant is mirrored as a draft, so the
-- variant's own row is never counted beside the copy.
CREATE FUNCTION "variant_completion_counts"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  original text;
BEGIN
  SELECT variant_of INTO original FROM modules WHERE slug = NEW.module_slug;
  IF original IS NOT NULL THEN
    INSERT INTO module_completions (user_id, module_slug, content_hash, how, live_session_id, completed_at)
    VALUES (NEW.user_id, original, NEW.content_hash, NEW.how, NEW.live_session_id, NEW.completed_at)
    ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "module_completions_variant" AFTER INSERT ON "module_completions" FOR EACH ROW EXECUTE FUNCTION "variant_completion_counts"();
