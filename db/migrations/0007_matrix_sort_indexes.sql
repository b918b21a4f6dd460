DROP INDEX "module_progress_module_idx";--> statement-breakpoint
CREATE INDEX "module_progress_module_dates_idx" ON "module_progress" USING btree ("module_slug","completed_at","started_at");--> statement-breakpoint
CREATE INDEX "users_name_idx" ON "users" USING btree ("name","id");