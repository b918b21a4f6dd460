import { Link } from "@remix-run/react";
import type { OrganiserHome, SetupGaps, TrainerHome } from "~/home/home.server";
import { formatJoinCode } from "~/live/join-code";
import { percent } from "~/reports/filters";
import { formatWhen } from "~/lib/dates";

const count = (n: number, one: string, many: string) => `${n.toLocaleString("en-GB")} ${n === 1 ? one : many}`;

/** A trainer's sessions: the ones running now, the last few that ended, and the way to start one. */
export function TrainerSection({ trainer }: { trainer: TrainerHome }) {
  const { running, recent } = trainer;
  const none = running.length + recent.length === 0;
  return (
    <section className="card home-role" aria-labelledby="home-trainer-heading">
      <h2 id="home-trainer-heading">Your live sessions</h2>
      {none ? <p>You haven't run a live session yet. Pick a module, get a join code, and everyone's screen follows yours.</p> : null}
      {running.length ? (
        <>
          <h3>Running now</h3>
          <ul className="home-list">
            {running.map((s) => (
              <li key={s.id}>
                <strong>{s.moduleTitle}</strong>
                {s.groupName ? ` · ${s.groupName}` : ""} · code <span className="join-code-inline">{formatJoinCode(s.code)}</span> · {count(s.participants, "person", "people")} joined{" "}
                <Link to={`/live/${s.code}/present`} aria-label={`Present ${s.moduleTitle}, code ${formatJoinCode(s.code)}`}>
                  Present
                </Link>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {recent.length ? (
        <>
          <h3>Recent</h3>
          <ul className="home-list">
            {recent.map((s) => (
              <li key={s.id}>
                {s.moduleTitle}
                {s.groupName ? ` · ${s.groupName}` : ""} <span className="muted">· {formatWhen(s.endedAt ?? s.createdAt)} · {s.attended} of {s.participants} attended</span>{" "}
                <Link to={`/reports/sessions/${s.id}`} aria-label={`Report of ${s.moduleTitle}, ${formatWhen(s.createdAt)}`}>
                  Report
                </Link>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <p className="button-row">
        <Link className="button" to="/live/new">
          Run a module live
        </Link>
        {none ? null : <Link to="/live">All your sessions</Link>}
      </p>
    </section>
  );
}

/** The headline of the groups a person reports on, with the people it counts and links into the reports. */
export function OrganiserSection({ organiser: o, groupNames }: { organiser: OrganiserHome; groupNames: string[] }) {
  const everything = o.reach === "everything";
  if (o.groupCount === 0) {
    return (
      <section className="card home-role" aria-labelledby="home-organiser-heading">
        <h2 id="home-organiser-heading">{everything ? "Across the movement" : "Your groups"}</h2>
        <p>
          {everything ? (
            <>
              There are no groups yet. <Link to="/admin/groups">Create the first group</Link>, then invite people into it.
            </>
          ) : (
            "You don't organise a group yet. An admin adds organisers to the groups they report on; once you're in yours, its figures appear here."
          )}
        </p>
      </section>
    );
  }
  return (
    <section className="card home-role" aria-labelledby="home-organiser-heading">
      <h2 id="home-organiser-heading">{everything ? "Across the movement" : "Your groups"}</h2>
      <p className="muted">
        Counting the {count(o.activists, "activist", "activists")} in{" "}
        {everything
          ? `all ${count(o.groupCount, "group", "groups")}`
          : groupNames.length && groupNames.length <= 3
            ? groupNames.join(", ")
            : `your ${count(o.groupCount, "group", "groups")}`}
        .
      </p>
      <dl className="stat-cards home-stats">
        <div className="stat-card">
          <dt>Trained (all {o.moduleCount} modules)</dt>
          <dd>
            {o.trained.toLocaleString("en-GB")} <span className="stat-card__note">{percent(o.trained, o.activists)}%</span>
          </dd>
        </div>
        <div className="stat-card">
          <dt>Completions this week</dt>
          <dd>{o.completionsThisWeek.toLocaleString("en-GB")}</dd>
        </div>
        <div className="stat-card">
          <dt>Target seats below {o.threshold}%</dt>
          <dd>
            {o.lagging.length}
            {o.moreLagging ? "+" : ""} <span className="stat-card__note">of {o.targetSeats}</span>
          </dd>
        </div>
      </dl>
      {o.lagging.length ? (
        <>
          <h3>Seats lagging</h3>
          <ul className="home-list">
            {o.lagging.map((g) => (
              <li key={g.id}>
                <Link to={`/reports/activists?group=${g.id}`}>{g.name}</Link> <span className="tag tag--warn">{g.rate ?? 0}% of modules done</span>
              </li>
            ))}
          </ul>
        </>
      ) : o.targetSeats ? (
        <p>Every target seat is at or above {o.threshold}% of modules done.</p>
      ) : null}
      <p className="button-row">
        <Link className="button" to="/reports">
          Open reports
        </Link>
        <Link to="/reports/activists">Who has done what</Link>
        {groupNames.length ? <Link to="/admin/invites/bulk">Invite people to your groups</Link> : null}
      </p>
    </section>
  );
}

/** What an admin still has to set up, each gap with the admin page that closes it. */
export function AdminSection({ gaps }: { gaps: SetupGaps }) {
  const { ungrouped, withoutOrganiser, pendingInvites } = gaps;
  const allSet = ungrouped.count + withoutOrganiser.count === 0;
  return (
    <section className="card home-role" aria-labelledby="home-admin-heading">
      <h2 id="home-admin-heading">Setting up</h2>
      {allSet ? <p>Everyone is in a group and every group has an organiser.</p> : null}
      <ul className="home-gaps">
        <li>
          <strong>{ungrouped.count ? count(ungrouped.count, "person without a group", "people without a group") : "Everyone is in a group"}</strong>
          {ungrouped.count ? (
            <>
              {": "}
              {ungrouped.sample.map((u, i) => (
                <span key={u.id}>
                  {i ? ", " : null}
                  <Link to={`/admin/users/${u.id}`} aria-label={`Add ${u.name} to a group`}>
                    {u.name}
                  </Link>
                </span>
              ))}
              {ungrouped.count > ungrouped.sample.length ? ", …" : null} <Link to="/admin/users">All users</Link>
            </>
          ) : null}
        </li>
        <li>
          <strong>{withoutOrganiser.count ? count(withoutOrganiser.count, "group without an organiser", "groups without an organiser") : "Every group has an organiser"}</strong>
          {withoutOrganiser.count ? (
            <>
              {": "}
              {withoutOrganiser.sample.map((g) => g.name).join(", ")}
              {withoutOrganiser.count > withoutOrganiser.sample.length ? ", …" : null} <Link to="/admin/invites">Invite an organiser</Link>
            </>
          ) : null}
        </li>
        <li>
          <strong>{pendingInvites ? count(pendingInvites, "invite link not used yet", "invite links not used yet") : "No invite links waiting"}</strong>{" "}
          <Link to="/admin/invites">{pendingInvites ? "See invites" : "Invite people"}</Link>
        </li>
      </ul>
      <p className="button-row">
        <Link className="button" to="/admin/invites">
          Invite people
        </Link>
        <Link className="button button--secondary" to="/admin/users">
          Users
        </Link>
        <Link className="button button--secondary" to="/admin/groups">
          Groups
        </Link>
      </p>
    </section>
  );
}
