import type { Activity, CompiledModule, RolePlayRole, ScenarioActivity } from "../content/manifest";
import { plannedTotal, runningClock } from "./timing";

// The printable session plan of a module (issue 15): what a trainer needs on paper when the
// hall has no Wi-Fi. Read from the compiled module only; nothing here touches the database.

export type PlanActivity =
  | { kind: "roleplay"; id: string; title: string; minutes: number; roles: { type: RolePlayRole["type"]; name: string }[] }
  | { kind: "scenario"; id: string; title: string; setting: string; choicePoints: PlanChoicePoint[] }
  | { kind: "quiz"; id: string; questions: number }
  | { kind: "poll"; id: string; question: string }
  | { kind: "reflect"; id: string; prompt: string }
  | { kind: "record"; id: string; title: string };

export interface PlanChoicePoint {
  says: string;
  choices: { text: string; leadsTo: string }[];
}

export interface PlanStep {
  id: string;
  title: string;
  liveMinutes: number | null;
  /** Minutes from the start of the session at which the step begins on the plan. */
  startsAt: number;
  notesHtml: string[];
  activities: PlanActivity[];
}

export interface SessionPlan {
  slug: string;
  title: string;
  summary: string;
  draft: boolean;
  materials: string[];
  plannedMinutes: number;
  steps: PlanStep[];
  roleCards: { activityId: string; title: string; role: RolePlayRole }[];
}

const brief = (text: string, max = 140) => (text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text);

const OUTCOME: Record<string, string> = { good: "good ending", mixed: "mixed ending", lost: "lost ending" };

/** Each resident line of a scenario, in the order a room would meet them, with where each reply goes. */
function choicePoints(scenario: ScenarioActivity): PlanChoicePoint[] {
  const points: PlanChoicePoint[] = [];
  const seen = new Set<string>();
  const queue = [scenario.start];
  while (queue.length) {
    const id = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const node = scenario.nodes[id];
    if (!node || node.kind !== "resident") continue;
    points.push({
      says: brief(node.says),
      choices: node.choices.map((c) => {
        const to = scenario.nodes[c.to];
        return { text: brief(c.text, 100), leadsTo: to?.kind === "ending" ? `${OUTCOME[to.outcome] ?? to.outcome}: ${to.title}` : "the conversation goes on" };
      }),
    });
    for (const c of node.choices) queue.push(c.to);
  }
  return points;
}

function planActivity(activity: Activity): PlanActivity {
  switch (activity.kind) {
    case "roleplay":
      return { kind: "roleplay", id: activity.id, title: activity.title, minutes: activity.minutes, roles: activity.roles.map((r) => ({ type: r.type, name: r.name })) };
    case "scenario":
      return { kind: "scenario", id: activity.id, title: activity.title, setting: activity.setting, choicePoints: choicePoints(activity) };
    case "quiz":
      return { kind: "quiz", id: activity.id, questions: activity.questions.length };
    case "poll":
      return { kind: "poll", id: activity.id, question: activity.question };
    case "reflect":
      return { kind: "reflect", id: activity.id, prompt: activity.prompt };
    case "record":
      return { kind: "record", id: activity.id, title: activity.title };
  }
}

export function sessionPlan(module: CompiledModule): SessionPlan {
  const { steps, activities } = module.manifest;
  const planned = steps.map((s) => s.liveMinutes ?? null);
  const starts = runningClock(planned);
  const roleCards: SessionPlan["roleCards"] = [];
  const planSteps = steps.map((s, i) => {
    const stepActivities = s.activityIds.map((id) => activities[id]).filter((a): a is Activity => Boolean(a));
    for (const a of stepActivities) if (a.kind === "roleplay") for (const role of a.roles) roleCards.push({ activityId: a.id, title: a.title, role });
    return { id: s.id, title: s.title, liveMinutes: s.liveMinutes ?? null, startsAt: starts[i]!, notesHtml: s.trainerNotesHtml, activities: stepActivities.map(planActivity) };
  });
  return {
    slug: module.slug,
    title: module.frontmatter.title,
    summary: module.frontmatter.summary,
    draft: module.frontmatter.draft,
    materials: module.frontmatter.materials,
    plannedMinutes: plannedTotal(planned),
    steps: planSteps,
    roleCards,
  };
}
