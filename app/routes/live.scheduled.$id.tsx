import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requireUser } from "~/auth/guard.server";
import { notFound, text } from "~/lib/http.server";
import { readForm, routeParam } from "~/lib/request.server";
import { formatJoinCode } from "~/live/join-code";
import { answerInvitation, scheduledPage, startScheduled } from "~/live/scheduled.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.moduleTitle ?? "Scheduled session"} · Live sessions · Doorstep` }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { user } = await requireUser({ request, context });
  const page = await scheduledPage(user, routeParam(params, "id"));
  if (!page.ok) throw notFound(page.message);
  // After a change or a cancellation (a redirect from the edit page): how many were told.
  const url = new URL(request.url);
  const told = (key: string) => {
    const n = Number(url.searchParams.get(key));
    return url.searchParams.has(key) && Number.isInteger(n) && n >= 0 ? n : null;
  };
  return { ...page.value, updated: told("updated"), cancelledNow: told("cancelled") };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user } = await requireUser({ request, context });
  const id = routeParam(params, "id");
  const form = await readForm(request);
  const intent = text(form, "intent");
  if (intent === "yes" || intent === "no") {
    const result = await answerInvitation(user, id, intent === "yes");
    if (!result.ok) return data({ message: result.message }, { status: result.status });
    return { message: result.value.coming ? "Thanks: you're on the list." : "Thanks for letting us know." };
  }
  if (intent === "start") {
    const result = await startScheduled(user, id);
    if (!result.ok) return data({ message: result.message }, { status: result.status });
    throw redirect(`/live/${result.value.code}/present`);
  }
  return data({ message: "That form could not be read: choose one of the buttons." }, { status: 400 });
}

export default function ScheduledSessionPage() {
  const s = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const open = !s.cancelled && !s.over;
  const people = (n: number) => `${n} ${n === 1 ? "person" : "people"}`;
  const yes = s.answers?.filter((a) => a.coming) ?? [];
  const no = s.answers?.filter((a) => !a.coming) ?? [];
  return (
    <div className="page--narrow">
      <p className="muted">
        <Link to="/">Home</Link> › Scheduled session
      </p>
      <h1>{s.moduleTitle}</h1>
      <p className="lede">
        Live with {s.trainerName}, for {s.groupName}.
      </p>
      {s.cancelled ? (
        <p className="alert alert--error" role="status">
          <strong>Cancelled.</strong> This session won't take place: replies and joining are closed.
          {s.cancelledNow !== null ? ` ${people(s.cancelledNow)} were sent a cancellation.` : ""}
        </p>
      ) : null}
      {s.updated !== null && !s.cancelled ? (
        <p className="alert alert--info" role="status">
          Saved. {people(s.updated)} were sent the new details.
        </p>
      ) : null}
      <dl className="card">
        <dt>When</dt>
        <dd>
          <time dateTime={s.startsAt}>{s.whenLabel}</time> (UK time), {s.minutes} minutes
        </dd>
        <dt>{s.place ? "Where" : "Call"}</dt>
        {/* A cancelled session's call link is shown, not offered: nobody will be there. */}
        <dd className="breakable">{s.place ?? (s.callUrl && !s.cancelled ? <a href={s.callUrl}>{s.callUrl}</a> : s.callUrl)}</dd>
      </dl>
      <p>
        <a href={`/live/scheduled/${s.id}/ics`} download>
          {s.cancelled ? "Remove it from your calendar (.ics)" : "Add to your calendar (.ics)"}
        </a>
      </p>
      {s.liveCode && open ? (
        <p>
          It has started: <Link to={`/join/${s.liveCode}`}>join with code {formatJoinCode(s.liveCode)}</Link>.
        </p>
      ) : null}
      {reply?.message ? (
        <p role="status" className="alert alert--info">
          {reply.message}
        </p>
      ) : null}
      {s.member && open ? (
        <section aria-labelledby="reply-heading">
          <h2 id="reply-heading">Are you coming?</h2>
          <p>{s.myAnswer === null ? "You haven't replied yet." : s.myAnswer ? "You said you're coming." : "You said you can't make it."}</p>
          <Form method="post" className="button-row">
            <button type="submit" name="intent" value="yes" className="button" disabled={busy} aria-pressed={s.myAnswer === true}>
              I'm coming
            </button>
            <button type="submit" name="intent" value="no" className="button button--secondary" disabled={busy} aria-pressed={s.myAnswer === false}>
              Can't make it
            </button>
          </Form>
        </section>
      ) : null}
      {s.manages ? (
        <section aria-labelledby="replies-heading">
          <h2 id="replies-heading">Replies</h2>
          <p>
            {yes.length} coming, {no.length} can't make it, {s.unanswered ?? 0} not replied.
          </p>
          {yes.length ? (
            <>
              <h3>Coming</h3>
              <ul>
                {yes.map((a, i) => (
                  <li key={`y${i}`} className="breakable">
                    {a.name}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          {no.length ? (
            <>
              <h3>Can't make it</h3>
              <ul>
                {no.map((a, i) => (
                  <li key={`n${i}`} className="breakable">
                    {a.name}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          {!s.cancelled ? (
            <Form method="post" className="button-row">
              <button type="submit" name="intent" value="start" className="button" disabled={busy}>
                {s.liveCode ? "Go to the live session" : "Start now"}
              </button>
              {open && !s.liveCode ? (
                <Link to={`/live/scheduled/${s.id}/edit`} className="button button--secondary">
                  Change or cancel
                </Link>
              ) : null}
            </Form>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}
