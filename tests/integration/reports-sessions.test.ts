import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { respond, vote } from "~/live/answers.server";
import { endSession, markAttendance } from "~/live/attendance.server";
import { joinAsNewcomer, joinWithCode } from "~/live/joining.server";
import { createLiveSession, setStep } from "~/live/lifecycle.server";
import { pair, swapPairs, tickRubric } from "~/live/pairing.server";
import { advanceScenario, restartScenario } from "~/live/scenario.server";
import { listSessionReports, sessionReport } from "~/reports/sessions.server";
import * as exportRoute from "~/routes/reports.export.$table";
import * as overviewRoute from "~/routes/reports._index";
import * as reportsLayout from "~/routes/reports";
import * as sessionRoute from "~/routes/reports.sessions.$id";
import * as sessionsRoute from "~/routes/reports.sessions._index";
import { liveSessions, moduleCompletions, type LivePairing } from "../../db/schema";
import { LIVE_MODULE, STEP, withLiveCatalog } from "../fixtures/live-modules/setup";
import { withTestDatabase } from "../setup/database";
import { get, makeGroup, makeUser, run, type TestUser } from "../setup/fixtures";

// One live session with known events; every figure below is worked out by hand.
//
// Trainer Tia runs "Live demo module" for group G. Taking part:
//   Ann Archer  (G)                       poll: very     quiz: both right      attended → completion recorded
//   Bob Baker   (H, another group)        poll: very     quiz: both wrong      marked absent → not attended
//   Dan Dyer    (G, completed earlier)    –                                    attended → already complete
//   Nia New     (newcomer → G)            poll: nervous  quiz: 1st right only  attended → completion recorded
// Scenario, run 1: turn 0 votes 2 × reply 1, 1 × reply 2, the room takes reply 1; turn 1
// votes 1 × reply 1, 1 × reply 2, takes reply 1 → "She'll come on Thursday". Run 2: one
// vote for reply 2 on turn 0, not taken.
// Role-play: Ann, Dan and Nia make a trio (Bob is marked absent first). Round 1's observer
// ticks open question + story; round 2's ticks open question + listened + commitment.
//
// Organisers: Olu organises G, Cleo organises H (she sees the session because Bob joined,
// but only Bob by name), Zed organises a group nobody in the session is in.

const database = withTestDatabase();
withLiveCatalog();

let tia: TestUser, tom: TestUser, olu: TestUser, cleo: TestUser, zed: TestUser, admin: TestUser;
let ann: TestUser, bob: TestUser, dan: TestUser;
let niaId = "";
let sessionId = "";
let otherSessionId = "";
let observers: { round: number; canvasser: string; observer: string }[] = [];

const ip = (n: number) => `192.0.2.${n}`;

