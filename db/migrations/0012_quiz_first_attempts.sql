CREATE TABLE "quiz_first_attempts" (
	"user_id" text NOT NULL,
	"module_slug" text NOT NULL,
	"quiz_id" text NOT NULL,
	"attempt_id" uuid NOT NULL,
	"results" jsonb NOT NULL,
	CONSTRAINT "quiz_first_attempts_user_id_module_slug_quiz_id_pk" PRIMARY KEY("user_id","module_slug","quiz_id")
);
--> statement-breakpoint
ALTER TABLE "quiz_question_tallies" ADD COLUMN "first_attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "quiz_question_tallies" ADD COLUMN "first_right" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- ---------------------------------------------------------------- triggers (written by hand)
-- Share right on people's first attempt at each question (issue 15): unlike the share of
-- all attempts, retries cannot lift it, so a question everyone gets on the first go (or
-- nobody does) stands out. quiz_first_attempts holds each person's first attempt at a quiz
-- (earliest, then lowest id), recounted from their attempts on every write like quiz_bests,
-- so a back-dated insert, a deleted first attempt or a multi-row statement all end right;
-- its own trigger moves that attempt's results in and out of the question tallies.
CREATE OR REPLACE FUNCTION "report_add_attempt"(a quiz_attempts, p_sign int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  top record;
  earliest record;
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
  -- The person's first attempt: recounted from the same index range.
  SELECT id, results INTO earliest
  FROM quiz_attempts WHERE user_id = a.user_id AND module_slug = a.module_slug AND quiz_id = a.quiz_id
  ORDER BY created_at, id LIMIT 1;
  IF NOT FOUND THEN
    DELETE FROM quiz_first_attempts WHERE user_id = a.user_id AND module_slug = a.module_slug AND quiz_id = a.quiz_id;
  ELSE
    INSERT INTO quiz_first_attempts (user_id, module_slug, quiz_id, attempt_id, results) VALUES (a.user_id, a.module_slug, a.quiz_id, earliest.id, earliest.results)
    ON CONFLICT (user_id, module_slug, quiz_id) DO UPDATE SET attempt_id = excluded.attempt_id, results = excluded.results
      WHERE (quiz_first_attempts.attempt_id, quiz_first_attempts.results) IS DISTINCT FROM (excluded.attempt_id, excluded.results);
  END IF;
END $$;
--> statement-breakpoint
CREATE FUNCTION "report_add_first_attempt"(p_module text, p_quiz text, p_results jsonb, p_sign int) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO quiz_question_tallies (module_slug, quiz_id, question_id, first_attempts, first_right)
  SELECT p_module, p_quiz, r.key, p_sign, CASE WHEN r.value = 'true'::jsonb THEN p_sign ELSE 0 END
  FROM jsonb_each(p_results) r
  ON CONFLICT (module_slug, quiz_id, question_id) DO UPDATE
    SET first_attempts = quiz_question_tallies.first_attempts + excluded.first_attempts,
        first_right = quiz_question_tallies.first_right + excluded.first_right;
END $$;
--> statement-breakpoint
CREATE FUNCTION "report_quiz_first_attempts_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM report_add_first_attempt(OLD.module_slug, OLD.quiz_id, OLD.results, -1); END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN PERFORM report_add_first_attempt(NEW.module_slug, NEW.quiz_id, NEW.results, 1); END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "report_quiz_first_attempts" AFTER INSERT OR UPDATE OR DELETE ON "quiz_first_attempts"
  FOR EACH ROW EXECUTE FUNCTION report_quiz_first_attempts_changed();
--> statement-breakpoint
-- ---------------------------------------------------------------- rebuild and backfill
-- The quiz and scenario rebuild of migration 0004, with the first attempts (what
-- report_rebuild_summaries and so `npm run db:rebuild-summaries` call).
CREATE OR REPLACE FUNCTION "report_rebuild_quiz_scenario_summaries"() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  -- The per-person tables' own triggers would count each row again: the tallies are filled set-based.
  ALTER TABLE quiz_bests DISABLE TRIGGER report_quiz_bests;
  ALTER TABLE quiz_first_attempts DISABLE TRIGGER report_quiz_first_attempts;
  ALTER TABLE scenario_moves DISABLE TRIGGER report_scenario_moves;
  ALTER TABLE scenario_endings DISABLE TRIGGER report_scenario_endings;
  TRUNCATE quiz_question_tallies, quiz_wrong_picks, quiz_bests, quiz_first_attempts, quiz_tallies, scenario_moves, scenario_choice_tallies, scenario_endings, scenario_ending_tallies;
  INSERT INTO quiz_first_attempts (user_id, module_slug, quiz_id, attempt_id, results)
  SELECT DISTINCT ON (user_id, module_slug, quiz_id) user_id, module_slug, quiz_id, id, results
  FROM quiz_attempts ORDER BY user_id, module_slug, quiz_id, created_at, id;
  INSERT INTO quiz_question_tallies (module_slug, quiz_id, question_id, attempts, "right", first_attempts, first_right)
  SELECT module_slug, quiz_id, question_id, sum(attempts), sum("right"), sum(first_attempts), sum(first_right)
  FROM (
    SELECT qa.module_slug, qa.quiz_id, r.key AS question_id, count(*) AS attempts, count(*) FILTER (WHERE r.value = 'true'::jsonb) AS "right",
           0 AS first_attempts, 0 AS first_right
    FROM quiz_attempts qa CROSS JOIN LATERAL jsonb_each(qa.results) r GROUP BY 1, 2, 3
    UNION ALL
    SELECT f.module_slug, f.quiz_id, r.key, 0, 0, count(*), count(*) FILTER (WHERE r.value = 'true'::jsonb)
    FROM quiz_first_attempts f CROSS JOIN LATERAL jsonb_each(f.results) r GROUP BY 1, 2, 3
  ) counted
  GROUP BY 1, 2, 3;
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
  ALTER TABLE quiz_first_attempts ENABLE TRIGGER report_quiz_first_attempts;
  ALTER TABLE scenario_moves ENABLE TRIGGER report_scenario_moves;
  ALTER TABLE scenario_endings ENABLE TRIGGER report_scenario_endings;
END $$;
--> statement-breakpoint
SELECT report_rebuild_quiz_scenario_summaries();
