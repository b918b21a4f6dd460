CREATE TABLE "quiz_bests" (
	"user_id" text NOT NULL,
	"module_slug" text NOT NULL,
	"quiz_id" text NOT NULL,
	"best" integer NOT NULL,
	"passed" boolean NOT NULL,
	CONSTRAINT "quiz_bests_user_id_module_slug_quiz_id_pk" PRIMARY KEY("user_id","module_slug","quiz_id")
);
--> statement-breakpoint
CREATE TABLE "quiz_question_tallies" (
	"module_slug" text NOT NULL,
	"quiz_id" text NOT NULL,
	"question_id" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"right" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "quiz_question_tallies_module_slug_quiz_id_question_id_pk" PRIMARY KEY("module_slug","quiz_id","question_id")
);
--> statement-breakpoint
CREATE TABLE "quiz_tallies" (
	"module_slug" text NOT NULL,
	"quiz_id" text NOT NULL,
	"learners" integer DEFAULT 0 NOT NULL,
	"passed" integer DEFAULT 0 NOT NULL,
	"best_sum" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "quiz_tallies_module_slug_quiz_id_pk" PRIMARY KEY("module_slug","quiz_id")
);
--> statement-breakpoint
CREATE TABLE "quiz_wrong_picks" (
	"module_slug" text NOT NULL,
	"quiz_id" text NOT NULL,
	"question_id" text NOT NULL,
	"option_id" text NOT NULL,
	"times" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "quiz_wrong_picks_module_slug_quiz_id_question_id_option_id_pk" PRIMARY KEY("module_slug","quiz_id","question_id","option_id")
);
--> statement-breakpoint
CREATE TABLE "scenario_choice_tallies" (
	"module_slug" text NOT NULL,
	"scenario_id" text NOT NULL,
	"node" text NOT NULL,
	"choice" integer NOT NULL,
	"learners" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "scenario_choice_tallies_module_slug_scenario_id_node_choice_pk" PRIMARY KEY("module_slug","scenario_id","node","choice")
);
--> statement-breakpoint
CREATE TABLE "scenario_ending_tallies" (
	"module_slug" text NOT NULL,
	"scenario_id" text NOT NULL,
	"ending_id" text NOT NULL,
	"runs" integer DEFAULT 0 NOT NULL,
	"learners" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "scenario_ending_tallies_module_slug_scenario_id_ending_id_pk" PRIMARY KEY("module_slug","scenario_id","ending_id")
);
--> statement-breakpoint
CREATE TABLE "scenario_endings" (
	"user_id" text NOT NULL,
	"module_slug" text NOT NULL,
	"scenario_id" text NOT NULL,
	"ending_id" text NOT NULL,
	"runs" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "scenario_endings_user_id_module_slug_scenario_id_ending_id_pk" PRIMARY KEY("user_id","module_slug","scenario_id","ending_id")
);
--> statement-breakpoint
CREATE TABLE "scenario_moves" (
	"user_id" text NOT NULL,
	"module_slug" text NOT NULL,
	"scenario_id" text NOT NULL,
	"node" text NOT NULL,
	"choice" integer NOT NULL,
	"times" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "scenario_moves_user_id_module_slug_scenario_id_node_choice_pk" PRIMARY KEY("user_id","module_slug","scenario_id","node","choice")
);
--> statement-breakpoint
-- ---------------------------------------------------------------- triggers (written by hand)
-- Quiz and scenario summaries, kept in the same transaction as every write to
-- quiz_attempts and scenario_runs (docs/reports.md, "How figures are computed"). An
-- UPDATE is the old row taken away and the new one added.
CREATE FUNCTION "report_add_attempt"(a quiz_attempts, p_sign int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  top record;
BEGIN
  INSERT INTO quiz_question_tallies (module_slug, quiz_id, question_id, attempts, "right")
  SELECT a.module_slug, a.quiz_id, r.key, p_sign, CASE WHEN r.value = 'true'::jsonb THEN p_sign ELSE 0 END
  FROM jsonb_each(a.results) r
  ON CONFLICT (module_slug, quiz_id, question_id) DO UPDATE
    SET attempts = quiz_question_tallies.attempts + excluded.attempts, "right" = quiz_question_tallies."right" + excluded."right";
  INSERT INTO quiz_wrong_picks (module_slug, quiz_id, question_id, option_id, times)
  SELECT a.module_slug, a.quiz_id, q.key, o.option_id, sum(p_sign)
  FROM jsonb_each(a.answers) q CROSS JOIN LATERAL jsonb_array_elements_text(q.value) o(option_id)
  WHERE a.results ->> q.key = 'false'
  GROUP BY q.key, o.option_id
  ON CONFLICT (module_slug, quiz_id, question_id, option_id) DO UPDATE SET times = quiz_wrong_picks.times + excluded.times;
  -- The person's best: recounted from their attempts at this quiz (an index range).
  SELECT max(score) AS best, bool_or(passed) AS passed INTO top
  FROM quiz_attempts WHERE user_id = a.user_id AND module_slug = a.module_slug AND quiz_id = a.quiz_id;
  IF top.best IS NULL THEN
    DELETE FROM quiz_bests WHERE user_id = a.user_id AND module_slug = a.module_slug AND quiz_id = a.quiz_id;
  ELSE
    INSERT INTO quiz_bests (user_id, module_slug, quiz_id, best, passed) VALUES (a.user_id, a.module_slug, a.quiz_id, top.best, top.passed)
    ON CONFLICT (user_id, module_slug, quiz_id) DO UPDATE SET best = excluded.best, passed = excluded.passed
      WHERE (quiz_bests.best, quiz_bests.passed) IS DISTINCT FROM (excluded.best, excluded.passed);
  END IF;
END $$;
--> statement-breakpoint
CREATE FUNCTION "report_quiz_attempts_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM report_add_attempt(OLD, -1); END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN PERFORM report_add_attempt(NEW, 1); END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "report_quiz_attempts" AFTER INSERT OR UPDATE OR DELETE ON "quiz_attempts"
  FOR EACH ROW EXECUTE FUNCTION report_quiz_attempts_changed();
--> statement-breakpoint
CREATE FUNCTION "report_quiz_bests_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE quiz_tallies SET learners = learners - 1, passed = passed - OLD.passed::int, best_sum = best_sum - OLD.best
    WHERE module_slug = OLD.module_slug AND quiz_id = OLD.quiz_id;
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    INSERT INTO quiz_tallies (module_slug, quiz_id, learners, passed, best_sum) VALUES (NEW.module_slug, NEW.quiz_id, 1, NEW.passed::int, NEW.best)
    ON CONFLICT (module_slug, quiz_id) DO UPDATE
      SET learners = quiz_tallies.learners + 1, passed = quiz_tallies.passed + excluded.passed, best_sum = quiz_tallies.best_sum + excluded.best_sum;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "report_quiz_bests" AFTER INSERT OR UPDATE OR DELETE ON "quiz_bests"
  FOR EACH ROW EXECUTE FUNCTION report_quiz_bests_changed();
--> statement-breakpoint
-- A run's moves, each once as (point, reply) and once as (point, -1: any reply).
CREATE FUNCTION "report_add_run"(r scenario_runs, p_sign int) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  WITH moves AS (
    SELECT m.value ->> 'node' AS node, (m.value ->> 'choice')::int AS choice FROM jsonb_array_elements(r.path) m
  ), counted AS (
    SELECT node, choice, count(*)::int AS times FROM moves GROUP BY node, choice
    UNION ALL
    SELECT node, -1, count(*)::int FROM moves GROUP BY node
  )
  INSERT INTO scenario_moves (user_id, module_slug, scenario_id, node, choice, times)
  SELECT r.user_id, r.module_slug, r.scenario_id, node, choice, p_sign * times FROM counted
  ON CONFLICT (user_id, module_slug, scenario_id, node, choice) DO UPDATE SET times = scenario_moves.times + excluded.times;
  IF p_sign < 0 THEN
    DELETE FROM scenario_moves WHERE user_id = r.user_id AND module_slug = r.module_slug AND scenario_id = r.scenario_id AND times <= 0;
  END IF;
  IF r.ended_at IS NOT NULL AND r.ending_id IS NOT NULL THEN
    INSERT INTO scenario_endings (user_id, module_slug, scenario_id, ending_id, runs) VALUES (r.user_id, r.module_slug, r.scenario_id, r.ending_id, p_sign)
    ON CONFLICT (user_id, module_slug, scenario_id, ending_id) DO UPDATE SET runs = scenario_endings.runs + excluded.runs;
    IF p_sign < 0 THEN
      DELETE FROM scenario_endings WHERE user_id = r.user_id AND module_slug = r.module_slug AND scenario_id = r.scenario_id AND ending_id = r.ending_id AND runs <= 0;
    END IF;
  END IF;
END $$;
--> statement-breakpoint
CREATE FUNCTION "report_scenario_runs_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND (OLD.user_id, OLD.module_slug, OLD.scenario_id, OLD.path, OLD.ended_at IS NULL, OLD.ending_id)
      IS NOT DISTINCT FROM (NEW.user_id, NEW.module_slug, NEW.scenario_id, NEW.path, NEW.ended_at IS NULL, NEW.ending_id) THEN
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM report_add_run(OLD, -1); END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN PERFORM report_add_run(NEW, 1); END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "report_scenario_runs" AFTER INSERT OR UPDATE OR DELETE ON "scenario_runs"
  FOR EACH ROW EXECUTE FUNCTION report_scenario_runs_changed();
--> statement-breakpoint
-- Distinct people per reply and per ending: a row of the per-person table appearing or going.
CREATE FUNCTION "report_scenario_moves_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO scenario_choice_tallies (module_slug, scenario_id, node, choice, learners) VALUES (NEW.module_slug, NEW.scenario_id, NEW.node, NEW.choice, 1)
    ON CONFLICT (module_slug, scenario_id, node, choice) DO UPDATE SET learners = scenario_choice_tallies.learners + 1;
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE scenario_choice_tallies SET learners = learners - 1
    WHERE module_slug = OLD.module_slug AND scenario_id = OLD.scenario_id AND node = OLD.node AND choice = OLD.choice;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "report_scenario_moves" AFTER INSERT OR DELETE ON "scenario_moves"
  FOR EACH ROW EXECUTE FUNCTION report_scenario_moves_changed();
--> statement-breakpoint
CREATE FUNCTION "report_scenario_endings_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE scenario_ending_tallies SET runs = runs - OLD.runs, learners = learners - 1
    WHERE module_slug = OLD.module_slug AND scenario_id = OLD.scenario_id AND ending_id = OLD.ending_id;
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    INSERT INTO scenario_ending_tallies (module_slug, scenario_id, ending_id, runs, learners) VALUES (NEW.module_slug, NEW.scenario_id, NEW.ending_id, NEW.runs, 1)
    ON CONFLICT (module_slug, scenario_id, ending_id) DO UPDATE
      SET runs = scenario_ending_tallies.runs + excluded.runs, learners = scenario_ending_tallies.learners + 1;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "report_scenario_endings" AFTER INSERT OR UPDATE OR DELETE ON "scenario_endings"
  FOR EACH ROW EXECUTE FUNCTION report_scenario_endings_changed();
--> statement-breakpoint
-- ---------------------------------------------------------------- backfill
-- Set-based from existing data (bench/generate-movement.js's rebuildReportSummaries()
-- does the same after a bulk load that bypassed the triggers).
CREATE FUNCTION "report_rebuild_quiz_scenario_summaries"() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  -- The per-person tables' own triggers would count each row again: the tallies are filled set-based.
  ALTER TABLE quiz_bests DISABLE TRIGGER report_quiz_bests;
  ALTER TABLE scenario_moves DISABLE TRIGGER report_scenario_moves;
  ALTER TABLE scenario_endings DISABLE TRIGGER report_scenario_endings;
  TRUNCATE quiz_question_tallies, quiz_wrong_picks, quiz_bests, quiz_tallies, scenario_moves, scenario_choice_tallies, scenario_endings, scenario_ending_tallies;
  INSERT INTO quiz_question_tallies (module_slug, quiz_id, question_id, attempts, "right")
  SELECT qa.module_slug, qa.quiz_id, r.key, count(*), count(*) FILTER (WHERE r.value = 'true'::jsonb)
  FROM quiz_attempts qa CROSS JOIN LATERAL jsonb_each(qa.results) r GROUP BY 1, 2, 3;
  INSERT INTO quiz_wrong_picks (module_slug, quiz_id, question_id, option_id, times)
  SELECT qa.module_slug, qa.quiz_id, q.key, o.option_id, count(*)
  FROM quiz_attempts qa CROSS JOIN LATERAL jsonb_each(qa.answers) q CROSS JOIN LATERAL jsonb_array_elements_text(q.value) o(option_id)
  WHERE qa.results ->> q.key = 'false' GROUP BY 1, 2, 3, 4;
  INSERT INTO quiz_bests (user_id, module_slug, quiz_id, best, passed)
  SELECT user_id, module_slug, quiz_id, max(score), bool_or(passed) FROM quiz_attempts GROUP BY 1, 2, 3;
  INSERT INTO quiz_tallies (module_slug, quiz_id, learners, passed, best_sum)
  SELECT module_slug, quiz_id, count(*), count(*) FILTER (WHERE passed), sum(best) FROM quiz_bests GROUP BY 1, 2;
  INSERT INTO scenario_moves (user_id, module_slug, scenario_id, node, choice, times)
  SELECT user_id, module_slug, scenario_id, node, coalesce(choice, -1), count(*)
  FROM (SELECT sr.user_id, sr.module_slug, sr.scenario_id, m.value ->> 'node' AS node, (m.value ->> 'choice')::int AS choice
        FROM scenario_runs sr CROSS JOIN LATERAL jsonb_array_elements(sr.path) m) moves
  GROUP BY GROUPING SETS ((user_id, module_slug, scenario_id, node, choice), (user_id, module_slug, scenario_id, node));
  INSERT INTO scenario_choice_tallies (module_slug, scenario_id, node, choice, learners)
  SELECT module_slug, scenario_id, node, choice, count(*) FROM scenario_moves GROUP BY 1, 2, 3, 4;
  INSERT INTO scenario_endings (user_id, module_slug, scenario_id, ending_id, runs)
  SELECT user_id, module_slug, scenario_id, ending_id, count(*) FROM scenario_runs
  WHERE ended_at IS NOT NULL AND ending_id IS NOT NULL GROUP BY 1, 2, 3, 4;
  INSERT INTO scenario_ending_tallies (module_slug, scenario_id, ending_id, runs, learners)
  SELECT module_slug, scenario_id, ending_id, sum(runs), count(*) FROM scenario_endings GROUP BY 1, 2, 3;
  ALTER TABLE quiz_bests ENABLE TRIGGER report_quiz_bests;
  ALTER TABLE scenario_moves ENABLE TRIGGER report_scenario_moves;
  ALTER TABLE scenario_endings ENABLE TRIGGER report_scenario_endings;
END $$;
--> statement-breakpoint
SELECT report_rebuild_quiz_scenario_summaries();
