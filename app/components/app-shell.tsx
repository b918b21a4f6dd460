import { Form, Link, NavLink, useLocation, useRouteLoaderData } from "@remix-run/react";
import { useEffect, useRef } from "react";
import type { UserRole } from "../../db/schema";
import { may, ROLES } from "~/auth/policy";
import { HomeIcon, MenuIcon } from "./icons";
import { clearOfflineData } from "./offline";

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
  { to: "/field", label: "Field", roles: ROLES.logShifts },
  { to: "/live", label: "Live", roles: ROLES.runLive },
  { to: "/reports", label: "Reports", roles: ROLES.seeReports },
  // Trainers only have reports of their own live sessions.
  { to: "/reports/sessions", label: "Reports", roles: ROLES.seeSessionReports.filter((role) => !may.seeReports(role)) },
  { to: "/admin", label: "Admin", roles: ROLES.administer },
  // Organisers onboard their own groups: the invites pages, without the rest of admin.
  { to: "/admin/invites", label: "Invite", roles: ROLES.invite.filter((role) => !may.administer(role)) },
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
  const items = user ? NAV_ITEMS.filter((item) => item.roles.includes(user.role)) : [];
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <div className="site-header__inner">
          <Link to="/" className="brand" aria-label="Doorstep home">
            <HomeIcon className="brand__mark" /> Doorstep
          </Link>
          {user ? (
            <>
              {/* Wide screens: the nav inline. Phones: the same items behind a Menu
                  button (site-menu). CSS shows one of the two, so one "Main" nav is
                  ever in the accessibility tree. */}
              <nav aria-label="Main" className="main-nav main-nav--inline">
                <NavList items={items} />
              </nav>
              <div className="site-header__user site-header__user--inline">
                <UserBlock user={user} />
              </div>
              <SiteMenu items={items} user={user} />
            </>
          ) : (
            <div className="site-header__user">
              <Link to="/login" className="button button--quiet">
                Sign in
              </Link>
            </div>
          )}
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

function NavList({ items }: { items: NavItem[] }) {
  return (
    <ul>
      {items.map((item) => (
        <li key={item.to}>
          <NavLink to={item.to} end={item.to === "/"}>
            {item.label}
          </NavLink>
        </li>
      ))}
    </ul>
  );
}

function UserBlock({ user }: { user: ShellUser }) {
  return (
    <>
      <span className="whoami">
        {/* Truncated when long; the title carries the whole name (so does /account). */}
        <span className="whoami__name" title={user.name}>
          {user.name}
        </span>{" "}
        <span className="role-badge">{ROLE_LABEL[user.role]}</span>
      </span>
      <Form method="post" action="/logout" onSubmit={clearOfflineData}>
        <button type="submit" className="button button--quiet">
          Sign out
        </button>
      </Form>
    </>
  );
}

/**
 * The phone menu: a <details> disclosure, so it opens and closes without JavaScript
 * (Enter or Space on the summary). With JavaScript, Escape closes it and puts focus back
 * on the button, and it closes after a client-side navigation (the shell stays mounted).
 */
function SiteMenu({ items, user }: { items: NavItem[]; user: ShellUser }) {
  const menu = useRef<HTMLDetailsElement>(null);
  const location = useLocation();
  useEffect(() => {
    if (menu.current) menu.current.open = false;
  }, [location.key]);
  useEffect(() => {
    const details = menu.current;
    if (!details) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape" || !details.open) return;
      details.open = false;
      details.querySelector("summary")?.focus();
    };
    // A tap outside the open menu closes it, as it would a native menu.
    const onPointer = (event: PointerEvent) => {
      if (details.open && event.target instanceof Node && !details.contains(event.target)) details.open = false;
    };
    details.addEventListener("keydown", onKey);
    document.addEventListener("pointerdown", onPointer);
    return () => {
      details.removeEventListener("keydown", onKey);
      document.removeEventListener("pointerdown", onPointer);
    };
  }, []);
  return (
    <details className="site-menu" ref={menu}>
      <summary className="site-menu__button">
        <MenuIcon /> Menu
      </summary>
      <div className="site-menu__panel">
        <nav aria-label="Main" className="main-nav main-nav--menu">
          <NavList items={items} />
        </nav>
        <div className="site-header__user site-menu__user">
          <UserBlock user={user} />
        </div>
      </div>
    </details>
  );
}