beforeAll(async () => {
  const g = await makeGroup();
  const h = await makeGroup();
  const z = await makeGroup();
  tia = await makeUser("trainer", { name: "Tia Trainer" });
  tom = await makeUser("trainer", { name: "Tom Trainer" });
  olu = await makeUser("organiser", { groupIds: [g.id] });
  cleo = await makeUser("organiser", { groupIds: [h.id] });
  zed = await makeUser("organiser", { groupIds: [z.id] });
  admin = await makeUser("admin");
  ann = await makeUser("activist", { groupIds: [g.id], name: "Ann Archer" });
  bob = await makeUser("activist", { groupIds: [h.id], name: "Bob Baker" });
  dan = await makeUser("activist", { groupIds: [g.id], name: "Dan Dyer" });
  await database().db.insert(moduleCompletions).values({ userId: dan.id, moduleSlug: LIVE_MODULE, contentHash: "earlier", how: "self" });

  const created = await createLiveSession(tia, { moduleSlug: LIVE_MODULE, groupId: g.id });
  if (!created.ok) throw new Error(created.message);
  const { code } = created.value;
  sessionId = created.value.id;
  for (const [i, person] of [ann, bob, dan].entries()) expect((await joinWithCode(code, person, ip(i + 1))).ok).toBe(true);
  const nia = await joinAsNewcomer(code, { name: "Nia New", email: "nia.new@example.org" }, ip(9), "vitest");
  if (!nia.ok) throw new Error(nia.message);
  niaId = nia.value.userId;
  const ok = (result: { ok: boolean; message?: string }) => expect(result, result.message).toMatchObject({ ok: true });

  ok(await setStep(code, tia, STEP.poll));
  ok(await respond(code, ann.id, { activityId: "confidence", optionId: "somewhat" }));
  ok(await respond(code, ann.id, { activityId: "confidence", optionId: "very" })); // a changed answer replaces the first
  ok(await respond(code, bob.id, { activityId: "confidence", optionId: "very" }));
  ok(await respond(code, niaId, { activityId: "confidence", optionId: "nervous" }));

  ok(await setStep(code, tia, STEP.quiz));
  ok(await respond(code, ann.id, { activityId: "basics", answers: { open: ["a"], listen: ["reflect", "follow"] } }));
  ok(await respond(code, bob.id, { activityId: "basics", answers: { open: ["b"], listen: ["reflect"] } }));
  ok(await respond(code, niaId, { activityId: "basics", answers: { open: ["a"], listen: ["reflect", "pitch"] } }));

  ok(await setStep(code, tia, STEP.scenario));
  ok(await vote(code, ann.id, "door-play", 0, 0));
  ok(await vote(code, bob.id, "door-play", 0, 1));
  ok(await vote(code, niaId, "door-play", 0, 0));
  ok(await advanceScenario(code, tia, "door-play", 0, 0));
  ok(await vote(code, ann.id, "door-play", 1, 0));
  ok(await vote(code, niaId, "door-play", 1, 1));
  ok(await advanceScenario(code, tia, "door-play", 1, 0));
  ok(await restartScenario(code, tia, "door-play"));
  ok(await vote(code, bob.id, "door-play", 0, 1));

  ok(await markAttendance(code, tia, bob.id, "absent"));
  ok(await setStep(code, tia, STEP.pairs));
  ok(await pair(code, tia, "pair-up", { trios: false }));
  const pairingNow = async () => {
    const [row] = await database().db.select({ pairing: liveSessions.pairing }).from(liveSessions).where(eq(liveSessions.id, sessionId));
    const group = (row!.pairing as LivePairing).groups[0]!;
    return { round: (row!.pairing as LivePairing).round, canvasser: group.find((m) => m.role === "canvasser")!.userId, observer: group.find((m) => m.role === "observer")!.userId };
  };
  const round1 = await pairingNow();
  ok(await tickRubric(code, round1.observer, "pair-up", ["story", "open-question"]));
  ok(await swapPairs(code, tia, "pair-up"));
  const round2 = await pairingNow();
  ok(await tickRubric(code, round2.observer, "pair-up", ["open-question", "listened", "commitment"]));
  observers = [round1, round2];

  ok(await endSession(code, tia));

  const other = await createLiveSession(tom, { moduleSlug: LIVE_MODULE });
  if (!other.ok) throw new Error(other.message);
  otherSessionId = other.value.id;
});

const nameOf = (id: string) => ({ [ann.id]: "Ann Archer", [bob.id]: "Bob Baker", [dan.id]: "Dan Dyer", [niaId]: "Nia New" })[id]!;

