import { eq, sql } from "drizzle-orm";
import { db } from "../../db/client.server";
import { users } from "../../db/schema";
import { createAccount } from "../auth/accounts.server";
import { listModules, loadCatalog, syncModulesTable } from "../content/catalog.server";
import type { CompiledModule, QuizActivity, ScenarioActivity } from "../content/manifest";
import { randomToken } from "../lib/crypto.server";
import { respond, vote } from "../live/answers.server";
import { endSession, touchPresence } from "../live/attendance.server";
import type { LiveActor } from "../live/core.server";
import { joinWithCode } from "../live/joining.server";
import { createLiveSession, reveal, setStep } from "../live/lifecycle.server";
import { advanceScenario } from "../live/scenario.server";
import { answerPoll, chooseReply, recordStepViews, startScenario, submitQuiz } from "../progress/record.server";

// A small demo movement, so an organiser's first look at /reports shows realistic
// figures: about 60 activists across the demo groups, about half of them trained (every
// published module complete) on days spread over the last months and the rest somewhere
// short of that, with quiz attempts (some failed first), scenario runs and a
// few live-session completions. Progress goes through the same domain functions as a
// learner's clicks and a trainer's live session (join, answer, vote, end → attendance and
// live completions); only the clock is moved afterwards (every write stamps now(), and a
// chart of 26 weeks needs activity spread over 26 weeks). Deterministic: the same seed
// gives the same people and the same progress.

export const MOVEMENT_EMAIL_DOMAIN = "movement.doorstep.test";
export const MOVEMENT_SIZE = 60;

/** mulberry32: a tiny deterministic PRNG, returns floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ["Amara", "Bilal", "Carys", "Dmitri", "Efua", "Femi", "Grace", "Hamza", "Isla", "Jamal", "Kemi", "Liam", "Maya", "Nadia", "Owen", "Priya", "Quinn", "Rosa", "Sanjay", "Tomasz", "Uzma", "Viktor", "Wren", "Yusuf", "Zainab", "Aoife", "Bola", "Chen", "Dara", "Eilidh"];
const LAST = ["Okafor", "Hughes", "Patel", "Nowak", "Mensah", "Byrne", "Khan", "Evans", "Silva", "Murphy", "Ahmed", "Walsh", "Kaur", "Osei", "Reid", "Jones", "Rossi", "Ali", "Price", "Chowdhury"];

interface Plan {
  name: string;
  email: string;
  groups: string[];
  /** Modules complete, in catalogue order. */
  complete: number;
  /** Whether the next module is under way. */
  nextStarted: boolean;
  /** Days ago they began. */
  startedDaysAgo: number;
  gapDays: number;
}

/**
 * Each constituency's share of the movement and the chance that one of its activists has
 * finished every module ("trained", ADR 028). Northgate is the target seat that lags, but
 * every target seat has some trained activists, so the elections page has seats on both
 * sides of its comparison.
 */
const CONSTITUENCIES: { name: string; share: number; trained: number }[] = [
  { name: "Northgate", share: 0.4, trained: 0.36 },
  { name: "Eastfield", share: 0.42, trained: 0.6 },
  { name: "Hillcrest", share: 0.18, trained: 0.5 },
];

/** Who is in the movement and how far each person got: a pure function of the seed. */
export function movementPlan(size: number, moduleCount: number, seed = 20250301): Plan[] {
  const random = prng(seed);
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)]!;
  const plans: Plan[] = [];
  for (let i = 0; i < size; i++) {
    const first = FIRST[i % FIRST.length]!;
    const last = LAST[(i * 7 + Math.floor(i / FIRST.length)) % LAST.length]!;
    let roll = random();
    const constituency = CONSTITUENCIES.find((c) => (roll -= c.share) < 0) ?? CONSTITUENCIES[0]!;
    const other = pick(["Riverside Branch", "Riverside Branch", "City Tenants Union", "University Campus", null]);
    const trained = moduleCount > 0 && random() < constituency.trained;
    const gapDays = 2 + Math.floor(random() * (trained ? 7 : 12));
    // The trained finish on a day spread over the field data's five months (and a little
    // before it), so most of them have days out both before and after it: the within-person
    // comparison needs both. The rest stop somewhere short of the last module.
    const finishedDaysAgo = 12 + Math.floor(random() * 150);
    const keen = random();
    const complete = trained ? moduleCount : keen < 0.22 ? 0 : Math.min(moduleCount - 1, Math.floor(keen * moduleCount));
    plans.push({
      name: `${first} ${last}`,
      email: `${first}.${last}.${String(i + 1).padStart(2, "0")}@${MOVEMENT_EMAIL_DOMAIN}`.toLowerCase(),
      groups: other ? [constituency.name, other] : [constituency.name],
      complete,
      nextStarted: complete < moduleCount && random() < 0.6,
      startedDaysAgo: trained ? finishedDaysAgo + (moduleCount - 1) * gapDays : 8 + Math.floor(random() * 170),
      gapDays,
    });
  }
  return plans;
}

