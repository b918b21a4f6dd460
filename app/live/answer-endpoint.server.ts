import { currentSession } from "../auth/session.server";
import { readForm } from "../lib/request.server";
import { runParticipantCommand } from "./commands.server";

// POST /live/:code/answer: the participant page's scripted poll answer (docs/decisions/043).
// The same domain command as the page's own form post (commands.server.ts, intent
// "answer", group commit included), the same origin check (server.js, before any route),
// the same session and the same 4xx messages; it only answers in JSON and skips what a
// page's action costs in Remix (routing, the route's modules, single-fetch encoding),
// because in a room's burst that request handling was most of each answer's time.
// server.js serves this path before Remix; the route file of the same path (dev, tests)
// calls the same function. Without JavaScript the form still posts to the page itself.

/** What a script gets back: as the page's action answers a fetcher. */
export type ScriptAnswerResult = { ok: true } | { ok: false; failure: { activityId: string; message: string } };

const SIGNED_OUT = "You are signed out. Sign in again, then answer.";
const ONLY_ANSWERS = "This address takes a poll or quiz answer (intent=answer) only.";

const json = (status: number, body: ScriptAnswerResult) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" } });

/** Answer one scripted post. `scope` shares the session check with anything else run for the same request. */
export async function answerFromScript(request: Request, code: string, scope?: object): Promise<Response> {
  let form: FormData;
  try {
    form = await readForm(request);
  } catch (thrown) {
    // readForm refuses (413, 415, 400) with a page-style data() response: the same words, in JSON.
    const refusal = thrown as { type?: string; data?: unknown; init?: { status?: number } | null } | null;
    if (refusal?.type === "DataWithResponseInit") return json(refusal.init?.status ?? 400, { ok: false, failure: { activityId: "", message: String(refusal.data) } });
    throw thrown;
  }
  const activityId = typeof form.get("activityId") === "string" ? String(form.get("activityId")).slice(0, 64) : "";
  const session = await currentSession(request, scope);
  if (!session) return json(401, { ok: false, failure: { activityId, message: SIGNED_OUT } });
  if (form.get("intent") !== "answer") return json(400, { ok: false, failure: { activityId, message: ONLY_ANSWERS } });
  const result = await runParticipantCommand(code, session.user.id, form);
  if (!result.ok) return json(result.status, { ok: false, failure: { activityId: result.activityId, message: result.message } });
  return json(200, { ok: true });
}
