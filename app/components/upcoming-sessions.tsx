import { Link } from "@remix-run/react";

interface Upcoming {
  id: string;
  moduleTitle: string;
  groupName: string;
  whenLabel: string;
  startsAt: string;
  myAnswer: boolean | null;
  yes: number;
}

/** Live sessions scheduled ahead, soonest first: each links to its page (details, reply, start). */
export function UpcomingSessions({ sessions, headingLevel }: { sessions: Upcoming[]; headingLevel: "h2" | "h3" }) {
  const Heading = headingLevel;
  return (
    <section aria-labelledby="upcoming-heading">
      <Heading id="upcoming-heading">Upcoming live sessions</Heading>
      <ul className="upcoming-list">
        {sessions.map((s) => (
          <li key={s.id}>
            <Link to={`/live/scheduled/${s.id}`}>
              {s.moduleTitle}, <time dateTime={s.startsAt}>{s.whenLabel}</time>
            </Link>{" "}
            <span className="muted">
              ({s.groupName}; {s.yes} coming{s.myAnswer === true ? ", you too" : s.myAnswer === false ? ", not you" : ""})
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
