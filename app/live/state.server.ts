import { and, eq, inArray, sql } from "drizzle-orm";
import { db } from "../../db/client.server";
import { groups, liveNewcomers, liveParticipants, liveResponses, liveRubricTicks, liveSessions, moduleCompletions, users, type LiveAnswer, type LiveRole } from "../../db/schema";
import type { TimingAccommodation } from "../auth/timing";
import { getModule } from "../content/catalog.server";
import type { CompiledModule } from "../content/manifest";
import { connectedWindowSeconds } from "./presence.server";
import { voteSlot } from "./scenario.server";
import {
  type LiveMe,
  type LivePresenter,
  type LiveScenarioView,
  type LiveShared,
  type LiveTally,
  type LiveView,
  type LiveViewer,
} from "./state";

// Reading a session's state: one snapshot (a handful of queries, run in parallel) from
// which every screen's view is cut. The event hub takes one snapshot per change and cuts
// a view per connected screen, serialising the shared parts once.

interface ParticipantRow {
  userId: string;
  name: string;
  joinedAt: Date;
  connected: boolean;
  mark: string | null;
  attended: boolean | null;
  newcomer: boolean;
  needsPassword: boolean;
  timing: TimingAccommodation;
}

export interface LiveSnapshot {
  session: typeof liveSessions.$inferSelect & { trainerName: string; groupName: string | null; now: Date };
  module: CompiledModule | undefined;
  participants: ParticipantRow[];
  /** `answeredAt`: the database's own text of the timestamp (microseconds), so that an answer replaced within the same millisecond still reads as changed. */
  responses: { userId: string; activityId: string; slot: string; answer: LiveAnswer; answeredAt: string }[];
  rubric: { observerId: string; canvasserId: string; items: string[] }[];
  /** Ended: the completions this session recorded (not those who had completed it before). */
  completionsRecorded: number | null;
}

export async function loadSnapshot(sessionId: string): Promise<LiveSnapshot | null> {
  const database = db();
  const [session] = await database
    .select({ session: liveSessions, trainerName: users.name, groupName: groups.name, now: sql<Date>`now()` })
    .from(liveSessions)
    .innerJoin(users, eq(users.id, liveSessions.trainerId))
    .leftJoin(groups, eq(groups.id, liveSessions.groupId))
    .where(eq(liveSessions.id, sessionId));
  if (!session) return null;
  const module = getModule(session.session.moduleSlug);
  const step = module?.manifest.steps[session.session.stepIndex];
  const activityIds = step?.activityIds ?? [];
  const pairing = session.session.pairing;
  const ended = session.session.status === "ended";
  const [participants, responses, rubric, completions] = await Promise.all([
    database
      .select({
        userId: liveParticipants.userId,
        name: users.name,
        joinedAt: liveParticipants.joinedAt,
        connected: sql<boolean>`${liveParticipants.lastSeenAt} > now() - make_interval(secs => ${connectedWindowSeconds()})`,
        mark: liveParticipants.mark,
        attended: liveParticipants.attended,
        newcomer: liveParticipants.newcomer,
        needsPassword: sql<boolean>`(${liveNewcomers.userId} is not null and ${liveNewcomers.passwordSetAt} is null)`,
        timing: users.timing,
      })
      .from(liveParticipants)
      .innerJoin(users, eq(users.id, liveParticipants.userId))
      .leftJoin(liveNewcomers, eq(liveNewcomers.userId, liveParticipants.userId))
      .where(eq(liveParticipants.sessionId, sessionId))
      .orderBy(liveParticipants.joinedAt, users.name),
    activityIds.length
      ? database
          .select({
            userId: liveResponses.userId,
            activityId: liveResponses.activityId,
            slot: liveResponses.slot,
            answer: liveResponses.answer,
            answeredAt: sql<string>`${liveResponses.answeredAt}::text`,
          })
          .from(liveResponses)
          .where(and(eq(liveResponses.sessionId, sessionId), inArray(liveResponses.activityId, activityIds)))
      : Promise.resolve([]),
    pairing
      ? database
          .select({ observerId: liveRubricTicks.observerId, canvasserId: liveRubricTicks.canvasserId, items: liveRubricTicks.items })
          .from(liveRubricTicks)
          .where(
            and(
              eq(liveRubricTicks.sessionId, sessionId),
              eq(liveRubricTicks.activityId, pairing.activityId),
              eq(liveRubricTicks.round, pairing.round),
            ),
          )
      : Promise.resolve([]),
    ended
      ? database.select({ n: sql<number>`count(*)::int` }).from(moduleCompletions).where(eq(moduleCompletions.liveSessionId, sessionId))
      : Promise.resolve([]),
  ]);
  return {
    session: { ...session.session, trainerName: session.trainerName, groupName: session.groupName, now: new Date(session.now) },
    module,
    participants: participants.map((p) => ({ ...p, connected: Boolean(p.connected), needsPassword: Boolean(p.needsPassword) })),
    responses,
    rubric,
    completionsRecorded: ended ? Number(completions[0]?.n ?? 0) : null,
  };
}

