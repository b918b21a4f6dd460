import { Form, Link, NavLink, useLocation, useRouteLoaderData } from "@remix-run/react";
import { useEffect, useRef } from "react";
import type { NavItem, Shell } from "./nav.server";
import { HomeIcon, MenuIcon } from "./icons";
import { clearOfflineData } from "./offline";

interface ShellUser {
  name: string;
}

export function AppShell({ children }: { children: React.ReactNode }) {
  // The navigation and role badge come worked out for the user's role by the root loader (./nav.server.ts).
  const data = useRouteLoaderData("root") as { user: ShellUser | null; shell: Shell | null } | undefined;
  const user = data?.user ?? null;
  const shell = data?.shell ?? null;
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
          {user && shell ? (
            <>
              {/* Wide screens: the nav inline. Phones: the same items behind a Menu
                  button (site-menu). CSS shows one of the two, so one "Main" nav is
                  ever in the accessibility tree. */}
              <nav aria-label="Main" className="main-nav main-nav--inline">
                <NavList items={shell.nav} />
              </nav>
              <div className="site-header__user site-header__user--inline">
                <UserBlock user={user} roleLabel={shell.roleLabel} />
              </div>
              <SiteMenu items={shell.nav} user={user} roleLabel={shell.roleLabel} />
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

function UserBlock({ user, roleLabel }: { user: ShellUser; roleLabel: string }) {
  return (
    <>
      <span className="whoami">
        {/* Truncated when long; the title carries the whole name (so does /account). */}
        <span className="whoami__name" title={user.name}>
          {user.name}
        </span>{" "}
        <span className="role-badge">{roleLabel}</span>
      </span>
      {/* A full page load, not a client-side submission: that one first fetches the logout
          route's script, which the offline worker serves while sign-out is emptying its cache;
          when that fetch failed, Remix reloaded the module page, still signed in. */}
      <Form method="post" action="/logout" reloadDocument onSubmit={clearOfflineData}>
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
function SiteMenu({ items, user, roleLabel }: { items: NavItem[]; user: ShellUser; roleLabel: string }) {
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
          <UserBlock user={user} roleLabel={roleLabel} />
        </div>
      </div>
    </details>
  );
}
