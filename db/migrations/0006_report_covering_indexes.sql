DROP INDEX "memberships_group_idx";--> statement-breakpoint
CREATE INDEX "memberships_group_user_idx" ON "memberships" USING btree ("group_id","user_id");--> statement-breakpoint
CREATE INDEX "module_progress_user_cover_idx" ON "module_progress" USING btree ("user_id","module_slug","started_at","completed_at","how");--> statement-breakpoint
CREATE INDEX "users_id_role_idx" ON "users" USING btree ("id","role");