/** The catalogue, loaded if this process has not loaded it (e.g. `npm run db:seed`). */
async function publishedCatalogue(): Promise<CompiledModule[]> {
  try {
    return listModules({ includeDrafts: false });
  } catch {
    await loadCatalog();
    await syncModulesTable();
    return listModules({ includeDrafts: false });
  }
}

/**
 * Seed the movement once: if its first member exists, nothing happens. Needs the demo
 * groups (by name → id). With no published modules the people are created without
 * progress, and the reports still work.
 */
export async function seedDemoMovement(
  groupIds: Map<string, string>,
  options: { size?: number; seed?: number; trainer?: LiveActor; log?: (line: string) => void } = {},
): Promise<{ created: number; liveSessions: number }> {
  const size = options.size ?? MOVEMENT_SIZE;
  const modules = await publishedCatalogue();
  const plans = movementPlan(size, modules.length, options.seed);
  if (plans.length === 0) return { created: 0, liveSessions: 0 };
  const [existing] = await db().select({ id: users.id }).from(users).where(eq(users.email, plans[0]!.email));
  if (existing) return { created: 0, liveSessions: 0 };

  const random = prng((options.seed ?? 20250301) ^ 0x5eed);
  let created = 0;
  const liveAttendees: LiveAttendee[] = [];
  for (const plan of plans) {
    const account = await createAccount({
      email: plan.email,
      name: plan.name,
      role: "activist",
      groupIds: plan.groups.map((g) => groupIds.get(g)).filter((id): id is string => Boolean(id)),
    });
    if (!account.ok) continue;
    created++;
    const userId = account.value.id;
    const when = new Map<string, number>(); // module slug → days ago
    for (let m = 0; m < modules.length; m++) {
      const module = modules[m]!;
      const daysAgo = Math.max(0.05, plan.startedDaysAgo - m * plan.gapDays - random());
      if (m < plan.complete) {
        // About one completion in six happens in a live session (run below, once everyone
        // exists, so a session has a room of people).
        if (random() < 0.17 && options.trainer) liveAttendees.push({ userId, module, daysAgo, groupId: groupIds.get(plan.groups[0]!) });
        else {
          await workThrough(userId, module, random, module.manifest.steps.length);
          when.set(module.slug, daysAgo);
        }
      } else if (m === plan.complete && plan.nextStarted) {
        const steps = Math.max(1, Math.floor(random() * module.manifest.steps.length));
        await workThrough(userId, module, random, Math.min(steps, module.manifest.steps.length - 1) || 1);
        when.set(module.slug, daysAgo);
      }
    }
    await moveClock(userId, plan.startedDaysAgo + 3, when);
  }
  let liveSessions = 0;
  if (options.trainer) {
    for (const room of liveRooms(liveAttendees)) {
      await runLiveSession(options.trainer, room, random);
      liveSessions++;
    }
  }
  options.log?.(`Demo movement: ${created} activists with progress in ${modules.length} published modules, ${liveSessions} live sessions.`);
  return { created, liveSessions };
}

interface LiveAttendee {
  userId: string;
  module: CompiledModule;
  daysAgo: number;
  groupId: string | undefined;
}

/** Attendees of each module in date order, a room of up to eight per session. */
function liveRooms(attendees: LiveAttendee[], size = 8): LiveAttendee[][] {
  const rooms: LiveAttendee[][] = [];
  const bySlug = new Map<string, LiveAttendee[]>();
  for (const a of attendees) bySlug.set(a.module.slug, [...(bySlug.get(a.module.slug) ?? []), a]);
  for (const group of bySlug.values()) {
    const ordered = [...group].sort((x, y) => y.daysAgo - x.daysAgo);
    for (let i = 0; i < ordered.length; i += size) rooms.push(ordered.slice(i, i + size));
  }
  return rooms;
}

