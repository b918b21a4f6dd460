// Trainer notes and live timings (issue 15): the notes reach trainers (presenter view,
// previewing a step, the printable plan) and never a learner's loader data, event stream or
// module code; elapsed-against-planned figures come from timestamps stored in the session.
import { eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { getModule } from "~/content/catalog.server";
import { stopLive } from "~/live/hub.server";
import { joinWithCode } from "~/live/joining.server";
import { createLiveSession, setStep } from "~/live/lifecycle.server";
import type { LiveView } from "~/live/state";
import type { SessionPlan } from "~/live/plan.server";
import { liveTiming } from "~/live/timing";
import { moduleCodePath } from "~/mdx/module-code";
import { stepCodeKey } from "~/content/step-code.server";
import * as liveParticipant from "~/routes/live.$code._index";
import * as liveEvents from "~/routes/live.$code.events";
import * as livePresent from "~/routes/live.$code.present";
import * as liveNew from "~/routes/live.new";
import * as moduleCode from "~/routes/modules.$slug.code.$file";
import * as modulePage from "~/routes/modules.$slug._index";
import * as modulePlan from "~/routes/modules.$slug.plan";
import * as moduleStep from "~/routes/modules.$slug.$step";
import { liveSessions } from "../../db/schema";
import { LIVE_MODULE, STEP, withLiveCatalog } from "../fixtures/live-modules/setup";
import { get, makeUser, run, TEST_ORIGIN } from "../setup/fixtures";
import { withTestDatabase } from "../setup/database";
import { sseReader } from "../setup/sse";

const database = withTestDatabase();
withLiveCatalog();
afterAll(() => stopLive());

// Distinctive words from the fixture's two <TrainerNotes> blocks.
const NOTES = ["TRAINER-ONLY-MARMALADE-4821", "TRAINER-ONLY-QUINCE-7310"];
const leaks = (payload: unknown) => {
  const text = typeof payload === "string" ? payload : JSON.stringify(payload);
  return NOTES.filter((n) => text.includes(n)).concat(/trainerNotes/.test(text) ? ["trainerNotes"] : []);
};

async function liveSession() {
  const trainer = await makeUser("trainer");
  const created = await createLiveSession(trainer, { moduleSlug: LIVE_MODULE });
  if (!created.ok) throw new Error(created.message);
  const activist = await makeUser("activist");
  const joined = await joinWithCode(created.value.code, activist, "192.0.2.10");
  if (!joined.ok) throw new Error(joined.message);
  return { trainer, activist, ...created.value };
}

/** The data of the first `count` state events of a stream. */
async function firstEvents(code: string, cookie: string, asPresenter: boolean, count = 1): Promise<string[]> {
  const controller = new AbortController();
  const request = new Request(new URL(`/live/${code}/events${asPresenter ? "?as=presenter" : ""}`, TEST_ORIGIN), { headers: { Cookie: cookie }, signal: controller.signal });
  const response = (await liveEvents.loader({ request, params: { code }, context: { clientIp: "192.0.2.10" } })) as Response;
  expect(response.status).toBe(200);
  const stream = sseReader(response.body!);
  const events: string[] = [];
  const deadline = Date.now() + 3000;
  while (events.length < count && Date.now() < deadline) {
    const next = await stream.next(Math.min(500, deadline - Date.now())).catch(() => null);
    if (next?.event === "state") events.push(next.data);
  }
  controller.abort();
  expect(events.length).toBeGreaterThanOrEqual(1);
  return events;
}

describe("trainer notes never reach learners", () => {
  it("the fixture really has the notes, so the absence checks below can fail", () => {
    const module = getModule(LIVE_MODULE)!;
    expect(module.manifest.steps[STEP.welcome]!.trainerNotes.join()).toContain(NOTES[0]);
    expect(module.manifest.steps[STEP.scenario]!.trainerNotesHtml.join()).toContain(NOTES[1]);
  });

  it("self-paced: the step page's loader data and the module page carry no notes for an activist; a trainer previewing sees them", async () => {
    const activist = await makeUser("activist");
    for (const step of ["welcome", "door"]) {
      const page = await run(moduleStep.loader, get(`/modules/${LIVE_MODULE}/${step}`, activist.cookie), { slug: LIVE_MODULE, step });
      expect(page.status).toBe(200);
      expect(leaks(page.body)).toEqual([]);
      expect((page.body as { trainer: unknown }).trainer).toBeNull();
    }
    const overview = await run(modulePage.loader, get(`/modules/${LIVE_MODULE}`, activist.cookie), { slug: LIVE_MODULE });
    expect(leaks(overview.body)).toEqual([]);
    expect((overview.body as { plannedLiveMinutes: unknown }).plannedLiveMinutes).toBeNull();

    const trainer = await makeUser("trainer");
    const preview = await run(moduleStep.loader, get(`/modules/${LIVE_MODULE}/welcome`, trainer.cookie), { slug: LIVE_MODULE, step: "welcome" });
    // The aside's HTML, made on the server (the page has no component for it: ADR 036).
    const notes = (preview.body as { trainer: string }).trainer;
    expect(notes).toContain('<p class="trainer-notes__minutes">Planned live: 5 min</p>');
    expect(notes).toContain(NOTES[0]);
    expect(notes).toContain("<strong>who has knocked before</strong>");
    const trainerOverview = await run(modulePage.loader, get(`/modules/${LIVE_MODULE}`, trainer.cookie), { slug: LIVE_MODULE });
    // 5 + 3 + 10 + 12: the quiz step plans no time.
    expect((trainerOverview.body as { plannedLiveMinutes: number }).plannedLiveMinutes).toBe(30);
  });

  it("the module's compiled code (what every browser downloads) has no notes", async () => {
    const module = getModule(LIVE_MODULE)!;
    expect(leaks(module.code)).toEqual([]);
    const address = moduleCodePath(module.slug, module.hash);
    const [, , slug, , file] = address.split("/");
    const activist = await makeUser("activist");
    const res = (await moduleCode.loader({ request: get(address, activist.cookie), params: { slug: slug!, file: file! }, context: { clientIp: "192.0.2.10" } })) as Response;
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body.length).toBeGreaterThan(100);
    expect(leaks(body)).toEqual([]);
    // Each step's own code (what a self-paced step page downloads instead) is cut the same way.
    for (const step of module.manifest.steps) {
      const stepAddress = moduleCodePath(module.slug, stepCodeKey(module.hash, step.id));
      const stepFile = stepAddress.split("/")[4]!;
      const stepRes = (await moduleCode.loader({ request: get(stepAddress, activist.cookie), params: { slug: slug!, file: stepFile }, context: { clientIp: "192.0.2.10" } })) as Response;
      expect(stepRes.status, step.id).toBe(200);
      const stepBody = await stepRes.text();
      expect(stepBody, step.id).toContain(`"${stepCodeKey(module.hash, step.id)}"`);
      expect(leaks(stepBody), step.id).toEqual([]);
    }
  });

  it("live: the participant page and its event stream carry no notes; the presenter's page has them", async () => {
    const s = await liveSession();
    for (const to of [STEP.welcome, STEP.scenario]) {
      const moved = await setStep(s.code, s.trainer, to);
      expect(moved.ok).toBe(true);
      const page = await run(liveParticipant.loader, get(`/live/${s.code}`, s.activist.cookie), { code: s.code });
      expect(page.status).toBe(200);
      expect(leaks(page.body)).toEqual([]);
      expect(leaks(await firstEvents(s.code, s.activist.cookie, false))).toEqual([]);

      const presenter = await run(livePresent.loader, get(`/live/${s.code}/present`, s.trainer.cookie), { code: s.code });
      expect(presenter.status).toBe(200);
      const { trainerSteps, module } = presenter.body as { trainerSteps: { notesHtml: string[] }[]; module: unknown };
      expect(trainerSteps[to]!.notesHtml.join()).toContain(NOTES[to === STEP.welcome ? 0 : 1]);
      // The learner-facing part of the presenter's data is the same cut as the participants'.
      expect(leaks(module)).toEqual([]);
    }
  });
});

