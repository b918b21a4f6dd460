import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/guard.server";
import { ROLES } from "~/auth/policy";
import { listOutbox, outboxCounts, OUTBOX_PAGE_SIZE } from "~/mail/outbox.server";
import { formatWhen } from "~/lib/dates";

export const meta: MetaFunction = () => [{ title: "Outbox · Admin · Doorstep" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser({ request, context }, ROLES.readOutbox);
  const [messages, counts] = await Promise.all([listOutbox(), outboxCounts()]);
  return {
    counts,
    perPage: OUTBOX_PAGE_SIZE,
    messages: messages.map((m) => ({ ...m, createdAt: m.createdAt.toISOString(), sentAt: m.sentAt?.toISOString() ?? null })),
  };
}

const STATUS_LABEL = { queued: "Waiting", sending: "Sending", sent: "Sent", failed: "Failed", skipped: "Not sent" } as const;
const STATUS_TAG = { queued: "", sending: "", sent: " tag--good", failed: " tag--bad", skipped: "" } as const;


export default function Outbox() {
  const { messages, counts, perPage } = useLoaderData<typeof loader>();
  return (
    <>
      <h2>Outbox</h2>
      <p className="muted">
        Every email Doorstep queued, newest first (the last {perPage}). {counts.queued + counts.sending} waiting, {counts.sent} sent, {counts.failed} failed, {counts.skipped} not sent on purpose. Without
        SMTP_URL, this is where mail goes: open a message to read its link.
      </p>
      {messages.length === 0 ? (
        <p>No mail yet.</p>
      ) : (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Outbox">
          <table>
            <caption className="visually-hidden">Outbox</caption>
            <thead>
              <tr>
                <th scope="col">Subject</th>
                <th scope="col">To</th>
                <th scope="col">Status</th>
                <th scope="col">Queued</th>
              </tr>
            </thead>
            <tbody>
              {messages.map((m) => (
                <tr key={m.id}>
                  <td>
                    <Link to={`/admin/outbox/${m.id}`}>{m.subject}</Link>
                  </td>
                  <td>{m.to}</td>
                  <td>
                    <span className={`tag${STATUS_TAG[m.status]}`}>{STATUS_LABEL[m.status]}</span>
                    {m.status === "skipped" && m.skipReason ? ` (${m.skipReason})` : null}
                    {m.status !== "sent" && m.status !== "skipped" && m.attempts > 0 ? ` (${m.attempts} ${m.attempts === 1 ? "try" : "tries"})` : null}
                  </td>
                  <td>{formatWhen(m.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
