// The one shape of a domain call that can be refused. A refusal is expected (bad or stale
// input, a missing record, a limit reached): the route turns it into a 4xx page or field
// error with its message; anything unexpected is thrown and becomes a 5xx.
//
// Two other shapes stay on purpose: a form's validation failure lists an error per field
// (FormFailure in ./http.server.ts, the reports' FilterResult, a bulk invite's errors per
// line in app/auth/invites.server.ts), and the content engine
// lists every authoring problem with its line (CompileResult). Each says "these things
// are wrong", not "this call was refused".

/** The 4xx statuses the domain refuses with. */
export type RefusalStatus = 400 | 401 | 403 | 404 | 409 | 410 | 413 | 422 | 429;

export interface Refusal<Status extends RefusalStatus = RefusalStatus> {
  ok: false;
  status: Status;
  message: string;
  /** The form field the message belongs beside, when there is one. */
  field?: string;
}

export type Result<T, Status extends RefusalStatus = RefusalStatus> = { ok: true; value: T } | Refusal<Status>;

export const accept = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });

export function refuse<Status extends RefusalStatus>(status: Status, message: string, field?: string): Refusal<Status> {
  return field === undefined ? { ok: false, status, message } : { ok: false, status, message, field };
}

/** A refusal of one activity's form: the page shows the message beside that activity. */
export type ActivityRefusal<Status extends RefusalStatus = RefusalStatus> = Refusal<Status> & { activityId: string };

export type ActivityResult<T, Status extends RefusalStatus = RefusalStatus> = { ok: true; value: T } | ActivityRefusal<Status>;

/** A refusal, now tied to the activity whose form was posted (a posted id is cut to the longest valid one). */
export function refuseActivity<Status extends RefusalStatus>(refusal: Refusal<Status>, activityId: unknown): ActivityRefusal<Status> {
  return { ...refusal, activityId: typeof activityId === "string" ? activityId.slice(0, 64) : "" };
}
