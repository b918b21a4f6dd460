CREATE TABLE "group_module_tallies" (
	"group_id" uuid NOT NULL,
	"module_slug" text NOT NULL,
	"self" integer DEFAULT 0 NOT NULL,
	"live" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "group_module_tallies_group_id_module_slug_pk" PRIMARY KEY("group_id","module_slug")
);
--> statement-breakpoint
ALTER TABLE "group_module_tallies" ADD CONSTRAINT "group_module_tallies_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- ---------------------------------------------------------------- triggers (written by hand)
-- Kept like group_progress_counts (0003): a completion counts in every group its person is
-- in while they are an activist. Decrements are always UPDATEs, never inserts: a group
-- on its way out (cascade) must not get a row back.
CREATE FUNCTION "report_group_module_add"(p_group uuid, p_module text, p_how completion_how, p_sign int) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF p_sign > 0 THEN
    INSERT INTO group_module_tallies AS t (group_id, module_slug, self, live)
    VALUES (p_group, p_module, (p_how = 'self')::int, (p_how = 'live')::int)
    ON CONFLICT (group_id, module_slug) DO UPDATE SET self = t.self + excluded.self, live = t.live + excluded.live;
  ELSE
    UPDATE group_module_tallies SET self = self - (p_how = 'self')::int, live = live - (p_how = 'live')::int
     WHERE group_id = p_group AND module_slug = p_module;
  END IF;
END $$;
--> statement-breakpoint
-- One completion, in each of its person's groups.
CREATE FUNCTION "report_group_module_completion"(p_user text, p_module text, p_how completion_how, p_sign int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  g uuid;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM users WHERE id = p_user AND role = 'activist') THEN RETURN; END IF;
  FOR g IN SELECT group_id FROM memberships WHERE user_id = p_user LOOP
    PERFORM report_group_module_add(g, p_module, p_how, p_sign);
  END LOOP;
END $$;
--> statement-breakpoint
-- All of a person's completions, in one group (p_group) or in each of their groups (null).
CREATE FUNCTION "report_group_module_member"(p_user text, p_group uuid, p_sign int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  g uuid;
  c record;
BEGIN
  -- (one group: it is named, since a deleted membership is no longer in the table)
  FOR g IN SELECT p_group WHERE p_group IS NOT NULL
           UNION ALL SELECT group_id FROM memberships WHERE user_id = p_user AND p_group IS NULL LOOP
    FOR c IN SELECT module_slug, how FROM module_completions WHERE user_id = p_user LOOP
      PERFORM report_group_module_add(g, c.module_slug, c.how, p_sign);
    END LOOP;
  END LOOP;
END $$;
--> statement-breakpoint
CREATE FUNCTION "report_group_module_completions_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND (NEW.user_id, NEW.module_slug, NEW.how) IS NOT DISTINCT FROM (OLD.user_id, OLD.module_slug, OLD.how) THEN
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM report_group_module_completion(OLD.user_id, OLD.module_slug, OLD.how, -1); END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN PERFORM report_group_module_completion(NEW.user_id, NEW.module_slug, NEW.how, 1); END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "report_group_module_memberships_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id AND role = 'activist') THEN
    PERFORM report_group_module_member(OLD.user_id, OLD.group_id, -1);
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') AND EXISTS (SELECT 1 FROM users WHERE id = NEW.user_id AND role = 'activist') THEN
    PERFORM report_group_module_member(NEW.user_id, NEW.group_id, 1);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "report_group_module_users_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    -- BEFORE the delete: afterwards the cascades no longer know who this was.
    IF OLD.role = 'activist' THEN PERFORM report_group_module_member(OLD.id, NULL, -1); END IF;
    RETURN OLD;
  END IF;
  IF (OLD.role = 'activist') <> (NEW.role = 'activist') THEN
    PERFORM report_group_module_member(NEW.id, NULL, CASE WHEN NEW.role = 'activist' THEN 1 ELSE -1 END);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- ---------------------------------------------------------------- backfill, then the triggers
CREATE FUNCTION "report_rebuild_group_module_tallies"() RETURNS void LANGUAGE sql AS $$
  DELETE FROM group_module_tallies;
  INSERT INTO group_module_tallies (group_id, module_slug, self, live)
  SELECT ms.group_id, c.module_slug, count(*) FILTER (WHERE c.how = 'self'), count(*) FILTER (WHERE c.how = 'live')
  FROM memberships ms
  JOIN users u ON u.id = ms.user_id AND u.role = 'activist'
  JOIN module_completions c ON c.user_id = ms.user_id
  GROUP BY 1, 2;
$$;
--> statement-breakpoint
SELECT report_rebuild_group_module_tallies();
--> statement-breakpoint
CREATE TRIGGER "module_completions_group_module_report" AFTER INSERT OR UPDATE OR DELETE ON "module_completions" FOR EACH ROW EXECUTE FUNCTION report_group_module_completions_changed();
--> statement-breakpoint
CREATE TRIGGER "memberships_group_module_report" AFTER INSERT OR UPDATE OR DELETE ON "memberships" FOR EACH ROW EXECUTE FUNCTION report_group_module_memberships_changed();
--> statement-breakpoint
CREATE TRIGGER "users_group_module_report_role" AFTER UPDATE OF role ON "users" FOR EACH ROW EXECUTE FUNCTION report_group_module_users_changed();
--> statement-breakpoint
CREATE TRIGGER "users_group_module_report_delete" BEFORE DELETE ON "users" FOR EACH ROW EXECUTE FUNCTION report_group_module_users_changed();