/**
 * A live session as a trainer runs it, through the live feature's own functions: the
 * room joins with the code, answers each poll and quiz, votes its way through each
 * scenario (the trainer takes the most voted reply), checks in, and the trainer ends it,
 * which decides attendance and records the live completions. Then the whole session is
 * moved back to its day.
 */
async function runLiveSession(trainer: LiveActor, room: LiveAttendee[], random: () => number) {
  const module = room[0]!.module;
  const created = await createLiveSession(trainer, { moduleSlug: module.slug, groupId: room[0]!.groupId });
  if (!created.ok) return;
  const { code, id } = created.value;
  for (const person of room) await joinWithCode(code, { id: person.userId, role: "activist" }, "127.0.0.1");
  for (const [index, step] of module.manifest.steps.entries()) {
    if (index > 0) await setStep(code, trainer, index);
    for (const activityId of step.activityIds) {
      const activity = module.manifest.activities[activityId];
      if (activity?.kind === "poll") {
        for (const person of room) {
          if (random() < 0.8) await respond(code, person.userId, { activityId, optionId: activity.options[Math.floor(random() * activity.options.length)]!.id });
        }
        await reveal(code, trainer, activityId);
      } else if (activity?.kind === "quiz") {
        for (const person of room) await respond(code, person.userId, { activityId, answers: answersFor(activity, random, random() < 0.7) });
        await reveal(code, trainer, activityId);
      } else if (activity?.kind === "scenario") {
        await playRoomScenario(code, trainer, room, activity, random);
      }
    }
  }
  await touchPresence(id, room.map((p) => p.userId)); // every screen checks in before the end
  await endSession(code, trainer);
  const secs = Math.round((room.reduce((sum, p) => sum + p.daysAgo, 0) / room.length) * 86_400);
  const back = sql`make_interval(secs => ${secs}::int)`;
  await db().execute(
    sql`update live_sessions set created_at = created_at - ${back}, first_advanced_at = first_advanced_at - ${back}, ended_at = ended_at - ${back} where id = ${id}`,
  );
  await db().execute(sql`update live_participants set joined_at = joined_at - ${back}, last_seen_at = last_seen_at - ${back} where session_id = ${id}`);
  await db().execute(sql`update live_responses set answered_at = answered_at - ${back} where session_id = ${id}`);
  await db().execute(sql`update module_completions set completed_at = completed_at - ${back} where live_session_id = ${id}`);
}

/** The room votes at each point (mostly the first reply), the trainer takes the most voted. */
async function playRoomScenario(code: string, trainer: LiveActor, room: LiveAttendee[], scenario: ScenarioActivity, random: () => number) {
  const distance = distanceToEnding(scenario);
  let node = scenario.nodes[scenario.start];
  for (let turn = 0; turn < 12 && node?.kind === "resident"; turn++) {
    const tally = new Map<number, number>();
    for (const person of room) {
      const choice = random() < 0.6 ? 0 : Math.floor(random() * node.choices.length);
      const voted = await vote(code, person.userId, scenario.id, turn, choice);
      if (voted.ok) tally.set(choice, (tally.get(choice) ?? 0) + 1);
    }
    const current = node;
    let taken = [...tally].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? 0;
    // After a few turns the trainer heads for an ending.
    if (turn >= 4) taken = current.choices.reduce((best, c, i) => ((distance.get(c.to) ?? 99) < (distance.get(current.choices[best]!.to) ?? 99) ? i : best), 0);
    const moved = await advanceScenario(code, trainer, scenario.id, turn, taken);
    if (!moved.ok) return;
    node = scenario.nodes[current.choices[taken]!.to];
  }
}

/** A learner going through the first `steps` steps: views, quizzes, scenarios, polls. */
async function workThrough(userId: string, module: CompiledModule, random: () => number, steps: number) {
  const stepIds = module.manifest.steps.slice(0, steps).map((s) => s.id);
  // Every step's view first, in one go (seeding time); the activities after them still
  // meet the last requirement, so the completion is recorded where a learner's would be.
  await recordStepViews(userId, module, stepIds);
  for (const stepId of stepIds) {
    const step = module.manifest.steps.find((s) => s.id === stepId)!;
    for (const activityId of step.activityIds) {
      const activity = module.manifest.activities[activityId];
      if (!activity) continue;
      if (activity.kind === "quiz") {
        if (random() < 0.35) await submitQuiz(userId, module, activity.id, answersFor(activity, random, false), randomToken());
        await submitQuiz(userId, module, activity.id, answersFor(activity, random, true), randomToken());
      } else if (activity.kind === "scenario") {
        await playScenario(userId, module, activity, random);
      } else if (activity.kind === "poll" && random() < 0.6) {
        await answerPoll(userId, module, activity.id, activity.options[Math.floor(random() * activity.options.length)]!.id);
      }
    }
  }
}