describe("a live session's report", () => {
  it("lists who took part, who attended and whose completion the session recorded", async () => {
    const report = await sessionReport(tia, sessionId);
    expect(report?.session).toMatchObject({ status: "ended", moduleSlug: LIVE_MODULE, moduleTitle: "Live demo module", trainerName: "Tia Trainer" });
    expect(report?.counts).toEqual({ participants: 4, attended: 3, newcomers: 1, completions: 2, hidden: 0 });
    expect(report?.showEmail).toBe(false);
    expect(report?.attendees.map((a) => [a.name, a.email, a.newcomer, a.mark, a.attended, a.completion])).toEqual([
      ["Ann Archer", "", false, null, true, "this-session"],
      ["Bob Baker", "", false, "absent", false, null],
      ["Dan Dyer", "", false, null, true, "earlier"],
      ["Nia New", "", true, null, true, "this-session"],
    ]);
  });

  it("tallies polls and quizzes per option, with the number exactly right per question", async () => {
    const report = (await sessionReport(tia, sessionId))!;
    expect(report.polls).toEqual([
      {
        kind: "poll",
        id: "confidence",
        question: "How confident do you feel about knocking on a door?",
        respondents: 3,
        options: [
          { label: "Very confident", count: 2 },
          { label: "Somewhat", count: 0 },
          { label: "Nervous", count: 1 },
        ],
      },
    ]);
    expect(report.quizzes).toHaveLength(1);
    const [quiz] = report.quizzes;
    expect(quiz!.respondents).toBe(3);
    expect(quiz!.questions.map((q) => [q.id, q.right, q.options.map((o) => [o.count, o.note ?? ""])])).toEqual([
      ["open", 2, [[2, "right answer"], [1, ""]]],
      ["listen", 1, [[3, "right answer"], [1, "right answer"], [1, ""]]],
    ]);
  });

  it("shows each run of the scenario: the resident's line, the votes, the reply taken and the ending", async () => {
    const [scenario] = (await sessionReport(tia, sessionId))!.scenarios;
    expect(scenario!.title).toBe("A quick doorstep");
    expect(
      scenario!.runs.map((r) => ({
        run: r.run,
        ending: r.ending?.title ?? null,
        turns: r.turns.map((t) => [t.says, t.voters, t.choices.map((c) => `${c.count}${c.taken ? " taken" : ""}`)]),
      })),
    ).toEqual([
      {
        run: 1,
        ending: "She'll come on Thursday",
        turns: [
          ["Hello? Can I help you?", 3, ["2 taken", "1"]],
          ["Honestly? The buses.", 2, ["1 taken", "1"]],
        ],
      },
      { run: 2, ending: null, turns: [["Hello? Can I help you?", 1, ["0", "1"]]] },
    ]);
  });

  it("summarises the observers' checklists per item and per canvasser", async () => {
    const [rubric] = (await sessionReport(tia, sessionId))!.rubrics;
    expect(rubric!.checklists).toBe(2);
    expect(rubric!.items.map((i) => i.count)).toEqual([2, 1, 0, 1, 1]); // open question, listened, reflected, story, commitment
    expect(rubric!.observed).toEqual([
      { round: 1, canvasserName: nameOf(observers[0]!.canvasser), observerName: nameOf(observers[0]!.observer), items: ["Asked an open question", "Shared a personal story"] },
      {
        round: 2,
        canvasserName: nameOf(observers[1]!.canvasser),
        observerName: nameOf(observers[1]!.observer),
        items: ["Asked an open question", "Listened more than they talked", "Asked for a commitment"],
      },
    ]);
  });
});

