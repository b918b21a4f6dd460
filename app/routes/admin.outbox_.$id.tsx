import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/guard.server";
import { ROLES } from "~/auth/policy";
import { notFound } from "~/lib/http.server";
import { routeParam } from "~/lib/request.server";
import { OUTBOX_SECRET_MINUTES, readOutboxMessage } from "~/mail/outbox.server";
import { formatWhen } from "~/lib/dates";

export const meta: MetaFunction = () => [{ title: "Mail · Outbox · Admin · Doorstep" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  await requireUser({ request, context }, ROLES.readOutbox);
  const message = await readOutboxMessage(routeParam(params, "id"));
  if (!message.ok) throw notFound(message.message, { to: "/admin/outbox", label: "Back to the outbox" });
  const m = message.value;
  return { ...m, createdAt: m.createdAt.toISOString(), sentAt: m.sentAt?.toISOString() ?? null, secretMinutes: OUTBOX_SECRET_MINUTES };
}


/** The plain-text body with its links clickable (the text is shown as text; nothing is parsed as HTML). */
function Body({ text }: { text: string }) {
  const parts = text.split(/(https?:\/\/[^\s<>"]+)/g);
  return (
    <pre className="mail-body">
      {parts.map((part, i) =>
        i % 2 === 1 ? (
          <a key={i} href={part}>
            {part}
          </a>
        ) : (
          part
        ),
      )}
    </pre>
  );
}

export default function OutboxMessage() {
  const m = useLoaderData<typeof loader>();
  return (
    <>
      <p>
        <Link to="/admin/outbox">← Outbox</Link>
      </p>
      <h2>{m.subject}</h2>
      <dl className="card">
        <dt>To</dt>
        <dd>{m.to}</dd>
        <dt>Kind</dt>
        <dd>{m.template}</dd>
        <dt>Status</dt>
        <dd>
          {m.status === "skipped" ? "not sent" : m.status}
          {m.attempts ? `, after ${m.attempts} ${m.attempts === 1 ? "try" : "tries"}` : ""}
          {m.sentAt ? `, ${formatWhen(m.sentAt)}` : ""}
        </dd>
        <dt>Queued</dt>
        <dd>{formatWhen(m.createdAt)}</dd>
        {m.skipReason ? (
          <>
            <dt>Why it was not sent</dt>
            <dd>{m.skipReason}</dd>
          </>
        ) : null}
        {m.lastError ? (
          <>
            <dt>Last error</dt>
            <dd>{m.lastError}</dd>
          </>
        ) : null}
      </dl>
      {m.wiped ? (
        <p className="alert alert--info">
          This email held a secret link (sign-in or password reset). Its text was removed once it was delivered, or {m.secretMinutes} minutes after it was
          queued, so nobody can use the link from here.
        </p>
      ) : (
        <Body text={m.text} />
      )}
    </>
  );
}
