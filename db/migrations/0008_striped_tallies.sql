-- Striped per-module tallies (docs/performance.md, "Report summaries on the write path").
-- Every first step view and every completion of a module updated that module's one row in
-- module_tallies (and completions its one row of the week in completion_weeks) and held it
-- until its commit, so fifty people starting or finishing one module at once committed one
-- at a time. Each key now has up to 8 rows (stripes); a person's changes always go to the
-- stripe report_stripe(user_id) picks, so each stripe holds only its own people (never
-- below zero, and a decrement always finds the row its increment made). Readers sum a
-- key's stripes.
ALTER TABLE "module_tallies" DROP CONSTRAINT "module_tallies_pkey";--> statement-breakpoint
ALTER TABLE "completion_weeks" DROP CONSTRAINT "completion_weeks_module_slug_week_how_pk";--> statement-breakpoint
ALTER TABLE "module_tallies" ADD COLUMN "stripe" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "completion_weeks" ADD COLUMN "stripe" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Every existing row is counted again per stripe below, from the raw tables.
TRUNCATE "module_tallies", "completion_weeks";--> statement-breakpoint
ALTER TABLE "module_tallies" ADD CONSTRAINT "module_tallies_module_slug_stripe_pk" PRIMARY KEY("module_slug","stripe");--> statement-breakpoint
ALTER TABLE "completion_weeks" ADD CONSTRAINT "completion_weeks_module_slug_week_how_stripe_pk" PRIMARY KEY("module_slug","week","how","stripe");--> statement-breakpoint
-- ---------------------------------------------------------------- the stripe (written by hand)
CREATE FUNCTION "report_stripe"(p_user text) RETURNS smallint LANGUAGE sql IMMUTABLE AS $$
  SELECT (hashtext(p_user) & 7)::smallint
$$;
--> statement-breakpoint
-- The trigger functions of 0003 that write these two tables, the same but for the stripe.
CREATE OR REPLACE FUNCTION "report_add_completion"(p_user text, p_module text, p_at timestamptz, p_how completion_how, p_sign int) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO completion_weeks (module_slug, week, how, stripe, completions)
  VALUES (p_module, date_trunc('week', p_at AT TIME ZONE 'UTC'), p_how, report_stripe(p_user), p_sign)
  ON CONFLICT (module_slug, week, how, stripe) DO UPDATE SET completions = completion_weeks.completions + excluded.completions;
  IF EXISTS (SELECT 1 FROM modules WHERE slug = p_module AND NOT draft) THEN
    IF p_sign > 0 THEN
      INSERT INTO learner_totals (user_id, core_completed) VALUES (p_user, 1)
      ON CONFLICT (user_id) DO UPDATE SET core_completed = learner_totals.core_completed + 1;
    ELSE
      UPDATE learner_totals SET core_completed = core_completed - 1 WHERE user_id = p_user;
    END IF;
  END IF;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "report_progress_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE module_tallies SET started = started - 1,
           self = self - (OLD.how IS NOT DISTINCT FROM 'self')::int, live = live - (OLD.how IS NOT DISTINCT FROM 'live')::int
     WHERE module_slug = OLD.module_slug AND stripe = report_stripe(OLD.user_id);
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    INSERT INTO module_tallies AS t (module_slug, stripe, started, self, live)
    VALUES (NEW.module_slug, report_stripe(NEW.user_id), 1, (NEW.how IS NOT DISTINCT FROM 'self')::int, (NEW.how IS NOT DISTINCT FROM 'live')::int)
    ON CONFLICT (module_slug, stripe) DO UPDATE SET started = t.started + 1, self = t.self + excluded.self, live = t.live + excluded.live;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- ---------------------------------------------------------------- rebuilding, set-based
-- Both, from the raw tables: this migration's backfill, and what a bulk load that bypassed
-- the triggers calls afterwards (bench/generate-movement.js).
CREATE FUNCTION "report_rebuild_striped_tallies"() RETURNS void LANGUAGE sql AS $$
  DELETE FROM module_tallies;
  INSERT INTO module_tallies (module_slug, stripe, started, self, live)
  SELECT module_slug, report_stripe(user_id), count(*), count(*) FILTER (WHERE how = 'self'), count(*) FILTER (WHERE how = 'live')
  FROM module_progress GROUP BY 1, 2;
  DELETE FROM completion_weeks;
  INSERT INTO completion_weeks (module_slug, week, how, stripe, completions)
  SELECT module_slug, date_trunc('week', completed_at AT TIME ZONE 'UTC'), how, report_stripe(user_id), count(*)
  FROM module_completions GROUP BY 1, 2, 3, 4;
$$;
--> statement-breakpoint
SELECT report_rebuild_striped_tallies();
