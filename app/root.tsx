import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Links, Meta, Outlet, Scripts, ScrollRestoration, useRouteLoaderData } from "@remix-run/react";
import { optionalUser } from "./auth/guard.server";
import { AppShell } from "./components/app-shell";
import { GeneralErrorBoundary } from "./components/error-boundary";
import { shellFor } from "./components/nav.server";
import { useNonce } from "./components/nonce";
import { OfflineSupport } from "./components/offline";
import styles from "./styles/app.css?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "icon", href: "/favicon.ico" },
];

export const meta: MetaFunction = () => [
  { title: "Doorstep" },
  { name: "description", content: "Learn to hold conversations that change minds." },
];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const current = await optionalUser({ request, context });
  return { user: current?.user ?? null, shell: current ? shellFor(current.user.role) : null };
}

export function Layout({ children }: { children: React.ReactNode }) {
  const nonce = useNonce();
  return (
    <html lang="en-GB">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="theme-color" content="#1d4e89" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return (
    <AppShell>
      <OfflineSupport />
      <Outlet />
    </AppShell>
  );
}

export function ErrorBoundary() {
  // The shell stays even when a page fails, so people can navigate away.
  return (
    <AppShell>
      <GeneralErrorBoundary />
    </AppShell>
  );
}

export function useOptionalUser() {
  return useRouteLoaderData<typeof loader>("root")?.user ?? null;
}
