import { Form, Link, NavLink, useRouteLoaderData } from "@remix-run/react";
import type { UserRole } from "../../db/schema";
import { may, ROLES } from "~/auth/policy";

interface ShellUser {
  name: string;
  role: UserRole;
}

interface NavItem {
  to: string;
  label: string;
  roles: readonly UserRole[];
}

// Only pages that exist are listed; each feature adds its own entry here.
export const NAV_ITEMS: NavItem[] = [
  { to: "/", label: "Home", roles: ROLES.everyone },
  { to: "/modules", label: "Modules", roles: ROLES.everyone },
  { to: "/me", label: "My record", roles: ROLES.everyone },
  { to: "/join", label: "Join", roles: ROLES.everyone },
  { to: "/live", label: "Live", roles: ROLES.runLive },
  { to: "/reports", label: "Reports", roles: ROLES.seeReports },
  // Trainers only have reports of their own live sessions.
  { to: "/reports/sessions", label: "Reports", roles: ROLES.seeSessionReports.filter((role) => !may.seeReports(role)) },
  { to: "/admin", label: "Admin", roles: ROLES.administer },
  { to: "/account", label: "Account", roles: ROLES.everyone },
];

export const ROLE_LABEL: Record<UserRole, string> = {
  activist: "Activist",
  trainer: "Trainer",
  organiser: "Organiser",
  admin: "Admin",
};

export function AppShell({ children }: { children: React.ReactNode }) {
  const data = useRouteLoaderData("root") as { user: ShellUser | null } | undefined;
  const user = data?.user ?? null;
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <div className="site-header__inner">
          <Link to="/" className="brand" aria-label="Doorstep home">
            <span aria-hidden="true" className="brand__mark">
              ⌂
            </span>{" "}
            Doorstep
          </Link>
          {user ? (
            <nav aria-label="Main" className="main-nav">
              <ul>
                {NAV_ITEMS.filter((item) => item.roles.includes(user.role)).map((item) => (
                  <li key={item.to}>
                    <NavLink to={item.to} end={item.to === "/"}>
                      {item.label}
                    </NavLink>
                  </li>
                ))}
              </ul>
            </nav>
          ) : null}
          <div className="site-header__user">
            {user ? (
              <>
                <span className="whoami">
                  {user.name} <span className="role-badge">{ROLE_LABEL[user.role]}</span>
                </span>
                <Form method="post" action="/logout">
                  <button type="submit" className="button button--quiet">
                    Sign out
                  </button>
                </Form>
              </>
            ) : (
              <Link to="/login" className="button button--quiet">
                Sign in
              </Link>
            )}
          </div>
        </div>
      </header>
      <main id="main" className="page" tabIndex={-1}>
        {children}
      </main>
      <footer className="site-footer">
        <p>Doorstep — practise the conversations that change minds.</p>
      </footer>
    </>
  );
}
