import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/guard.server";
import { ROLES } from "~/auth/policy";
import { readQuery } from "~/lib/request.server";
import { LEFT_OUT_LABEL, type LeftOutReason } from "~/reports/nudge-text";
import { nudgeReports, type FollowUpSide } from "~/reports/nudges.server";
import { formatDifference, formatRate } from "~/stats/intervals";

export const meta: MetaFunction = () => [{ title: "Nudges · Reports · Doorstep" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requireUser({ request, context }, ROLES.sendNudges);
  const query = readQuery(request);
  const nudges = await nudgeReports(user);
  const sentId = query.get("sent");
  const sent = sentId ? nudges.find((n) => n.id === sentId) : undefined;
  return { nudges, sent: sent ? { recipients: sent.recipients, repeated: query.get("repeated") === "1" } : null };
}

const WHEN = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZone: "UTC" });
const people = (n: number) => `${n.toLocaleString("en-GB")} ${n === 1 ? "person" : "people"}`;

function Side({ label, side, rate }: { label: string; side: FollowUpSide; rate: "started" | "completed" }) {
  return (
    <td>
      {formatRate(side[rate])}
      <span className="muted">
        {" "}
        · {side[rate].successes} of {people(side.people)} ({label})
      </span>
    </td>
  );
}

export default function Nudges() {
  const { nudges, sent } = useLoaderData<typeof loader>();
  return (
    <>
      <h2>Nudges</h2>
      {sent ? (
        <div className="alert alert--success" role="status">
          {sent.repeated ? `This nudge had already been sent (to ${people(sent.recipients)}); nothing was sent twice.` : `Nudge sent to ${people(sent.recipients)}. The emails are queued.`}
        </div>
      ) : null}
      <p>
        To nudge people, filter the <Link to="/reports/activists">activists report</Link> (say, not started one module in one branch) and choose
        “Nudge these people”. Each nudge below shows how many of those nudged started or completed their next module within 7 and 14 days, against
        the people the same filter showed who were not nudged.
      </p>
      {nudges.length === 0 ? (
        <p className="empty">No nudges sent yet.</p>
      ) : (
        <ol className="stack" aria-label="Nudges sent, newest first">
          {nudges.map((n) => {
            const leftOut = (Object.entries(n.leftOut) as [LeftOutReason, number][]).filter(([, c]) => c > 0);
            return (
              <li key={n.id} className="card" data-testid="nudge">
                <h3 className="breakable">{n.subject}</h3>
                <p>
                  {WHEN.format(new Date(n.sentAt))} UTC{n.senderName ? ` by ${n.senderName}` : ""} to <strong>{people(n.recipients)}</strong>. Filter:{" "}
                  <Link to={`/reports/activists${n.filterQuery}`} className="breakable">
                    {n.filterLabel}
                  </Link>
                  .
                </p>
                <p>{leftOut.length === 0 ? "Nobody the filter showed was left out." : `Left out: ${leftOut.map(([reason, c]) => `${c} ${LEFT_OUT_LABEL[reason]}`).join("; ")}.`}</p>
                <div className="table-wrap" tabIndex={0} role="region" aria-label={`What followed the nudge “${n.subject}”`}>
                  <table className="report-table nudge-figures">
                    <caption>What followed: their next module</caption>
                    <thead>
                      <tr>
                        <th scope="col">Within</th>
                        <th scope="col">Nudged</th>
                        <th scope="col">Not nudged</th>
                        <th scope="col">Difference</th>
                      </tr>
                    </thead>
                    <tbody>
                      {n.windows.flatMap((w) =>
                        (["started", "completed"] as const).map((rate) => (
                          <tr key={`${w.days}-${rate}`}>
                            <th scope="row">
                              {rate === "started" ? "Started" : "Completed"}, {w.days} days
                              {w.closed ? null : <span className="tag tag--muted">so far</span>}
                            </th>
                            <Side label="nudged" side={w.nudged} rate={rate} />
                            <Side label="not nudged" side={w.notNudged} rate={rate} />
                            <td>{formatDifference(rate === "started" ? w.startedDifference : w.completedDifference)}</td>
                          </tr>
                        )),
                      )}
                    </tbody>
                  </table>
                </div>
                <p className="muted">{n.note}</p>
              </li>
            );
          })}
        </ol>
      )}
    </>
  );
}