/** Right answers, or (for a failed first try) a wrong option on about half the questions. */
function answersFor(quiz: QuizActivity, random: () => number, right: boolean): Record<string, string[]> {
  const answers: Record<string, string[]> = {};
  for (const q of quiz.questions) {
    const correct = q.options.filter((o) => o.correct).map((o) => o.id);
    const wrong = q.options.filter((o) => !o.correct);
    // Questions late in the quiz are the ones people miss, so the report has a story.
    const miss = !right && wrong.length > 0 && random() < 0.4 + (0.4 * quiz.questions.indexOf(q)) / Math.max(1, quiz.questions.length);
    answers[q.id] = miss ? [wrong[Math.floor(random() * wrong.length)]!.id] : correct;
  }
  return answers;
}

/** Steps from each node to the nearest ending, for steering a long random walk home. */
function distanceToEnding(scenario: ScenarioActivity): Map<string, number> {
  const distance = new Map<string, number>();
  for (const node of Object.values(scenario.nodes)) if (node.kind === "ending") distance.set(node.id, 0);
  for (let changed = true; changed; ) {
    changed = false;
    for (const node of Object.values(scenario.nodes)) {
      if (node.kind !== "resident") continue;
      const best = Math.min(...node.choices.map((c) => (distance.get(c.to) ?? Infinity) + 1));
      if (best < (distance.get(node.id) ?? Infinity)) {
        distance.set(node.id, best);
        changed = true;
      }
    }
  }
  return distance;
}

async function playScenario(userId: string, module: CompiledModule, scenario: ScenarioActivity, random: () => number) {
  const started = await startScenario(userId, module, scenario.id, randomToken());
  if (!started.ok) return;
  const distance = distanceToEnding(scenario);
  let run = started.value;
  for (let step = 0; step < 40 && !run.ended; step++) {
    const node = scenario.nodes[run.currentNode];
    if (!node || node.kind !== "resident") break;
    // Mostly the first reply (authors tend to put the good one first), sometimes any;
    // after a few turns head for the nearest ending so every walk finishes.
    let choice = random() < 0.55 ? 0 : Math.floor(random() * node.choices.length);
    if (step >= 4) choice = node.choices.reduce((best, c, i) => ((distance.get(c.to) ?? 99) < (distance.get(node.choices[best]!.to) ?? 99) ? i : best), 0);
    const moved = await chooseReply(userId, module, scenario.id, run.id, run.currentNode, run.path.length, choice);
    if (!moved.ok) break;
    run = moved.value.run;
  }
}

/**
 * Spread one person's activity over the past months: every timestamp of a module moves
 * back by the same amount, so the order of their clicks is kept.
 */
async function moveClock(userId: string, joinedDaysAgo: number, when: Map<string, number>) {
  if (when.size > 0) {
    const shifts = sql.join(
      [...when].map(([slug, days]) => sql`(${slug}, ${Math.round(days * 86_400)})`),
      sql`, `,
    );
    const shifted = sql`(values ${shifts}) as d(slug, secs)`;
    await db().execute(sql`update step_views t set first_seen_at = t.first_seen_at - make_interval(secs => d.secs::int) from ${shifted} where t.user_id = ${userId} and t.module_slug = d.slug`);
    await db().execute(sql`update quiz_attempts t set created_at = t.created_at - make_interval(secs => d.secs::int) from ${shifted} where t.user_id = ${userId} and t.module_slug = d.slug`);
    await db().execute(
      sql`update scenario_runs t set started_at = t.started_at - make_interval(secs => d.secs::int), ended_at = t.ended_at - make_interval(secs => d.secs::int) from ${shifted} where t.user_id = ${userId} and t.module_slug = d.slug`,
    );
    await db().execute(sql`update poll_answers t set answered_at = t.answered_at - make_interval(secs => d.secs::int) from ${shifted} where t.user_id = ${userId} and t.module_slug = d.slug`);
    await db().execute(sql`update module_completions t set completed_at = t.completed_at - make_interval(secs => d.secs::int) from ${shifted} where t.user_id = ${userId} and t.module_slug = d.slug`);
  }
  await db().execute(sql`update users set created_at = now() - make_interval(days => ${Math.round(joinedDaysAgo)}::int) where id = ${userId}`);
}
