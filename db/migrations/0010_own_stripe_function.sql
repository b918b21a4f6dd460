-- Our own stripe function, and one function that rebuilds every report summary
-- (docs/decisions/012-own-stripe-function.md).
--
-- report_stripe (migration 0008) picked a person's stripe with hashtext(), which
-- PostgreSQL uses for its own hash indexes and does not promise to keep across major
-- versions: after an upgrade that changed it, a person's decrement would look for their
-- row on another stripe than their increment made, and a stripe could go below zero.
-- SHA-256 of the id's UTF-8 bytes is the same on every version (and allowed where MD5 is
-- not, on FIPS builds); the first byte's low three bits pick one of the 8 stripes.
CREATE OR REPLACE FUNCTION "report_stripe"(p_user text) RETURNS smallint LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT (get_byte(sha256(convert_to(p_user, 'UTF8')), 0) & 7)::smallint
$$;
--> statement-breakpoint
-- Every summary, from the raw tables, set-based: what `npm run db:rebuild-summaries` and a
-- bulk load that bypassed the triggers (bench/generate-movement.js) call, and what a
-- repair after a suspected drift calls. The raw tables are locked against writes until the
-- caller's transaction ends, so no write lands between a raw read and its summary's rebuild.
-- The summaries' own triggers (module_progress → module_tallies, learner_totals →
-- group_progress_counts) are off while their tables are refilled: each derived table is
-- rebuilt set-based after them instead.
CREATE FUNCTION "report_rebuild_summaries"() RETURNS void LANGUAGE plpgsql AS $$
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
END $$;
--> statement-breakpoint
-- Existing stripes were picked by hashtext: count every row again under the new function.
SELECT report_rebuild_striped_tallies();