describe("who sees which session", () => {
  it("shows a trainer only the sessions they ran; another trainer's id is a 404", async () => {
    expect((await listSessionReports(tia)).sessions.map((s) => [s.id, s.participants, s.attended, s.completions])).toEqual([[sessionId, 4, 3, 2]]);
    expect((await listSessionReports(tom)).sessions.map((s) => s.id)).toEqual([otherSessionId]);
    expect(await sessionReport(tom, sessionId)).toBeUndefined();
    const res = await run(sessionRoute.loader, get(`/reports/sessions/${sessionId}`, tom.cookie), { id: sessionId });
    const unknown = await run(sessionRoute.loader, get("/reports/sessions/x", tom.cookie), { id: "00000000-0000-4000-8000-000000000000" });
    expect([res.status, res.body]).toEqual([404, unknown.body]);
    expect((await run(sessionRoute.loader, get(`/reports/sessions/${sessionId}`, tia.cookie), { id: sessionId })).status).toBe(200);
  });

  it("shows organisers sessions of their groups, naming only their own people", async () => {
    expect((await listSessionReports(olu)).sessions.map((s) => s.id)).toEqual([sessionId]);
    const forOlu = (await sessionReport(olu, sessionId))!;
    expect(forOlu.showEmail).toBe(true);
    expect(forOlu.attendees.map((a) => [a.name, a.email])).toEqual([
      ["Ann Archer", ann.email],
      ["Dan Dyer", dan.email],
      ["Nia New", "nia.new@example.org"],
    ]);
    expect(forOlu.counts.hidden).toBe(1);
    // Cleo's group is in the session only through Bob: she sees the figures and Bob alone.
    const forCleo = (await sessionReport(cleo, sessionId))!;
    expect(forCleo.attendees.map((a) => a.name)).toEqual(["Bob Baker"]);
    expect(forCleo.counts).toMatchObject({ participants: 4, hidden: 3 });
    expect(forCleo.rubrics[0]!.observed).toEqual([]); // Ann, Dan and Nia are not hers to name
    expect(forCleo.rubrics[0]!.items.map((i) => i.count)).toEqual([2, 1, 0, 1, 1]);
    expect((await listSessionReports(zed)).sessions).toEqual([]);
    expect(await sessionReport(zed, sessionId)).toBeUndefined();
  });

  it("shows admins every session", async () => {
    expect((await listSessionReports(admin)).sessions.map((s) => s.id).sort()).toEqual([sessionId, otherSessionId].sort());
    expect((await sessionReport(admin, sessionId))!.counts.hidden).toBe(0);
  });

  it("still refuses trainers every organiser page and export (403)", async () => {
    expect((await run(reportsLayout.loader, get("/reports", tia.cookie))).status).toBe(200);
    expect((await run(overviewRoute.loader, get("/reports/", tia.cookie))).status).toBe(403);
    expect((await run(exportRoute.loader, get("/reports/export/matrix", tia.cookie), { table: "matrix" })).status).toBe(403);
    expect((await run(sessionsRoute.loader, get("/reports/sessions", tia.cookie))).status).toBe(200);
  });
});

describe("attendance CSV", () => {
  async function csv(user: TestUser) {
    const res = await exportRoute.loader({
      request: get(`/reports/export/session-attendance?id=${sessionId}`, user.cookie),
      params: { table: "session-attendance" },
      context: { clientIp: "192.0.2.1" },
    });
    return { status: res.status, type: res.headers.get("Content-Type"), text: await res.text() };
  }

  it("gives the trainer their session's attendance, without email addresses", async () => {
    const { status, type, text } = await csv(tia);
    expect([status, type]).toEqual([200, "text/csv; charset=utf-8"]);
    const day = text.split("\r\n")[1]!.split(",")[1];
    expect(day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const lines = text.replace(/^\uFEFF/, "").trimEnd().split("\r\n");
    expect(lines[0]).toBe("Module,Session date,Group,Name,Joined at (UTC),Newcomer,Trainer's mark,Attendance,Module completion");
    expect(lines.slice(1).map((l) => l.split(",").filter((_c, i) => [3, 5, 6, 7, 8].includes(i)))).toEqual([
      ["Ann Archer", "no", "", "attended", "recorded by this session"],
      ["Bob Baker", "no", "absent", "did not attend", ""],
      ["Dan Dyer", "no", "", "attended", "already complete"],
      ["Nia New", "yes", "", "attended", "recorded by this session"],
    ]);
  });

  it("answers another trainer's export with the same 404 as an unknown session", async () => {
    const { status, text } = await csv(tom);
    expect(status).toBe(404);
    expect(text).toMatch(/no live session with that id/);
  });
});