describe("the printable session plan", () => {
  it("is for trainers and admins: an activist or organiser is refused, an unknown module is not found", async () => {
    for (const role of ["activist", "organiser"] as const) {
      const user = await makeUser(role);
      expect((await run(modulePlan.loader, get(`/modules/${LIVE_MODULE}/plan`, user.cookie), { slug: LIVE_MODULE })).status).toBe(403);
    }
    const trainer = await makeUser("trainer");
    expect((await run(modulePlan.loader, get("/modules/nope/plan", trainer.cookie), { slug: "nope" })).status).toBe(404);
    expect((await run(modulePlan.loader, get(`/modules/${LIVE_MODULE}/plan`))).status).toBe(302);
  });

  it("lists steps on a running clock, notes, materials, the pairing and scenario choice points, and a card per role", async () => {
    const admin = await makeUser("admin");
    const res = await run(modulePlan.loader, get(`/modules/${LIVE_MODULE}/plan`, admin.cookie), { slug: LIVE_MODULE });
    expect(res.status).toBe(200);
    const { plan } = res.body as { plan: SessionPlan };
    expect(plan.plannedMinutes).toBe(30);
    expect(plan.steps.map((s) => [s.id, s.startsAt, s.liveMinutes])).toEqual([
      ["welcome", 0, 5],
      ["warm-up", 5, 3],
      ["check", 8, null],
      ["door", 8, 10],
      ["pairs", 18, 12],
    ]);
    expect(plan.materials).toEqual(["Printed role cards, one set per pair", "A timer the room can see"]);
    expect(JSON.stringify(plan.steps[STEP.welcome]!.notesHtml)).toContain(NOTES[0]);
    const scenario = plan.steps[STEP.scenario]!.activities.find((a) => a.kind === "scenario");
    expect(scenario).toMatchObject({ kind: "scenario", title: "A quick doorstep" });
    // Three resident lines, each with its two replies; an ending is named with its outcome.
    expect(scenario!.kind === "scenario" && scenario!.choicePoints.map((p) => p.says)).toEqual(["Hello? Can I help you?", "Honestly? The buses.", "I'm busy."]);
    expect(JSON.stringify(scenario)).toContain("good ending: She'll come on Thursday");
    expect(plan.steps[STEP.pairs]!.activities.find((a) => a.kind === "roleplay")).toMatchObject({ minutes: 5, roles: [{ type: "canvasser" }, { type: "resident" }] });
    expect(plan.roleCards.map((c) => `${c.role.type}:${c.role.name}`)).toEqual(["canvasser:You, a volunteer", "resident:Pat, 58"]);
  });
});

