import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { optionalUser } from "~/auth/guard.server";
import { may } from "~/auth/policy";
import { groupsOfUser } from "~/groups/groups.server";

export const meta: MetaFunction = () => [{ title: "Doorstep" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const current = await optionalUser({ request, context });
  if (!current) return { user: null, groups: [] };
  const groups = await groupsOfUser(current.user.id);
  return { user: current.user, groups: groups.map((g) => ({ id: g.id, name: g.name })) };
}

export default function Home() {
  const { user, groups } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  if (!user) return <Landing />;
  const firstName = user.name.split(" ")[0];
  return (
    <>
      {params.get("welcome") ? (
        <div className="alert alert--success" role="status">
          Welcome to Doorstep, {firstName}! Your account is ready.
        </div>
      ) : null}
      <h1>Hello, {firstName}</h1>
      {groups.length ? (
        <p className="muted">
          You're part of {groups.map((g) => g.name).join(", ")}.
        </p>
      ) : (
        <p className="muted">You're not in a group yet. An admin can add you to your branch or constituency.</p>
      )}
      <div className="grid grid--2">
        {may.administer(user.role) ? (
          <section className="card">
            <h2>Run this Doorstep</h2>
            <p>Create groups, invite people with a link, and set who is a trainer or organiser.</p>
            <div className="button-row">
              <Link className="button" to="/admin/invites">
                Invite people
              </Link>
              <Link className="button button--secondary" to="/admin/users">
                Users
              </Link>
              <Link className="button button--secondary" to="/admin/groups">
                Groups
              </Link>
            </div>
          </section>
        ) : null}
        <section className="card">
          <h2>Your account</h2>
          <p>See where you're signed in and sign out of other devices.</p>
          <Link className="button button--secondary" to="/account">
            Account and devices
          </Link>
        </section>
      </div>
    </>
  );
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
