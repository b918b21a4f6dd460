-- ADR 046: a step view of a module variant starts its original in the report summaries,
-- as completing a variant already completes its original (migration 0028). Without it a
-- version-B learner who began but had not finished was missing from the original's
-- "started" (the overview funnel, the matrix, module_tallies), an undercount.
-- The original's module_progress row takes its first view from both versions; the
-- variant keeps its own row too (it is a draft, so no report counts it).
CREATE OR REPLACE FUNCTION "report_refresh_progress"(p_user text, p_module text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  first_view timestamptz;
  done record;
BEGIN
  SELECT min(first_seen_at) INTO first_view FROM step_views
   WHERE user_id = p_user AND (module_slug = p_module OR module_slug IN (SELECT slug FROM modules WHERE variant_of = p_module));
  SELECT completed_at, how INTO done FROM module_completions WHERE user_id = p_user AND module_slug = p_module;
  IF first_view IS NULL AND done.completed_at IS NULL THEN
    DELETE FROM module_progress WHERE user_id = p_user AND module_slug = p_module;
  ELSIF EXISTS (SELECT 1 FROM users WHERE id = p_user) THEN
    INSERT INTO module_progress (user_id, module_slug, started_at, completed_at, how)
    VALUES (p_user, p_module, least(first_view, done.completed_at), done.completed_at, done.how)
    ON CONFLICT (user_id, module_slug) DO UPDATE
      SET started_at = excluded.started_at, completed_at = excluded.completed_at, how = excluded.how
      WHERE (module_progress.started_at, module_progress.completed_at, module_progress.how)
            IS DISTINCT FROM (excluded.started_at, excluded.completed_at, excluded.how);
  END IF;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "report_step_views_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  original text;
BEGIN
  IF TG_OP = 'INSERT' THEN
    -- The common case, cheap: a first view starts the module (and, for a variant, its
    -- original); later views change nothing unless they are earlier (a back-dated import).
    INSERT INTO module_progress (user_id, module_slug, started_at) VALUES (NEW.user_id, NEW.module_slug, NEW.first_seen_at)
    ON CONFLICT (user_id, module_slug) DO UPDATE SET started_at = excluded.started_at
      WHERE excluded.started_at < module_progress.started_at;
    SELECT variant_of INTO original FROM modules WHERE slug = NEW.module_slug;
    IF original IS NOT NULL THEN
      INSERT INTO module_progress (user_id, module_slug, started_at) VALUES (NEW.user_id, original, NEW.first_seen_at)
      ON CONFLICT (user_id, module_slug) DO UPDATE SET started_at = excluded.started_at
        WHERE excluded.started_at < module_progress.started_at;
    END IF;
    RETURN NULL;
  END IF;
  PERFORM report_refresh_progress(OLD.user_id, OLD.module_slug);
  SELECT variant_of INTO original FROM modules WHERE slug = OLD.module_slug;
  IF original IS NOT NULL THEN PERFORM report_refresh_progress(OLD.user_id, original); END IF;
  IF TG_OP = 'UPDATE' AND (NEW.user_id, NEW.module_slug) IS DISTINCT FROM (OLD.user_id, OLD.module_slug) THEN
    PERFORM report_refresh_progress(NEW.user_id, NEW.module_slug);
    SELECT variant_of INTO original FROM modules WHERE slug = NEW.module_slug;
    IF original IS NOT NULL THEN PERFORM report_refresh_progress(NEW.user_id, original); END IF;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- A module that becomes (or stops being) a variant, or another original's: its learners'
-- starts of the originals concerned are recounted, so the summaries never wait for a rebuild.
CREATE FUNCTION "report_variant_of_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.variant_of IS NOT NULL THEN
    PERFORM report_refresh_progress(v.user_id, OLD.variant_of) FROM (SELECT DISTINCT user_id FROM step_views WHERE module_slug = OLD.slug) v;
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.variant_of IS NOT NULL THEN
    PERFORM report_refresh_progress(v.user_id, NEW.variant_of) FROM (SELECT DISTINCT user_id FROM step_views WHERE module_slug = NEW.slug) v;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "modules_report_variant_of" AFTER INSERT OR UPDATE OF variant_of OR DELETE ON "modules" FOR EACH ROW EXECUTE FUNCTION report_variant_of_changed();
--> statement-breakpoint
-- report_rebuild_summaries (migration 0027) as it was, except that module_progress takes
-- a variant's step views as views of its original too, as the triggers above do; so
-- `npm run db:rebuild-summaries` agrees with them.
CREATE OR REPLACE FUNCTION "report_rebuild_summaries"() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE users, memberships, modules, step_views, module_completions, quiz_attempts, scenario_runs IN SHARE MODE;
  ALTER TABLE module_progress DISABLE TRIGGER module_progress_report;
  ALTER TABLE learner_totals DISABLE TRIGGER learner_totals_report;
  TRUNCATE module_progress, learner_totals, group_progress_counts;
  INSERT INTO module_progress (user_id, module_slug, started_at, completed_at, how)
  SELECT coalesce(v.user_id, c.user_id), coalesce(v.module_slug, c.module_slug), least(v.started, c.completed_at), c.completed_at, c.how
  FROM (SELECT s.user_id, s.module_slug, min(s.first_seen_at) AS started
        FROM (SELECT user_id, module_slug, first_seen_at FROM step_views
              UNION ALL
              SELECT sv.user_id, m.variant_of, sv.first_seen_at FROM step_views sv JOIN modules m ON m.slug = sv.module_slug AND m.variant_of IS NOT NULL) s
        GROUP BY s.user_id, s.module_slug) v
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
-- Back-fill: every original begun in a variant. The module_progress triggers keep the
-- tallies, as for any other write.
SELECT report_refresh_progress(x.user_id, x.variant_of)
FROM (SELECT DISTINCT sv.user_id, m.variant_of FROM step_views sv JOIN modules m ON m.slug = sv.module_slug AND m.variant_of IS NOT NULL) x;
