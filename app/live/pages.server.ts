import { and, eq } from "drizzle-orm";
import { db } from "../../db/client.server";
import { liveParticipants, liveSessions, reflections } from "../../db/schema";
import { getModule } from "../content/catalog.server";
import { stepModuleCode } from "../content/step-code.server";
import { learnerManifest, trainerSteps, type LearnerManifest, type TrainerStep } from "../content/manifest";
import { formatJoinCode } from "./join-code";
import { joinQrSvg } from "./qr.server";
import { touchPresence } from "./attendance.server";
import { canDrive, findLiveSession, isParticipant, MESSAGES, type LiveActor, type LiveResult } from "./core.server";
import { refuse } from "../lib/result";
import { liveShuffleSeeds } from "../activities/order/shuffle.server";
import type { ShuffleSeeds } from "../activities/order/shuffle";
import type { LiveView, LiveViewer } from "./state";
import { liveState } from "./state.server";

// What the live pages' loaders need, each in one call.

export interface LiveModule {
  slug: string;
  title: string;
  hash: string;
  /** Loader data of participants' screens too: never the trainer notes (ADR 023). */
  manifest: LearnerManifest;
}

/**
 * A live page's loader data, and the module's compiled code beside it: the route primes
 * its server render with the code, which reaches the browser as a script asset, never as
 * loader data (ADR 006). Both come from one catalogue read, so the hash matches the code.
 */
export interface WithModuleCode<T> {
  page: T;
  code: string;
}

function liveModule(slug: string): (WithModuleCode<LiveModule> & { trainer: TrainerStep[] }) | null {
  const module = getModule(slug);
  return module
    ? {
        page: { slug: module.slug, title: module.frontmatter.title, hash: module.hash, manifest: learnerManifest(module.manifest) },
        code: module.code,
        trainer: trainerSteps(module.manifest),
      }
    : null;
}

export interface PresenterPage {
  view: LiveView;
  module: LiveModule;
  /** Per step: planned minutes and trainer notes. The presenter's page only. */
  trainerSteps: TrainerStep[];
  join: { code: string; spaced: string; url: string; shortUrl: string; qrSvg: string };
}

/**
 * The presenter view, its phone remote and its projector display: only the session's
 * trainer or an admin. The display's view is the room's (no names, no presenter-only
 * fields); the presenter and the remote get the presenter's.
 */
export async function presenterPage(
  codeInput: string,
  actor: LiveActor,
  origin: string,
  viewer: { kind: "presenter" } | { kind: "display" } = { kind: "presenter" },
): Promise<LiveResult<WithModuleCode<PresenterPage>>> {
  const session = await findLiveSession(codeInput);
  if (!session) return refuse(404, MESSAGES.unknownCode);
  if (!canDrive(session, actor)) return refuse(403, MESSAGES.notDriver);
  const module = liveModule(session.moduleSlug);
  const view = await liveState(session.id, viewer);
  if (!module || !view) return refuse(410, MESSAGES.moduleGone);
  const url = `${origin}/join/${session.code}`;
  return {
    ok: true,
    value: {
      page: {
        view,
        module: module.page,
        trainerSteps: module.trainer,
        join: { code: session.code, spaced: formatJoinCode(session.code), url, shortUrl: `${origin.replace(/^https?:\/\//, "")}/join`, qrSvg: await joinQrSvg(url) },
      },
      code: module.code,
    },
  };
}

export interface ParticipantView {
  view: LiveView;
  module: LiveModule;
  reflections: Record<string, string>;
  /** This participant's own order of quiz options and replies (the presenter has none). */
  shuffleSeeds: Record<string, ShuffleSeeds>;
  /**
   * The key of the code this page renders: the current step's own (ADR 036), or the whole
   * module's where it cannot be cut into steps (then `stepCode` is false and every step
   * uses the whole).
   */
  codeKey: string;
  stepCode: boolean;
}

export type ParticipantPage = ({ kind: "view" } & WithModuleCode<ParticipantView>) | { kind: "presenter" } | { kind: "join" };

/**
 * A participant's screen. Loading it counts as being here (so a screen without
 * JavaScript, refreshing itself, stays "connected"). Not joined yet: go and join; the
 * session's trainer: go to the presenter view.
 */
export async function participantPage(codeInput: string, actor: LiveActor): Promise<LiveResult<ParticipantPage>> {
  const session = await findLiveSession(codeInput);
  if (!session) return refuse(404, MESSAGES.unknownCode);
  if (!(await isParticipant(session.id, actor.id))) {
    if (canDrive(session, actor)) return { ok: true, value: { kind: "presenter" } };
    if (session.status === "ended") return refuse(410, MESSAGES.ended);
    return { ok: true, value: { kind: "join" } };
  }
  if (session.status === "open") await touchPresence(session.id, [actor.id]);
  const module = liveModule(session.moduleSlug);
  const view = await liveState(session.id, { kind: "participant", userId: actor.id });
  if (!module || !view) return refuse(410, MESSAGES.moduleGone);
  // Only the current step's code (ADR 036): a phone on a slow network loads 1–4 kB instead
  // of the whole module's ~10 kB; the page loads the next step's when the trainer moves on.
  const compiled = getModule(session.moduleSlug);
  const stepId = view.shared.steps[view.shared.stepIndex]?.id;
  const code = compiled && stepId !== undefined ? await stepModuleCode(compiled, stepId) : { key: module.page.hash, code: module.code };
  const rows = await db()
    .select({ id: reflections.reflectId, body: reflections.body })
    .from(reflections)
    .where(and(eq(reflections.userId, actor.id), eq(reflections.moduleSlug, session.moduleSlug)));
  return {
    ok: true,
    value: {
      kind: "view",
      page: {
        view,
        module: module.page,
        reflections: Object.fromEntries(rows.map((r) => [r.id, r.body])),
        shuffleSeeds: liveShuffleSeeds(actor.id, session.id, module.page.manifest.activities),
        codeKey: code.key,
        stepCode: compiled?.stepSources !== undefined,
      },
      code: code.code,
    },
  };
}

/**
 * Whether someone takes part in a live session of this module. A trainer may run a draft,
 * and the participants' screens need its code (ADR 006). Any session counts, ended or not:
 * a page loaded just before the end still fetches the code, and the participants have
 * seen the content anyway.
 */
export async function isLiveParticipantOfModule(userId: string, moduleSlug: string): Promise<boolean> {
  const [row] = await db()
    .select({ userId: liveParticipants.userId })
    .from(liveParticipants)
    .innerJoin(liveSessions, eq(liveSessions.id, liveParticipants.sessionId))
    .where(and(eq(liveParticipants.userId, userId), eq(liveSessions.moduleSlug, moduleSlug)))
    .limit(1);
  return Boolean(row);
}

/** Who may open the event stream, and as what (the presenter and the projector: the session's drivers). */
export async function streamAccess(
  codeInput: string,
  actor: LiveActor,
  as: LiveViewer["kind"],
): Promise<LiveResult<{ sessionId: string; ended: boolean; viewer: LiveViewer }>> {
  const session = await findLiveSession(codeInput);
  if (!session) return refuse(404, MESSAGES.unknownCode);
  const ended = session.status === "ended";
  if (as === "presenter" || as === "display") {
    if (!canDrive(session, actor)) return refuse(403, MESSAGES.notDriver);
    return { ok: true, value: { sessionId: session.id, ended, viewer: { kind: as } } };
  }
  if (!(await isParticipant(session.id, actor.id))) return refuse(403, MESSAGES.notParticipant);
  return { ok: true, value: { sessionId: session.id, ended, viewer: { kind: "participant", userId: actor.id } } };
}
