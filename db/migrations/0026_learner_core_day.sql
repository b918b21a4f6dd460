ALTER TABLE "learner_totals" ADD COLUMN "last_core_day" date;--> statement-breakpoint
-- Each person's training day kept with their count (ADR 042): the impact report probed
-- module_completions for every trained person on every request (3,878 people at the
-- bench's scale). last_core_day is the UTC day of their latest completion of a published
-- module; when core_completed equals the number of published modules it is their training
-- day (ADR 028, unchanged). Kept by its own triggers, named to fire after the ones of
-- migration 0003 (same table, alphabetical order), which create the learner_totals row.
CREATE FUNCTION "report_refresh_core_day"(p_user text) RETURNS void LANGUAGE sql AS $$
  UPDATE learner_totals SET last_core_day = (
    SELECT (max(c.completed_at) AT TIME ZONE 'UTC')::date
    FROM module_completions c JOIN modules m ON m.slug = c.module_slug AND NOT m.draft
    WHERE c.user_id = p_user)
  WHERE user_id = p_user;
$$;
--> statement-breakpoint
CREATE FUNCTION "report_core_day_completions_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    -- The common case, cheap: a new completion can only move the day later.
    UPDATE learner_totals SET last_core_day = greatest(last_core_day, (NEW.completed_at AT TIME ZONE 'UTC')::date)
    WHERE user_id = NEW.user_id AND EXISTS (SELECT 1 FROM modules WHERE slug = NEW.module_slug AND NOT draft);
    RETURN NULL;
  END IF;
  -- A deleted or changed completion may have been the latest: recount from the person's own.
  PERFORM report_refresh_core_day(OLD.user_id);
  IF TG_OP = 'UPDATE' AND NEW.user_id <> OLD.user_id THEN PERFORM report_refresh_core_day(NEW.user_id); END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "report_core_day_modules_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  slug text := coalesce(NEW.slug, OLD.slug);
BEGIN
  -- Publishing or unpublishing a module moves the day of everyone who completed it.
  UPDATE learner_totals lt SET last_core_day = (
    SELECT (max(c.completed_at) AT TIME ZONE 'UTC')::date
    FROM module_completions c JOIN modules m ON m.slug = c.module_slug AND NOT m.draft
    WHERE c.user_id = lt.user_id)
  WHERE lt.user_id IN (SELECT c.user_id FROM module_completions c WHERE c.module_slug = slug);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "module_completions_report_core_day" AFTER INSERT OR UPDATE OR DELETE ON "module_completions" FOR EACH ROW EXECUTE FUNCTION report_core_day_completions_changed();
--> statement-breakpoint
CREATE TRIGGER "modules_report_core_day" AFTER INSERT OR UPDATE OF draft OR DELETE ON "modules" FOR EACH ROW EXECUTE FUNCTION report_core_day_modules_changed();
--> statement-breakpoint
-- report_rebuild_summaries (migration 0010) as it was, but learner_totals gets the day too.
CREATE OR REPLACE FUNCTION "report_rebuild_summaries"() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE users, memberships, modules, step_views, module_completions, quiz_attempts, scenario_runs IN SHARE MODE;
  ALTER TABLE module_progress DISABLE TRIGGER module_progress_report;
  ALTER TABLE learner_totals DISABLE TRIGGER learner_totals_report;
  TRUNCATE module_progress, learner_totals, group_progress_counts;
  INSERT INTO module_progress (user_id, module_slug, started_at, completed_at, how)
  SELECT coalesce(v.user_id, c.user_id), coalesce(v.module_slug, c.module_slug), least(v.started, c.completed_at), c.completed_at, c.how
  FROM (SELECT user_id, module_slug, min(first_seen_at) AS started FROM step_views GROUP BY user_id, module_slug) v
  FULL JOIN module_completions c ON c.user_id = v.user_id AND c.module_slug = v.module_slug;
  INSERT INTO learner_totals (user_id, core_completed, last_core_day)
  SELECT c.user_id, count(*), (max(c.completed_at) AT TIME ZONE 'UTC')::date
  FROM module_completions c JOIN modules m ON m.slug = c.module_slug AND NOT m.draft GROUP BY c.user_id;
  ALTER TABLE module_progress ENABLE TRIGGER module_progress_report;
  ALTER TABLE learner_totals ENABLE TRIGGER learner_totals_report;
  PERFORM report_rebuild_striped_tallies();
  INSERT INTO group_progress_counts (group_id, core_completed, activists)
  SELECT ms.group_id, coalesce(lt.core_completed, 0), count(*)
  FROM memberships ms JOIN users u ON u.id = ms.user_id AND u.role = 'activist'
  LEFT JOIN learner_totals lt ON lt.user_id = ms.user_id
  GROUP BY 1, 2;
  PERFORM report_rebuild_group_module_tallies();
  PERFORM report_rebuild_quiz_scenario_summaries();
END $$;
--> statement-breakpoint
-- Back-fill, set-based.
UPDATE learner_totals lt SET last_core_day = x.day
FROM (SELECT c.user_id, (max(c.completed_at) AT TIME ZONE 'UTC')::date AS day
      FROM module_completions c JOIN modules m ON m.slug = c.module_slug AND NOT m.draft GROUP BY c.user_id) x
WHERE x.user_id = lt.user_id;
