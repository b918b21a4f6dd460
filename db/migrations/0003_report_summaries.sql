CREATE TABLE "completion_weeks" (
	"module_slug" text NOT NULL,
	"week" timestamp NOT NULL,
	"how" "completion_how" NOT NULL,
	"completions" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "completion_weeks_module_slug_week_how_pk" PRIMARY KEY("module_slug","week","how")
);
--> statement-breakpoint
CREATE TABLE "group_progress_counts" (
	"group_id" uuid NOT NULL,
	"core_completed" integer NOT NULL,
	"activists" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "group_progress_counts_group_id_core_completed_pk" PRIMARY KEY("group_id","core_completed")
);
--> statement-breakpoint
CREATE TABLE "learner_totals" (
	"user_id" text PRIMARY KEY NOT NULL,
	"core_completed" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "module_progress" (
	"user_id" text NOT NULL,
	"module_slug" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"completed_at" timestamp with time zone,
	"how" "completion_how",
	CONSTRAINT "module_progress_user_id_module_slug_pk" PRIMARY KEY("user_id","module_slug")
);
--> statement-breakpoint
CREATE TABLE "module_tallies" (
	"module_slug" text PRIMARY KEY NOT NULL,
	"started" integer DEFAULT 0 NOT NULL,
	"self" integer DEFAULT 0 NOT NULL,
	"live" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "group_progress_counts" ADD CONSTRAINT "group_progress_counts_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "learner_totals" ADD CONSTRAINT "learner_totals_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "module_progress" ADD CONSTRAINT "module_progress_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "learner_totals_core_idx" ON "learner_totals" USING btree ("core_completed");--> statement-breakpoint
CREATE INDEX "module_progress_module_idx" ON "module_progress" USING btree ("module_slug");
--> statement-breakpoint
-- ---------------------------------------------------------------- triggers (written by hand)
-- The summaries above are kept by these triggers in the same transaction as the write,
-- whoever writes (docs/reports.md, "How figures are computed"). started_at of a
-- module_progress row is the earlier of the first step view and the completion.
CREATE FUNCTION "report_refresh_progress"(p_user text, p_module text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  first_view timestamptz;
  done record;
BEGIN
  SELECT min(first_seen_at) INTO first_view FROM step_views WHERE user_id = p_user AND module_slug = p_module;
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
CREATE FUNCTION "report_step_views_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    -- The common case, cheap: a first view starts the module; later views change nothing
    -- unless they are earlier (a back-dated import).
    INSERT INTO module_progress (user_id, module_slug, started_at) VALUES (NEW.user_id, NEW.module_slug, NEW.first_seen_at)
    ON CONFLICT (user_id, module_slug) DO UPDATE SET started_at = excluded.started_at
      WHERE excluded.started_at < module_progress.started_at;
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM report_refresh_progress(OLD.user_id, OLD.module_slug); END IF;
  IF TG_OP = 'UPDATE' AND (NEW.user_id, NEW.module_slug) IS DISTINCT FROM (OLD.user_id, OLD.module_slug) THEN
    PERFORM report_refresh_progress(NEW.user_id, NEW.module_slug);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "report_add_completion"(p_user text, p_module text, p_at timestamptz, p_how completion_how, p_sign int) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO completion_weeks (module_slug, week, how, completions)
  VALUES (p_module, date_trunc('week', p_at AT TIME ZONE 'UTC'), p_how, p_sign)
  ON CONFLICT (module_slug, week, how) DO UPDATE SET completions = completion_weeks.completions + excluded.completions;
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
CREATE FUNCTION "report_completions_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM report_add_completion(OLD.user_id, OLD.module_slug, OLD.completed_at, OLD.how, -1);
    PERFORM report_refresh_progress(OLD.user_id, OLD.module_slug);
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    PERFORM report_add_completion(NEW.user_id, NEW.module_slug, NEW.completed_at, NEW.how, 1);
    PERFORM report_refresh_progress(NEW.user_id, NEW.module_slug);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "report_progress_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE module_tallies SET started = started - 1,
           self = self - (OLD.how IS NOT DISTINCT FROM 'self')::int, live = live - (OLD.how IS NOT DISTINCT FROM 'live')::int
     WHERE module_slug = OLD.module_slug;
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    INSERT INTO module_tallies AS t (module_slug, started, self, live)
    VALUES (NEW.module_slug, 1, (NEW.how IS NOT DISTINCT FROM 'self')::int, (NEW.how IS NOT DISTINCT FROM 'live')::int)
    ON CONFLICT (module_slug) DO UPDATE SET started = t.started + 1, self = t.self + excluded.self, live = t.live + excluded.live;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "report_modules_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  slug text := coalesce(NEW.slug, OLD.slug);
  delta int := (TG_OP <> 'DELETE' AND NOT NEW.draft)::int - (TG_OP <> 'INSERT' AND NOT OLD.draft)::int;
BEGIN
  IF delta <> 0 THEN
    INSERT INTO learner_totals (user_id, core_completed)
    SELECT c.user_id, delta FROM module_completions c WHERE c.module_slug = slug
    ON CONFLICT (user_id) DO UPDATE SET core_completed = learner_totals.core_completed + excluded.core_completed;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- group_progress_counts: an activist moves between "k modules complete" rows of each of
-- their groups when k changes, and joins or leaves the rows as memberships and roles change.
CREATE FUNCTION "report_group_member"(p_user text, p_group uuid, p_k int, p_sign int) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF p_sign > 0 THEN
    INSERT INTO group_progress_counts (group_id, core_completed, activists) VALUES (p_group, p_k, 1)
    ON CONFLICT (group_id, core_completed) DO UPDATE SET activists = group_progress_counts.activists + 1;
  ELSE
    -- never an insert: the group may be on its way out (cascade)
    UPDATE group_progress_counts SET activists = activists - 1 WHERE group_id = p_group AND core_completed = p_k;
  END IF;
END $$;
--> statement-breakpoint
CREATE FUNCTION "report_member_everywhere"(p_user text, p_k int, p_sign int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  g uuid;
BEGIN
  FOR g IN SELECT group_id FROM memberships WHERE user_id = p_user LOOP
    PERFORM report_group_member(p_user, g, p_k, p_sign);
  END LOOP;
END $$;
--> statement-breakpoint
CREATE FUNCTION "report_core_of"(p_user text) RETURNS int LANGUAGE sql STABLE AS $$
  SELECT coalesce((SELECT core_completed FROM learner_totals WHERE user_id = p_user), 0)
$$;
--> statement-breakpoint
CREATE FUNCTION "report_learner_totals_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  old_k int := CASE WHEN TG_OP = 'INSERT' THEN 0 ELSE OLD.core_completed END;
  new_k int := CASE WHEN TG_OP = 'DELETE' THEN 0 ELSE NEW.core_completed END;
  who text := coalesce(NEW.user_id, OLD.user_id);
BEGIN
  -- (a deleted person has already left their groups' counts: users_report_delete)
  IF old_k <> new_k AND EXISTS (SELECT 1 FROM users WHERE id = who AND role = 'activist') THEN
    PERFORM report_member_everywhere(who, old_k, -1);
    PERFORM report_member_everywhere(who, new_k, 1);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "report_memberships_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id AND role = 'activist') THEN
    PERFORM report_group_member(OLD.user_id, OLD.group_id, report_core_of(OLD.user_id), -1);
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') AND EXISTS (SELECT 1 FROM users WHERE id = NEW.user_id AND role = 'activist') THEN
    PERFORM report_group_member(NEW.user_id, NEW.group_id, report_core_of(NEW.user_id), 1);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "report_users_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    -- BEFORE the delete: afterwards the cascades no longer know who this was.
    IF OLD.role = 'activist' THEN PERFORM report_member_everywhere(OLD.id, report_core_of(OLD.id), -1); END IF;
    RETURN OLD;
  END IF;
  IF (OLD.role = 'activist') <> (NEW.role = 'activist') THEN
    PERFORM report_member_everywhere(NEW.id, report_core_of(NEW.id), CASE WHEN NEW.role = 'activist' THEN 1 ELSE -1 END);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- ---------------------------------------------------------------- backfill from what is already there
-- Set-based, before the triggers exist: a row trigger bumping the same dozen tally rows
-- hundreds of thousands of times in one transaction would take minutes.
INSERT INTO module_progress (user_id, module_slug, started_at, completed_at, how)
SELECT coalesce(v.user_id, c.user_id), coalesce(v.module_slug, c.module_slug), least(v.started, c.completed_at), c.completed_at, c.how
FROM (SELECT user_id, module_slug, min(first_seen_at) AS started FROM step_views GROUP BY user_id, module_slug) v
FULL JOIN module_completions c ON c.user_id = v.user_id AND c.module_slug = v.module_slug
ON CONFLICT DO NOTHING;
--> statement-breakpoint
INSERT INTO module_tallies (module_slug, started, self, live)
SELECT module_slug, count(*), count(*) FILTER (WHERE how = 'self'), count(*) FILTER (WHERE how = 'live') FROM module_progress GROUP BY module_slug;
--> statement-breakpoint
INSERT INTO completion_weeks (module_slug, week, how, completions)
SELECT module_slug, date_trunc('week', completed_at AT TIME ZONE 'UTC'), how, count(*) FROM module_completions GROUP BY 1, 2, 3
ON CONFLICT DO NOTHING;
--> statement-breakpoint
INSERT INTO learner_totals (user_id, core_completed)
SELECT c.user_id, count(*) FROM module_completions c JOIN modules m ON m.slug = c.module_slug AND NOT m.draft GROUP BY c.user_id
ON CONFLICT DO NOTHING;
--> statement-breakpoint
INSERT INTO group_progress_counts (group_id, core_completed, activists)
SELECT ms.group_id, coalesce(lt.core_completed, 0), count(*)
FROM memberships ms JOIN users u ON u.id = ms.user_id AND u.role = 'activist'
LEFT JOIN learner_totals lt ON lt.user_id = ms.user_id
GROUP BY 1, 2;
--> statement-breakpoint
CREATE TRIGGER "step_views_report" AFTER INSERT OR UPDATE OR DELETE ON "step_views" FOR EACH ROW EXECUTE FUNCTION report_step_views_changed();
--> statement-breakpoint
CREATE TRIGGER "module_completions_report" AFTER INSERT OR UPDATE OR DELETE ON "module_completions" FOR EACH ROW EXECUTE FUNCTION report_completions_changed();
--> statement-breakpoint
CREATE TRIGGER "module_progress_report" AFTER INSERT OR UPDATE OR DELETE ON "module_progress" FOR EACH ROW EXECUTE FUNCTION report_progress_changed();
--> statement-breakpoint
CREATE TRIGGER "modules_report" AFTER INSERT OR UPDATE OF draft OR DELETE ON "modules" FOR EACH ROW EXECUTE FUNCTION report_modules_changed();
--> statement-breakpoint
CREATE TRIGGER "learner_totals_report" AFTER INSERT OR UPDATE OR DELETE ON "learner_totals" FOR EACH ROW EXECUTE FUNCTION report_learner_totals_changed();
--> statement-breakpoint
CREATE TRIGGER "memberships_report" AFTER INSERT OR UPDATE OR DELETE ON "memberships" FOR EACH ROW EXECUTE FUNCTION report_memberships_changed();
--> statement-breakpoint
CREATE TRIGGER "users_report_role" AFTER UPDATE OF role ON "users" FOR EACH ROW EXECUTE FUNCTION report_users_changed();
--> statement-breakpoint
CREATE TRIGGER "users_report_delete" BEFORE DELETE ON "users" FOR EACH ROW EXECUTE FUNCTION report_users_changed();