describe("elapsed against planned", () => {
  it("comes from the stored start of the session and of the current step, the same after a reload and on any device", async () => {
    const s = await liveSession();
    await setStep(s.code, s.trainer, STEP.poll);
    // Back-date: the session began 20 minutes ago, this step 4 minutes ago (planned: 3).
    await database()
      .db.update(liveSessions)
      .set({ createdAt: sql`now() - interval '20 minutes'`, stepStartedAt: sql`now() - interval '4 minutes'` })
      .where(eq(liveSessions.id, s.id));
    const page = await run(livePresent.loader, get(`/live/${s.code}/present`, s.trainer.cookie), { code: s.code });
    const { view, trainerSteps } = page.body as { view: LiveView; trainerSteps: { liveMinutes: number | null }[] };
    const timing = liveTiming({ now: Date.parse(view.shared.serverNow), ...view.presenter!.timing, stepIndex: view.shared.stepIndex, planned: trainerSteps.map((t) => t.liveMinutes) });
    expect(timing.step.plannedMinutes).toBe(3);
    expect(timing.step.elapsedSeconds).toBeGreaterThanOrEqual(240);
    expect(timing.step.elapsedSeconds).toBeLessThan(250);
    expect(timing.step.overSeconds).toBeGreaterThanOrEqual(60);
    expect(timing.session).toMatchObject({ plannedMinutes: 30, overSeconds: 0 });
    expect(timing.session.elapsedSeconds).toBeGreaterThanOrEqual(1200);

    // A second device's stream carries the same stored times; participants get none.
    const [event] = await firstEvents(s.code, s.trainer.cookie, true);
    const streamed = JSON.parse(event!) as LiveView;
    expect(streamed.presenter!.timing).toEqual(view.presenter!.timing);
    const [participantEvent] = await firstEvents(s.code, s.activist.cookie, false);
    expect(participantEvent).not.toContain("stepStartedAt");

    // Re-sending the same step keeps its clock; moving on restarts it.
    await setStep(s.code, s.trainer, STEP.poll);
    const [same] = await database().db.select({ at: liveSessions.stepStartedAt }).from(liveSessions).where(eq(liveSessions.id, s.id));
    expect(Date.parse(view.presenter!.timing.stepStartedAt) - same!.at.getTime()).toBe(0);
    await setStep(s.code, s.trainer, STEP.quiz);
    const [moved] = await database().db.select({ at: liveSessions.stepStartedAt }).from(liveSessions).where(eq(liveSessions.id, s.id));
    expect(moved!.at.getTime()).toBeGreaterThan(same!.at.getTime() + 200_000);
  });

  it("the live start page shows each module's planned minutes", async () => {
    const trainer = await makeUser("trainer");
    const options = await run(liveNew.loader, get("/live/new", trainer.cookie));
    expect((options.body as { modules: { slug: string; plannedMinutes: number }[] }).modules.find((m) => m.slug === LIVE_MODULE)?.plannedMinutes).toBe(30);
  });
});