/** Everything one snapshot can show, cut per audience. */
export interface LiveViews {
  version: number;
  sessionId: string;
  status: "open" | "ended";
  /** What every participant sees alike. */
  participantShared: LiveShared;
  presenterShared: LiveShared;
  /** The projector: the participants' shared state, with the room's scenario votes. */
  displayShared: LiveShared;
  presenter: LivePresenter;
  /** One participant's own part (null if they are not in the session). */
  me(userId: string): LiveMe | null;
  /**
   * What of one participant's own part answers alone can change (their rows of the current
   * step, each with when it was last written), as a string that differs whenever those
   * rows do. Far cheaper than building and serialising `me`: the hub compares it to decide
   * whose `me` to rebuild after a change of answers (hub.server.ts).
   */
  answersKey(userId: string): string;
}

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

export function buildViews(snapshot: LiveSnapshot): LiveViews {
  const { session, module, participants, responses, rubric, completionsRecorded } = snapshot;
  const steps = module?.manifest.steps ?? [];
  const step = steps[session.stepIndex];
  const names = new Map(participants.map((p) => [p.userId, p.name]));
  const connected = new Map(participants.map((p) => [p.userId, p.connected]));

  // Tallies of the current step's quizzes and polls.
  const tallies: Record<string, LiveTally> = {};
  const scenarios: Record<string, LiveScenarioView> = {};
  const presenterScenarios: Record<string, LiveScenarioView> = {};
  const currentSlots = new Map<string, string>(); // scenario id → the slot being voted on
  for (const id of step?.activityIds ?? []) {
    const activity = module?.manifest.activities[id];
    if (!activity) continue;
    if (activity.kind === "poll") tallies[id] = { kind: "poll", total: 0, counts: Object.fromEntries(activity.options.map((o) => [o.id, 0])) };
    if (activity.kind === "quiz") {
      tallies[id] = {
        kind: "quiz",
        total: 0,
        questions: Object.fromEntries(activity.questions.map((q) => [q.id, Object.fromEntries(q.options.map((o) => [o.id, 0]))])),
      };
    }
    if (activity.kind === "record") {
      tallies[id] = { kind: "record", total: 0, fields: {}, endingId: session.scenarios[activity.scenarioId]?.endingId ?? null };
    }
    if (activity.kind === "scenario") {
      const room = session.scenarios[id] ?? { run: 1, currentNode: activity.start, path: [], endingId: null };
      currentSlots.set(id, voteSlot(room));
      const view: LiveScenarioView = { run: room.run, currentNode: room.currentNode, path: room.path, endingId: room.endingId, turn: room.path.length, voters: 0, votes: null };
      scenarios[id] = view;
      presenterScenarios[id] = { ...view, votes: {} };
    }
  }
  const responsesByUser = new Map<string, Record<string, LiveAnswer>>();
  const votesByUser = new Map<string, Record<string, number>>();
  const rowKeysByUser = new Map<string, string[]>();
  for (const r of responses) {
    const rowKey = `${r.activityId}\u0001${r.slot}\u0001${r.answeredAt}`;
    const keys = rowKeysByUser.get(r.userId);
    if (keys) keys.push(rowKey);
    else rowKeysByUser.set(r.userId, [rowKey]);
    const tally = tallies[r.activityId];
    if (r.slot === "" && tally) {
      if (tally.kind === "poll" && r.answer.kind === "poll") {
        tally.total++;
        tally.counts[r.answer.optionId] = (tally.counts[r.answer.optionId] ?? 0) + 1;
      } else if (tally.kind === "quiz" && r.answer.kind === "quiz") {
        tally.total++;
        for (const [questionId, optionIds] of Object.entries(r.answer.answers)) {
          const counts = tally.questions[questionId];
          if (counts) for (const o of optionIds) counts[o] = (counts[o] ?? 0) + 1;
        }
      } else if (tally.kind === "record" && r.answer.kind === "record") {
        tally.total++;
        const { entry } = r.answer;
        const picks: [string, string[]][] = [
          ["support", [entry.support]],
          ["issues", entry.issues],
          ["commitment", [entry.commitment]],
          ["follow-up", [entry["follow-up"]]],
        ];
        // Maps, not {} lookups, while counting: codes were checked on the way in, but a count keyed by "__proto__" must never reach Object.prototype.
        for (const [field, codes] of picks) {
          const counts = new Map(Object.entries(tally.fields[field] ?? {}));
          for (const c of codes) counts.set(c, (counts.get(c) ?? 0) + 1);
          tally.fields[field] = Object.fromEntries(counts);
        }
      }
      let mine = responsesByUser.get(r.userId);
      if (!mine) responsesByUser.set(r.userId, (mine = {}));
      mine[r.activityId] = r.answer;
    } else if (r.answer.kind === "vote" && currentSlots.get(r.activityId) === r.slot) {
      const view = presenterScenarios[r.activityId]!;
      view.voters++;
      scenarios[r.activityId]!.voters++;
      view.votes![r.answer.choice] = (view.votes![r.answer.choice] ?? 0) + 1;
      let mine = votesByUser.get(r.userId);
      if (!mine) votesByUser.set(r.userId, (mine = {}));
      mine[r.activityId] = r.answer.choice;
    }
  }

  const timerLive = session.timerEndsAt && session.timerSeconds ? { endsAt: iso(session.timerEndsAt)!, seconds: session.timerSeconds } : null;
  const pairing = session.pairing;
  const base: Omit<LiveShared, "tallies" | "scenarios"> = {
    sessionId: session.id,
    code: session.code,
    version: session.version,
    status: session.status,
    module: { slug: session.moduleSlug, title: module?.frontmatter.title ?? session.moduleSlug },
    steps: steps.map((s) => ({ id: s.id, title: s.title })),
    stepIndex: session.stepIndex,
    revealed: session.revealed,
    timer: session.status === "open" ? timerLive : null,
    serverNow: session.now.toISOString(),
    pairing: pairing ? { activityId: pairing.activityId, round: pairing.round, trios: pairing.trios } : null,
    trainerName: session.trainerName,
    groupName: session.groupName,
    answered: Object.fromEntries(Object.entries(tallies).map(([id, t]) => [id, t.total])),
    participantCount: participants.length,
    connectedCount: participants.filter((p) => p.connected).length,
    endedAt: iso(session.endedAt),
  };
  const revealedTallies = Object.fromEntries(Object.entries(tallies).filter(([id]) => session.revealed.includes(id)));

  const presenter: LivePresenter = {
    participants: participants.map((p) => ({
      userId: p.userId,
      name: p.name,
      connected: p.connected,
      joinedAt: iso(p.joinedAt)!,
      mark: p.mark === "present" || p.mark === "absent" ? p.mark : null,
      attended: p.attended,
      newcomer: p.newcomer,
    })),
    groups: pairing
      ? pairing.groups.map((g) => g.map((m) => ({ userId: m.userId, name: names.get(m.userId) ?? "Someone who left", role: m.role, connected: connected.get(m.userId) ?? false })))
      : null,
    rubric: rubric.map((r) => ({ canvasserName: names.get(r.canvasserId) ?? "?", observerName: names.get(r.observerId) ?? "?", items: r.items })),
    attendedCount: participants.filter((p) => p.attended === true).length,
    // A count, never names: who needs more time is theirs to tell (WCAG 2.2.1, issue 15).
    accommodationCount: participants.filter((p) => p.timing !== "standard").length,
    completionsRecorded,
    timing: { startedAt: iso(session.createdAt)!, stepStartedAt: iso(session.stepStartedAt)!, endedAt: iso(session.endedAt) },
  };

  const byId = new Map(participants.map((p) => [p.userId, p]));
  const groupOf = new Map<string, { userId: string; role: LiveRole }[]>();
  for (const g of pairing?.groups ?? []) for (const m of g) groupOf.set(m.userId, g);
  const ticksByObserver = new Map(rubric.map((r) => [r.observerId, r.items]));
  const answersKeys = new Map<string, string>();

  return {
    version: session.version,
    sessionId: session.id,
    status: session.status,
    participantShared: { ...base, tallies: revealedTallies, scenarios },
    presenterShared: { ...base, tallies, scenarios: presenterScenarios },
    // Poll and quiz tallies only once revealed, as on every participant's device; the
    // scenario's votes are the room's shared decision, so the room sees them (ADR 020).
    displayShared: { ...base, tallies: revealedTallies, scenarios: presenterScenarios },
    presenter,
    answersKey(userId) {
      let key = answersKeys.get(userId);
      if (key === undefined) {
        // Sorted: the rows come in no set order, and the same rows must give the same key.
        key = (rowKeysByUser.get(userId) ?? []).sort().join("\u0002");
        answersKeys.set(userId, key);
      }
      return key;
    },
    me(userId) {
      const p = byId.get(userId);
      if (!p) return null;
      const group = groupOf.get(userId);
      const mine = group?.find((m) => m.userId === userId);
      const canvasser = group?.find((m) => m.role === "canvasser");
      return {
        userId,
        name: p.name,
        responses: responsesByUser.get(userId) ?? {},
        votes: votesByUser.get(userId) ?? {},
        role:
          pairing && group && mine
            ? {
                activityId: pairing.activityId,
                round: pairing.round,
                role: mine.role,
                partners: group.filter((m) => m.userId !== userId).map((m) => ({ name: names.get(m.userId) ?? "Someone who left", role: m.role })),
              }
            : null,
        rubric:
          pairing && mine?.role === "observer" && canvasser
            ? { activityId: pairing.activityId, round: pairing.round, canvasserName: names.get(canvasser.userId) ?? "?", items: ticksByObserver.get(userId) ?? [] }
            : null,
        attended: p.attended,
        needsPassword: p.needsPassword,
        timing: p.timing,
      };
    },
  };
}

export function viewFor(views: LiveViews, viewer: LiveViewer): LiveView {
  if (viewer.kind === "presenter") return { shared: views.presenterShared, me: null, presenter: views.presenter };
  if (viewer.kind === "display") return { shared: views.displayShared, me: null, presenter: null };
  return { shared: views.participantShared, me: views.me(viewer.userId), presenter: null };
}

/** The JSON one screen needs now. */
export async function liveState(sessionId: string, viewer: LiveViewer): Promise<LiveView | null> {
  const snapshot = await loadSnapshot(sessionId);
  return snapshot ? viewFor(buildViews(snapshot), viewer) : null;
}
