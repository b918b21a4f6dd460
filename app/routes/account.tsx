import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { setTiming, timingOf } from "~/auth/accommodations.server";
import { nudgeEmailsOf, setNudgeEmails } from "~/auth/email-links.server";
import { requireUser } from "~/auth/guard.server";
import { endOtherSessions, listSessions } from "~/auth/session.server";
import { TIMING_LABEL, type TimingAccommodation } from "~/auth/timing";
import { timingAccommodations } from "../../db/enums";
import { ROLE_LABEL } from "~/components/role-label";
import { groupsOfUser } from "~/groups/groups.server";
import { invariantResponse, text } from "~/lib/http.server";
import { readForm } from "~/lib/request.server";
import { formatWhen } from "~/lib/dates";

// What each timing choice means, for this form only (not in auth/timing, which every
// role-play and live page downloads).
const TIMING_HINT: Record<TimingAccommodation, string> = {
  standard: "Countdowns run for the time the trainer or module sets.",
  double: "Every countdown on your screen gives you twice the time.",
  triple: "Every countdown on your screen gives you three times the time.",
  off: "No countdowns at all: your screen says “take your time” instead.",
};

export const meta: MetaFunction = () => [{ title: "Your account · Doorstep" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user, sessionId } = await requireUser({ request, context });
  const [sessions, groups, timing, nudgeEmails] = await Promise.all([
    listSessions(user.id, sessionId),
    groupsOfUser(user.id),
    timingOf(user.id),
    nudgeEmailsOf(user.id),
  ]);
  return {
    user,
    timing,
    nudgeEmails,
    groups: groups.map((g) => g.name),
    sessions: sessions.map((s) => ({ key: s.id.slice(0, 12), createdAt: s.createdAt.toISOString(), userAgent: s.userAgent, current: s.current })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { user, sessionId } = await requireUser({ request, context });
  const form = await readForm(request);
  const intent = text(form, "intent");
  if (intent === "timing") {
    // Exactly one choice: a second value (a tampered form) is refused, not half-read.
    const chosen = form.getAll("timing");
    const saved = await setTiming(user.id, chosen.length === 1 ? chosen[0] : chosen);
    if (!saved.ok) return data({ kind: "timing" as const, ok: false as const, message: saved.message }, { status: saved.status });
    return { kind: "timing" as const, ok: true as const, message: `Saved: ${TIMING_LABEL[saved.value].toLowerCase()}.` };
  }
  if (intent === "nudges") {
    // A checkbox: present means on. Anything but one "on" (a tampered form) is refused.
    const values = form.getAll("nudgeEmails");
    invariantResponse(values.length === 0 || (values.length === 1 && values[0] === "on"), "Tick the box or leave it empty.");
    await setNudgeEmails(user.id, values.length === 1);
    return { kind: "nudges" as const, on: values.length === 1 };
  }
  invariantResponse(intent === "sign-out-others", "Unknown action on the account page.");
  const ended = await endOtherSessions(user.id, sessionId);
  return { kind: "sessions" as const, ended };
}

function describeDevice(userAgent: string): string {
  if (!userAgent) return "Unknown device";
  const browser = /Firefox\//.test(userAgent) ? "Firefox" : /Edg\//.test(userAgent) ? "Edge" : /Chrom(e|ium)\//.test(userAgent) ? "Chrome" : /Safari\//.test(userAgent) ? "Safari" : "Browser";
  const system = /Android/.test(userAgent) ? "Android" : /iPhone|iPad/.test(userAgent) ? "iOS" : /Windows/.test(userAgent) ? "Windows" : /Mac OS X/.test(userAgent) ? "macOS" : /Linux/.test(userAgent) ? "Linux" : "";
  return system ? `${browser} on ${system}` : browser;
}

export default function Account() {
  const { user, groups, sessions, timing, nudgeEmails } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const timingResult = result?.kind === "timing" ? result : null;
  const others = sessions.filter((s) => !s.current).length;
  return (
    <>
      <h1>Your account</h1>
      <section className="card">
        <dl>
          <dt>Name</dt>
          <dd>{user.name}</dd>
          <dt>Email</dt>
          <dd>{user.email}</dd>
          <dt>Role</dt>
          <dd>{ROLE_LABEL[user.role]}</dd>
          <dt>Groups</dt>
          <dd>{groups.length ? groups.join(", ") : "None yet"}</dd>
        </dl>
      </section>
      <h2 id="timing-heading">Timers</h2>
      <Form method="post" className="card timing-form" aria-labelledby="timing-heading">
        <input type="hidden" name="intent" value="timing" />
        <fieldset aria-describedby="timing-why">
          <legend>How long should timers run on your screen?</legend>
          <p id="timing-why" className="muted">
            Role-plays and live sessions have countdowns. Choose what suits you: it applies on every device and in every live session,
            and your trainer only ever sees how many people have more time, never who.
          </p>
          {timingAccommodations.map((t) => (
            <label key={t} className="option">
              <input type="radio" name="timing" value={t} defaultChecked={timing === t} />
              <span>
                {TIMING_LABEL[t]}
                <span className="option__hint muted">{TIMING_HINT[t]}</span>
              </span>
            </label>
          ))}
        </fieldset>
        {timingResult ? (
          <div className={`alert ${timingResult.ok ? "alert--success" : "alert--error"}`} role={timingResult.ok ? "status" : "alert"}>
            {timingResult.message}
          </div>
        ) : null}
        <button type="submit" className="button button--secondary">
          Save timer setting
        </button>
      </Form>
      <h2 id="email-heading">Email</h2>
      <Form method="post" className="card" aria-labelledby="email-heading">
        <input type="hidden" name="intent" value="nudges" />
        <label className="option">
          <input type="checkbox" name="nudgeEmails" defaultChecked={nudgeEmails} />
          <span>
            Send me nudges and reminders
            <span className="option__hint muted">From your organisers and trainers: a module to finish, a live session tomorrow. Sign-in and password emails you ask for always arrive.</span>
          </span>
        </label>
        {result?.kind === "nudges" ? (
          <div className="alert alert--success" role="status">
            {result.on ? "Saved: nudges and reminders are on." : "Saved: no more nudges or reminders."}
          </div>
        ) : null}
        <button type="submit" className="button button--secondary">
          Save email setting
        </button>
      </Form>
      <h2>Where you're signed in</h2>
      {result?.kind === "sessions" ? (
        <div className="alert alert--success" role="status">
          Signed out of {result.ended} other {result.ended === 1 ? "session" : "sessions"}.
        </div>
      ) : null}
      <div className="table-wrap" tabIndex={0} role="region" aria-label="Your signed-in sessions">
        <table>
          <caption className="visually-hidden">Your signed-in sessions</caption>
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">Signed in</th>
              <th scope="col">
                <span className="visually-hidden">This device</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr key={s.key}>
                <td>{describeDevice(s.userAgent)}</td>
                <td>{formatWhen(s.createdAt)}</td>
                <td>{s.current ? <span className="tag tag--good">This device</span> : null}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Form method="post" className="button-row" style={{ marginTop: "1rem" }}>
        <input type="hidden" name="intent" value="sign-out-others" />
        <button type="submit" className="button button--secondary" disabled={others === 0}>
          Sign out everywhere else{others ? ` (${others})` : ""}
        </button>
      </Form>
    </>
  );
}
