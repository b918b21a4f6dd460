ALTER TABLE "evaluation_groups" ADD COLUMN "not_drawn" integer;--> statement-breakpoint
ALTER TABLE "evaluation_groups" ADD CONSTRAINT "evaluation_groups_not_drawn_count" CHECK ("evaluation_groups"."not_drawn" >= 0);--> statement-breakpoint
-- The timing design draws every activist of its groups, so its count is known: none. An A/B
-- evaluation registered before this migration keeps null (not known): the draw left out
-- whoever had begun the module then, and that was not recorded.
UPDATE "evaluation_groups" SET "not_drawn" = 0 WHERE "evaluation_id" IN (SELECT "id" FROM "evaluations" WHERE "design" = 'timing');
