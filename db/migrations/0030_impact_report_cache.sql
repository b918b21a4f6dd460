CREATE TABLE "impact_data_stripes" (
	"stripe" smallint PRIMARY KEY NOT NULL,
	"changes" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "impact_report_cache" (
	"key" text PRIMARY KEY NOT NULL,
	"version" bigint NOT NULL,
	"answer" jsonb NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
-- ---------------------------------------------------------------- the change counter (written by hand)
-- ADR 043. Eight stripes, so that concurrent writers (an answer burst of completions, a
-- long import) do not queue on one row: a transaction bumps the stripe its id picks, once,
-- when it commits (a deferred trigger, so the row is locked only for the last moment of
-- the transaction and never before the writer's other locks, which could deadlock). The
-- sum of the stripes grows with every committed change to a table the impact figures read.
INSERT INTO "impact_data_stripes" ("stripe", "changes") SELECT s, 0 FROM generate_series(0, 7) s;
--> statement-breakpoint
CREATE FUNCTION "impact_data_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Once per transaction: the flag is local to it (and undone with a rolled-back savepoint).
  IF coalesce(current_setting('doorstep.impact_data_bumped', true), '') <> 'on' THEN
    PERFORM set_config('doorstep.impact_data_bumped', 'on', true);
    UPDATE impact_data_stripes SET changes = changes + 1 WHERE stripe = (txid_current() % 8)::smallint;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- Once bumped (by a TRUNCATE's trigger, which is not deferred), a transaction queues no more
-- events: a constraint trigger's WHEN is checked when the row changes. Besides saving
-- work, that lets report_rebuild_summaries() (TRUNCATE, refill, then ALTER TABLE … ENABLE
-- TRIGGER on learner_totals) run: ALTER TABLE refuses a table with pending trigger events.
CREATE FUNCTION "impact_data_unbumped"() RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT coalesce(current_setting('doorstep.impact_data_bumped', true), '') <> 'on'
$$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "field_daily_impact_data" AFTER INSERT OR UPDATE OR DELETE ON "field_daily" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (impact_data_unbumped()) EXECUTE FUNCTION impact_data_changed();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "debriefs_impact_data" AFTER INSERT OR UPDATE OR DELETE ON "debriefs" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (impact_data_unbumped()) EXECUTE FUNCTION impact_data_changed();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "field_debrief_weeks_impact_data" AFTER INSERT OR UPDATE OR DELETE ON "field_debrief_weeks" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (impact_data_unbumped()) EXECUTE FUNCTION impact_data_changed();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "field_objection_weeks_impact_data" AFTER INSERT OR UPDATE OR DELETE ON "field_objection_weeks" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (impact_data_unbumped()) EXECUTE FUNCTION impact_data_changed();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "learner_totals_impact_data" AFTER INSERT OR UPDATE OR DELETE ON "learner_totals" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (impact_data_unbumped()) EXECUTE FUNCTION impact_data_changed();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "learner_core_days_impact_data" AFTER INSERT OR UPDATE OR DELETE ON "learner_core_days" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (impact_data_unbumped()) EXECUTE FUNCTION impact_data_changed();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "modules_impact_data" AFTER INSERT OR UPDATE OR DELETE ON "modules" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (impact_data_unbumped()) EXECUTE FUNCTION impact_data_changed();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "groups_impact_data" AFTER INSERT OR UPDATE OR DELETE ON "groups" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (impact_data_unbumped()) EXECUTE FUNCTION impact_data_changed();
--> statement-breakpoint
-- Memberships are not watched: an organiser's groups are part of a kept answer's key.
-- Of users, only a name is shown (the canvasser list); a sign-in's own updates bump nothing.
CREATE CONSTRAINT TRIGGER "users_impact_data" AFTER UPDATE OF "name" OR DELETE ON "users" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (impact_data_unbumped()) EXECUTE FUNCTION impact_data_changed();
--> statement-breakpoint
-- A rebuild may empty a table with TRUNCATE, which row triggers do not see.
CREATE TRIGGER "field_daily_impact_data_truncate" AFTER TRUNCATE ON "field_daily" FOR EACH STATEMENT EXECUTE FUNCTION impact_data_changed();
--> statement-breakpoint
CREATE TRIGGER "debriefs_impact_data_truncate" AFTER TRUNCATE ON "debriefs" FOR EACH STATEMENT EXECUTE FUNCTION impact_data_changed();
--> statement-breakpoint
CREATE TRIGGER "field_debrief_weeks_impact_data_truncate" AFTER TRUNCATE ON "field_debrief_weeks" FOR EACH STATEMENT EXECUTE FUNCTION impact_data_changed();
--> statement-breakpoint
CREATE TRIGGER "field_objection_weeks_impact_data_truncate" AFTER TRUNCATE ON "field_objection_weeks" FOR EACH STATEMENT EXECUTE FUNCTION impact_data_changed();
--> statement-breakpoint
CREATE TRIGGER "learner_totals_impact_data_truncate" AFTER TRUNCATE ON "learner_totals" FOR EACH STATEMENT EXECUTE FUNCTION impact_data_changed();
--> statement-breakpoint
CREATE TRIGGER "learner_core_days_impact_data_truncate" AFTER TRUNCATE ON "learner_core_days" FOR EACH STATEMENT EXECUTE FUNCTION impact_data_changed();
--> statement-breakpoint
-- A kept answer holds the names of the 50 busiest canvassers. It is never served once a
-- person is deleted, but nor should their name wait in it for the next report: deleting
-- people empties the kept answers at once (docs/privacy.md).
CREATE FUNCTION "impact_forget_people"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM impact_report_cache;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "users_impact_forget" AFTER DELETE ON "users" FOR EACH STATEMENT EXECUTE FUNCTION impact_forget_people();
