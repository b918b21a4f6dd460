import { currentSession, sessionFromCookie, type CurrentSession } from "../auth/session.server";
import { formFromBody, readForm } from "../lib/request.server";
import { runParticipantCommand } from "./commands.server";

// POST /live/:code/answer: a participant page's scripted poll answer, quiz answer or
// scenario vote (docs/decisions/043, 047). The same domain command as the page's own form
// post (commands.server.ts, intents "answer" and "vote", group commit included), the same
// origin check (server.js, before any route), the same session and the same 4xx messages;
// it only answers in JSON and skips what a page's action costs in Remix (routing, the
// route's modules, single-fetch encoding), because in a room's burst that request handling
// was most of each answer's time. server.js serves this path before Remix, from the bytes
// and headers Express has (answerFromBody); the route file of the same path (dev, tests)
// calls answerFromScript with the web Request. Without JavaScript the form still posts to
// the page itself.

/** What a script gets back: as the page's action answers a fetcher. */
export type ScriptAnswerResult = { ok: true } | { ok: false; failure: { activityId: string; message: string } };
export interface ScriptAnswer {
  status: number;
  body: ScriptAnswerResult;
}

const SIGNED_OUT = "You are signed out. Sign in again, then answer.";
const ONLY_ANSWERS = "This address takes a poll or quiz answer (intent=answer) or a scenario vote (intent=vote) only.";
/** The room's burst intents: everything else a participant posts goes to the page. */
const BURST_INTENTS = new Set(["answer", "vote"]);

export const SCRIPT_ANSWER_HEADERS = { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" } as const;

/** Answer one scripted post made as a web Request (the route). `scope` shares the session check with anything else run for the same request. */
export async function answerFromScript(request: Request, code: string, scope?: object): Promise<Response> {
  const answer = await answerWith(() => readForm(request), () => currentSession(request, scope), code);
  return new Response(JSON.stringify(answer.body), { status: answer.status, headers: SCRIPT_ANSWER_HEADERS });
}

/** Answer one scripted post from its body and headers (server.js, before Remix). */
export function answerFromBody(post: { body: Uint8Array; contentType: string | null; cookie: string | null }, code: string): Promise<ScriptAnswer> {
  return answerWith(() => formFromBody(post.body, post.contentType), () => sessionFromCookie(post.cookie), code);
}

async function answerWith(readTheForm: () => Promise<FormData>, session: () => Promise<CurrentSession | null>, code: string): Promise<ScriptAnswer> {
  let form: FormData;
  try {
    form = await readTheForm();
  } catch (thrown) {
    // readForm refuses (413, 415, 400) with a page-style data() response: the same words, in JSON.
    const refusal = thrown as { type?: string; data?: unknown; init?: { status?: number } | null } | null;
    if (refusal?.type === "DataWithResponseInit") return refused(refusal.init?.status ?? 400, "", String(refusal.data));
    throw thrown;
  }
  const activityId = typeof form.get("activityId") === "string" ? String(form.get("activityId")).slice(0, 64) : "";
  const current = await session();
  if (!current) return refused(401, activityId, SIGNED_OUT);
  if (!BURST_INTENTS.has(String(form.get("intent")))) return refused(400, activityId, ONLY_ANSWERS);
  const result = await runParticipantCommand(code, current.user.id, form);
  if (!result.ok) return refused(result.status, result.activityId, result.message);
  return { status: 200, body: { ok: true } };
}

const refused = (status: number, activityId: string, message: string): ScriptAnswer => ({ status, body: { ok: false, failure: { activityId, message } } });
