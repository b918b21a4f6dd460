CREATE TABLE "learner_core_days" (
	"user_id" text PRIMARY KEY NOT NULL,
	"last_core_day" date NOT NULL
);
--> statement-breakpoint
ALTER TABLE "learner_core_days" ADD CONSTRAINT "learner_core_days_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Each person's training day kept beside their count (ADR 042): the impact report probed
-- module_completions for every trained person on every request (3,878 people at the
-- bench's scale). A row per person with a published module complete: the UTC day of their
-- latest such completion. With learner_totals' count at the number of published modules it
-- is their training day (ADR 028, unchanged).
CREATE FUNCTION "report_refresh_core_day"(p_user text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  d date := (SELECT (max(c.completed_at) AT TIME ZONE 'UTC')::date
             FROM module_completions c JOIN modules m ON m.slug = c.module_slug AND NOT m.draft
             WHERE c.user_id = p_user);
BEGIN
  IF d IS NULL THEN
    DELETE FROM learner_core_days WHERE user_id = p_user;
  ELSIF EXISTS (SELECT 1 FROM users WHERE id = p_user) THEN
    INSERT INTO learner_core_days (user_id, last_core_day) VALUES (p_user, d)
    ON CONFLICT (user_id) DO UPDATE SET last_core_day = excluded.last_core_day;
  END IF;
END $$;
--> statement-breakpoint
CREATE FUNCTION "report_core_day_completions_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    -- The common case, cheap: a new completion can only move the day later.
    IF EXISTS (SELECT 1 FROM modules WHERE slug = NEW.module_slug AND NOT draft) THEN
      INSERT INTO learner_core_days (user_id, last_core_day) VALUES (NEW.user_id, (NEW.completed_at AT TIME ZONE 'UTC')::date)
      ON CONFLICT (user_id) DO UPDATE SET last_core_day = greatest(learner_core_days.last_core_day, excluded.last_core_day);
    END IF;
    RETURN NULL;
  END IF;
  -- A deleted or changed completion may have been the latest: recount from the person's own
  -- (a cascade from a deleted person finds no user and writes nothing).
  PERFORM report_refresh_core_day(OLD.user_id);
  IF TG_OP = 'UPDATE' AND NEW.user_id <> OLD.user_id THEN PERFORM report_refresh_core_day(NEW.user_id); END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "report_core_day_modules_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  who text;
BEGIN
  -- Publishing or unpublishing a module moves the day of everyone who completed it.
  FOR who IN SELECT c.user_id FROM module_completions c WHERE c.module_slug = coalesce(NEW.slug, OLD.slug) LOOP
    PERFORM report_refresh_core_day(who);
  END LOOP;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "module_completions_report_core_day" AFTER INSERT OR UPDATE OR DELETE ON "module_completions" FOR EACH ROW EXECUTE FUNCTION report_core_day_completions_changed();
--> statement-breakpoint
CREATE TRIGGER "modules_report_core_day" AFTER INSERT OR UPDATE OF draft OR DELETE ON "modules" FOR EACH ROW EXECUTE FUNCTION report_core_day_modules_changed();
--> statement-breakpoint
CREATE FUNCTION "report_rebuild_core_days"() RETURNS void LANGUAGE sql AS $$
  DELETE FROM learner_core_days;
  INSERT INTO learner_core_days (user_id, last_core_day)
  SELECT c.user_id, (max(c.completed_at) AT TIME ZONE 'UTC')::date
  FROM module_completions c JOIN modules m ON m.slug = c.module_slug AND NOT m.draft GROUP BY c.user_id;
$$;
--> statement-breakpoint
-- report_rebuild_summaries (migration 0010) as it was, and the days too, so every caller
-- (db:rebuild-summaries, the benchmarks' bulk loads) rebuilds them.
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
  INSERT INTO learner_totals (user_id, core_completed)
  SELECT c.user_id, count(*) FROM module_completions c JOIN modules m ON m.slug = c.module_slug AND NOT m.draft GROUP BY c.user_id;
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
  PERFORM report_rebuild_core_days();
END $$;
--> statement-breakpoint
-- Back-fill.
SELECT report_rebuild_core_days();
