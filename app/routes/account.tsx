import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/guard.server";
import { endOtherSessions, listSessions } from "~/auth/session.server";
import { ROLE_LABEL } from "~/components/app-shell";
import { groupsOfUser } from "~/groups/groups.server";
import { invariantResponse, text } from "~/lib/http.server";
import { readForm } from "~/lib/request.server";

export const meta: MetaFunction = () => [{ title: "Your account · Doorstep" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user, sessionId } = await requireUser({ request, context });
  const [sessions, groups] = await Promise.all([listSessions(user.id, sessionId), groupsOfUser(user.id)]);
  return {
    user,
    groups: groups.map((g) => g.name),
    sessions: sessions.map((s) => ({ key: s.id.slice(0, 12), createdAt: s.createdAt.toISOString(), userAgent: s.userAgent, current: s.current })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { user, sessionId } = await requireUser({ request, context });
  const form = await readForm(request);
  invariantResponse(text(form, "intent") === "sign-out-others", "Unknown action on the account page.");
  const ended = await endOtherSessions(user.id, sessionId);
  return { ended };
}

function describeDevice(userAgent: string): string {
  if (!userAgent) return "Unknown device";
  const browser = /Firefox\//.test(userAgent) ? "Firefox" : /Edg\//.test(userAgent) ? "Edge" : /Chrom(e|ium)\//.test(userAgent) ? "Chrome" : /Safari\//.test(userAgent) ? "Safari" : "Browser";
  const system = /Android/.test(userAgent) ? "Android" : /iPhone|iPad/.test(userAgent) ? "iOS" : /Windows/.test(userAgent) ? "Windows" : /Mac OS X/.test(userAgent) ? "macOS" : /Linux/.test(userAgent) ? "Linux" : "";
  return system ? `${browser} on ${system}` : browser;
}

export default function Account() {
  const { user, groups, sessions } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
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
      <h2>Where you're signed in</h2>
      {result ? (
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
                <td>{new Date(s.createdAt).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" })}</td>
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
