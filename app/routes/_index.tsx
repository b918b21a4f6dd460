import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { optionalUser } from "~/auth/guard.server";
import { may, reportReach } from "~/auth/policy";
import { LearnerSection } from "~/components/home/learner-home";
import { AdminSection, OrganiserSection, TrainerSection } from "~/components/home/role-sections";
import { homeView, type HomeView } from "~/home/home.server";
import { UpcomingSessions } from "~/components/upcoming-sessions";
import { listUpcoming } from "~/live/scheduled.server";

export const meta: MetaFunction = () => [{ title: "Doorstep" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const current = await optionalUser({ request, context });
  if (!current) return { user: null, home: null };
  const [home, upcoming] = await Promise.all([homeView(current.user), listUpcoming(current.user, "mine")]);
  return { user: { name: current.user.name, role: current.user.role }, home, upcoming };
}

export default function Home() {
  const loaded = useLoaderData<typeof loader>();
  const { user, home } = loaded;
  const upcoming = ("upcoming" in loaded ? loaded.upcoming : undefined) ?? [];
  const [params] = useSearchParams();
  if (!user || !home) return <Landing />;
  const firstName = user.name.split(" ")[0];
  const ownTraining = home.sections.length > 0;
  return (
    <div className="home">
      {params.get("welcome") ? (
        <div className="alert alert--success" role="status">
          Welcome to Doorstep, {firstName}! Your account is ready.
        </div>
      ) : params.get("password-reset") ? (
        <div className="alert alert--success" role="status">
          Your new password is saved and you are signed in. Other devices signed in as you were signed out.
        </div>
      ) : null}
      <h1>Hello, {firstName}</h1>
      <GroupLine groups={home.groups} role={user.role} />
      {upcoming.length ? <UpcomingSessions sessions={upcoming} headingLevel="h2" /> : null}
      {home.sections.map((section) => (
        <RoleSection key={section} section={section} home={home} />
      ))}
      {ownTraining ? (
        <section aria-labelledby="home-own-heading" className="home-own">
          <h2 id="home-own-heading">Your own training</h2>
          <LearnerSection learner={home.learner} headingLevel="h3" />
        </section>
      ) : (
        <LearnerSection learner={home.learner} headingLevel="h2" />
      )}
    </div>
  );
}

function RoleSection({ section, home }: { section: HomeView["sections"][number]; home: HomeView }) {
  if (section === "admin" && home.admin) return <AdminSection gaps={home.admin} />;
  if (section === "organiser" && home.organiser) return <OrganiserSection organiser={home.organiser} groupNames={home.groups.map((g) => g.name)} />;
  if (section === "trainer" && home.trainer) return <TrainerSection trainer={home.trainer} />;
  return null;
}

function GroupLine({ groups, role }: { groups: HomeView["groups"]; role: string }) {
  if (groups.length) return <p className="muted">You're part of {groups.map((g) => g.name).join(", ")}.</p>;
  // Admins see every group without being in one: nobody needs to add them anywhere.
  if (may.administer(role)) return <p className="muted">As an admin you see every group, without being a member of one.</p>;
  if (reportReach(role) === "own groups") return <p className="muted">You're not in a group yet: an admin adds you to the groups you organise.</p>;
  return <p className="muted">You're not in a group yet. An admin can add you to your branch or constituency.</p>;
}

function Landing() {
  return (
    <div className="stack">
      <h1>Conversations that change minds</h1>
      <p className="lede">
        Doorstep trains volunteers to hold good doorstep and community conversations: listen first, ask open questions, share a
        personal story, ask for a commitment, follow up.
      </p>
      <div className="grid grid--3">
        <section className="card">
          <h2>Activists</h2>
          <p>Short modules on your phone, role-plays with a resident who answers back, and quizzes that explain.</p>
        </section>
        <section className="card">
          <h2>Trainers</h2>
          <p>Run a module live with a join code: everyone's screen follows yours.</p>
        </section>
        <section className="card">
          <h2>Organisers</h2>
          <p>See who is trained in each branch, constituency and target seat.</p>
        </section>
      </div>
      <p>
        <Link className="button" to="/login">
          Sign in
        </Link>
      </p>
      <p className="muted">No account yet? Ask your organiser for an invite link.</p>
    </div>
  );
}
