CREATE TABLE "field_debrief_weeks" (
	"group_id" uuid NOT NULL,
	"week" date NOT NULL,
	"debriefs" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "field_debrief_weeks_group_id_week_pk" PRIMARY KEY("group_id","week")
);
--> statement-breakpoint
CREATE TABLE "field_objection_weeks" (
	"group_id" uuid NOT NULL,
	"week" date NOT NULL,
	"code" text NOT NULL,
	"debriefs" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "field_objection_weeks_group_id_week_code_pk" PRIMARY KEY("group_id","week","code")
);
--> statement-breakpoint
ALTER TABLE "field_debrief_weeks" ADD CONSTRAINT "field_debrief_weeks_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "field_objection_weeks" ADD CONSTRAINT "field_objection_weeks_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "debriefs_day_idx" ON "debriefs" USING btree ("day");--> statement-breakpoint
-- ---------------------------------------------------------------- kept by triggers on debriefs
-- One debrief adds (sign 1) or takes away (sign -1) one from its area's week and one from
-- each distinct objection code it lists. Taking away only updates: when a group is deleted
-- its rows here go by cascade, perhaps before its debriefs, and an insert of a -1 row
-- would then point at a group that is gone.
CREATE FUNCTION "field_adjust_objection_weeks"(p_group uuid, p_day date, p_codes jsonb, p_sign int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  w date := date_trunc('week', p_day::timestamp)::date;
BEGIN
  IF p_sign > 0 THEN
    INSERT INTO field_debrief_weeks (group_id, week, debriefs) VALUES (p_group, w, 1)
    ON CONFLICT (group_id, week) DO UPDATE SET debriefs = field_debrief_weeks.debriefs + 1;
    INSERT INTO field_objection_weeks (group_id, week, code, debriefs)
    SELECT DISTINCT p_group, w, c, 1
    FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(p_codes) = 'array' THEN p_codes ELSE '[]'::jsonb END) c
    ON CONFLICT (group_id, week, code) DO UPDATE SET debriefs = field_objection_weeks.debriefs + 1;
  ELSE
    UPDATE field_debrief_weeks SET debriefs = debriefs - 1 WHERE group_id = p_group AND week = w;
    UPDATE field_objection_weeks SET debriefs = debriefs - 1
    WHERE group_id = p_group AND week = w
      AND code IN (SELECT jsonb_array_elements_text(CASE WHEN jsonb_typeof(p_codes) = 'array' THEN p_codes ELSE '[]'::jsonb END));
    DELETE FROM field_debrief_weeks WHERE group_id = p_group AND week = w AND debriefs <= 0;
    DELETE FROM field_objection_weeks WHERE group_id = p_group AND week = w AND debriefs <= 0;
  END IF;
END $$;

--> statement-breakpoint
CREATE FUNCTION "field_debriefs_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM field_adjust_objection_weeks(OLD.group_id, OLD.day, OLD.objections, -1); END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN PERFORM field_adjust_objection_weeks(NEW.group_id, NEW.day, NEW.objections, 1); END IF;
  RETURN NULL;
END $$;

--> statement-breakpoint
CREATE TRIGGER "field_debriefs_objection_weeks" AFTER INSERT OR DELETE ON "debriefs"
  FOR EACH ROW EXECUTE FUNCTION field_debriefs_changed();

--> statement-breakpoint
CREATE TRIGGER "field_debriefs_objection_weeks_moved" AFTER UPDATE OF group_id, day, objections ON "debriefs"
  FOR EACH ROW WHEN (OLD.group_id IS DISTINCT FROM NEW.group_id OR OLD.day IS DISTINCT FROM NEW.day OR OLD.objections IS DISTINCT FROM NEW.objections)
  EXECUTE FUNCTION field_debriefs_changed();

--> statement-breakpoint
-- Recount both tables from debriefs: the backfill below, and after a bulk load that
-- bypassed the triggers (`npm run db:rebuild-summaries`, bench/impact.bench.js).
CREATE FUNCTION "field_rebuild_objection_weeks"() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM field_debrief_weeks;
  DELETE FROM field_objection_weeks;
  INSERT INTO field_debrief_weeks (group_id, week, debriefs)
  SELECT group_id, date_trunc('week', day::timestamp)::date, count(*) FROM debriefs GROUP BY 1, 2;
  INSERT INTO field_objection_weeks (group_id, week, code, debriefs)
  SELECT d.group_id, date_trunc('week', d.day::timestamp)::date, o.code, count(DISTINCT d.id)
  FROM debriefs d
  CROSS JOIN LATERAL jsonb_array_elements_text(CASE WHEN jsonb_typeof(d.objections) = 'array' THEN d.objections ELSE '[]'::jsonb END) o(code)
  GROUP BY 1, 2, 3;
END $$;

--> statement-breakpoint
SELECT field_rebuild_objection_weeks();
