import { count, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { StepProgress } from "~/progress/read.server";
import { OFFLINE_SAVE_HEADER } from "~/lib/offline";
import * as stepPage from "~/routes/modules.$slug.$step";
import { stepViews } from "../../db/schema";
import { withFixtureCatalog } from "../setup/content";
import { withTestDatabase } from "../setup/database";
import { get, makeUser, run } from "../setup/fixtures";
import { basics, openStep } from "../setup/learner";

// "Save for offline" (ADR 035) fetches every step of a module ahead of a journey; that must
// not count as reading them: no step view, no completion of a module of reading-only steps.

const database = withTestDatabase();
withFixtureCatalog();

async function viewsOf(userId: string) {
  const [row] = await database().db.select({ n: count() }).from(stepViews).where(eq(stepViews.userId, userId));
  return Number(row!.n);
}

describe("save for offline", () => {
  it("a step fetched with the save header records no view and shows the progress as it is; a plain visit records one", async () => {
    const learner = await makeUser("activist");
    const module = basics();
    const [first, second] = module.manifest.steps;
    await openStep(learner, module, first!.id);
    expect(await viewsOf(learner.id)).toBe(1);

    const request = get(`/modules/${module.slug}/${second!.id}`, learner.cookie);
    request.headers.set(OFFLINE_SAVE_HEADER, "1");
    const saved = await run(stepPage.loader, request, { slug: module.slug, step: second!.id });
    expect(saved.status).toBe(200);
    expect((saved.body as { progress: StepProgress }).progress.seenStepIds).toEqual([first!.id]);
    expect(await viewsOf(learner.id)).toBe(1);

    expect((await openStep(learner, module, second!.id)).seenStepIds.sort()).toEqual([first!.id, second!.id].sort());
    expect(await viewsOf(learner.id)).toBe(2);
  });
});
